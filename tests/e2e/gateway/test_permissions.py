"""Who may do what: share the bot's voice channel; DJs for destructive actions; vote-skip."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.gateway.journeys import bot_joined, play, queue_titles, run

if TYPE_CHECKING:
    from tests.e2e.gateway.system import System
    from tests.fakes.discord import FakeDiscord, FakeGuild, FakeUser

pytestmark = pytest.mark.e2e
PAPER, GLASS, NEON = 2, 3, 4


def _dj_role_id(guild: FakeGuild) -> int:
    return next(role.id for role in guild.state.roles.values() if role.name == "DJ")


async def test_a_user_outside_the_bots_voice_channel_is_refused(
    guild: FakeGuild, alice: FakeUser, bob: FakeUser, system: System
) -> None:
    await alice.join_voice()
    await play(alice, guild, PAPER)
    await bot_joined(guild)
    elsewhere = guild.add_voice_channel("Lounge")

    not_in_voice = await bob.run_slash(guild, "pause")
    await bob.join_voice(elsewhere)
    other_channel = await bob.run_slash(guild, "skip")

    assert not_in_voice.ephemeral
    assert not_in_voice.content == "Join a voice channel first, then ask again."
    assert other_channel.ephemeral
    assert other_channel.content == (
        f"I am playing in <#{guild.voice_channel.id}>; join it to control the music."
    )
    assert await queue_titles(system, guild) == ("Paper Boats", [])


async def test_a_user_elsewhere_is_refused_while_discord_has_not_yet_moved_the_bot_in(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser, bob: FakeUser, system: System
) -> None:
    discord.gateway.voice.hold_answers()  # Discord is slow to answer the bot's join
    await alice.join_voice()
    await play(alice, guild, PAPER)
    await discord.wait_for_voice_request(guild.id, guild.voice_channel.id)
    elsewhere = guild.add_voice_channel("Lounge")
    await bob.join_voice(elsewhere)

    skipped_from_elsewhere = await bob.run_slash(guild, "skip")
    discord.gateway.voice.release_answers()
    await bot_joined(guild)

    assert guild.bot_voice_channel_id() == guild.voice_channel.id
    assert skipped_from_elsewhere.ephemeral
    assert skipped_from_elsewhere.content == (
        f"I am playing in <#{guild.voice_channel.id}>; join it to control the music."
    )
    assert await queue_titles(system, guild) == ("Paper Boats", [])


async def test_only_an_admin_sets_the_dj_role_and_then_a_non_dj_cannot_clear_or_stop(
    guild: FakeGuild, alice: FakeUser, dana: FakeUser, ada: FakeUser, system: System
) -> None:
    for member in (alice, dana):
        await member.join_voice()
    await play(alice, guild, PAPER, GLASS, NEON)
    role = _dj_role_id(guild)

    refused_set = await alice.run_slash(guild, "dj set", role=role)
    accepted_set = await ada.run_slash(guild, "dj set", role=role)
    refused_clear = await alice.run_slash(guild, "clear")
    refused_stop = await alice.run_slash(guild, "stop")

    assert refused_set.content == "Only members with the **Manage Server** permission can do that."
    assert accepted_set.content == f"🎧 DJ role: <@&{role}>."
    assert refused_clear.ephemeral
    assert refused_clear.content == f"Only DJs (<@&{role}>) can clear the queue."
    assert refused_stop.content == f"Only DJs (<@&{role}>) can stop the music."
    assert await run(dana, guild, "clear") == "🧹 Cleared the queue."
    assert await queue_titles(system, guild) == ("Paper Boats", [])


async def test_without_a_dj_listeners_vote_to_skip_someone_elses_track(
    guild: FakeGuild, alice: FakeUser, bob: FakeUser, system: System
) -> None:
    carl = guild.add_member(104, "Carl")
    for member in (alice, bob, carl):
        await member.join_voice()
    await play(alice, guild, PAPER, GLASS)

    first = await run(bob, guild, "skip")
    again = await run(bob, guild, "skip")
    second = await run(carl, guild, "skip")

    assert first == "🗳️ Vote to skip **Paper Boats**: 1/2."
    assert again == "🗳️ Vote to skip **Paper Boats**: 1/2."
    assert second == "⏭️ Skipped **Paper Boats**."
    assert await queue_titles(system, guild) == ("Glass Harbour", [])


async def test_a_non_dj_cannot_skip_others_while_a_dj_listens_but_skips_their_own(
    guild: FakeGuild, alice: FakeUser, bob: FakeUser, dana: FakeUser, ada: FakeUser, system: System
) -> None:
    for member in (alice, bob, dana):
        await member.join_voice()
    await ada.run_slash(guild, "dj set", role=_dj_role_id(guild))
    await play(alice, guild, PAPER)
    await play(bob, guild, GLASS)

    refused = await bob.run_slash(guild, "skip")
    refused_remove = await bob.run_slash(guild, "remove", position=1)

    assert refused.ephemeral
    assert "Only DJs" in refused.content
    assert "while a DJ is listening" in refused.content
    assert refused_remove.content.startswith("🗑️ Removed **Glass Harbour**")
    assert await run(alice, guild, "skip") == "⏭️ Skipped **Paper Boats**."
