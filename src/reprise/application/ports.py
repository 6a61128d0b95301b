"""Ports: what the application needs from the outside world, as Protocols."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass, field
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
    same answer instead of being decided again on newer state. `expected` holds the version
    of every aggregate the decision read, as it read it: if any has moved when the commit is
    written, the commit is refused with a ConcurrencyConflict (a rejection too, since it was
    decided on that state). `after` names the command whose commit this decision was built on
    before that one was stored: unless that one is stored as decided, this one is refused
    too (versions alone cannot tell two histories of the same length apart).
    """

    command: CommandRecord
    events: Sequence[CanMutateAggregate[UUID]]
    snapshots: Sequence[Snapshot]
    result: CommandResult
    expected: Mapping[UUID, int] = field(default_factory=dict)
    after: UUID | None = None


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
    """The commit was decided on a state that is not the stored one: another writer appended
    to the aggregate since it was loaded, or (`after`) the commit it was decided on top of was
    not stored as decided."""

    def __init__(
        self,
        originator_id: UUID,
        expected_version: int,
        actual_version: int,
        *,
        after: UUID | None = None,
    ) -> None:
        moved = f"aggregate {originator_id} is at version {actual_version}"
        if after is None:
            super().__init__(f"{moved}, expected {expected_version}")
        else:
            super().__init__(f"decided after command {after}, which was not stored ({moved})")
        self.originator_id = originator_id
        self.expected_version = expected_version
        self.actual_version = actual_version
        self.after = after


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

    def append(self, commit: Commit) -> Awaitable[AppendOutcome]:
        """Store a commit atomically; awaiting gives its outcome, or raises
        ConcurrencyConflict if an aggregate it expected moved on.

        The commit joins the write queue when `append` is called, not when it is awaited:
        commits are written in the order of the calls, so a caller may append the next
        decision before the previous one is stored (its `expected` versions then assume the
        earlier commit; if that one is refused, the next is refused too).
        """
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
