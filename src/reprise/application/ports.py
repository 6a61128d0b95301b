"""Ports: what the application needs from the outside world, as Protocols."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate, Snapshot

from reprise.application.results import CommandResult


@dataclass(frozen=True, slots=True)
class CommandRecord:
    """The envelope facts stored with a command's outcome (and for the audit log)."""

    command_id: UUID
    command_type: str
    guild_id: int
    correlation_id: UUID
    actor: str
    issued_at: datetime
    traceparent: str | None = None


@dataclass(frozen=True, slots=True)
class Commit:
    """Everything one command changes, written in one atomic step.

    `events` may be empty: a rejected command is stored too, so that its redelivery gets the
    same answer instead of being decided again on newer state.
    """

    command: CommandRecord
    events: Sequence[CanMutateAggregate[UUID]]
    snapshots: Sequence[Snapshot]
    result: CommandResult


@dataclass(frozen=True, slots=True)
class Appended:
    """The commit was stored; `positions` are the notification ids of its events."""

    positions: Sequence[int]


@dataclass(frozen=True, slots=True)
class AlreadyHandled:
    """The command id was stored before; here is the result it got then."""

    result: CommandResult


AppendOutcome = Appended | AlreadyHandled


@dataclass(frozen=True, slots=True)
class Stream:
    """An aggregate's latest snapshot (if any) and the events recorded after it."""

    snapshot: Snapshot | None
    events: Sequence[CanMutateAggregate[UUID]]


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """A stored event as bytes, in the global order: what the relay publishes verbatim."""

    position: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes
    guild_id: int
    command_id: UUID
    traceparent: str | None
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Notification:
    """A stored event in the global order, decoded, as the projections read it."""

    position: int
    guild_id: int
    command_id: UUID
    event: CanMutateAggregate[UUID]
    traceparent: str | None = None


class ConcurrencyConflict(Exception):
    """Another writer appended to the aggregate since it was loaded."""

    def __init__(self, originator_id: UUID, expected_version: int, actual_version: int) -> None:
        super().__init__(
            f"aggregate {originator_id} is at version {actual_version}, expected {expected_version}"
        )
        self.originator_id = originator_id
        self.expected_version = expected_version
        self.actual_version = actual_version


class EventStoreUnavailable(Exception):
    """The event store cannot be reached or refused the operation for a technical reason."""


class EventStore(Protocol):
    """Append-only storage of events, commands and snapshots with a gap-free global order."""

    async def load(self, originator_id: UUID) -> Stream:
        """The latest snapshot and the events after it."""
        ...

    async def load_events(
        self, originator_id: UUID, *, after_version: int = 0, up_to_version: int | None = None
    ) -> Sequence[CanMutateAggregate[UUID]]:
        """Events of one aggregate in version order, without snapshots."""
        ...

    async def append(self, commit: Commit) -> AppendOutcome:
        """Store a commit atomically. Raises ConcurrencyConflict if an aggregate moved on."""
        ...

    async def read_notifications(self, after: int, limit: int) -> Sequence[Notification]:
        """Events with a position greater than `after`, in position order."""
        ...

    async def read_recorded(self, after: int, limit: int) -> Sequence[RecordedEvent]:
        """The same events undecoded, for publishing."""
        ...

    async def max_position(self) -> int: ...

    async def wait_for_append(self, after: int, max_wait: float) -> None:
        """Return when an event past `after` is stored, or after `max_wait` seconds."""
        ...

    async def close(self) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...
