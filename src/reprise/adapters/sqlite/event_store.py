"""SqliteEventStore: the embedded default's event store, with the same group commit.

A writer connection holds the only write transaction (BEGIN IMMEDIATE); a reader connection
sees committed data only (WAL), so nothing reads a group that may still roll back.
"""

from __future__ import annotations

import sqlite3
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self
from uuid import UUID

import aiosqlite

from reprise.adapters.event_store.append_signal import AppendSignal
from reprise.adapters.event_store.commit_plan import (
    GroupPlan,
    group_outcomes,
    originator_ids,
    plan_group,
)
from reprise.adapters.event_store.group_commit import GroupCommitter, GroupOutcome
from reprise.adapters.sqlite.schema import migrate
from reprise.application.ports import (
    AppendOutcome,
    Commit,
    EventStoreUnavailable,
    Notification,
    RecordedEvent,
    Stream,
)
from reprise.application.results import CommandResult

if TYPE_CHECKING:
    import asyncio
    from collections.abc import AsyncIterator, Sequence

    from eventsourcing.domain import CanMutateAggregate

    from reprise.adapters.event_store.rows import EventRow, RowMapper


@asynccontextmanager
async def unavailable_on_db_errors() -> AsyncIterator[None]:
    try:
        yield
    except (sqlite3.Error, OSError) as error:
        raise EventStoreUnavailable(f"SQLite: {error}") from error


async def _open(path: str) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(path, isolation_level=None)
    await connection.execute("PRAGMA journal_mode=WAL")
    await connection.execute("PRAGMA synchronous=FULL")
    await connection.execute("PRAGMA busy_timeout=5000")
    return connection


def _marks(count: int) -> str:
    return ",".join("?" * count)


