"""SqliteAuditLog: the audit log in the embedded SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self
from uuid import UUID

import aiosqlite

from reprise.adapters.event_store.sql_filters import question_mark, where_clause
from reprise.adapters.sqlite.event_store import unavailable_on_db_errors
from reprise.projections.ports import AuditFilter, AuditRow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reprise.projections.audit_log import AuditEntry


class SqliteAuditLog:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    @classmethod
    async def open(cls, path: str) -> Self:
        async with unavailable_on_db_errors():
            connection = await aiosqlite.connect(path)
            await connection.execute("PRAGMA busy_timeout=5000")
        return cls(connection)

    async def record(self, entries: Sequence[AuditEntry]) -> None:
        rows = [
            (
                e.position,
                e.event_id,
                e.guild_id,
                e.aggregate,
                e.aggregate_id.hex,
                e.version,
                e.action,
                e.summary,
                e.command_id.hex,
                e.occurred_at.isoformat(),
            )
            for e in entries
        ]
        async with unavailable_on_db_errors():
            await self._connection.executemany(
                "INSERT OR IGNORE INTO audit_log (position, event_id, guild_id, aggregate, "
                "aggregate_id, version, action, summary, command_id, occurred_at, actor, "
                "correlation_id, command_type) SELECT e.*, COALESCE(c.actor, 'unknown'), "
                "c.correlation_id, c.command_type FROM (SELECT ? AS position, ? AS event_id, "
                "? AS guild_id, ? AS aggregate, ? AS aggregate_id, ? AS version, ? AS action, "
                "? AS summary, ? AS command_id, ? AS occurred_at) AS e "
                "LEFT JOIN commands c ON c.command_id = e.command_id",
                rows,
            )
            await self._connection.commit()

    async def position(self) -> int:
        async with (
            unavailable_on_db_errors(),
            self._connection.execute("SELECT MAX(position) FROM audit_log") as cursor,
        ):
            row = await cursor.fetchone()
        return int(row[0] or 0) if row else 0

    async def query(
        self, filters: AuditFilter, before_position: int | None, limit: int
    ) -> list[AuditRow]:
        conditions, params = _where(filters, before_position)
        sql = (
            "SELECT position, guild_id, actor, action, summary, occurred_at, aggregate_id, "
            f"version, correlation_id, command_type FROM audit_log WHERE {conditions} "
            "ORDER BY position DESC LIMIT ?"
        )
        async with unavailable_on_db_errors(), self._connection.execute(sql, [*params, limit]) as c:
            rows = await c.fetchall()
        return [
            AuditRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                datetime.fromisoformat(r[5]),
                UUID(r[6]),
                r[7],
                UUID(r[8]) if r[8] else None,
                r[9],
            )
            for r in rows
        ]

    async def close(self) -> None:
        await self._connection.close()


def _where(filters: AuditFilter, before: int | None) -> tuple[str, list[Any]]:
    return where_clause(
        [
            ("guild_id = {}", filters.guild_id),
            ("actor = {}", filters.actor),
            ("action = {}", filters.action),
            ("occurred_at >= {}", _utc(filters.since)),
            ("occurred_at < {}", _utc(filters.until)),
            ("position < {}", before),
        ],
        question_mark,
    )


def _utc(moment: datetime | None) -> str | None:
    """Times are stored as UTC ISO text, so compare in UTC."""
    return moment.astimezone(UTC).isoformat() if moment is not None else None
