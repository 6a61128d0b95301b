"""A real, unmodified nextcord client runs against the fake Discord."""

import asyncio
import json
from typing import Any

import aiohttp
import nextcord
import pytest

from tests.fakes.discord import (
    CallbackType,
    FakeDiscord,
    FakeGuild,
    FakeUser,
    MessageKind,
    UnregisteredCommandError,
)
from tests.integration.discord_fake.conftest import eventually, start_client, stop_client
from tests.integration.discord_fake.jukebox import JukeboxBot


def raw_dispatches(bot: JukeboxBot, event: str) -> list[dict[str, Any]]:
    frames = [json.loads(raw) for raw in bot.raw_events]
    return [frame["d"] for frame in frames if frame.get("t") == event]


async def test_login_fills_nextcord_cache_from_ready_and_guild_create(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser, jukebox: JukeboxBot
) -> None:
    cached = jukebox.get_guild(guild.id)

    assert jukebox.user is not None
    assert jukebox.user.id == discord.bot.id
    assert cached is not None
    assert cached.name == "Guild One"
    assert {(c.name, c.type) for c in cached.channels} == {
        ("general", nextcord.ChannelType.text),
        ("General", nextcord.ChannelType.voice),
    }
    member = cached.get_member(alice.id)
    assert member is not None
    assert member.name == "Alice"
    assert [role.name for role in member.roles] == ["@everyone", "DJ"]
    assert discord.gateway.handshakes[0].zlib_stream


async def test_a_wrong_token_is_refused_by_rest_and_gateway(discord: FakeDiscord) -> None:
    client = nextcord.Client()
    with pytest.raises(nextcord.LoginFailure):
        await client.login("not-the-token")
    await client.close()

    async with aiohttp.ClientSession() as session, session.ws_connect(discord.gateway_url) as ws:
        hello = await ws.receive_json()
        await ws.send_json({"op": 2, "d": {"token": "not-the-token", "intents": 0}})
        closing = await ws.receive()
    assert hello["op"] == 10
    assert closing.type is aiohttp.WSMsgType.CLOSE
    assert closing.data == 4004


async def test_slash_commands_are_registered_with_their_options(
    discord: FakeDiscord, jukebox: JukeboxBot
) -> None:
    registered = {command["name"]: command for command in discord.registered_commands()}

    assert set(registered) == {"play", "search", "controls", "queue"}
    (query,) = registered["play"]["options"]
    assert (query["name"], query["type"], query["required"], query["autocomplete"]) == (
        "query",
        3,
        True,
        True,
    )
    (remove,) = registered["queue"]["options"]
    assert (remove["name"], remove["type"]) == ("remove", 1)
    assert remove["options"][0]["name"] == "index"


async def test_alice_runs_play_and_gets_an_ephemeral_reply(
    guild: FakeGuild, alice: FakeUser, jukebox: JukeboxBot
) -> None:
    reply = await alice.run_slash(guild, "play", query="foo")

    assert reply.callback.type is CallbackType.CHANNEL_MESSAGE_WITH_SOURCE
    assert reply.content == "Queued foo"
    assert reply.ephemeral


async def test_subcommand_options_reach_the_bot_typed(
    guild: FakeGuild, alice: FakeUser, jukebox: JukeboxBot
) -> None:
    reply = await alice.run_slash(guild, "queue remove", index=3)

    assert reply.content == "Removed #3"
    assert not reply.ephemeral


async def test_deferred_reply_is_filled_by_followups_and_an_edit(
    guild: FakeGuild, alice: FakeUser, jukebox: JukeboxBot
) -> None:
    reply = await alice.run_slash(guild, "search", query="jazz")

    assert reply.deferred
    assert reply.ephemeral
    tip = await reply.wait_for_followup(1)
    final = await reply.wait_for_edit(2)
    assert reply.followups[0] is final  # the first follow-up after a deferral fills it in
    assert (tip.kind, tip.content) == (MessageKind.FOLLOWUP, "Tip: use /play")
    assert final.content == "Results for jazz"
    assert not final.loading


async def test_button_click_and_select_menu_reach_the_view(
    guild: FakeGuild, alice: FakeUser, jukebox: JukeboxBot
) -> None:
    controls = await alice.run_slash(guild, "controls")
    assert controls.embeds[0]["title"] == "Now playing"
    assert controls.message.custom_ids == ["skip", "loop"]

    skipped = await alice.click(controls.message, "skip")
    looped = await alice.select(controls.message, "loop", ["track"])

    assert skipped.callback.type is CallbackType.UPDATE_MESSAGE
    assert controls.message.content == "Skipped"
    assert (looped.content, looped.ephemeral) == ("Loop: track", True)
    with pytest.raises(AssertionError, match="no 'pause'"):
        await alice.click(controls.message, "pause")


async def test_autocomplete_returns_the_bots_choices(
    guild: FakeGuild, alice: FakeUser, jukebox: JukeboxBot
) -> None:
    typing = await alice.autocomplete(guild, "play", "query", "lofi")

    assert [choice["name"] for choice in typing.choices] == ["lofi (live)", "lofi (remix)"]


