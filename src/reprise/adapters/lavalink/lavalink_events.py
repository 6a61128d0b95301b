"""What mafic reports from Lavalink's websocket, turned into reports and player moves."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from reprise.adapters.lavalink.mafic_import import mafic
from reprise.application.voice_messages import VoiceConnectRequested

if TYPE_CHECKING:
    from reprise.adapters.lavalink.guild_player import GuildAudio
    from reprise.adapters.lavalink.node_failover import NodeFailover
    from reprise.adapters.lavalink.players import Players

_log = logging.getLogger(__name__)
KICKED_CLOSE_CODE = 4014  # Discord: disconnected (kicked, channel deleted)


class LavalinkEvents:
    """Receives mafic's dispatches (`on_event`) and schedules the work they call for."""

    def __init__(self, players: Players, failover: NodeFailover) -> None:
        self._players = players
        self._failover = failover

    def on_event(self, name: str, args: tuple[Any, ...]) -> None:
        if not args:
            return
        subject = args[0]
        match name:
            case "track_end" | "track_exception" | "track_stuck" | "websocket_closed":
                self._players.spawn(self._on_player_event(name, subject))
            case "node_unavailable":
                self._players.spawn(self._failover.node_lost(subject))
            case _:
                pass

    async def _on_player_event(self, name: str, event: Any) -> None:
        audio = self._players.guilds.get(event.player.guild.id)
        if audio is None:
            return
        if name == "websocket_closed":
            await self._voice_closed(audio, event)
            return
        playing = audio.playing
        if playing is None or event.track.id != playing.encoded:
            return  # an entry we already moved past (replaced or stopped by us)
        reports = self._players.reports
        match name, event:
            case "track_end", mafic.TrackEndEvent(reason=mafic.EndReason.FINISHED):
                await reports.ended(audio, playing.entry_id)
            case "track_end", mafic.TrackEndEvent(reason=mafic.EndReason.LOAD_FAILED):
                await reports.failed(
                    audio, playing.entry_id, "load_failed", "Lavalink could not play it"
                )
            case "track_exception", mafic.TrackExceptionEvent():
                message = str(event.exception.get("message") or event.exception)
                await reports.failed(audio, playing.entry_id, "exception", message)
            case "track_stuck", mafic.TrackStuckEvent():
                detail = f"no audio for {event.threshold_ms} ms"
                await reports.failed(audio, playing.entry_id, "stuck", detail)
            case _:
                pass

    async def _voice_closed(self, audio: GuildAudio, event: Any) -> None:
        """Discord closed the voice connection; mafic never rejoins, so ask the gateway."""
        if event.code == KICKED_CLOSE_CODE or audio.channel_id is None:
            return  # the gateway forwards the voice state that says so
        _log.info("voice of guild %s closed (%s); rejoining", audio.guild_id, event.code)
        request = VoiceConnectRequested(guild_id=audio.guild_id, channel_id=audio.channel_id)
        await self._players.ui.publish(request)
