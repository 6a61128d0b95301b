"""Journeys that need real playback: the audio process (mafic) against the development
Lavalink server, track ends reported back as commands, progress on `ui` to the panel."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from tests.e2e.gateway.journeys import bot_joined, panel_of, queue_titles, run, settled, track_url
from tests.e2e.gateway.system import running_system

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from reprise.projections.views import NowPlaying, QueueView
    from tests.e2e.gateway.system import Services, System
    from tests.fakes.discord import FakeDiscord, FakeGuild, FakeUser

pytestmark = pytest.mark.e2e
# The development catalogue's test tones: 2, 3 and 5 seconds long.
TONE_2S, TONE_3S, TONE_5S = 24, 25, 26
TONE_2S_TITLE, TONE_3S_TITLE = "Test Tone (2 seconds)", "Test Tone (3 seconds)"
TONE_5S_TITLE = "Test Tone (5 seconds)"


@pytest.fixture
async def playing(
    discord: FakeDiscord, guild: FakeGuild, services: Services
) -> AsyncIterator[System]:
    async with running_system(discord, services, real_audio=True) as running:
        yield running


async def _play(user: FakeUser, guild: FakeGuild, *numbers: int) -> None:
    for number in numbers:
        reply = await user.run_slash(guild, "play", query=track_url(number))
        assert "Queued" in (await reply.wait_for_followup(0, within=10.0)).content


async def test_when_a_track_ends_the_next_one_starts(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser, playing: System
) -> None:
    await alice.join_voice()
    await _play(alice, guild, TONE_2S, TONE_5S)

    await settled(playing, guild, lambda p: _title(p) == TONE_5S_TITLE, within=10.0)

    assert await queue_titles(playing, guild) == (TONE_5S_TITLE, [])
    await panel_of(discord, guild, TONE_5S_TITLE)
    view = await playing.reads.queue(guild.id)
    assert view is not None
    assert [entry.title for entry in view.history] == [TONE_2S_TITLE]


async def test_loop_track_replays_it_then_loop_off_moves_on(
    guild: FakeGuild, alice: FakeUser, playing: System
) -> None:
    await alice.join_voice()
    await _play(alice, guild, TONE_2S, TONE_5S)
    assert await run(alice, guild, "loop", mode="track") == "🔂 Looping this track."

    view = await _after_ends(playing, guild, 1)
    assert view.current is not None
    assert view.current.title == TONE_2S_TITLE
    assert [entry.title for entry in view.upcoming] == [TONE_5S_TITLE]
    assert await run(alice, guild, "loop", mode="off") == "➡️ Loop off."
    await settled(playing, guild, lambda p: _title(p) == TONE_5S_TITLE, within=10.0)


async def test_loop_queue_brings_the_first_track_back_after_the_last(
    guild: FakeGuild, alice: FakeUser, playing: System
) -> None:
    await alice.join_voice()
    await _play(alice, guild, TONE_2S, TONE_3S)
    assert await run(alice, guild, "loop", mode="queue") == "🔁 Looping the queue."

    view = await _after_ends(playing, guild, 2, within=15.0)

    assert view.current is not None
    assert view.current.title == TONE_2S_TITLE
    assert [entry.title for entry in view.upcoming] == [TONE_3S_TITLE]


async def _after_ends(
    system: System, guild: FakeGuild, ends: int, within: float = 10.0
) -> QueueView:
    """The queue view once `ends` more tracks have finished (history grew by `ends`)."""
    start = await system.reads.queue(guild.id)
    seen = len(start.history) if start else 0
    deadline = asyncio.get_running_loop().time() + within
    while True:
        view = await system.reads.queue(guild.id)
        # The projector may show the moment between one track's end and the next one's start.
        if view is not None and len(view.history) >= seen + ends and view.current is not None:
            return view
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{ends} track end(s) did not happen within {within}s: {view}")
        await asyncio.sleep(0.05)


def _title(playing: NowPlaying) -> str | None:
    return playing.entry.title if playing.entry else None


async def test_kicked_by_an_admin_the_queue_leaves_voice_and_play_rejoins(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser, playing: System
) -> None:
    await alice.join_voice()
    await _play(alice, guild, TONE_5S)
    await settled(playing, guild, lambda p: p.voice_channel_id == guild.voice_channel.id)
    joins = len([r for r in discord.voice_requests if r.channel_id is not None])

    guild.state.set_voice_state(discord.bot.id, None, "kicked-by-admin")

    await settled(playing, guild, lambda p: p.voice_channel_id is None, within=10.0)
    await _play(alice, guild, TONE_2S)
    await settled(playing, guild, lambda p: p.voice_channel_id == guild.voice_channel.id)
    await bot_joined(guild)
    assert len([r for r in discord.voice_requests if r.channel_id is not None]) > joins
