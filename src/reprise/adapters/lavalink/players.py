"""The guilds of one audio process and their players: what the events ask for, applied.

Every change first updates `GuildAudio` (the wish); it reaches Lavalink at once when the
player has its voice credentials, or in one request (`push`) as soon as it has them. A track
Lavalink refuses to load is reported as failed; a node that does not answer is left to
failover, which pushes the wish again on another node.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any, cast

from reprise.adapters.lavalink.errors import LAVALINK_REFUSED, LAVALINK_UNREACHABLE
from reprise.adapters.lavalink.filters import lavalink_filter
from reprise.adapters.lavalink.guild_player import GuildAudio, GuildPlayer, Playing
from reprise.adapters.lavalink.mafic_import import mafic
from reprise.adapters.lavalink.metrics import PLAYERS
from reprise.application.voice_messages import PlaybackProgress, VoiceConnectRequested

if TYPE_CHECKING:
    from collections.abc import Coroutine

    from mafic.typings import Player as PlayerPayload
    from nextcord.types.voice import GuildVoiceState, VoiceServerUpdate

    from reprise.adapters.lavalink.nodes import LavalinkNodes
    from reprise.adapters.lavalink.offline_client import OfflineDiscordClient
    from reprise.adapters.lavalink.track_reports import TrackReports
    from reprise.application.voice_messages import VoiceServerForwarded, VoiceStateForwarded
    from reprise.application.voice_ports import UiChannel
    from reprise.domain.values import FilterPreset, QueueEntry

_log = logging.getLogger(__name__)
PROGRESS_EVERY_S = 15.0


class Players:
    """guild id → GuildAudio, and the operations the event and voice handlers call."""

    def __init__(
        self,
        client: OfflineDiscordClient,
        nodes: LavalinkNodes,
        reports: TrackReports,
        ui: UiChannel,
    ) -> None:
        self.client = client
        self.nodes = nodes
        self.reports = reports
        self.ui = ui
        self.guilds: dict[int, GuildAudio] = {}
        self._background: set[asyncio.Task[None]] = set()

    def audio(self, guild_id: int) -> GuildAudio:
        audio = self.guilds.get(guild_id)
        if audio is None:
            audio = self.guilds[guild_id] = GuildAudio(guild_id)
        return audio

    # --- voice channel, from the queue's events ---------------------------------------------

    async def join(self, guild_id: int, channel_id: int) -> None:
        audio = self.audio(guild_id)
        audio.channel_id = channel_id
        await self.ui.publish(VoiceConnectRequested(guild_id=guild_id, channel_id=channel_id))
        await self._connect_voice(audio)

    async def leave(self, guild_id: int) -> None:
        audio = self.guilds.pop(guild_id, None)
        if audio is None or audio.channel_id is not None:  # not when the bot is out already
            await self.ui.publish(VoiceConnectRequested(guild_id=guild_id, channel_id=None))
        if audio is not None:
            await self.drop_player(audio)
        self.client.forget_guild(guild_id)

    async def drop_player(self, audio: GuildAudio) -> None:
        """Destroy the guild's Lavalink player (its wish stays)."""
        player, audio.player, audio.pushed = audio.player, None, False
        if player is None:
            return
        node = player.assigned_node
        node.remove_player(audio.guild_id)
        PLAYERS.set(sum(1 for a in self.guilds.values() if a.player is not None))
        try:
            await node.destroy(audio.guild_id)
        except LAVALINK_UNREACHABLE as error:
            _log.info(
                "could not destroy the player of %s on %s: %r", audio.guild_id, node.label, error
            )

    # --- playback, from the queue's events --------------------------------------------------

    async def start(self, guild_id: int, entry: QueueEntry) -> None:
        audio = self.audio(guild_id)
        track = entry.track
        audio.playing = Playing(entry.entry_id, track.encoded, track.length_ms, track.is_stream)
        audio.start_ms, audio.paused, audio.reported = 0, False, None
        await self.push(audio, 0)

    def finished(self, guild_id: int) -> None:
        """The current entry ended by itself: Lavalink has already stopped."""
        if (audio := self.guilds.get(guild_id)) is not None:
            audio.playing = None

    async def stop(self, guild_id: int) -> None:
        audio = self.guilds.get(guild_id)
        if audio is not None and audio.playing is not None:
            audio.playing = None
            await self.push(audio, 0)

    async def pause(self, guild_id: int, *, paused: bool) -> None:
        audio = self.audio(guild_id)
        audio.paused = paused
        await self._apply(audio, pause=paused)

    async def seek(self, guild_id: int, position_ms: int) -> None:
        audio = self.audio(guild_id)
        audio.start_ms = position_ms
        if audio.playing is not None:
            await self._apply(audio, position=position_ms)

    async def set_volume(self, guild_id: int, volume: int) -> None:
        audio = self.audio(guild_id)
        audio.volume = volume
        await self._apply(audio, volume=volume)

    async def set_filters(self, guild_id: int, preset: FilterPreset) -> None:
        audio = self.audio(guild_id)
        audio.preset = preset
        await self._apply(audio, filter=lavalink_filter(preset))

    # --- voice updates the gateway forwards -------------------------------------------------

    async def voice_state(self, message: VoiceStateForwarded) -> None:
        audio = self.guilds.get(message.guild_id)
        if message.channel_id is None:
            if audio is not None and audio.channel_id is not None:
                # Nobody here asked to leave: an admin disconnected the bot.
                audio.channel_id = None
                await self.drop_player(audio)
                await self.reports.left_voice(message.guild_id)
            return
        audio = audio or self.audio(message.guild_id)
        audio.voice_state = message
        if audio.channel_id is not None and audio.channel_id != message.channel_id:
            audio.channel_id = message.channel_id
            await self.reports.moved(message.guild_id, message.channel_id)
        await self._connect_voice(audio)

    async def voice_server(self, message: VoiceServerForwarded) -> None:
        if message.endpoint is None:
            return  # Discord is moving the voice server; a complete update follows
        audio = self.audio(message.guild_id)
        audio.voice_server = message
        await self._connect_voice(audio)

    async def _connect_voice(self, audio: GuildAudio) -> None:
        """Hand the latest voice credentials to the player (made on first need)."""
        player = self._player(audio)
        if player is None:
            return
        state, server = audio.voice_state, audio.voice_server
        audio.voice_state = audio.voice_server = None  # applied: the player keeps them
        try:
            if state is not None and state.channel_id is not None:
                player.channel = self.client.voice_channel(audio.guild_id, state.channel_id)
                await player.on_voice_state_update(_state_payload(state))
            if server is not None:
                await player.on_voice_server_update(_server_payload(server))
        except LAVALINK_UNREACHABLE as error:
            _log.warning("voice for %s not sent to Lavalink: %r", audio.guild_id, error)
            return
        if player.voice_complete and not audio.pushed:
            await self.push(audio, audio.start_ms)

    def _player(self, audio: GuildAudio) -> GuildPlayer | None:
        if audio.player is not None or audio.channel_id is None:
            return audio.player
        node = self.nodes.least_loaded()
        if node is None:
            _log.warning("no Lavalink node available for guild %s", audio.guild_id)
            return None
        channel = self.client.voice_channel(audio.guild_id, audio.channel_id)
        audio.player = GuildPlayer(self.client, channel, node, self._on_player_update)
        node.add_player(audio.guild_id, audio.player)
        PLAYERS.set(sum(1 for a in self.guilds.values() if a.player is not None))
        return audio.player

    def adopt(self, audio: GuildAudio, node: mafic.Node[Any], payload: PlayerPayload) -> None:
        """Take over a player Lavalink kept for us in a resumed session (after a restart)."""
        assert audio.channel_id is not None  # noqa: S101 - the caller found the channel
        channel = self.client.voice_channel(audio.guild_id, audio.channel_id)
        player = GuildPlayer(self.client, channel, node, self._on_player_update)
        player.set_state(payload)
        node.add_player(audio.guild_id, player)
        audio.player, audio.pushed = player, True
        self.guilds[audio.guild_id] = audio

    # --- talking to Lavalink ----------------------------------------------------------------

    async def push(self, audio: GuildAudio, position: int) -> None:
        """Send the whole wish, when the player can take it; otherwise it is sent on voice."""
        player = audio.player
        if player is None or not player.voice_complete:
            audio.pushed, audio.start_ms = False, position
            return
        try:
            await player.push(audio, position)
        except LAVALINK_REFUSED as error:
            if isinstance(error, mafic.HTTPNotFound):  # the session is gone: the node restarted
                audio.pushed = False
                return
            audio.pushed = True
            if audio.playing is not None:
                await self.reports.failed(audio, audio.playing.entry_id, "load_failed", str(error))
            return
        except LAVALINK_UNREACHABLE as error:
            audio.pushed, audio.start_ms = False, position
            _log.warning(
                "guild %s: Lavalink unreachable (%r); failover resends", audio.guild_id, error
            )
            return
        audio.pushed = True
        audio.last_position, audio.position_moved_at = position, time.monotonic()

    async def _apply(self, audio: GuildAudio, **changes: Any) -> None:
        player = audio.player
        if player is None or not audio.pushed:
            return  # the next push carries the change
        try:
            await player.apply(**changes)
        except (*LAVALINK_REFUSED, *LAVALINK_UNREACHABLE) as error:
            audio.pushed = False
            _log.warning(
                "guild %s: change %s not applied: %r", audio.guild_id, list(changes), error
            )

    def _on_player_update(self, player: GuildPlayer) -> None:
        """Progress for the panel: when the entry, pause or connection changed, else every
        PROGRESS_EVERY seconds (the panel moves its bar on its own between two)."""
        audio = self.guilds.get(player.guild.id)
        if audio is None:
            return
        entry_id = audio.playing.entry_id if audio.playing is not None else None
        state, now = (entry_id, audio.paused, player.connected), time.monotonic()
        if state == audio.progress_sent and now - audio.progress_sent_at < PROGRESS_EVERY_S:
            return
        audio.progress_sent, audio.progress_sent_at = state, now
        progress = PlaybackProgress(
            guild_id=audio.guild_id,
            entry_id=entry_id,
            position_ms=max(0, player.reported_position),
            paused=audio.paused,
            connected=player.connected,
        )
        self.spawn(self.ui.publish(progress))

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task: asyncio.Task[None] = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            _log.error("audio background work failed", exc_info=task.exception())

    async def close(self) -> None:
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)


def _state_payload(message: VoiceStateForwarded) -> GuildVoiceState:
    return cast(
        "GuildVoiceState",
        {"session_id": message.session_id, "channel_id": str(message.channel_id)},
    )


def _server_payload(message: VoiceServerForwarded) -> VoiceServerUpdate:
    return cast(
        "VoiceServerUpdate",
        {"token": message.token, "endpoint": message.endpoint, "guild_id": str(message.guild_id)},
    )
