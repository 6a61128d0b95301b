"""Opening PostgreSQL and applying the schema."""

from __future__ import annotations

import asyncpg

from reprise.adapters.postgres.event_store import unavailable_on_db_errors
from reprise.adapters.postgres.schema import migrate


async def migrate_database(dsn: str, schema: str) -> list[int]:
    """Connect once and apply pending migrations; returns what was applied."""
    async with unavailable_on_db_errors():
        connection = await asyncpg.connect(dsn)
        try:
            return await migrate(connection, schema)
        finally:
            await connection.close()
