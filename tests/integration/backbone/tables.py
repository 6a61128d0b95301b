"""Reading the event store's tables directly, as an auditor would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from reprise.adapters.postgres.schema import checked_schema

if TYPE_CHECKING:
    import asyncpg


@dataclass(frozen=True)
class StoredEvent:
    position: int
    originator_id: UUID
    originator_version: int
    event_type: str
    guild_id: int
    command_id: UUID
    traceparent: str | None

    @property
    def event_id(self) -> str:
        """The integration event id consumers deduplicate on."""
        return f"{self.originator_id}:{self.originator_version}"


async def stored_events(db: asyncpg.Connection | asyncpg.Pool, schema: str) -> list[StoredEvent]:
    s = checked_schema(schema)
    rows = await db.fetch(
        "SELECT notification_id, originator_id, originator_version, topic, guild_id, "
        f"command_id, traceparent FROM {s}.stored_events ORDER BY notification_id"
    )
    return [
        StoredEvent(
            position=row["notification_id"],
            originator_id=row["originator_id"],
            originator_version=row["originator_version"],
            event_type=row["topic"].rsplit(":", 1)[-1],
            guild_id=row["guild_id"],
            command_id=row["command_id"],
            traceparent=row["traceparent"],
        )
        for row in rows
    ]


async def stored_command_ids(db: asyncpg.Connection | asyncpg.Pool, schema: str) -> list[UUID]:
    s = checked_schema(schema)
    return [row["command_id"] for row in await db.fetch(f"SELECT command_id FROM {s}.commands")]


async def duplicate_event_keys(db: asyncpg.Connection | asyncpg.Pool, schema: str) -> int:
    s = checked_schema(schema)
    value = await db.fetchval(
        "SELECT count(*) FROM (SELECT 1 FROM "
        f"{s}.stored_events GROUP BY originator_id, originator_version HAVING count(*) > 1) d"
    )
    return int(value)


async def max_position(db: asyncpg.Connection | asyncpg.Pool, schema: str) -> int:
    s = checked_schema(schema)
    value = await db.fetchval(f"SELECT coalesce(max(notification_id), 0) FROM {s}.stored_events")
    return int(value)


async def tracking_position(
    db: asyncpg.Connection | asyncpg.Pool, schema: str, name: str = "relay"
) -> int:
    s = checked_schema(schema)
    value = await db.fetchval(f"SELECT position FROM {s}.tracking WHERE name = $1", name)
    return int(value or 0)
