"""Lavalink v4 wire shapes for players, filters, voice state and update requests."""

from typing import Any

from pydantic import Field

from reprise.adapters.lavalink.dev_server.track_payloads import JsonObject, Track, WireModel


class EqualizerBand(WireModel):
    """One of the 15 equalizer bands."""

    band: int = Field(ge=0, le=14)
    gain: float = Field(ge=-0.25, le=1.0)


class Timescale(WireModel):
    """The timescale filter: speed and rate change how fast the track position moves."""

    speed: float = Field(default=1.0, ge=0.0)
    pitch: float = Field(default=1.0, ge=0.0)
    rate: float = Field(default=1.0, ge=0.0)


class Filters(WireModel):
    """The filters object; only timescale affects the dev server's playback clock."""

    volume: float | None = Field(default=None, ge=0.0, le=5.0)
    equalizer: list[EqualizerBand] | None = None
    karaoke: dict[str, float] | None = None
    timescale: Timescale | None = None
    tremolo: dict[str, float] | None = None
    vibrato: dict[str, float] | None = None
    rotation: dict[str, float] | None = None
    distortion: dict[str, float] | None = None
    channel_mix: dict[str, float] | None = None
    low_pass: dict[str, float] | None = None
    plugin_filters: dict[str, Any] | None = None

    def to_wire(self) -> JsonObject:
        """Return only the filters that are set, as Lavalink does."""
        return self.model_dump(by_alias=True, mode="json", exclude_none=True)

    def speed_factor(self) -> float:
        """How many track milliseconds pass per real millisecond under these filters."""
        if self.timescale is None:
            return 1.0
        return self.timescale.speed * self.timescale.rate


class VoiceState(WireModel):
    """Discord voice credentials; channelId is sent by Lavalink >= 4.2 clients such as mafic."""

    token: str = ""
    endpoint: str = ""
    session_id: str = ""
    channel_id: str | None = None

    def to_wire(self) -> JsonObject:
        """Return the voice state, leaving out channelId when the client never sent one."""
        return self.model_dump(by_alias=True, mode="json", exclude_none=True)

    def is_partial(self) -> bool:
        """Whether one of the three values needed to join a voice server is missing."""
        return not (self.token and self.endpoint and self.session_id)


class PlayerState(WireModel):
    """The `state` of a player, sent in playerUpdate and in the player object."""

    time: int
    position: int
    connected: bool
    ping: int


class Player(WireModel):
    """The player object returned by the players endpoints."""

    guild_id: str
    track: Track | None
    volume: int
    paused: bool
    state: PlayerState
    voice: VoiceState
    filters: Filters

    def to_wire(self) -> JsonObject:
        """Return the player with nested voice and filters in their own wire forms."""
        payload = super().to_wire()
        payload["voice"] = self.voice.to_wire()
        payload["filters"] = self.filters.to_wire()
        return payload


class UpdatePlayerTrack(WireModel):
    """The `track` field of an update-player request."""

    encoded: str | None = None
    identifier: str | None = None
    user_data: JsonObject | None = None


class PlayerUpdate(WireModel):
    """Body of PATCH /v4/sessions/{sessionId}/players/{guildId}; absent and null differ."""

    track: UpdatePlayerTrack | None = None
    encoded_track: str | None = None
    identifier: str | None = None
    position: int | None = Field(default=None, ge=0)
    end_time: int | None = None
    volume: int | None = Field(default=None, ge=0, le=1000)
    paused: bool | None = None
    filters: Filters | None = None
    voice: VoiceState | None = None

    def has(self, field: str) -> bool:
        """Whether the request carried this field at all, even as null."""
        return field in self.model_fields_set


class SessionUpdate(WireModel):
    """Body of PATCH /v4/sessions/{sessionId}."""

    resuming: bool | None = None
    timeout: int | None = Field(default=None, ge=0)


class SessionState(WireModel):
    """Response of PATCH /v4/sessions/{sessionId}."""

    resuming: bool
    timeout: int
