"""SIGKILL the relay between a publish and its position save: republished, applied once."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import asyncpg
import pytest

from reprise.adapters import bootstrap
from tests.integration.backbone.systems import (
    Ledger,
    postgres_positions,
    start_counting_consumer,
)
from tests.integration.backbone.tables import max_position, stored_events, tracking_position
from tests.integration.backbone.waiting import until
from tests.unit.application.commands_for_tests import play

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from reprise.adapters.bootstrap import Core
    from reprise.settings import Settings
    from tests.integration.backbone.processes import Processes

pytestmark = pytest.mark.integration

GUILDS = [300_000_000_000_000_000 + index * 15_485_863 for index in range(300)]
BATCH = 200


async def _enqueue_rounds(core: Core, rounds: int, tag: str) -> None:
    """`rounds` commands per guild, the guilds concurrently (group commits of many guilds)."""
    for n in range(rounds):
        sends = [core.bus.handle(play(f"{tag}{n}", guild_id=guild)) for guild in GUILDS]
        assert all(result.accepted for result in await asyncio.gather(*sends))


@pytest.fixture
async def core(settings: Settings) -> AsyncIterator[Core]:
    core = await bootstrap.bootstrap_core(settings)
    try:
        yield core
    finally:
        await core.close()


async def _blocked_by(admin: asyncpg.Connection) -> list[int]:
    """Backends waiting for a lock that `admin` holds."""
    rows = await admin.fetch(
        "SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))",
        admin.get_server_pid(),
    )
    return [row["pid"] for row in rows]


async def test_a_relay_killed_before_saving_its_position_republishes_and_each_event_applies_once(
    settings: Settings,
    env: dict[str, str],
    processes: Processes,
    core: Core,
    db: asyncpg.Pool,
    pg_schema: str,
    database_url: str,
) -> None:
    broker = await bootstrap.open_broker(settings)
    ledger = Ledger(db, pg_schema)
    await ledger.create()
    consumer = await start_counting_consumer(
        broker, "ledger", ledger.handle, postgres_positions(db, pg_schema, "ledger")
    )
    admin: asyncpg.Connection = await asyncpg.connect(database_url)
    relay_env = {**env, "RELAY_BATCH_SIZE": str(BATCH)}
    try:
        # 1. the relay publishes and saves its position as it goes
        await _enqueue_rounds(core, 3, "first")  # 5 events per guild
        saved = await max_position(db, pg_schema)
        first_relay = await processes.relay(relay_env, name="relay-1")

        async def caught_up() -> bool:
            return await tracking_position(db, pg_schema) == saved

        await until(caught_up, within=30, what="relay-1 saved every position")

        # 2. its next save waits on a table lock: the kill lands between publish and save
        lock = admin.transaction()
        await lock.start()
        await admin.execute(f"LOCK TABLE {pg_schema}.tracking IN EXCLUSIVE MODE")
        await _enqueue_rounds(core, 5, "second")

        async def blocked() -> bool:
            return bool(await _blocked_by(admin))

        await until(blocked, within=30, what="relay-1 waiting to save after a publish")
        positions = {event.event_id: event.position for event in await stored_events(db, pg_schema)}

        def published_past_the_save() -> set[str]:
            return {e for e in consumer.deliveries if positions.get(e, 0) > saved}

        await until(lambda: bool(published_past_the_save()), within=30, what="unsaved batch seen")
        await first_relay.kill()
        seen_before_the_kill = published_past_the_save()
        # what PostgreSQL does once it notices that the client is gone
        for pid in await _blocked_by(admin):
            await admin.execute("SELECT pg_terminate_backend($1)", pid)

        async def unblocked() -> bool:
            return not await _blocked_by(admin)

        await until(unblocked, within=10, what="the dead relay's backend gone")
        await lock.rollback()
        assert await tracking_position(db, pg_schema) == saved

        # 3. a new relay starts from the saved position
        await processes.relay(relay_env, name="relay-2")
        total = await max_position(db, pg_schema)

        async def all_applied() -> bool:
            return await ledger.count() == total

        await until(all_applied, within=60, what="every stored event applied")
        await until(
            lambda: seen_before_the_kill <= consumer.delivered_twice(),
            within=30,
            what="the unsaved batch delivered again",
        )
    finally:
        await consumer.stop()
        await broker.close()
        await admin.close()

    # every stored event applied, each exactly once
    assert await ledger.rows() == positions
    assert ledger.applied_twice == []
    assert set(ledger.attempts.values()) == {1}
    # the republished events are exactly ones past the saved position, within two batches
    # (the relay publishes the next batch while the previous one's position is being saved)
    republished = consumer.delivered_twice()
    assert seen_before_the_kill
    assert republished >= seen_before_the_kill
    assert all(saved < positions[e] <= saved + 2 * BATCH for e in republished), sorted(
        positions[e] for e in republished
    )
    assert max(consumer.deliveries.values()) == 2
