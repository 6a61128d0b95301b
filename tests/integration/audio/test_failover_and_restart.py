"""Nodes die and the audio process restarts; the music goes on from where it was."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from prometheus_client import REGISTRY

from reprise.adapters.lavalink.dev_server import DevLavalinkServer
from reprise.adapters.lavalink.node_specs import NodeSpec
from reprise.domain import commands as c
from reprise.projections import now_playing
from reprise.projections.views import NowPlaying
from reprise.projections.writes import ModelUpdate, SetDocument, VersionedWrite
from tests.integration.audio.rig import (
    PASSWORD,
    Backbone,
    audio_process,
    dev_config,
    dev_player,
    playing_title,
    spec_of,
    track,
    wait_for,
)
from tests.integration.backbone.waiting import until

if TYPE_CHECKING:
    from reprise.domain.commands import TrackData
    from reprise.domain.queue import GuildQueue
    from reprise.domain.values import QueueEntry

GUILD = 833_000_000_000_000_001
CHANNEL = 833_000_000_000_000_002


def _position(server: DevLavalinkServer) -> int | None:
    player = dev_player(server, GUILD)
    if player is None or player.playing is None:
        return None
    return player.playing.position_ms()


async def _play(
    bone: Backbone, server: DevLavalinkServer, tracks: list[TrackData], until: str
) -> None:
    """The guild joins voice and queues `tracks`; returns once `until` plays on `server`."""
    assert (await bone.send(GUILD, c.JoinVoice, channel_id=CHANNEL)).accepted
    assert (await bone.send(GUILD, c.EnqueueTracks, tracks=tracks)).accepted
    await wait_for(lambda: playing_title(server, GUILD) == until, f"{until} plays")


async def test_a_player_moves_off_a_dead_node_and_resumes_within_two_seconds(
    bone: Backbone,
) -> None:
    first, second = DevLavalinkServer(dev_config()), DevLavalinkServer(dev_config())
    await first.start()
    await second.start()
    try:
        async with audio_process(bone, [spec_of(first, "one"), spec_of(second, "two")]) as audio:
            assert (await bone.send(GUILD, c.JoinVoice, channel_id=CHANNEL)).accepted
            assert (
                await bone.send(GUILD, c.EnqueueTracks, tracks=[track("Mover", 120_000)])
            ).accepted
            await wait_for(
                lambda: "Mover" in (playing_title(first, GUILD), playing_title(second, GUILD)),
                "plays on one node",
            )
            home, other = (first, second) if playing_title(first, GUILD) else (second, first)
            failovers = REGISTRY.get_sample_value("reprise_audio_failovers_total") or 0.0
            await asyncio.sleep(1.5)
            position_before = _position(home)
            assert position_before is not None
            assert position_before > 1_000
            died_at = time.monotonic()
            await home.die()
            await wait_for(lambda: playing_title(other, GUILD) == "Mover", "plays on the other")
            moved_after = time.monotonic() - died_at
            position_after = _position(other)
            assert position_after is not None
            expected = position_before + moved_after * 1000
            assert abs(position_after - expected) < 2_000, (position_before, position_after)
            assert moved_after < 2.0
            player = audio.process.players.guilds[GUILD].player
            assert player is not None
            assert player.assigned_node.label == ("one" if other is first else "two")
            assert REGISTRY.get_sample_value("reprise_audio_failovers_total") == failovers + 1
            label = "one" if home is first else "two"
            await wait_for(
                lambda: REGISTRY.get_sample_value("reprise_lavalink_node_up", {"node": label}) == 0,
                "the dead node's health gauge",
            )
    finally:
        await first.stop()
        await second.stop()


async def test_restarting_the_audio_process_continues_the_right_track_and_position(
    bone: Backbone, lavalink: DevLavalinkServer
) -> None:
    specs = [spec_of(lavalink, "a")]
    tracks = [track("Before Restart", 3_000), track("Across Restart", 120_000)]
    async with audio_process(bone, specs):
        await _play(bone, lavalink, tracks, until="Across Restart")
        await asyncio.sleep(0.5)
    stopped_at = _position(lavalink)
    assert stopped_at is not None
    await asyncio.sleep(1.0)  # nobody drives Lavalink; the session keeps playing
    async with audio_process(bone, specs) as restarted:
        audio = restarted.process.players.guilds.get(GUILD)
        assert audio is not None
        assert audio.playing is not None
        assert audio.player is not None
        queue = await bone.queue(GUILD)
        assert queue.current is not None
        assert audio.playing.entry_id == queue.current.entry_id
        assert playing_title(lavalink, GUILD) == "Across Restart"
        kept = dev_player(lavalink, GUILD)
        assert kept is not None
        assert kept.playing is not None
        assert kept.playing.track.user_data == {"reprise_entry_id": str(queue.current.entry_id)}
        position = _position(lavalink)
        assert position is not None
        assert position >= stopped_at + 900
        assert (await bone.send(GUILD, c.Seek, position_ms=119_000)).accepted
        await wait_for(lambda: dev_player(lavalink, GUILD).playing is None, "the track ends")  # type: ignore[union-attr]
        await until(lambda: _idle(bone), within=10, what="the restarted process reported the end")


async def _idle(bone: Backbone) -> bool:
    return (await bone.queue(GUILD)).current is None


@pytest.mark.parametrize("late", [False, True])
async def test_duplicate_and_late_track_end_reports_do_not_skip_twice(
    bone: Backbone, lavalink: DevLavalinkServer, *, late: bool
) -> None:
    async with audio_process(bone, [spec_of(lavalink, "a")]):
        tracks = [track("Ends", 1_000), track("Stays", 120_000), track("Waits", 120_000)]
        await _play(bone, lavalink, tracks, until="Stays")
        ended = (await bone.queue(GUILD)).history[-1].entry_id
        if late:
            await asyncio.sleep(1.0)
        report = await bone.send(GUILD, c.AdvanceQueue, expected_entry=ended)
        assert not report.accepted
        assert report.rejection is not None
        assert report.rejection.code == "stale_track_report"
        await asyncio.sleep(0.3)
        queue = await bone.queue(GUILD)
        assert queue.current is not None
        assert queue.current.track.title == "Stays"
        assert [e.track.title for e in queue.history] == ["Ends"]
        assert playing_title(lavalink, GUILD) == "Stays"


async def test_after_a_restart_that_lost_the_session_the_guild_rejoins_and_plays_on(
    bone: Backbone,
) -> None:
    server = DevLavalinkServer(dev_config())
    await server.start()
    port = server.port
    specs = [spec_of(server, "a")]
    async with audio_process(bone, specs):
        await _play(bone, server, [track("Lost", 120_000)], until="Lost")
        await asyncio.sleep(1.0)
    await server.die()  # Lavalink restarts too: the session is gone
    await server.stop()
    reborn = DevLavalinkServer(dev_config())
    await reborn.start(port=port)
    try:
        async with audio_process(bone, specs) as restarted:
            await wait_for(lambda: playing_title(reborn, GUILD) == "Lost", "plays again")
            position = _position(reborn)
            assert position is not None
            assert position >= 1_000
            assert any(m.channel_id == CHANNEL for m in restarted.loopback.requests)
            queue = await bone.queue(GUILD)
            assert queue.current is not None
            assert queue.current.track.title == "Lost"
    finally:
        await reborn.stop()


async def test_new_players_go_to_the_least_loaded_node(bone: Backbone) -> None:
    # One stats message each, at connection: same machine, same load; our players decide.
    quiet = replace(dev_config(), stats_interval=3_600.0)
    first, second = DevLavalinkServer(quiet), DevLavalinkServer(quiet)
    await first.start()
    await second.start()
    guilds = [GUILD + n for n in range(6)]
    try:
        async with audio_process(bone, [spec_of(first, "one"), spec_of(second, "two")]):
            for guild in guilds:
                assert (await bone.send(guild, c.JoinVoice, channel_id=CHANNEL)).accepted
            await wait_for(
                lambda: len(first.players()) + len(second.players()) == len(guilds),
                "every guild has a player",
            )
            assert (len(first.players()), len(second.players())) == (3, 3)
    finally:
        await first.stop()
        await second.stop()


async def test_a_guild_idle_in_voice_across_a_lost_session_plays_its_next_track(
    bone: Backbone,
) -> None:
    server = DevLavalinkServer(dev_config())
    await server.start()
    port = server.port
    specs = [spec_of(server, "a")]
    async with audio_process(bone, specs):
        assert (await bone.send(GUILD, c.JoinVoice, channel_id=CHANNEL)).accepted
        await wait_for(lambda: dev_player(server, GUILD) is not None, "in voice, idle")
        await asyncio.sleep(0.5)  # the read model records the channel
    await server.die()
    await server.stop()
    reborn = DevLavalinkServer(dev_config())
    await reborn.start(port=port)
    try:
        async with audio_process(bone, specs):
            assert (
                await bone.send(GUILD, c.EnqueueTracks, tracks=[track("Later", 60_000)])
            ).accepted
            await wait_for(lambda: playing_title(reborn, GUILD) == "Later", "plays")
    finally:
        await reborn.stop()


async def test_a_node_down_at_start_is_connected_when_it_comes_up(bone: Backbone) -> None:
    server = DevLavalinkServer(dev_config())
    await server.start()
    port = server.port
    await server.stop()  # the port is known and nothing listens on it
    async with audio_process(bone, [_spec(port)]) as audio:
        assert audio.process.nodes.available() == []
        late = DevLavalinkServer(dev_config())
        await late.start(port=port)
        try:
            await wait_for(lambda: audio.process.nodes.available() != [], "connected", within=15)
            assert (await bone.send(GUILD, c.JoinVoice, channel_id=CHANNEL)).accepted
            await wait_for(lambda: dev_player(late, GUILD) is not None, "a player on it")
        finally:
            await late.stop()


def _spec(port: int) -> NodeSpec:
    return NodeSpec(label="late", host="127.0.0.1", port=port, password=PASSWORD, secure=False)


async def test_a_restart_trusts_lavalink_over_a_now_playing_read_model_that_lags(
    bone: Backbone, lavalink: DevLavalinkServer
) -> None:
    specs = [spec_of(lavalink, "a")]
    tracks = [track("Earlier", 2_000), track("Current", 120_000)]
    async with audio_process(bone, specs):
        await _play(bone, lavalink, tracks, until="Current")
        await asyncio.sleep(0.5)
    queue = await bone.queue(GUILD)
    assert queue.current is not None
    [earlier] = queue.history
    await _read_model_shows(bone, queue, earlier)  # as if the projector were one track behind
    async with audio_process(bone, specs) as restarted:
        audio = restarted.process.players.guilds[GUILD]
        assert audio.playing is not None
        assert audio.playing.entry_id == queue.current.entry_id
        assert (await bone.send(GUILD, c.Seek, position_ms=119_500)).accepted
        await until(lambda: _idle(bone), within=10, what="the current entry's end reported")


async def _read_model_shows(bone: Backbone, queue: GuildQueue, entry: QueueEntry) -> None:
    current = NowPlaying.model_validate_json(now_playing.render(queue, 1))
    assert current.entry is not None
    older = current.entry.model_copy(update={"entry_id": str(entry.entry_id)})
    view = current.model_copy(update={"entry": older, "encoded": entry.track.encoded})
    document = SetDocument(now_playing.key(GUILD), view.model_dump_json())
    version = queue.version + 1
    update = ModelUpdate(queue.id, version, 1, [VersionedWrite(version, document)])
    await bone.cache.apply(now_playing.NAME, [update])
    stale = await bone.cache.document(now_playing.NAME, now_playing.key(GUILD))
    assert stale is not None
    assert str(entry.entry_id) in stale
