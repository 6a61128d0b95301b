"""Tracking positions in the embedded SQLite file, on a connection of their own."""

from __future__ import annotations

from typing import Self

import aiosqlite

from reprise.adapters.sqlite.event_store import unavailable_on_db_errors


class SqliteTracking:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    @classmethod
    async def open(cls, path: str) -> Self:
        async with unavailable_on_db_errors():
            connection = await aiosqlite.connect(path)
            await connection.execute("PRAGMA busy_timeout=5000")
        return cls(connection)

    async def position(self, name: str) -> int:
        async with (
            unavailable_on_db_errors(),
            self._connection.execute("SELECT position FROM tracking WHERE name = ?", (name,)) as c,
        ):
            row = await c.fetchone()
        return int(row[0]) if row else 0

    async def save(self, name: str, position: int) -> None:
        async with unavailable_on_db_errors():
            await self._connection.execute(
                "INSERT INTO tracking (name, position) VALUES (?, ?) ON CONFLICT (name) DO "
                "UPDATE SET position = excluded.position WHERE position < excluded.position",
                (name, position),
            )
            await self._connection.commit()

    async def close(self) -> None:
        await self._connection.close()
