"""The EventStore contract run against the in-memory, SQLite and PostgreSQL adapters."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING
from uuid import UUID

import asyncpg
import pytest

from reprise.adapters.bootstrap import in_memory_event_store
from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.adapters.postgres.connection import migrate_database
from reprise.adapters.postgres.event_store import PostgresEventStore
from reprise.adapters.sqlite.event_store import SqliteEventStore
from tests.integration.event_store.contract import EventStoreContract

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from reprise.application.ports import EventStore


class TestInMemoryEventStore(EventStoreContract):
    @pytest.fixture
    async def store(self) -> AsyncIterator[EventStore]:
        store = in_memory_event_store()
        yield store
        await store.close()

    async def write_raw(
        self, store: EventStore, originator_id: UUID, version: int, topic: str, state: bytes
    ) -> None:
        pytest.skip("the in-memory store only ever holds what this version wrote")


class TestSqliteEventStore(EventStoreContract):
    @pytest.fixture
    async def store(self, tmp_path: Path) -> AsyncIterator[EventStore]:
        self.path = tmp_path / "events.sqlite3"
        store = await SqliteEventStore.open(str(self.path), RowMapper(build_mapper()))
        yield store
        await store.close()

    async def write_raw(
        self, store: EventStore, originator_id: UUID, version: int, topic: str, state: bytes
    ) -> None:
        with sqlite3.connect(self.path) as connection:
            position = connection.execute(
                "SELECT COALESCE(MAX(notification_id), 0) + 1 FROM stored_events"
            ).fetchone()[0]
            connection.execute(
                "INSERT INTO stored_events (notification_id, originator_id, originator_version, "
                "topic, state, guild_id, command_id) VALUES (?, ?, ?, ?, ?, 77, ?)",
                (position, originator_id.hex, version, topic, state, UUID(int=position).hex),
            )


@pytest.mark.integration
class TestPostgresEventStore(EventStoreContract):
    @pytest.fixture
    async def store(self, database_url: str, pg_schema: str) -> AsyncIterator[EventStore]:
        self.dsn, self.schema = database_url, pg_schema
        await migrate_database(database_url, pg_schema)
        store = await PostgresEventStore.connect(database_url, pg_schema, RowMapper(build_mapper()))
        yield store
        await store.close()

    async def write_raw(
        self, store: EventStore, originator_id: UUID, version: int, topic: str, state: bytes
    ) -> None:
        connection = await asyncpg.connect(self.dsn)
        try:
            async with connection.transaction():
                position = await connection.fetchval(
                    f"UPDATE {self.schema}.notification_counter "
                    "SET last_position = last_position + 1 WHERE id = 1 RETURNING last_position"
                )
                await connection.execute(
                    f"INSERT INTO {self.schema}.stored_events (notification_id, originator_id, "
                    "originator_version, topic, state, guild_id, command_id) "
                    "VALUES ($1, $2, $3, $4, $5, 77, $6)",
                    position,
                    originator_id,
                    version,
                    topic,
                    state,
                    UUID(int=position),
                )
        finally:
            await connection.close()
