"""Two relays on one event store: one publishes; when it goes, the other continues, no gap."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import asyncpg
import pytest

from reprise.adapters import bootstrap
from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.adapters.inprocess.tracking import InMemoryGuildPositions
from reprise.adapters.postgres.event_store import PostgresEventStore
from reprise.adapters.postgres.leadership import LeadershipLost, PostgresLeadership
from reprise.adapters.postgres.tracking import PostgresTracking
from reprise.adapters.rabbitmq.event_consumer import EventConsumer
from reprise.application.relay import Relay
from tests.integration.backbone.tables import max_position, tracking_position
from tests.integration.backbone.waiting import cancelled, until
from tests.integration.messaging.systems import Seen
from tests.unit.application.commands_for_tests import play

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence

    from aio_pika.abc import AbstractRobustConnection

    from reprise.adapters.bootstrap import Core
    from reprise.application.messaging import EventPublisher
    from reprise.application.ports import RecordedEvent
    from reprise.settings import Settings
    from tests.integration.backbone.processes import Processes

pytestmark = pytest.mark.integration

GUILDS = [400_000_000_000_000_000 + index * 32_452_843 for index in range(60)]


@dataclass
class Published:
    """Which relay published which positions, and when (after the broker confirmed them)."""

    batches: list[tuple[str, float, list[int]]] = field(default_factory=list)

    def by(self, name: str) -> list[int]:
        return [p for who, _, positions in self.batches if who == name for p in positions]

    def first_time(self, name: str) -> float | None:
        return next((when for who, when, _ in self.batches if who == name), None)


class RecordingPublisher:
    def __init__(self, inner: EventPublisher, name: str, log: Published) -> None:
        self._inner = inner
        self._name = name
        self._log = log

    async def publish(self, records: Sequence[RecordedEvent]) -> None:
        await self._inner.publish(records)
        now = asyncio.get_running_loop().time()
        self._log.batches.append((self._name, now, [record.position for record in records]))


@pytest.fixture
async def core(settings: Settings) -> AsyncIterator[Core]:
    core = await bootstrap.bootstrap_core(settings)
    try:
        yield core
    finally:
        await core.close()


async def _enqueue(core: Core, tag: str) -> None:
    results = await asyncio.gather(
        *(core.bus.handle(play(tag, guild_id=guild)) for guild in GUILDS)
    )
    assert all(result.accepted for result in results)


async def _relay(
    stack: AsyncExitStack,
    settings: Settings,
    broker: AbstractRobustConnection,
    name: str,
    log: Published,
) -> tuple[Relay, PostgresLeadership]:
    """A relay as `reprise run relay` builds it: its own pool, publisher and lock connection."""
    store = await PostgresEventStore.connect(
        settings.database_url or "", settings.database_schema, RowMapper(build_mapper())
    )
    stack.push_async_callback(store.close)
    publisher = await bootstrap.open_event_publisher(settings, broker)
    stack.push_async_callback(publisher.close)
    leadership = bootstrap.relay_leadership(store)
    assert isinstance(leadership, PostgresLeadership)
    tracking = PostgresTracking(store.pool, store.schema)
    relay = Relay(store, RecordingPublisher(publisher, name, log), tracking, batch_size=50)
    return relay, leadership


async def _lock_holder(admin: asyncpg.Connection, schema: str) -> list[int]:
    """Backends holding the relay's advisory lock (key as bootstrap derives it)."""
    key = _relay_lock_key(schema)
    rows = await admin.fetch(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1",
        key >> 32,
        key & 0xFFFF_FFFF,
    )
    return [row["pid"] for row in rows]


async def _watched_broker(
    stack: AsyncExitStack, settings: Settings, seen: Seen
) -> AbstractRobustConnection:
    """A broker connection, with a consumer group that records every event it applies."""
    broker = await bootstrap.open_broker(settings)
    stack.push_async_callback(broker.close)
    consumer = await EventConsumer.start(
        broker,
        "watch",
        seen.handle,
        RowMapper(build_mapper()),
        InMemoryGuildPositions(),
        partition_count=settings.partitions,
    )
    stack.push_async_callback(consumer.stop)
    return broker


def _leading_from(caplog: pytest.LogCaptureFixture) -> list[int]:
    """The positions the relays said they lead from, in order."""
    pattern = re.compile(r"relay: leading from position (\d+)")
    matches = (pattern.fullmatch(record.getMessage()) for record in caplog.records)
    return [int(match.group(1)) for match in matches if match]


def _relay_lock_key(schema: str) -> int:
    """As bootstrap.relay_leadership derives it."""
    return int.from_bytes(hashlib.sha256(f"relay:{schema}".encode()).digest()[:7])


