"""The queue's events, as the audio process follows them (the `audio` consumer group)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reprise.domain import queue_events as e

if TYPE_CHECKING:
    from reprise.adapters.lavalink.players import Players
    from reprise.application.ports import Notification


async def drive(players: Players, notification: Notification) -> None:
    """Apply one event to the guild's player; events that do not touch playback are ignored."""
    guild = notification.guild_id
    match notification.event:
        case e.VoiceChannelJoined(channel_id=channel_id):
            await players.join(guild, channel_id)
        case e.VoiceChannelLeft():
            await players.leave(guild)
        case _:
            await _drive_playback(players, notification)


async def _drive_playback(players: Players, notification: Notification) -> None:
    guild = notification.guild_id
    match notification.event:
        case e.TrackStarted(entry=entry):
            await players.start(guild, entry)
        case e.TrackFinished():
            players.finished(guild)
        case e.TrackFailed() | e.Skipped() | e.SkippedTo() | e.WentBack() | e.Stopped():
            await players.stop(guild)
        case e.Paused():
            await players.pause(guild, paused=True)
        case e.Resumed():
            await players.pause(guild, paused=False)
        case e.Seeked(position_ms=position_ms):
            await players.seek(guild, position_ms)
        case e.VolumeChanged(volume=volume):
            await players.set_volume(guild, volume)
        case e.FiltersChanged(preset=preset):
            await players.set_filters(guild, preset)
        case _:
            pass
