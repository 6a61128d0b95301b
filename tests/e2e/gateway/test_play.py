"""/play end to end: a link, a playlist, a search with its menu, and the replies when it fails."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from reprise.application.voice_messages import VoiceServerForwarded, VoiceStateForwarded
from tests.e2e.gateway.journeys import bot_joined, eventually, panel_of, queue_titles

if TYPE_CHECKING:
    from tests.e2e.gateway.system import System
    from tests.fakes.discord import FakeDiscord, FakeGuild, FakeUser

pytestmark = pytest.mark.e2e

PAPER_BOATS = "https://www.youtube.com/watch?v=reprise0002"
NEON_RAIN = "https://www.youtube.com/watch?v=reprise0004"
LATE_NIGHT = "https://www.youtube.com/playlist?list=PLreprise-late-night"


async def test_play_from_a_url_joins_voice_queues_and_shows_the_panel(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser, system: System
) -> None:
    await alice.join_voice()

    reply = await alice.run_slash(guild, "play", query=PAPER_BOATS)

    final = await reply.wait_for_followup(0)
    assert "Queued **Paper Boats** by Mira Halden (3:07)" in final.content
    request = await discord.wait_for_voice_request(guild.id, guild.voice_channel.id)
    assert request.self_deaf
    await bot_joined(guild)
    await eventually(lambda: _forwarded_kinds(system) >= {"state", "server"})
    server = next(m for m in system.audio.forwarded if isinstance(m, VoiceServerForwarded))
    assert server.channel_id == guild.voice_channel.id
    panel = await panel_of(discord, guild, "Paper Boats")
    assert panel.custom_ids[:2] == ["panel:pause", "panel:skip"]


async def test_a_second_play_queues_after_the_first(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser, system: System
) -> None:
    await alice.join_voice()
    await (await alice.run_slash(guild, "play", query=PAPER_BOATS)).wait_for_followup(0)

    second = await alice.run_slash(guild, "play", query=NEON_RAIN)

    assert "Queued **Neon Rain**" in (await second.wait_for_followup(0)).content
    assert await queue_titles(system, guild) == ("Paper Boats", ["Neon Rain"])


async def test_a_playlist_queues_every_track_and_next_puts_a_track_first(
    guild: FakeGuild, alice: FakeUser, system: System
) -> None:
    await alice.join_voice()
    playlist = await alice.run_slash(guild, "play", query=LATE_NIGHT)
    assert (
        "Queued 5 tracks from **Late Night Drive**" in (await playlist.wait_for_followup(0)).content
    )

    jump = await alice.run_slash(guild, "play", {"next": True}, query=PAPER_BOATS)

    assert "to play next" in (await jump.wait_for_followup(0)).content
    current, upcoming = await queue_titles(system, guild)
    assert current == "Neon Rain"
    assert upcoming[:2] == ["Paper Boats", "Midnight Transit"]


async def test_a_search_offers_the_top_results_and_queues_the_pick(
    guild: FakeGuild, alice: FakeUser, system: System
) -> None:
    await alice.join_voice()

    search = await alice.run_slash(guild, "play", query="mira halden")

    menu = await search.wait_for_followup(0)
    (picker,) = [
        c for c in menu.iter_components() if str(c.get("custom_id", "")).startswith("pick:")
    ]
    labels = [option["label"] for option in picker["options"]]
    assert labels == ["Paper Boats", "Glass Harbour"]
    picked = await alice.select(menu, str(picker["custom_id"]), ["1"])
    await eventually(lambda: "Queued **Glass Harbour**" in picked.message.content)
    assert await queue_titles(system, guild) == ("Glass Harbour", [])


async def test_an_invalid_url_and_a_search_without_results_get_clear_replies(
    guild: FakeGuild, alice: FakeUser, system: System
) -> None:
    await alice.join_voice()

    broken = await alice.run_slash(
        guild, "play", query="https://www.youtube.com/watch?v=reprise-gone"
    )
    nothing = await alice.run_slash(guild, "play", query="zzzz no such song")

    broken_text = (await broken.wait_for_followup(0)).content
    assert "could not play that link" in broken_text
    assert "This video is unavailable" in broken_text
    assert "No results for “zzzz no such song”" in (await nothing.wait_for_followup(0)).content
    assert broken.ephemeral
    assert nothing.ephemeral
    assert await queue_titles(system, guild) == (None, [])


async def test_a_user_not_in_voice_is_asked_to_join_first(
    guild: FakeGuild, alice: FakeUser, system: System
) -> None:
    reply = await alice.run_slash(guild, "play", query=PAPER_BOATS)

    assert reply.ephemeral
    assert reply.content == "Join a voice channel first, then ask again."


def _forwarded_kinds(system: System) -> set[str]:
    kinds = {VoiceStateForwarded: "state", VoiceServerForwarded: "server"}
    return {kinds[type(m)] for m in system.audio.forwarded}
