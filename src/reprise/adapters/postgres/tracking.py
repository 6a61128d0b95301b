"""Tracking positions and per-guild consumer positions on PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reprise.adapters.postgres.event_store import unavailable_on_db_errors
from reprise.adapters.postgres.schema import checked_schema

if TYPE_CHECKING:
    from collections.abc import Mapping

    import asyncpg


class PostgresTracking:
    """Named positions that only ever move forward."""

    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool = pool
        self._s = checked_schema(schema)

    async def position(self, name: str) -> int:
        async with unavailable_on_db_errors():
            value = await self._pool.fetchval(
                f"SELECT position FROM {self._s}.tracking WHERE name = $1", name
            )
        return int(value or 0)

    async def close(self) -> None:
        """The pool belongs to the event store, which closes it."""

    async def save(self, name: str, position: int) -> None:
        async with unavailable_on_db_errors():
            await self._pool.execute(
                f"INSERT INTO {self._s}.tracking AS t (name, position) VALUES ($1, $2) "
                "ON CONFLICT (name) DO UPDATE SET position = excluded.position "
                "WHERE t.position < excluded.position",
                name,
                position,
            )


class PostgresGuildPositions:
    """A consumer group's last applied position per guild, cached while it owns the guild."""

    def __init__(self, pool: asyncpg.Pool, schema: str, group: str) -> None:
        self._pool = pool
        self._s = checked_schema(schema)
        self._group = group
        self._known: dict[int, int] = {}

    async def get(self, guild_id: int) -> int:
        if guild_id not in self._known:
            async with unavailable_on_db_errors():
                value = await self._pool.fetchval(
                    f"SELECT position FROM {self._s}.consumer_positions "
                    "WHERE group_name = $1 AND guild_id = $2",
                    self._group,
                    guild_id,
                )
            self._known[guild_id] = int(value or 0)
        return self._known[guild_id]

    async def set_many(self, positions: Mapping[int, int]) -> None:
        async with unavailable_on_db_errors():
            await self._pool.execute(
                f"INSERT INTO {self._s}.consumer_positions AS c "
                "SELECT $1, guild, position FROM unnest($2::bigint[], $3::bigint[]) "
                "AS p (guild, position) "
                "ON CONFLICT (group_name, guild_id) DO UPDATE SET position = excluded.position "
                "WHERE c.position < excluded.position",
                self._group,
                list(positions),
                list(positions.values()),
            )
        for guild_id, position in positions.items():
            self._known[guild_id] = max(position, self._known.get(guild_id, 0))

    def forget(self) -> None:
        """Drop the cache (when partitions may have moved to another consumer)."""
        self._known.clear()