class SqliteEventStore:
    """The EventStore port on a SQLite file."""

    def __init__(
        self, writer: aiosqlite.Connection, reader: aiosqlite.Connection, rows: RowMapper, path: str
    ) -> None:
        self.path = path
        self._writer = writer
        self._reader = reader
        self._rows = rows
        self._committer = GroupCommitter(self._write_group)
        self._appended = AppendSignal()

    @classmethod
    async def open(cls, path: str, rows: RowMapper) -> Self:
        async with unavailable_on_db_errors():
            writer = await _open(path)
            await migrate(writer)
            reader = await _open(path)
        return cls(writer, reader, rows, path)

    @property
    def groups_written(self) -> int:
        return self._committer.groups_written

    def append(self, commit: Commit) -> asyncio.Future[AppendOutcome]:
        return self._committer.submit(commit)

    async def load(self, originator_id: UUID) -> Stream:
        snap = await self._fetch(
            "SELECT originator_version, topic, state FROM snapshots WHERE originator_id = ?",
            originator_id.hex,
        )
        after = snap[0][0] if snap else 0
        events = await self._fetch(
            "SELECT originator_version, topic, state FROM stored_events "
            "WHERE originator_id = ? AND originator_version > ? ORDER BY originator_version",
            originator_id.hex,
            after,
        )
        return self._rows.stream(originator_id, tuple(snap[0]) if snap else None, events)

    async def load_events(
        self, originator_id: UUID, *, after_version: int = 0, up_to_version: int | None = None
    ) -> Sequence[CanMutateAggregate[UUID]]:
        rows = await self._fetch(
            "SELECT originator_version, topic, state FROM stored_events WHERE originator_id = ? "
            "AND originator_version > ? AND originator_version <= ? ORDER BY originator_version",
            originator_id.hex,
            after_version,
            up_to_version if up_to_version is not None else 2**62,
        )
        return [self._rows.event(originator_id, *row) for row in rows]

    async def read_notifications(self, after: int, limit: int) -> Sequence[Notification]:
        return [self._rows.notification(row) for row in await self.read_recorded(after, limit)]

    async def read_recorded(self, after: int, limit: int) -> Sequence[RecordedEvent]:
        rows = await self._fetch(
            "SELECT notification_id, originator_id, originator_version, topic, state, guild_id, "
            "command_id, traceparent, recorded_at FROM stored_events WHERE notification_id > ? "
            "ORDER BY notification_id LIMIT ?",
            after,
            limit,
        )
        return [
            RecordedEvent(
                row[0],
                UUID(row[1]),
                row[2],
                row[3],
                row[4],
                row[5],
                UUID(row[6]),
                row[7],
                datetime.fromisoformat(row[8]),
            )
            for row in rows
        ]

    async def max_position(self) -> int:
        rows = await self._fetch("SELECT COALESCE(MAX(notification_id), 0) FROM stored_events")
        return int(rows[0][0])

    async def wait_for_append(self, after: int, max_wait: float) -> None:
        await self._appended.wait(after, max_wait)

    async def close(self) -> None:
        await self._committer.close()
        await self._reader.close()
        await self._writer.close()

    async def _fetch(self, sql: str, *params: Any) -> list[Any]:
        async with unavailable_on_db_errors(), self._reader.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def _write_group(self, commits: Sequence[Commit]) -> list[GroupOutcome]:
        async with unavailable_on_db_errors():
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                plan, event_rows = await self._store_group(commits)
            except BaseException:
                await self._writer.execute("ROLLBACK")
                raise
            await self._writer.execute("COMMIT")
        if event_rows:
            self._appended.notify(event_rows[-1].position)
        return group_outcomes(commits, plan, event_rows)

    async def _store_group(self, commits: Sequence[Commit]) -> tuple[GroupPlan, list[EventRow]]:
        w = self._writer
        async with w.execute("SELECT COALESCE(MAX(notification_id), 0) FROM stored_events") as c:
            row = await c.fetchone()
            last = int(row[0]) if row else 0
        plan = await self._plan(commits)
        accepted = [commits[i] for i in plan.accepted]
        event_rows = self._rows.event_rows(accepted, last + 1, datetime.now(UTC))
        await w.executemany(
            "INSERT INTO stored_events (notification_id, originator_id, originator_version, "
            "topic, state, guild_id, command_id, traceparent, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    r.position,
                    r.originator_id.hex,
                    r.originator_version,
                    r.topic,
                    r.state,
                    r.guild_id,
                    r.command_id.hex,
                    r.traceparent,
                    r.recorded_at.isoformat(),
                )
                for r in event_rows
            ],
        )
        await w.executemany(
            "INSERT INTO commands (command_id, command_type, guild_id, correlation_id, actor, "
            "issued_at, result) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    c.command.command_id.hex,
                    c.command.command_type,
                    c.command.guild_id,
                    c.command.correlation_id.hex,
                    c.command.actor,
                    c.command.issued_at.isoformat(),
                    c.result.model_dump_json(),
                )
                for c in accepted
            ],
        )
        await w.executemany(
            "INSERT INTO snapshots VALUES (?, ?, ?, ?) ON CONFLICT (originator_id) DO UPDATE SET "
            "originator_version = excluded.originator_version, topic = excluded.topic, "
            "state = excluded.state "
            "WHERE snapshots.originator_version < excluded.originator_version",
            [
                (s.originator_id.hex, s.originator_version, s.topic, s.state)
                for s in self._rows.snapshot_rows(accepted)
            ],
        )
        return plan, event_rows

    async def _plan(self, commits: Sequence[Commit]) -> GroupPlan:
        ids = [originator_id.hex for originator_id in originator_ids(commits)]
        async with self._writer.execute(
            "SELECT originator_id, MAX(originator_version) FROM stored_events "
            f"WHERE originator_id IN ({_marks(len(ids))}) GROUP BY originator_id",
            ids,
        ) as cursor:
            versions = {UUID(row[0]): row[1] for row in await cursor.fetchall()}
        command_ids = [commit.command.command_id.hex for commit in commits]
        async with self._writer.execute(
            f"SELECT command_id, result FROM commands WHERE command_id IN "
            f"({_marks(len(command_ids))})",
            command_ids,
        ) as cursor:
            stored = {
                UUID(row[0]): CommandResult.model_validate_json(row[1])
                for row in await cursor.fetchall()
            }
        return plan_group(commits, versions, stored)