async def test_only_registered_commands_can_be_run(
    guild: FakeGuild, alice: FakeUser, jukebox: JukeboxBot
) -> None:
    with pytest.raises(UnregisteredCommandError, match="/stop is not registered"):
        alice.start_slash(guild, "stop")
    with pytest.raises(UnregisteredCommandError, match="no option 'volume'"):
        alice.start_slash(guild, "play", query="a", volume=3)


async def test_bot_joining_voice_is_recorded_and_answered_with_a_voice_server(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser, jukebox: JukeboxBot
) -> None:
    cached = jukebox.get_guild(guild.id)
    assert cached is not None
    voice = cached.get_channel(guild.voice_channel.id)
    assert isinstance(voice, nextcord.VoiceChannel)

    await cached.change_voice_state(channel=voice)
    request = await discord.wait_for_voice_request(guild.id, voice.id)
    await alice.join_voice(guild.voice_channel)

    assert (request.guild_id, request.channel_id, request.self_deaf) == (guild.id, voice.id, False)
    await eventually(
        lambda: len(voice.members) == 2 and bool(raw_dispatches(jukebox, "VOICE_SERVER_UPDATE"))
    )
    (server,) = raw_dispatches(jukebox, "VOICE_SERVER_UPDATE")
    assert server["guild_id"] == str(guild.id)
    assert server["token"]
    assert server["endpoint"]
    assert {member.id for member in voice.members} == {discord.bot.id, alice.id}
    assert guild.bot_voice_channel_id() == voice.id


async def test_bot_resumes_after_the_gateway_drops_and_gets_missed_events(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser, jukebox: JukeboxBot
) -> None:
    discord.drop_gateway()
    await alice.join_voice(guild.voice_channel)  # happens while the bot is away

    await asyncio.wait_for(jukebox.resumed.wait(), 5.0)
    cached = jukebox.get_guild(guild.id)
    member = cached.get_member(alice.id) if cached else None
    assert member is not None
    assert member.voice is not None
    assert member.voice.channel is not None
    assert member.voice.channel.id == guild.voice_channel.id
    resume = discord.gateway.handshakes[-1]
    assert (resume.op.name, resume.path) == ("RESUME", "/gateway-resume")


async def test_an_invalidated_session_makes_the_bot_identify_again(
    discord: FakeDiscord, jukebox: JukeboxBot
) -> None:
    first_session = discord.gateway.live_sessions[0]

    discord.invalidate_sessions()
    await discord.wait_for_sessions(1)

    (second_session,) = discord.gateway.live_sessions
    assert second_session is not first_session
    assert [h.op.name for h in discord.gateway.handshakes] == ["IDENTIFY", "IDENTIFY"]


async def test_a_guild_added_while_the_bot_is_online_arrives_as_guild_create(
    discord: FakeDiscord, jukebox: JukeboxBot
) -> None:
    joined = discord.add_guild(5 << 22, name="New Guild")
    newcomer = joined.add_member(200, "Bob")

    await eventually(lambda: jukebox.get_guild(joined.id) is not None)
    cached = jukebox.get_guild(joined.id)
    assert cached is not None
    assert cached.name == "New Guild"
    await eventually(lambda: cached.get_member(newcomer.id) is not None)


async def test_a_user_message_reaches_the_bot(
    guild: FakeGuild, alice: FakeUser, jukebox: JukeboxBot
) -> None:
    said = await alice.say(guild.text_channel, "hello bot")

    await eventually(lambda: bool(raw_dispatches(jukebox, "MESSAGE_CREATE")))
    (created,) = raw_dispatches(jukebox, "MESSAGE_CREATE")
    assert (created["id"], created["author"]["id"]) == (str(said.id), str(alice.id))


async def test_auto_sharded_client_sees_only_the_guilds_of_each_shard(discord: FakeDiscord) -> None:
    on_shard_0 = discord.add_guild(2 << 22, name="Even")
    on_shard_1 = discord.add_guild(3 << 22, name="Odd")
    client = ShardedJukebox(shard_count=2, guild_ready_timeout=0.05)

    running = await start_client(client)
    try:
        sessions = {s.shard_id: s for s in discord.gateway.live_sessions}
        seen = {
            shard: [d["name"] for e, d in session.dispatched if e == "GUILD_CREATE"]
            for shard, session in sessions.items()
        }
        assert seen == {0: ["Even"], 1: ["Odd"]}
        assert [
            g.shard_id
            for g in (client.get_guild(on_shard_0.id), client.get_guild(on_shard_1.id))
            if g
        ] == [0, 1]
    finally:
        await stop_client(client, running)


async def test_bot_channel_messages_are_recorded_and_a_429_is_retried(
    discord: FakeDiscord, guild: FakeGuild, jukebox: JukeboxBot
) -> None:
    channel = jukebox.get_channel(guild.text_channel.id)
    assert isinstance(channel, nextcord.TextChannel)
    discord.rate_limits.force_429("/messages", retry_after=0.05)

    sent = await channel.send("Now playing: Song")
    await sent.edit(content="Now playing: Other song")

    recorded = await discord.wait_for_message(guild.text_channel)
    assert (recorded.id, recorded.content) == (sent.id, "Now playing: Other song")
    assert len(recorded.edits) == 1
    assert discord.rate_limits.answered_429 != []


class ShardedJukebox(nextcord.AutoShardedClient):
    """An auto-sharded client without nextcord's 5 s pause between shard IDENTIFYs."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """The stand-in has no identify rate limit."""
