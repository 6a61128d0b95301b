"""What a projection asks the read cache to do; the cache applies a model's writes atomically.

Every write carries the aggregate version that produced it: the cache applies only writes
newer than the version it already holds for that aggregate, and records the newest version
in the same atomic step. That makes redelivery, replays and rebuilds idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple
from uuid import UUID


@dataclass(frozen=True, slots=True)
class SetDocument:
    key: str
    document: str  # JSON


@dataclass(frozen=True, slots=True)
class DeleteKey:
    key: str


@dataclass(frozen=True, slots=True)
class Schedule:
    """Put `member` in the sorted set `key` at `due` (epoch seconds)."""

    key: str
    member: str
    due: float


@dataclass(frozen=True, slots=True)
class Unschedule:
    key: str
    member: str


@dataclass(frozen=True, slots=True)
class Increment:
    """Add `amount` to `field` of the hash `key`."""

    key: str
    field: str
    amount: int = 1


@dataclass(frozen=True, slots=True)
class AddMember:
    key: str
    member: str


@dataclass(frozen=True, slots=True)
class RemoveMember:
    key: str
    member: str


Write = SetDocument | DeleteKey | Schedule | Unschedule | Increment | AddMember | RemoveMember


class VersionedWrite(NamedTuple):
    """A write with the aggregate version that produced it. A tuple, not a frozen dataclass:
    a rebuild makes one per write, and a frozen dataclass's __init__ sets each field through
    object.__setattr__ (measured: 8.6% of a bare rebuild's CPU)."""

    version: int
    write: Write


@dataclass(slots=True)
class ModelUpdate:
    """All writes of one read model for one aggregate, up to `version` (at `position`)."""

    aggregate_id: UUID
    version: int
    position: int
    writes: list[VersionedWrite] = field(default_factory=list)
