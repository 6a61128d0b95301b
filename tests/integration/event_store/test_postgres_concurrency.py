"""PostgreSQL with several independent writers, as several core processes would be."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import asyncpg
import pytest

from reprise.adapters.bootstrap import Core, assemble_core
from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.adapters.postgres.connection import migrate_database
from reprise.adapters.postgres.event_store import PostgresEventStore
from reprise.adapters.postgres.schema import _MIGRATION_LOCK, MIGRATIONS
from reprise.application.ports import EventStoreUnavailable
from reprise.application.queries import load_queue
from reprise.domain import commands as c
from reprise.settings import Settings
from tests.unit.application.commands_for_tests import as_alice, play

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = pytest.mark.integration
ALL_MIGRATIONS = list(range(1, len(MIGRATIONS) + 1))


@pytest.fixture
async def cores(database_url: str, pg_schema: str) -> AsyncIterator[list[Core]]:
    """Two cores, each with its own connection pool and aggregate cache."""
    await migrate_database(database_url, pg_schema)
    settings = Settings(sqlite_path="unused")  # type: ignore[arg-type]
    stores = [
        await PostgresEventStore.connect(database_url, pg_schema, RowMapper(build_mapper()))
        for _ in range(2)
    ]
    yield [assemble_core(store, settings) for store in stores]
    for store in stores:
        await store.close()


async def test_two_writers_on_one_queue_both_succeed_by_retrying(cores: list[Core]) -> None:
    first, second = cores
    await first.bus.handle(play(*[f"T{i}" for i in range(30)]))
    await second.bus.handle(play("warm the second cache"))
    skips = [core.bus.handle(as_alice(c.Skip)) for _ in range(10) for core in cores]
    results = await asyncio.gather(*skips)
    assert all(result.accepted for result in results)
    queue = await load_queue(first.store, 1)
    assert queue is not None
    assert queue.current is not None
    assert queue.current.track.title == "T20"


async def test_one_command_delivered_to_two_cores_is_applied_once(cores: list[Core]) -> None:
    first, second = cores
    await first.bus.handle(play("A", "B", "C"))
    skip = as_alice(c.Skip)
    results = await asyncio.gather(first.bus.handle(skip), second.bus.handle(skip))
    assert results[0] == results[1]
    queue = await load_queue(first.store, 1)
    assert queue is not None
    assert queue.current is not None
    assert queue.current.track.title == "B"


async def test_positions_stay_gap_free_across_independent_writers(cores: list[Core]) -> None:
    work = [core.bus.handle(play("A", guild_id=guild)) for guild in range(1, 201) for core in cores]
    await asyncio.gather(*work)
    notifications = await cores[0].store.read_notifications(0, 10_000)
    positions = [n.position for n in notifications]
    assert positions == list(range(1, len(positions) + 1))
    assert len(positions) == 200 * 3 + 200  # each guild: created, enqueued, started; then +1


async def test_migrating_twice_changes_nothing(database_url: str, pg_schema: str) -> None:
    assert await migrate_database(database_url, pg_schema) == ALL_MIGRATIONS
    assert await migrate_database(database_url, pg_schema) == []


async def test_concurrent_migrations_apply_each_migration_once(
    database_url: str, pg_schema: str
) -> None:
    applied = await asyncio.gather(*[migrate_database(database_url, pg_schema) for _ in range(4)])
    assert sorted(applied) == [[], [], [], ALL_MIGRATIONS]


async def test_a_current_schema_is_checked_without_waiting_for_the_migration_lock(
    database_url: str, pg_schema: str
) -> None:
    await migrate_database(database_url, pg_schema)
    other = await asyncpg.connect(database_url)
    try:
        await other.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
        assert await asyncio.wait_for(migrate_database(database_url, pg_schema), 5) == []
    finally:
        await other.close()


async def test_a_store_of_one_connection_migrates_a_new_schema_on_it(
    database_url: str, pg_schema: str
) -> None:
    store = await PostgresEventStore.connect(
        database_url, pg_schema, RowMapper(build_mapper()), 1, migrated=True
    )
    try:
        assert store.pool.get_max_size() == 1
        assert await store.max_position() == 0
    finally:
        await store.close()
    assert await migrate_database(database_url, pg_schema) == []


async def test_an_unreachable_database_is_reported_as_unavailable() -> None:
    with pytest.raises(EventStoreUnavailable, match="PostgreSQL"):
        await PostgresEventStore.connect(
            "postgresql://postgres@127.0.0.1:1/none", "reprise", RowMapper(build_mapper())
        )


async def test_a_database_that_goes_away_fails_appends_clearly(
    database_url: str, pg_schema: str
) -> None:
    await migrate_database(database_url, pg_schema)
    store = await PostgresEventStore.connect(database_url, pg_schema, RowMapper(build_mapper()))
    core = assemble_core(store, Settings(sqlite_path="unused"))  # type: ignore[arg-type]
    admin = await asyncpg.connect(database_url)
    try:
        await admin.execute(f"DROP SCHEMA {pg_schema} CASCADE")
    finally:
        await admin.close()
    with pytest.raises(EventStoreUnavailable):
        await core.bus.handle(play("A"))
    await store.close()
