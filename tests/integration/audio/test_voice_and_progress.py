"""What travels between the audio process and the gateway: voice requests, forwarded voice
updates, progress."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from reprise.application.voice_messages import (
    PlaybackProgress,
    VoiceConnectRequested,
    VoiceStateForwarded,
)
from reprise.domain import commands as c
from tests.integration.audio.rig import (
    Backbone,
    audio_process,
    dev_player,
    playing_title,
    spec_of,
    track,
    wait_for,
)
from tests.integration.backbone.waiting import until

if TYPE_CHECKING:
    from reprise.adapters.lavalink.dev_server import DevLavalinkServer

GUILD = 844_000_000_000_000_001
CHANNEL = 844_000_000_000_000_002
OTHER_CHANNEL = 844_000_000_000_000_003


async def _voice_channel(bone: Backbone) -> int | None:
    return (await bone.queue(GUILD)).voice_channel_id


async def test_progress_is_published_and_a_kicked_bot_leaves_the_queue(
    bone: Backbone, lavalink: DevLavalinkServer
) -> None:
    async with audio_process(bone, [spec_of(lavalink, "a")]) as audio:
        assert (await bone.send(GUILD, c.JoinVoice, channel_id=CHANNEL)).accepted
        assert (await bone.send(GUILD, c.EnqueueTracks, tracks=[track("Watched", 60_000)])).accepted
        await wait_for(lambda: playing_title(lavalink, GUILD) == "Watched", "plays")
        entry = (await bone.queue(GUILD)).current
        assert entry is not None
        await wait_for(
            lambda: any(
                isinstance(m, PlaybackProgress) and m.entry_id == entry.entry_id and m.connected
                for m in audio.ui_seen
            ),
            "progress of the playing entry",
        )
        await asyncio.sleep(1.0)  # ten playerUpdates; progress is sent again only on change
        progress = [m for m in audio.ui_seen if isinstance(m, PlaybackProgress)]
        assert len(progress) <= 3, progress
        # an admin disconnects the bot: Discord says so, the gateway forwards it
        kicked = VoiceStateForwarded(guild_id=GUILD, session_id="s", channel_id=None)
        await audio.voice.publish(kicked)
        await until(lambda: _left(bone), within=10, what="the queue left voice")
        await wait_for(lambda: dev_player(lavalink, GUILD) is None, "the player is destroyed")
        assert not any(
            isinstance(m, VoiceConnectRequested) and m.channel_id is None for m in audio.ui_seen
        )


async def _left(bone: Backbone) -> bool:
    return await _voice_channel(bone) is None


async def test_a_moved_bot_moves_the_queue_and_a_closed_voice_connection_is_rejoined(
    bone: Backbone, lavalink: DevLavalinkServer
) -> None:
    async with audio_process(bone, [spec_of(lavalink, "a")]) as audio:
        assert (await bone.send(GUILD, c.JoinVoice, channel_id=CHANNEL)).accepted
        assert (await bone.send(GUILD, c.EnqueueTracks, tracks=[track("Moving", 60_000)])).accepted
        await wait_for(lambda: playing_title(lavalink, GUILD) == "Moving", "plays")
        moved = VoiceStateForwarded(guild_id=GUILD, session_id="s2", channel_id=OTHER_CHANNEL)
        await audio.voice.publish(moved)
        await until(
            lambda: _in_channel(bone, OTHER_CHANNEL), within=10, what="the queue followed the bot"
        )
        requests_before = len(audio.ui_seen)
        assert lavalink.close_voice(GUILD, code=4006, reason="session no longer valid") == 1
        await wait_for(
            lambda: any(
                isinstance(m, VoiceConnectRequested) and m.channel_id == OTHER_CHANNEL
                for m in audio.ui_seen[requests_before:]
            ),
            "the audio process asked to rejoin",
        )
        player = dev_player(lavalink, GUILD)
        assert player is not None
        await wait_for(lambda: player.connected, "connected again")
        assert playing_title(lavalink, GUILD) == "Moving"


async def _in_channel(bone: Backbone, channel: int) -> bool:
    return await _voice_channel(bone) == channel
