"""Commands: frozen pydantic models with the envelope every command carries.

Invalid input never reaches an aggregate: parsing a command raises a pydantic
`ValidationError` whose messages name the field and what was wrong with it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Literal
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from reprise.domain.values import FilterPreset, LoopMode, QueuePlacement, Track

SCHEMA_VERSION: Literal[1] = 1
MAX_TRACKS_PER_COMMAND = 5_000
Snowflake = Annotated[int, Field(gt=0, lt=2**63, description="a Discord id")]
_TRACEPARENT = r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"


def _now() -> datetime:
    return datetime.now(UTC)


class ActorKind(Enum):
    USER = "user"
    ADMIN = "admin"
    STRIPE = "stripe"
    SYSTEM = "system"


class Actor(BaseModel):
    """Who issued a command: a Discord user id, an API admin, a Stripe event id, a timer."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: ActorKind
    id: str = Field(min_length=1, max_length=200)

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"


class CommandBase(BaseModel):
    """The envelope. `command_id` is the idempotency key."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)
    schema_version: Literal[1] = SCHEMA_VERSION
    command_id: UUID = Field(default_factory=uuid4)
    correlation_id: UUID = Field(default_factory=uuid4)
    guild_id: Snowflake
    actor: Actor
    issued_at: AwareDatetime = Field(default_factory=_now)
    traceparent: str | None = Field(default=None, pattern=_TRACEPARENT)


class TrackData(BaseModel):
    """A resolved track as sent by the gateway or the audio process."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    encoded: str = Field(min_length=1, max_length=20_000)
    identifier: str = Field(min_length=1, max_length=2_000)
    title: str = Field(min_length=1, max_length=500)
    author: str = Field(max_length=500)
    length_ms: int = Field(ge=0)
    is_stream: bool = False
    uri: str | None = Field(default=None, max_length=2_000)
    source_name: str = Field(default="unknown", max_length=100)
    artwork_url: str | None = Field(default=None, max_length=2_000)

    def to_track(self) -> Track:
        return Track(**self.model_dump())


# --- queue ---------------------------------------------------------------------------------


class EnqueueTracks(CommandBase):
    type: Literal["EnqueueTracks"] = "EnqueueTracks"
    tracks: list[TrackData] = Field(min_length=1, max_length=MAX_TRACKS_PER_COMMAND)
    placement: QueuePlacement = QueuePlacement.END


class RemoveEntry(CommandBase):
    type: Literal["RemoveEntry"] = "RemoveEntry"
    entry_id: UUID


class MoveEntry(CommandBase):
    type: Literal["MoveEntry"] = "MoveEntry"
    entry_id: UUID
    to_index: int = Field(ge=0)


class ShuffleQueue(CommandBase):
    type: Literal["ShuffleQueue"] = "ShuffleQueue"


class ClearQueue(CommandBase):
    type: Literal["ClearQueue"] = "ClearQueue"


class AdvanceQueue(CommandBase):
    """The audio process reports that `expected_entry` ended (finished, or failed: `failure`)."""

    type: Literal["AdvanceQueue"] = "AdvanceQueue"
    expected_entry: UUID
    failure: str | None = Field(default=None, min_length=1, max_length=1_000)


class Skip(CommandBase):
    type: Literal["Skip"] = "Skip"
    expected_entry: UUID | None = None


class SkipTo(CommandBase):
    type: Literal["SkipTo"] = "SkipTo"
    entry_id: UUID


class Previous(CommandBase):
    type: Literal["Previous"] = "Previous"


class Stop(CommandBase):
    type: Literal["Stop"] = "Stop"


class Pause(CommandBase):
    type: Literal["Pause"] = "Pause"


class Resume(CommandBase):
    type: Literal["Resume"] = "Resume"


class Seek(CommandBase):
    type: Literal["Seek"] = "Seek"
    position_ms: int = Field(ge=0)


class SetLoopMode(CommandBase):
    type: Literal["SetLoopMode"] = "SetLoopMode"
    mode: LoopMode


class SetVolume(CommandBase):
    type: Literal["SetVolume"] = "SetVolume"
    volume: int = Field(ge=0, le=1_000)


class SetFilters(CommandBase):
    type: Literal["SetFilters"] = "SetFilters"
    preset: FilterPreset


class SetAutoplay(CommandBase):
    type: Literal["SetAutoplay"] = "SetAutoplay"
    enabled: bool


class SetAlwaysOn(CommandBase):
    """24/7 mode."""

    type: Literal["SetAlwaysOn"] = "SetAlwaysOn"
    enabled: bool


class SetDjRole(CommandBase):
    """A guild admin chooses the role needed for destructive actions; None clears it."""

    type: Literal["SetDjRole"] = "SetDjRole"
    role_id: Snowflake | None


class JoinVoice(CommandBase):
    type: Literal["JoinVoice"] = "JoinVoice"
    channel_id: Snowflake


class LeaveVoice(CommandBase):
    type: Literal["LeaveVoice"] = "LeaveVoice"


# --- subscription --------------------------------------------------------------------------


class StartTrial(CommandBase):
    type: Literal["StartTrial"] = "StartTrial"


class ActivatePremium(CommandBase):
    type: Literal["ActivatePremium"] = "ActivatePremium"
    period_end: AwareDatetime
    stripe_customer_id: str | None = Field(default=None, max_length=255)
    stripe_subscription_id: str | None = Field(default=None, max_length=255)


class RenewSubscription(CommandBase):
    type: Literal["RenewSubscription"] = "RenewSubscription"
    period_end: AwareDatetime


class RecordPaymentFailure(CommandBase):
    type: Literal["RecordPaymentFailure"] = "RecordPaymentFailure"


class CancelSubscription(CommandBase):
    type: Literal["CancelSubscription"] = "CancelSubscription"
    at_period_end: bool = True


class ExpireSubscription(CommandBase):
    type: Literal["ExpireSubscription"] = "ExpireSubscription"


QueueCommand = (
    EnqueueTracks
    | RemoveEntry
    | MoveEntry
    | ShuffleQueue
    | ClearQueue
    | AdvanceQueue
    | Skip
    | SkipTo
    | Previous
    | Stop
    | Pause
    | Resume
    | Seek
    | SetLoopMode
    | SetVolume
    | SetFilters
    | SetAutoplay
    | SetAlwaysOn
    | SetDjRole
    | JoinVoice
    | LeaveVoice
)
SubscriptionCommand = (
    StartTrial
    | ActivatePremium
    | RenewSubscription
    | RecordPaymentFailure
    | CancelSubscription
    | ExpireSubscription
)
Command = Annotated[QueueCommand | SubscriptionCommand, Field(discriminator="type")]
COMMAND_ADAPTER: TypeAdapter[Command] = TypeAdapter(Command)


def parse_command(data: bytes | str) -> Command:
    """Parse a JSON command; raises pydantic.ValidationError with a message per bad field."""
    return COMMAND_ADAPTER.validate_json(data)
