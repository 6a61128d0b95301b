"""A guild's playback end to end: the queue's events drive mafic and the dev Lavalink server,
and what Lavalink says comes back as commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import REGISTRY

from reprise.domain import commands as c
from reprise.domain.values import FilterPreset
from tests.integration.audio.rig import (
    Backbone,
    audio_process,
    current_title,
    dev_player,
    playing_title,
    spec_of,
    track,
    wait_for,
)
from tests.integration.backbone.waiting import until

if TYPE_CHECKING:
    from reprise.adapters.lavalink.dev_server import DevLavalinkServer

PRESET_FILTERS = {
    FilterPreset.BASSBOOST: {"equalizer"},
    FilterPreset.NIGHTCORE: {"timescale"},
    FilterPreset.VAPORWAVE: {"timescale", "equalizer"},
    FilterPreset.EIGHT_D: {"rotation"},
    FilterPreset.KARAOKE: {"karaoke"},
}
GUILD = 811_000_000_000_000_001
CHANNEL = 811_000_000_000_000_002


async def test_join_play_controls_and_track_end_advance_the_queue(
    bone: Backbone, lavalink: DevLavalinkServer
) -> None:
    async with audio_process(bone, [spec_of(lavalink, "a")]) as audio:
        assert (await bone.send(GUILD, c.JoinVoice, channel_id=CHANNEL)).accepted
        first, second = track("First Light", 60_000), track("Second Wind", 1_500)
        assert (await bone.send(GUILD, c.EnqueueTracks, tracks=[first, second])).accepted
        await wait_for(lambda: playing_title(lavalink, GUILD) == "First Light", "first plays")
        player = dev_player(lavalink, GUILD)
        assert player is not None
        assert player.connected
        assert [r.channel_id for r in audio.loopback.requests] == [CHANNEL]
        await wait_for(
            lambda: (
                REGISTRY.get_sample_value("reprise_lavalink_node_up", {"node": "a"}) == 1
                and (REGISTRY.get_sample_value("reprise_audio_playing_players") or 0) >= 1
            ),
            "player and node gauges",
        )
        assert (REGISTRY.get_sample_value("reprise_audio_players") or 0) >= 1

        assert (await bone.send(GUILD, c.SetVolume, volume=60)).accepted
        await wait_for(lambda: player.volume == 60, "volume 60")
        assert (await bone.send(GUILD, c.Pause)).accepted
        await wait_for(lambda: player.paused, "paused")
        assert (await bone.send(GUILD, c.Resume)).accepted
        await wait_for(lambda: not player.paused, "resumed")
        assert (await bone.send(GUILD, c.Seek, position_ms=58_500)).accepted
        await wait_for(
            lambda: player.playing is not None and player.playing.position_ms() >= 58_500,
            "seeked",
        )
        # the first ends by itself: the audio process reports it, the core starts the second
        await wait_for(lambda: playing_title(lavalink, GUILD) == "Second Wind", "second plays")
        await until(
            lambda: _none_playing(bone),
            within=10,
            what="the second track ended and the queue is idle",
        )
        queue = await bone.queue(GUILD)
        assert [e.track.title for e in queue.history] == ["First Light", "Second Wind"]
        assert player.playing is None


async def _none_playing(bone: Backbone) -> bool:
    return await current_title(bone, GUILD) is None


async def test_filters_skip_and_stop_reach_lavalink(
    bone: Backbone, lavalink: DevLavalinkServer
) -> None:
    async with audio_process(bone, [spec_of(lavalink, "a")]):
        assert (await bone.send(GUILD, c.StartTrial)).accepted
        assert (await bone.send(GUILD, c.JoinVoice, channel_id=CHANNEL)).accepted
        tracks = [track(f"Song {n}", 120_000) for n in range(3)]
        assert (await bone.send(GUILD, c.EnqueueTracks, tracks=tracks)).accepted
        await wait_for(lambda: playing_title(lavalink, GUILD) == "Song 0", "song 0 plays")
        player = dev_player(lavalink, GUILD)
        assert player is not None
        for preset, keys in PRESET_FILTERS.items():
            assert (await bone.send(GUILD, c.SetFilters, preset=preset)).accepted
            await until(
                lambda: set(player.filters.to_wire()) == keys,  # noqa: B023 - awaited here
                within=10,
                what=f"{preset} applied",
            )
        assert (await bone.send(GUILD, c.SetFilters, preset=FilterPreset.OFF)).accepted
        await wait_for(lambda: player.filters.to_wire() == {}, "filters cleared")
        assert (await bone.send(GUILD, c.Skip)).accepted
        await wait_for(lambda: playing_title(lavalink, GUILD) == "Song 1", "song 1 plays")
        assert (await bone.send(GUILD, c.Stop)).accepted
        await wait_for(lambda: player.playing is None, "stopped")
        assert (await bone.send(GUILD, c.LeaveVoice)).accepted
        await wait_for(lambda: dev_player(lavalink, GUILD) is None, "player destroyed")
