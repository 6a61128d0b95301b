"""Each fault switch of the development Lavalink server, as the audio process lives it."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest
from prometheus_client import REGISTRY

from reprise.adapters.lavalink.dev_server import DevLavalinkServer
from reprise.domain import commands as c
from reprise.domain.commands import TrackData
from reprise.domain.ids import queue_id
from reprise.domain.queue_events import TrackFailed
from tests.integration.audio.rig import (
    Backbone,
    audio_process,
    current_title,
    dev_config,
    dev_player,
    playing_title,
    spec_of,
    track,
    wait_for,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

GUILD = 822_000_000_000_000_001
CHANNEL = 822_000_000_000_000_002


@pytest.fixture
async def quick_stuck() -> AsyncIterator[DevLavalinkServer]:
    """A server that reports a track stuck after 300 ms without audio."""
    server = DevLavalinkServer(dev_config(stuck_threshold_ms=300))
    await server.start()
    yield server
    await server.stop()


async def _join(bone: Backbone) -> None:
    assert (await bone.send(GUILD, c.JoinVoice, channel_id=CHANNEL)).accepted


async def _enqueue(bone: Backbone, *tracks: TrackData) -> None:
    assert (await bone.send(GUILD, c.EnqueueTracks, tracks=list(tracks))).accepted


async def _failures(bone: Backbone) -> list[str]:
    events = await bone.store.load_events(queue_id(GUILD))
    return [e.reason for e in events if isinstance(e, TrackFailed)]


async def _fails_then_next_plays(bone: Backbone, server: DevLavalinkServer, kind: str) -> None:
    """With a fault set, the first track fails by it; the second (fault off) plays."""
    failures = REGISTRY.get_sample_value("reprise_audio_track_failures_total", {"reason": kind})
    await _enqueue(bone, track("Faulty", 60_000))
    await wait_for(lambda: playing_title(server, GUILD) == "Faulty", "the faulty track plays")
    server.faults.reset()
    await _enqueue(bone, track("Healthy", 60_000))
    await wait_for(lambda: playing_title(server, GUILD) == "Healthy", "the next plays", within=15)
    [reason] = await _failures(bone)
    assert reason.startswith(f"{kind}: ")
    counted = REGISTRY.get_sample_value("reprise_audio_track_failures_total", {"reason": kind})
    assert counted == (failures or 0.0) + 1


async def test_a_track_lavalink_cannot_load_fails_and_the_next_plays(
    bone: Backbone, lavalink: DevLavalinkServer
) -> None:
    broken = TrackData(
        encoded="bm90IGEgdHJhY2s=", identifier="broken", title="Broken", author="x", length_ms=9
    )
    async with audio_process(bone, [spec_of(lavalink, "a")]) as audio:
        lavalink.faults.fail_next_loads = 1
        failed = await audio.process.resolve("ytsearch:mira halden")
        assert (failed.kind, failed.error) == (
            "error",
            "Injected load failure (dev server fault switch)",
        )
        found = await audio.process.resolve("mira halden")
        assert {t.title for t in found.tracks} == {"Paper Boats", "Glass Harbour"}
        await _join(bone)
        await _enqueue(bone, broken, track("After Broken", 60_000))
        await wait_for(lambda: playing_title(lavalink, GUILD) == "After Broken", "next plays")
        [reason] = await _failures(bone)
        assert reason.startswith("load_failed: ")


async def test_an_exception_mid_track_fails_it_and_the_next_plays(
    bone: Backbone, lavalink: DevLavalinkServer
) -> None:
    async with audio_process(bone, [spec_of(lavalink, "a")]):
        await _join(bone)
        lavalink.faults.track_exception_at_ms = 500
        await _fails_then_next_plays(bone, lavalink, "exception")


async def test_a_stuck_track_reported_by_lavalink_fails_and_the_next_plays(
    bone: Backbone, quick_stuck: DevLavalinkServer
) -> None:
    async with audio_process(bone, [spec_of(quick_stuck, "a")]):
        await _join(bone)
        quick_stuck.faults.track_stuck_at_ms = 300
        await _fails_then_next_plays(bone, quick_stuck, "stuck")


async def test_the_watchdog_fails_a_track_whose_position_stops_moving(
    bone: Backbone, lavalink: DevLavalinkServer
) -> None:
    settings = bone.settings.model_copy(update={"audio_stall_seconds": 1.0})
    async with audio_process(bone, [spec_of(lavalink, "a")], settings=settings):
        await _join(bone)
        await _enqueue(bone, track("Silently Frozen", 60_000))
        await wait_for(lambda: playing_title(lavalink, GUILD) == "Silently Frozen", "plays")
        player = dev_player(lavalink, GUILD)
        assert player is not None
        player.set_paused(True)  # the node stops playing without telling anyone
        await _enqueue(bone, track("Healthy", 60_000))
        await wait_for(lambda: playing_title(lavalink, GUILD) == "Healthy", "next plays")
        [reason] = await _failures(bone)
        assert reason.startswith("no_progress: position stayed at ")


async def test_a_dropped_websocket_resumes_the_session_and_playback_goes_on(
    bone: Backbone, lavalink: DevLavalinkServer
) -> None:
    async with audio_process(bone, [spec_of(lavalink, "a")]) as audio:
        await _join(bone)
        await _enqueue(bone, track("Through The Drop", 2_500), track("After The Drop", 60_000))
        await wait_for(lambda: playing_title(lavalink, GUILD) == "Through The Drop", "plays")
        [node] = audio.process.nodes.nodes.values()
        session = node.session_id
        assert lavalink.drop_websockets() == 1
        await wait_for(lambda: playing_title(lavalink, GUILD) == "After The Drop", "next plays")
        assert node.session_id == session  # resumed, not a new session
        assert await _failures(bone) == []
        assert await current_title(bone, GUILD) == "After The Drop"


async def test_a_node_that_dies_and_comes_back_gets_its_players_again(
    bone: Backbone,
) -> None:
    server = DevLavalinkServer(dev_config())
    await server.start()
    port = server.port
    async with audio_process(bone, [spec_of(server, "a")]):
        await _join(bone)
        await _enqueue(bone, track("Interrupted", 120_000))
        await wait_for(lambda: playing_title(server, GUILD) == "Interrupted", "plays")
        await server.die()
        await server.stop()
        await asyncio.sleep(0.5)
        reborn = DevLavalinkServer(dev_config())
        await reborn.start(port=port)
        try:
            await wait_for(
                lambda: playing_title(reborn, GUILD) == "Interrupted", "plays again", within=20
            )
            player = dev_player(reborn, GUILD)
            assert player is not None
            assert player.playing is not None
            assert player.playing.position_ms() > 0
        finally:
            await reborn.stop()
