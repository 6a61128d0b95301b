"""What the gateway and the audio process tell each other, besides commands and events.

The gateway owns the Discord connection; the audio process owns the Lavalink players (ADR 0007).

- `voice` stream, gateway → audio: the bot's own VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE,
  forwarded as they arrive, so the audio process can hand them to its Lavalink player.
- `ui` stream, audio → gateway: requests to join or leave a voice channel (the gateway sends
  op 4), and playback progress for the now-playing panel.
- Track resolution is a request/reply between the gateway and any audio process.

All three are ordered per guild (partitioned by guild id like `commands`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from reprise.domain.commands import Snowflake, TrackData


def _now() -> datetime:
    return datetime.now(UTC)


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    guild_id: Snowflake
    sent_at: AwareDatetime = Field(default_factory=_now)


# --- voice: gateway → audio ----------------------------------------------------------------


class VoiceStateForwarded(_Message):
    """The bot's VOICE_STATE_UPDATE; `channel_id` None means the bot left (or was kicked)."""

    type: Literal["VoiceStateForwarded"] = "VoiceStateForwarded"
    session_id: str = Field(min_length=1, max_length=200)
    channel_id: Snowflake | None


class VoiceServerForwarded(_Message):
    """VOICE_SERVER_UPDATE; `channel_id` is the bot's current channel (DAVE needs it)."""

    type: Literal["VoiceServerForwarded"] = "VoiceServerForwarded"
    token: str = Field(min_length=1, max_length=500)
    endpoint: str | None = Field(max_length=500)
    channel_id: Snowflake | None


VoiceMessage = Annotated[VoiceStateForwarded | VoiceServerForwarded, Field(discriminator="type")]
VOICE_MESSAGE: TypeAdapter[VoiceMessage] = TypeAdapter(VoiceMessage)


# --- ui: audio → gateway -------------------------------------------------------------------


class VoiceConnectRequested(_Message):
    """Ask the gateway to send op 4: join `channel_id`, or leave when it is None."""

    type: Literal["VoiceConnectRequested"] = "VoiceConnectRequested"
    channel_id: Snowflake | None
    self_deaf: bool = True


class PlaybackProgress(_Message):
    """Where the player is, as Lavalink last reported it (for the panel's progress bar)."""

    type: Literal["PlaybackProgress"] = "PlaybackProgress"
    entry_id: UUID | None
    position_ms: int = Field(ge=0)
    paused: bool
    connected: bool


UiMessage = Annotated[VoiceConnectRequested | PlaybackProgress, Field(discriminator="type")]
UI_MESSAGE: TypeAdapter[UiMessage] = TypeAdapter(UiMessage)


# --- track resolution (request/reply) ------------------------------------------------------


class ResolveRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    query: str = Field(min_length=1, max_length=2_000)


class Resolution(BaseModel):
    """What a query resolved to. `kind` is `track`, `playlist` or `search` (top results);
    `empty` means nothing matched; `error` carries Lavalink's message in `error`."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["track", "playlist", "search", "empty", "error"]
    tracks: tuple[TrackData, ...] = ()
    playlist_name: str | None = None
    error: str | None = None
