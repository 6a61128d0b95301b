"""PostgresEventHistory: filtered reads of the stored events, joined with their commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reprise.adapters.event_store.sql_filters import numbered, where_clause
from reprise.adapters.postgres.event_store import unavailable_on_db_errors
from reprise.adapters.postgres.schema import checked_schema
from reprise.application.history import EventFilter, HistoryEntry
from reprise.application.ports import RecordedEvent

if TYPE_CHECKING:
    from uuid import UUID

    import asyncpg


class PostgresEventHistory:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool = pool
        self._s = checked_schema(schema)

    async def list_events(
        self, filters: EventFilter, limit: int, before_position: int | None = None
    ) -> list[HistoryEntry]:
        conditions, params = _where(filters, before_position)
        params.append(limit)
        async with unavailable_on_db_errors():
            rows = await self._pool.fetch(
                "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, "
                "e.state, e.guild_id, e.command_id, e.traceparent, e.recorded_at, c.actor, "
                f"c.command_type, c.correlation_id FROM {self._s}.stored_events e "
                f"JOIN {self._s}.commands c ON c.command_id = e.command_id "
                f"WHERE {conditions} ORDER BY e.notification_id DESC LIMIT ${len(params)}",
                *params,
            )
        return [HistoryEntry(RecordedEvent(*row[:9]), row[9], row[10], row[11]) for row in rows]

    async def aggregate_ids(self) -> list[UUID]:
        async with unavailable_on_db_errors():
            rows = await self._pool.fetch(
                f"SELECT DISTINCT originator_id FROM {self._s}.stored_events"
            )
        return [row[0] for row in rows]

    async def close(self) -> None:
        """The pool belongs to the event store."""


def _where(filters: EventFilter, before: int | None) -> tuple[str, list[Any]]:
    return where_clause(
        [
            ("e.guild_id = {}", filters.guild_id),
            ("e.topic LIKE '%:' || {}", filters.event_type),
            ("c.actor = {}", filters.actor),
            ("e.recorded_at >= {}", filters.since),
            ("e.recorded_at < {}", filters.until),
            ("e.notification_id < {}", before),
            ("e.originator_id = {}", filters.aggregate_id),
        ],
        numbered,
    )