@pytest.mark.parametrize(
    "how",
    [
        "leader task cancelled",
        "lock connection terminated",
    ],
)
async def test_only_one_relay_publishes_and_the_other_takes_over_without_a_gap(
    how: str,
    settings: Settings,
    core: Core,
    database_url: str,
    pg_schema: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="reprise.application.relay")
    log = Published()
    seen = Seen()
    admin: asyncpg.Connection = await asyncpg.connect(database_url)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(admin.close)
        broker = await _watched_broker(stack, settings, seen)
        relay_a, lease_a = await _relay(stack, settings, broker, "A", log)
        relay_b, lease_b = await _relay(stack, settings, broker, "B", log)

        await _enqueue(core, "one")
        leader = asyncio.create_task(relay_a.run(lease_a))
        stack.push_async_callback(cancelled, leader)

        async def saved_all() -> bool:
            return await tracking_position(admin, pg_schema) == await max_position(admin, pg_schema)

        await until(saved_all, within=20, what="A published the first events")
        follower = asyncio.create_task(relay_b.run(lease_b))
        stack.push_async_callback(cancelled, follower)
        await _enqueue(core, "two")
        await until(saved_all, within=20, what="A published the second events")
        await asyncio.sleep(1.5)  # three of B's polls for the lock
        assert log.by("B") == []
        saved_by_a = await tracking_position(admin, pg_schema)

        # the leader goes; events keep being stored meanwhile
        gone_at = asyncio.get_running_loop().time()
        if how == "lock connection terminated":
            (holder,) = await _lock_holder(admin, pg_schema)
            await admin.execute("SELECT pg_terminate_backend($1)", holder)
        else:
            leader.cancel()
        for n in range(5):
            await _enqueue(core, f"during-{n}")
            await asyncio.sleep(0.2)
        if how == "lock connection terminated":
            with pytest.raises(LeadershipLost):
                await asyncio.wait_for(leader, 10)
        await until(lambda: log.by("B") != [], within=10, what="B publishing")
        await until(saved_all, within=20, what="B published everything")
        total = await max_position(admin, pg_schema)
        await until(lambda: len(seen.notifications) == total, within=20, what="all consumed")

    first_b = log.first_time("B")
    assert first_b is not None
    assert first_b - gone_at < 5.0  # takeover within a few seconds
    assert sorted(set(log.by("A")) | set(log.by("B"))) == list(range(1, total + 1))  # no gap
    b_positions = log.by("B")
    assert b_positions == list(range(b_positions[0], total + 1))  # in order, from one place on
    leading_from = _leading_from(caplog)
    assert len(leading_from) == 2
    assert leading_from[1] >= saved_by_a  # B resumed from the saved position, not from 0
    assert b_positions[0] == leading_from[1] + 1
    if how == "leader task cancelled":  # A stopped at once: B starts right after A's save
        assert b_positions[0] == saved_by_a + 1
    assert sorted(seen.positions()) == list(range(1, total + 1))


async def test_when_the_leading_relay_process_is_killed_a_waiting_relay_continues_without_a_gap(
    settings: Settings,
    core: Core,
    env: dict[str, str],
    processes: Processes,
    database_url: str,
    pg_schema: str,
) -> None:
    log = Published()
    seen = Seen()
    admin: asyncpg.Connection = await asyncpg.connect(database_url)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(admin.close)
        broker = await _watched_broker(stack, settings, seen)

        async def saved_all() -> bool:
            return await tracking_position(admin, pg_schema) == await max_position(admin, pg_schema)

        await _enqueue(core, "one")
        leader = await processes.relay({**env, "RELAY_BATCH_SIZE": "50"}, name="relay-a")
        await until(saved_all, within=30, what="relay-a published the first events")
        relay_b, lease_b = await _relay(stack, settings, broker, "B", log)
        follower = asyncio.create_task(relay_b.run(lease_b))
        stack.push_async_callback(cancelled, follower)
        await _enqueue(core, "two")
        await until(saved_all, within=20, what="relay-a published the second events")
        await asyncio.sleep(1.5)  # three of B's polls for the lock
        assert log.by("B") == []
        saved_by_a = await tracking_position(admin, pg_schema)

        await leader.kill()
        killed_at = asyncio.get_running_loop().time()
        for n in range(3):
            await _enqueue(core, f"after-{n}")
        await until(saved_all, within=20, what="B published everything")
        total = await max_position(admin, pg_schema)
        await until(lambda: len(seen.notifications) == total, within=20, what="all consumed")

    first_b = log.first_time("B")
    assert first_b is not None
    assert first_b - killed_at < 5.0
    assert log.by("B") == list(range(saved_by_a + 1, total + 1))  # from A's saved position on
    assert sorted(seen.positions()) == list(range(1, total + 1))
