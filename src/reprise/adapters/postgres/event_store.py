"""PostgresEventStore: the event store on PostgreSQL through asyncpg, with group commit.

Writers serialise on one counter row (`notification_counter ... FOR UPDATE`), which gives a
gap-free global order that readers never see out of order: positions are assigned and made
visible in lock order. A whole group of commits pays for the lock and the fsync once.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Self

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from reprise.adapters.event_store.append_signal import AppendSignal
from reprise.adapters.event_store.commit_plan import (
    GroupPlan,
    assumed_versions,
    group_outcomes,
    originator_ids,
    plan_group,
)
from reprise.adapters.event_store.group_commit import GroupCommitter, GroupOutcome
from reprise.adapters.event_store.rows import EventRow, RowMapper, SnapshotRow
from reprise.adapters.postgres.schema import checked_schema, migrate
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
    from uuid import UUID

    from eventsourcing.domain import CanMutateAggregate

_Connection = asyncpg.Connection | PoolConnectionProxy
_DB_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)


@asynccontextmanager
async def unavailable_on_db_errors() -> AsyncIterator[None]:
    try:
        yield
    except _DB_ERRORS as error:
        raise EventStoreUnavailable(f"PostgreSQL: {error}") from error


async def _nothing_to_reset(_connection: asyncpg.Connection) -> None:
    """Pooled connections carry no session state (LISTEN and advisory locks run on connections
    of their own), so a release skips asyncpg's reset query, a round trip per use; asyncpg
    still rolls back a transaction left open."""


class PostgresEventStore:
    """The EventStore port on PostgreSQL."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        dsn: str,
        schema: str,
        rows: RowMapper,
        max_group_size: int = 1_000,
    ) -> None:
        self._pool = pool
        self._dsn = dsn
        self._s = checked_schema(schema)
        self._rows = rows
        self._committer = GroupCommitter(self._write_group, max_group_size)
        self._channel = f"{self._s}_appended"
        self._appended = AppendSignal()
        self._listener: asyncpg.Connection | None = None

    @classmethod
    async def connect(
        cls, dsn: str, schema: str, rows: RowMapper, pool_size: int = 10, *, migrated: bool = False
    ) -> Self:
        """A pool of up to `pool_size` connections; `migrated` first applies pending migrations
        on one of them."""
        async with unavailable_on_db_errors():
            pool = await asyncpg.create_pool(
                dsn, min_size=min(2, pool_size), max_size=pool_size, reset=_nothing_to_reset
            )
            try:
                if migrated:
                    async with pool.acquire() as connection:
                        await migrate(connection, schema)
            except BaseException:
                pool.terminate()
                raise
        return cls(pool, dsn, schema, rows)

    @property
    def pool(self) -> asyncpg.Pool:
        return self._pool

    @property
    def dsn(self) -> str:
        return self._dsn

    @property
    def schema(self) -> str:
        return self._s

    @property
    def groups_written(self) -> int:
        return self._committer.groups_written

    def append(self, commit: Commit) -> asyncio.Future[AppendOutcome]:
        return self._committer.submit(commit)

    async def load(self, originator_id: UUID) -> Stream:
        s = self._s
        async with unavailable_on_db_errors():
            records = await self._pool.fetch(
                f"""WITH snap AS (SELECT originator_version, topic, state FROM {s}.snapshots
                                  WHERE originator_id = $1)
                SELECT true AS is_snapshot, originator_version, topic, state FROM snap
                UNION ALL
                SELECT false, originator_version, topic, state FROM {s}.stored_events
                WHERE originator_id = $1
                  AND originator_version > COALESCE((SELECT originator_version FROM snap), 0)
                ORDER BY is_snapshot DESC, originator_version""",
                originator_id,
            )
        snapshot = None
        if records and records[0]["is_snapshot"]:
            first = records.pop(0)
            snapshot = (first["originator_version"], first["topic"], first["state"])
        events = [(r["originator_version"], r["topic"], r["state"]) for r in records]
        return self._rows.stream(originator_id, snapshot, events)

    async def load_events(
        self, originator_id: UUID, *, after_version: int = 0, up_to_version: int | None = None
    ) -> Sequence[CanMutateAggregate[UUID]]:
        async with unavailable_on_db_errors():
            records = await self._pool.fetch(
                f"SELECT originator_version, topic, state FROM {self._s}.stored_events "
                "WHERE originator_id = $1 AND originator_version > $2 "
                "AND ($3::int IS NULL OR originator_version <= $3) ORDER BY originator_version",
                originator_id,
                after_version,
                up_to_version,
            )
        return [self._rows.event(originator_id, *record) for record in records]

    async def read_notifications(self, after: int, limit: int) -> Sequence[Notification]:
        return [
            self._rows.notification_from_columns(row) for row in await self._recorded(after, limit)
        ]

    async def read_recorded(self, after: int, limit: int) -> Sequence[RecordedEvent]:
        return [RecordedEvent(*row) for row in await self._recorded(after, limit)]

    async def _recorded(self, after: int, limit: int) -> list[asyncpg.Record]:
        """Stored events after `after`, columns in RecordedEvent's field order."""
        async with unavailable_on_db_errors():
            return await self._pool.fetch(
                "SELECT notification_id, originator_id, originator_version, topic, state, "
                f"guild_id, command_id, traceparent, recorded_at FROM {self._s}.stored_events "
                "WHERE notification_id > $1 ORDER BY notification_id LIMIT $2",
                after,
                limit,
            )

    async def max_position(self) -> int:
        async with unavailable_on_db_errors():
            value = await self._pool.fetchval(
                f"SELECT last_position FROM {self._s}.notification_counter WHERE id = 1"
            )
        return int(value)

    async def wait_for_append(self, after: int, max_wait: float) -> None:
        """Woken by NOTIFY from any writer process, with `max_wait` as the fallback poll."""
        if self._listener is None or self._listener.is_closed():
            await self._listen()
        await self._appended.wait(after, max_wait)

    async def close(self) -> None:
        await self._committer.close()
        if self._listener is not None and not self._listener.is_closed():
            await self._listener.close()
        await self._pool.close()

    async def _listen(self) -> None:
        async with unavailable_on_db_errors():
            listener: asyncpg.Connection = await asyncpg.connect(self._dsn)
            await listener.add_listener(self._channel, self._on_notify)
            self._listener = listener
            self._appended.notify(await self.max_position())

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: object) -> None:
        self._appended.notify(int(str(payload)))

    async def _write_group(self, commits: Sequence[Commit]) -> list[GroupOutcome]:
        """In one round trip when the group's assumptions about the store hold (as they do
        while one core owns each guild), else planned against what is stored."""
        assumed = assumed_versions(commits)
        if assumed is not None:
            outcomes = await self._write_assumed(commits, assumed)
            if outcomes is not None:
                return outcomes
        return await self._write_planned(commits)

    async def _write_assumed(
        self, commits: Sequence[Commit], assumed: dict[UUID, int]
    ) -> list[GroupOutcome] | None:
        now = datetime.now(UTC)
        event_rows = self._rows.event_rows(commits, 1, now)
        arguments = [
            list(assumed),
            list(assumed.values()),
            *_columns(event_rows, 9)[1:8],  # positions and times come from the function
            now,
            *_command_columns(commits),
            *_columns(_latest_snapshots(self._rows.snapshot_rows(commits)), 4),
            self._channel,
        ]
        placeholders = ", ".join(f"${n}" for n in range(1, len(arguments) + 1))
        try:
            async with unavailable_on_db_errors():
                last = await self._pool.fetchval(
                    f"SELECT {self._s}.append_assumed({placeholders})", *arguments
                )
        except EventStoreUnavailable as error:
            if isinstance(error.__cause__, asyncpg.UniqueViolationError):
                return None  # another writer got in between: plan against what it stored
            raise
        if last is None:
            return None
        everything = GroupPlan(list(range(len(commits))))
        return group_outcomes(commits, everything, event_rows, offset=last)

    async def _write_planned(self, commits: Sequence[Commit]) -> list[GroupOutcome]:
        async with (
            unavailable_on_db_errors(),
            self._pool.acquire() as conn,
            conn.transaction(),
        ):
            last = await conn.fetchval(
                f"SELECT last_position FROM {self._s}.notification_counter WHERE id = 1 FOR UPDATE"
            )
            plan = await self._plan(conn, commits)
            accepted = [commits[i] for i in plan.accepted]
            event_rows = self._rows.event_rows(accepted, last + 1, datetime.now(UTC))
            await self._insert(conn, accepted, event_rows)
        return group_outcomes(commits, plan, event_rows)

    async def _plan(self, conn: _Connection, commits: Sequence[Commit]) -> GroupPlan:
        s = self._s
        # One index probe per aggregate (newest version first), however long its stream.
        version_rows = await conn.fetch(
            f"SELECT ids.id AS originator_id, last.version FROM unnest($1::uuid[]) AS ids(id) "
            f"CROSS JOIN LATERAL (SELECT originator_version AS version FROM {s}.stored_events "
            "WHERE originator_id = ids.id ORDER BY originator_version DESC LIMIT 1) AS last",
            originator_ids(commits),
        )
        result_rows = await conn.fetch(
            f"SELECT command_id, result FROM {s}.commands WHERE command_id = ANY($1::uuid[])",
            [commit.command.command_id for commit in commits],
        )
        versions = {row["originator_id"]: row["version"] for row in version_rows}
        stored = {
            row["command_id"]: CommandResult.model_validate_json(row["result"])
            for row in result_rows
        }
        return plan_group(commits, versions, stored)

    async def _insert(
        self, conn: _Connection, accepted: Sequence[Commit], event_rows: list[EventRow]
    ) -> None:
        if not accepted:
            return
        s = self._s
        if event_rows:
            await conn.execute(
                f"INSERT INTO {s}.stored_events (notification_id, originator_id, "
                "originator_version, topic, state, guild_id, command_id, traceparent, "
                "recorded_at) SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::int[], "
                "$4::text[], $5::bytea[], $6::bigint[], $7::uuid[], $8::text[], "
                "$9::timestamptz[])",
                *_columns(event_rows, 9),
            )
            await conn.execute(
                f"WITH moved AS (UPDATE {s}.notification_counter SET last_position = $1 "
                "WHERE id = 1 RETURNING last_position) "
                "SELECT pg_notify($2, last_position::text) FROM moved",
                event_rows[-1].position,
                self._channel,
            )
        await conn.execute(
            f"INSERT INTO {s}.commands (command_id, command_type, guild_id, correlation_id, "
            "actor, issued_at, result) SELECT * FROM unnest($1::uuid[], $2::text[], "
            "$3::bigint[], $4::uuid[], $5::text[], $6::timestamptz[], $7::jsonb[])",
            *_command_columns(accepted),
        )
        snapshots = _latest_snapshots(self._rows.snapshot_rows(accepted))
        if snapshots:
            await conn.execute(
                f"INSERT INTO {s}.snapshots AS old SELECT * FROM unnest($1::uuid[], $2::int[], "
                "$3::text[], $4::bytea[]) ON CONFLICT (originator_id) DO UPDATE SET "
                "originator_version = excluded.originator_version, topic = excluded.topic, "
                "state = excluded.state WHERE old.originator_version < excluded.originator_version",
                *_columns(snapshots, 4),
            )


