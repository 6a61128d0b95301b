"""Value objects shared by the aggregates: tracks, queue entries, modes and causes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from uuid import UUID


class LoopMode(Enum):
    """What happens when the current track ends."""

    OFF = "off"
    TRACK = "track"
    QUEUE = "queue"


class FilterPreset(Enum):
    """Audio filter sets the audio process knows how to send to Lavalink."""

    OFF = "off"
    BASSBOOST = "bassboost"
    NIGHTCORE = "nightcore"
    VAPORWAVE = "vaporwave"
    EIGHT_D = "8d"
    KARAOKE = "karaoke"


class QueuePlacement(Enum):
    """Where new tracks go: after the last entry, or right after the current one."""

    END = "end"
    NEXT = "next"


@dataclass(frozen=True, slots=True)
class Track:
    """A playable track as Lavalink resolved it; `encoded` is Lavalink's opaque handle."""

    encoded: str
    identifier: str
    title: str
    author: str
    length_ms: int
    is_stream: bool
    uri: str | None = None
    source_name: str = "unknown"
    artwork_url: str | None = None


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """One request in a guild's queue: the track, who asked for it and when."""

    entry_id: UUID
    track: Track
    requested_by: str
    requested_at: datetime


class CauseKind(Enum):
    """Who or what made a subscription change."""

    USER = "user"
    ADMIN = "admin"
    STRIPE = "stripe"
    TIMER = "timer"


@dataclass(frozen=True, slots=True)
class Cause:
    """The recorded cause of a transition: a user id, a Stripe event id or a timer name."""

    kind: CauseKind
    reference: str

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.reference}"
