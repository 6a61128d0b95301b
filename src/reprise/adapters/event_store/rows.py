"""Turning commits into rows and rows back into domain events, for both SQL stores."""

from __future__ import annotations

from dataclasses import dataclass, fields
from operator import attrgetter
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent

from reprise.application.ports import Notification, RecordedEvent, Stream

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import datetime

    from eventsourcing.domain import CanMutateAggregate, Snapshot

    from reprise.application.ports import Commit


EventRow = RecordedEvent
_columns = attrgetter(*(column.name for column in fields(RecordedEvent)))
"""A RecordedEvent's fields as a tuple, in order."""


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


class RowMapper:
    """Maps domain events and snapshots to rows with the eventsourcing mapper."""

    def __init__(self, mapper: Mapper[UUID]) -> None:
        self._mapper = mapper

    def event_rows(
        self, commits: Sequence[Commit], first_position: int, recorded_at: datetime
    ) -> list[EventRow]:
        rows: list[EventRow] = []
        for commit in commits:
            for event in commit.events:
                stored = self._mapper.to_stored_event(event)
                rows.append(
                    EventRow(
                        first_position + len(rows),
                        event.originator_id,
                        event.originator_version,
                        stored.topic,
                        stored.state,
                        commit.command.guild_id,
                        commit.command.command_id,
                        commit.command.traceparent,
                        recorded_at,
                    )
                )
        return rows

    def snapshot_rows(self, commits: Sequence[Commit]) -> list[SnapshotRow]:
        rows = []
        for commit in commits:
            for snapshot in commit.snapshots:
                stored = self._mapper.to_stored_event(snapshot)
                rows.append(
                    SnapshotRow(
                        snapshot.originator_id,
                        snapshot.originator_version,
                        stored.topic,
                        stored.state,
                    )
                )
        return rows

    def event(
        self, originator_id: UUID, version: int, topic: str, state: bytes
    ) -> CanMutateAggregate[UUID]:
        stored = StoredEvent(originator_id, version, topic, state)
        return cast("CanMutateAggregate[UUID]", self._mapper.to_domain_event(stored))

    def snapshot(self, originator_id: UUID, version: int, topic: str, state: bytes) -> Snapshot:
        stored = StoredEvent(originator_id, version, topic, state)
        return cast("Snapshot", self._mapper.to_domain_event(stored))

    def stream(
        self,
        originator_id: UUID,
        snapshot: tuple[int, str, bytes] | None,
        events: Sequence[tuple[int, str, bytes]],
    ) -> Stream:
        return Stream(
            snapshot=self.snapshot(originator_id, *snapshot) if snapshot else None,
            events=[self.event(originator_id, *row) for row in events],
        )

    def notification_from_columns(self, columns: Iterable[Any]) -> Notification:
        """A notification from a row's columns in RecordedEvent's field order, without building
        the RecordedEvent first (a rebuild reads a million)."""
        position, originator_id, version, topic, state, guild_id, command_id, traceparent, _ = (
            columns
        )
        return Notification(
            position=position,
            guild_id=guild_id,
            command_id=command_id,
            event=self.event(originator_id, version, topic, state),
            traceparent=traceparent,
        )

    def notification(self, row: EventRow) -> Notification:
        return self.notification_from_columns(_columns(row))
