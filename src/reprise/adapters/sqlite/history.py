"""SqliteEventHistory: filtered reads of the embedded store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Self
from uuid import UUID

import aiosqlite

from reprise.adapters.event_store.sql_filters import question_mark, where_clause
from reprise.adapters.sqlite.event_store import unavailable_on_db_errors
from reprise.application.history import EventFilter, HistoryEntry
from reprise.application.ports import RecordedEvent


class SqliteEventHistory:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    @classmethod
    async def open(cls, path: str) -> Self:
        async with unavailable_on_db_errors():
            return cls(await aiosqlite.connect(path))

    async def list_events(
        self, filters: EventFilter, limit: int, before_position: int | None = None
    ) -> list[HistoryEntry]:
        conditions, params = _where(filters, before_position)
        sql = (
            "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, "
            "e.guild_id, e.command_id, e.traceparent, e.recorded_at, c.actor, c.command_type, "
            "c.correlation_id FROM stored_events e JOIN commands c ON c.command_id = e.command_id "
            f"WHERE {conditions} ORDER BY e.notification_id DESC LIMIT ?"
        )
        async with unavailable_on_db_errors(), self._connection.execute(sql, [*params, limit]) as c:
            rows = await c.fetchall()
        return [
            HistoryEntry(
                RecordedEvent(
                    r[0],
                    UUID(r[1]),
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    UUID(r[6]),
                    r[7],
                    datetime.fromisoformat(r[8]),
                ),
                r[9],
                r[10],
                UUID(r[11]),
            )
            for r in rows
        ]

    async def aggregate_ids(self) -> list[UUID]:
        sql = "SELECT DISTINCT originator_id FROM stored_events"
        async with unavailable_on_db_errors(), self._connection.execute(sql) as cursor:
            return [UUID(row[0]) for row in await cursor.fetchall()]

    async def close(self) -> None:
        await self._connection.close()


def _where(filters: EventFilter, before: int | None) -> tuple[str, list[Any]]:
    return where_clause(
        [
            ("e.guild_id = {}", filters.guild_id),
            ("e.topic LIKE '%:' || {}", filters.event_type),
            ("c.actor = {}", filters.actor),
            ("e.recorded_at >= {}", _utc(filters.since)),
            ("e.recorded_at < {}", _utc(filters.until)),
            ("e.notification_id < {}", before),
            ("e.originator_id = {}", filters.aggregate_id.hex if filters.aggregate_id else None),
        ],
        question_mark,
    )


def _utc(moment: datetime | None) -> str | None:
    """Times are stored as UTC ISO text, so compare in UTC."""
    return moment.astimezone(UTC).isoformat() if moment is not None else None