def _columns(rows: Sequence[EventRow] | Sequence[SnapshotRow], width: int) -> list[list[object]]:
    columns: list[list[object]] = [[] for _ in range(width)]
    for row in rows:
        for column, value in zip(columns, _fields(row), strict=True):
            column.append(value)
    return columns


def _fields(row: EventRow | SnapshotRow) -> tuple[object, ...]:
    if isinstance(row, EventRow):
        return (
            row.position,
            row.originator_id,
            row.originator_version,
            row.topic,
            row.state,
            row.guild_id,
            row.command_id,
            row.traceparent,
            row.recorded_at,
        )
    return (row.originator_id, row.originator_version, row.topic, row.state)


def _command_columns(commits: Sequence[Commit]) -> list[list[object]]:
    records = [commit.command for commit in commits]
    return [
        [r.command_id for r in records],
        [r.command_type for r in records],
        [r.guild_id for r in records],
        [r.correlation_id for r in records],
        [r.actor for r in records],
        [r.issued_at for r in records],
        [commit.result.model_dump_json() for commit in commits],
    ]


def _latest_snapshots(rows: list[SnapshotRow]) -> list[SnapshotRow]:
    latest: dict[UUID, SnapshotRow] = {}
    for row in rows:
        if row.originator_id not in latest or latest[row.originator_id].originator_version < (
            row.originator_version
        ):
            latest[row.originator_id] = row
    return list(latest.values())
