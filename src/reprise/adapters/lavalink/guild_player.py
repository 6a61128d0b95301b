"""What the audio process keeps per guild: the queue's wishes and the mafic player.

`GuildAudio` is what the events say should happen (which entry, from where, paused, volume,
filters, which voice channel); `GuildPlayer` is mafic's player for the guild, picked a node by
us rather than by mafic's global NodePool.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from reprise.adapters.lavalink.filters import lavalink_filter
from reprise.adapters.lavalink.mafic_import import mafic, nextcord
from reprise.application.voice_messages import VoiceServerForwarded, VoiceStateForwarded
from reprise.domain.values import FilterPreset

if TYPE_CHECKING:
    from collections.abc import Callable

    from mafic.typings import Player as PlayerPayload
    from mafic.typings import PlayerUpdateState
    from nextcord.types.voice import VoiceServerUpdate

    from reprise.adapters.lavalink.offline_client import OfflineDiscordClient


ENTRY_KEY = "reprise_entry_id"


def entry_of(payload: PlayerPayload) -> UUID | None:
    """The entry id a player's track carries in its userData (set by `push`), if any."""
    track = payload.get("track")
    if not track:
        return None
    user_data = cast("dict[str, object]", track).get("userData") or {}
    value = cast("dict[str, object]", user_data).get(ENTRY_KEY)
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


@dataclass(slots=True)
class Playing:
    """The entry the queue says is current, with what Lavalink needs to play it."""

    entry_id: UUID
    encoded: str
    length_ms: int
    is_stream: bool

    def mafic_track(self) -> mafic.Track:
        """Lavalink only reads the encoded form; the rest is for mafic's bookkeeping."""
        return mafic.Track(
            track_id=self.encoded,
            identifier="",
            seekable=not self.is_stream,
            author="",
            length=self.length_ms,
            stream=self.is_stream,
            title="",
            uri=None,
            artwork_url=None,
            isrc=None,
            source="",
        )


@dataclass(slots=True)
class GuildAudio:
    """One guild's playback as the queue's events describe it, and its player once joined."""

    guild_id: int
    channel_id: int | None = None
    playing: Playing | None = None
    start_ms: int = 0
    paused: bool = False
    volume: int = 100
    preset: FilterPreset = FilterPreset.OFF
    reported: UUID | None = None
    voice_state: VoiceStateForwarded | None = None
    voice_server: VoiceServerForwarded | None = None
    player: GuildPlayer | None = None
    pushed: bool = False
    last_position: int = -1
    position_moved_at: float = 0.0
    progress_sent: tuple[UUID | None, bool, bool] | None = None
    progress_sent_at: float = 0.0

    def needs_report(self, entry_id: UUID) -> bool:
        """Whether `entry_id` is current and not yet reported as ended (once per entry)."""
        return (
            self.playing is not None
            and self.playing.entry_id == entry_id
            and (self.reported != entry_id)
        )


class GuildPlayer(mafic.Player["OfflineDiscordClient"]):
    """mafic's player with our node choice; calls `on_update` on each Lavalink playerUpdate."""

    def __init__(
        self,
        client: OfflineDiscordClient,
        channel: nextcord.VoiceChannel,
        node: mafic.Node[OfflineDiscordClient],
        on_update: Callable[[GuildPlayer], None],
    ) -> None:
        super().__init__(client, channel, node=node)
        self._on_update = on_update

    @property
    def assigned_node(self) -> mafic.Node[OfflineDiscordClient]:
        assert self._node is not None  # noqa: S101 - always given at construction
        return self._node

    def move_to(self, node: mafic.Node[OfflineDiscordClient]) -> None:
        """Belong to `node` from now on (the caller sends the voice and playback to it)."""
        if self._node is not None:
            self._node.remove_player(self._guild_id)
        self._node = node
        node.add_player(self._guild_id, self)

    @property
    def voice_complete(self) -> bool:
        """Whether Lavalink has (or can be sent) everything to join Discord's voice server."""
        return (
            self._session_id is not None
            and self._server_state is not None
            and isinstance(self.channel, nextcord.VoiceChannel)
        )

    async def send_voice(self) -> None:
        """Send the voice credentials to the player's node."""
        await self._dispatch_player_update()

    async def on_voice_server_update(self, data: VoiceServerUpdate) -> None:
        # mafic would ask its global NodePool for a node here; ours was chosen already.
        self.assigned_node.add_player(self._guild_id, self)
        self._server_state = data
        await self._dispatch_player_update()

    def update_state(self, state: PlayerUpdateState) -> None:
        super().update_state(state)
        self._on_update(self)

    def estimated_position(self) -> int:
        """The position now: Lavalink's last report plus the time since, when playing."""
        if self._paused or not self._last_update or self._current is None:
            return self._position
        return self._position + max(0, int(time.time() * 1000) - self._last_update)

    @property
    def reported_position(self) -> int:
        """The position Lavalink last reported (or we last set)."""
        return self._position

    async def push(self, audio: GuildAudio, position: int) -> None:
        """Send the whole wish in one request: track, position, pause, volume, filters.

        The track carries its entry id as Lavalink `userData`, so a restarted process reads
        from Lavalink itself which entry a kept player plays."""
        playing = audio.playing
        track: dict[str, object] = {"encoded": None}
        body: dict[str, object] = {
            "track": track,
            "volume": audio.volume,
            "paused": audio.paused,
            "filters": lavalink_filter(audio.preset).payload,
        }
        if playing is not None:
            track.update(encoded=playing.encoded, userData={ENTRY_KEY: str(playing.entry_id)})
            body["position"] = position
        node = self.assigned_node
        path = f"sessions/{node.session_id}/players/{self._guild_id}"
        await node._Node__request("PATCH", path, body, {"noReplace": "false"})  # type: ignore[attr-defined]
        self._current = playing.mafic_track() if playing is not None else None
        self._position = position
        self._last_update = int(time.time() * 1000)
        self._paused = audio.paused

    async def apply(self, **changes: Any) -> None:
        """Change some of the player's settings (pause, position, volume, filter)."""
        await self.assigned_node.update(guild_id=self._guild_id, **changes)
        position = changes.get("position", self.estimated_position())
        self._position, self._last_update = position, int(time.time() * 1000)
        self._paused = changes.get("pause", self._paused)
