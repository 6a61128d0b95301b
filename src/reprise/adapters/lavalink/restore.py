"""Rebuilding players after the audio process restarts, from Lavalink and the read caches.

A resumed Lavalink session still holds the players (and their voice credentials); the
now-playing read model says which entry each one plays. A track that ended while nobody
listened is reported then, if this process had seen every event the read model shows (else
the events still on their way decide). Guilds playing in the read model whose session is
gone get their voice back through the gateway and start again where the read model says.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from reprise.adapters.lavalink.errors import LAVALINK_REFUSED, LAVALINK_UNREACHABLE
from reprise.adapters.lavalink.guild_player import GuildAudio, Playing, entry_of
from reprise.domain.values import FilterPreset
from reprise.projections import now_playing, stats
from reprise.projections.views import NowPlaying

if TYPE_CHECKING:
    from mafic.typings import Player as PlayerPayload

    from reprise.adapters.lavalink.nodes import RepriseNode
    from reprise.adapters.lavalink.players import Players
    from reprise.application.messaging import GuildPositions
    from reprise.projections.ports import ReadCache

_log = logging.getLogger(__name__)


class Restorer:
    def __init__(self, players: Players, cache: ReadCache, positions: GuildPositions) -> None:
        self._players = players
        self._cache = cache
        self._positions = positions

    async def now_playing(self, guild_id: int) -> NowPlaying | None:
        document = await self._cache.document(now_playing.NAME, now_playing.key(guild_id))
        return None if document is None else NowPlaying.model_validate_json(document)

    async def adopt(self, node: RepriseNode, guild_id: int, payload: PlayerPayload) -> None:
        """A player the resumed session kept: take it over, or destroy it if it is stale."""
        view = await self.now_playing(guild_id)
        channel = _channel_of(payload) or (view.voice_channel_id if view else None)
        if view is None or channel is None or view.voice_channel_id is None:
            await _destroy(node, guild_id)
            return
        audio = _audio_from(view, channel)
        track = payload.get("track")
        kept = entry_of(payload)
        if track and kept is not None and (audio.playing is None or audio.playing.entry_id != kept):
            # The read model lags behind what this process had played: Lavalink knows better.
            info = track["info"]
            audio.playing = Playing(kept, track["encoded"], info["length"], info["isStream"])
        self._players.adopt(audio, node, payload)
        caught_up = await self._positions.get(guild_id) >= view.position
        if audio.playing is not None and track is None and caught_up:
            # It ended while nobody listened: this process saw it start, and nothing since.
            await self._players.reports.ended(audio, audio.playing.entry_id)
        _log.info("guild %s: player taken over from %s", guild_id, node.label)

    async def rejoin_lost(self) -> list[int]:
        """Guilds the read model shows playing that no session kept: rejoin and play again."""
        rejoined = []
        for member in await self._cache.members(stats.NAME, stats.PLAYING_GUILDS):
            guild_id = int(member)
            if guild_id in self._players.guilds:
                continue
            view = await self.now_playing(guild_id)
            if view is None or view.voice_channel_id is None or view.entry is None:
                continue
            audio = _audio_from(view, view.voice_channel_id)
            audio.start_ms = _position_now(view)
            self._players.guilds[guild_id] = audio
            await self._players.join(guild_id, view.voice_channel_id)
            rejoined.append(guild_id)
        return rejoined

    async def find_channel(self, guild_id: int) -> None:
        """A guild this process knows no voice channel of (it was in voice before a restart
        that lost its session): join the channel the read model shows, if any."""
        audio = self._players.guilds.get(guild_id)
        if audio is not None and audio.channel_id is not None:
            return
        view = await self.now_playing(guild_id)
        if view is not None and view.voice_channel_id is not None:
            _log.info("guild %s: rejoining voice channel %s", guild_id, view.voice_channel_id)
            await self._players.join(guild_id, view.voice_channel_id)


def _audio_from(view: NowPlaying, channel_id: int) -> GuildAudio:
    audio = GuildAudio(
        view.guild_id,
        channel_id=channel_id,
        paused=view.paused,
        volume=view.volume,
        preset=FilterPreset(view.filters),
    )
    if view.entry is not None and view.encoded is not None:
        entry = view.entry
        audio.playing = Playing(
            UUID(entry.entry_id), view.encoded, entry.length_ms, entry.is_stream
        )
    return audio


def _position_now(view: NowPlaying) -> int:
    """Where the track is by now, by the read model's clock (it moves only when playing)."""
    if view.paused or view.position_at is None or view.entry is None:
        return view.position_ms
    elapsed = (datetime.now(UTC) - view.position_at).total_seconds() * 1000
    return min(view.position_ms + int(elapsed), view.entry.length_ms)


def _channel_of(payload: PlayerPayload) -> int | None:
    channel = payload["voice"].get("channelId")
    return int(channel) if channel else None


async def _destroy(node: RepriseNode, guild_id: int) -> None:
    try:
        await node.destroy(guild_id)
    except (*LAVALINK_REFUSED, *LAVALINK_UNREACHABLE) as error:
        _log.info("orphan player of %s on %s not destroyed: %r", guild_id, node.label, error)
