"""InMemoryEventStore: the EventStore port in memory, for unit tests and benchmarks.

It stores mapped rows, not live objects, so what it returns went through the same
transcoding as on disk.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from reprise.adapters.event_store.append_signal import AppendSignal
from reprise.adapters.event_store.commit_plan import group_outcomes, plan_group
from reprise.adapters.event_store.group_commit import GroupCommitter, GroupOutcome

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from eventsourcing.domain import CanMutateAggregate

    from reprise.adapters.event_store.rows import EventRow, RowMapper, SnapshotRow
    from reprise.application.ports import (
        AppendOutcome,
        Commit,
        Notification,
        RecordedEvent,
        Stream,
    )
    from reprise.application.results import CommandResult


class InMemoryEventStore:
    """The EventStore port in memory, with the same group commit as the SQL stores."""

    def __init__(self, rows: RowMapper) -> None:
        self._rows = rows
        self._events: list[EventRow] = []
        self._streams: dict[UUID, list[EventRow]] = {}
        self._versions: dict[UUID, int] = {}  # each stream's last version
        self._snapshots: dict[UUID, SnapshotRow] = {}
        self._results: dict[UUID, CommandResult] = {}
        self._committer = GroupCommitter(self._write_group)
        self._appended = AppendSignal()

    @property
    def groups_written(self) -> int:
        return self._committer.groups_written

    def append(self, commit: Commit) -> asyncio.Future[AppendOutcome]:
        return self._committer.submit(commit)

    async def load(self, originator_id: UUID) -> Stream:
        snapshot = self._snapshots.get(originator_id)
        after = snapshot.originator_version if snapshot else 0
        events = [
            (row.originator_version, row.topic, row.state)
            for row in self._streams.get(originator_id, [])
            if row.originator_version > after
        ]
        snap = (snapshot.originator_version, snapshot.topic, snapshot.state) if snapshot else None
        return self._rows.stream(originator_id, snap, events)

    async def load_events(
        self, originator_id: UUID, *, after_version: int = 0, up_to_version: int | None = None
    ) -> Sequence[CanMutateAggregate[UUID]]:
        last = up_to_version if up_to_version is not None else 2**62
        return [
            self._rows.event(originator_id, row.originator_version, row.topic, row.state)
            for row in self._streams.get(originator_id, [])
            if after_version < row.originator_version <= last
        ]

    async def read_notifications(self, after: int, limit: int) -> Sequence[Notification]:
        return [self._rows.notification(row) for row in self._events[after : after + limit]]

    async def read_recorded(self, after: int, limit: int) -> Sequence[RecordedEvent]:
        return self._events[after : after + limit]

    async def max_position(self) -> int:
        return len(self._events)

    async def wait_for_append(self, after: int, max_wait: float) -> None:
        await self._appended.wait(after, max_wait)

    async def close(self) -> None:
        await self._committer.close()

    async def _write_group(self, commits: Sequence[Commit]) -> list[GroupOutcome]:
        await asyncio.sleep(0)  # a real store yields while it writes; let others join the group
        plan = plan_group(commits, self._versions, self._results)
        accepted = [commits[i] for i in plan.accepted]
        event_rows = self._rows.event_rows(accepted, len(self._events) + 1, datetime.now(UTC))
        for row in event_rows:
            self._events.append(row)
            self._streams.setdefault(row.originator_id, []).append(row)
            self._versions[row.originator_id] = row.originator_version
        for commit in accepted:
            self._results[commit.command.command_id] = commit.result
        for snapshot in self._rows.snapshot_rows(accepted):
            self._snapshots[snapshot.originator_id] = snapshot
        self._appended.notify(len(self._events))
        return group_outcomes(commits, plan, event_rows)
