"""PostgresAuditLog: the audit log table beside the event store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reprise.adapters.event_store.sql_filters import numbered, where_clause
from reprise.adapters.postgres.event_store import unavailable_on_db_errors
from reprise.adapters.postgres.schema import checked_schema
from reprise.projections.ports import AuditFilter, AuditRow

if TYPE_CHECKING:
    from collections.abc import Sequence

    import asyncpg

    from reprise.projections.audit_log import AuditEntry

_COLUMNS = (
    "position, guild_id, actor, action, summary, occurred_at, aggregate_id, version, "
    "correlation_id, command_type"
)


class PostgresAuditLog:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool = pool
        self._s = checked_schema(schema)

    async def record(self, entries: Sequence[AuditEntry]) -> None:
        if not entries:
            return
        columns = [list(column) for column in zip(*entries, strict=True)]  # entries are rows
        async with unavailable_on_db_errors():
            await self._pool.execute(
                f"INSERT INTO {self._s}.audit_log (position, event_id, guild_id, aggregate, "
                "aggregate_id, version, action, summary, command_id, occurred_at, actor, "
                "correlation_id, command_type) "
                "SELECT e.*, COALESCE(c.actor, 'unknown'), c.correlation_id, c.command_type "
                "FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::uuid[], "
                "$6::int[], $7::text[], $8::text[], $9::uuid[], $10::timestamptz[]) "
                "AS e(position, event_id, guild_id, aggregate, aggregate_id, version, action, "
                "summary, command_id, occurred_at) "
                f"LEFT JOIN {self._s}.commands c ON c.command_id = e.command_id "
                "ON CONFLICT DO NOTHING",
                *columns,
            )

    async def close(self) -> None:
        """The pool belongs to the event store, which closes it."""

    async def position(self) -> int:
        async with unavailable_on_db_errors():
            value = await self._pool.fetchval(f"SELECT max(position) FROM {self._s}.audit_log")
        return int(value or 0)

    async def query(
        self, filters: AuditFilter, before_position: int | None, limit: int
    ) -> list[AuditRow]:
        conditions, params = _where(filters, before_position)
        params.append(limit)
        async with unavailable_on_db_errors():
            records = await self._pool.fetch(
                f"SELECT {_COLUMNS} FROM {self._s}.audit_log WHERE {conditions} "
                f"ORDER BY position DESC LIMIT ${len(params)}",
                *params,
            )
        return [AuditRow(*record) for record in records]


def _where(filters: AuditFilter, before: int | None) -> tuple[str, list[Any]]:
    return where_clause(
        [
            ("guild_id = {}", filters.guild_id),
            ("actor = {}", filters.actor),
            ("action = {}", filters.action),
            ("occurred_at >= {}", filters.since),
            ("occurred_at < {}", filters.until),
            ("position < {}", before),
        ],
        numbered,
    )
