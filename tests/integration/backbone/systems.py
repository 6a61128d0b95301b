"""Pieces of the backbone assembled in the test process, and observers of what they do."""

from __future__ import annotations

import json
from collections import Counter
from contextlib import AsyncExitStack, asynccontextmanager
from random import Random
from typing import TYPE_CHECKING

import aio_pika

from reprise.adapters import bootstrap
from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.adapters.inprocess.clock import SystemClock
from reprise.adapters.postgres.schema import checked_schema
from reprise.adapters.postgres.tracking import PostgresGuildPositions
from reprise.adapters.rabbitmq.batches import BATCH_TYPE
from reprise.adapters.rabbitmq.command_bus import RabbitCommandBus
from reprise.adapters.rabbitmq.command_consumer import CommandConsumer
from reprise.adapters.rabbitmq.declare import declare
from reprise.adapters.rabbitmq.event_consumer import EventConsumer
from reprise.adapters.rabbitmq.topology import core_topology
from reprise.application.aggregate_cache import AggregateCache
from reprise.application.handlers import HANDLERS
from reprise.application.message_bus import MessageBus
from reprise.application.unit_of_work import Dependencies
from reprise.settings import Settings

if TYPE_CHECKING:
    import asyncio
    from collections.abc import AsyncIterator, Callable, Sequence

    import asyncpg
    from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection

    from reprise.adapters.rabbitmq.dead_letters import DeadLetters
    from reprise.application.messaging import BatchHandler, GuildPositions, NotificationHandler
    from reprise.application.ports import EventStore, Notification, RecordedEvent
    from reprise.application.results import CommandResult
    from reprise.domain.commands import CommandBase

PARTITIONS = 4


def backbone_settings(database_url: str, schema: str, amqp_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        database_schema=schema,
        amqp_url=amqp_url,
        partitions=PARTITIONS,
        core_partitions="all",
    )


class CountingBus(MessageBus):
    """A core's message bus that counts the commands it was given."""

    def __init__(self, store: EventStore) -> None:
        deps = Dependencies(
            store=store, clock=SystemClock(), rng=Random(), cache=AggregateCache(10_000)
        )
        super().__init__(deps, HANDLERS)
        self.handled = 0

    async def handle(self, command: CommandBase) -> CommandResult:
        self.handled += 1
        return await super().handle(command)


async def stored_records(settings: Settings, *commands: CommandBase) -> list[RecordedEvent]:
    """What a core handling `commands` (in this process, in order) stores, oldest first."""
    core = await bootstrap.bootstrap_core(settings)
    try:
        for command in commands:
            await core.bus.handle(command)
        return list(await core.store.read_recorded(0, 1_000))
    finally:
        await core.close()


class HoldingBus(CountingBus):
    """A core's message bus that holds one guild's commands until `release` is set."""

    def __init__(self, store: EventStore, guild_id: int, release: asyncio.Event) -> None:
        super().__init__(store)
        self._held = guild_id
        self._release = release

    async def handle(self, command: CommandBase) -> CommandResult:
        if command.guild_id == self._held:
            await self._release.wait()
        return await super().handle(command)


@asynccontextmanager
async def in_process_core(
    settings: Settings,
    partitions: Sequence[int] | None = None,
    bus_for: Callable[[EventStore], CountingBus] = CountingBus,
) -> AsyncIterator[CountingBus]:
    """A core in this process (own store, cache, connection) consuming `partitions`."""
    async with AsyncExitStack() as stack:
        store, _ = await bootstrap.open_event_store(settings)
        stack.push_async_callback(store.close)
        connection = await bootstrap.open_broker(settings)
        stack.push_async_callback(connection.close)
        bus = bus_for(store)
        owned = list(partitions) if partitions is not None else settings.owned_partitions
        consumer = await CommandConsumer.start(connection, bus, owned)
        stack.push_async_callback(consumer.stop)
        yield bus


@asynccontextmanager
async def command_sender(amqp_url: str) -> AsyncIterator[RabbitCommandBus]:
    """A RabbitCommandBus on its own robust connection, as the gateway or the API holds one."""
    async with AsyncExitStack() as stack:
        connection = await aio_pika.connect_robust(amqp_url)
        stack.push_async_callback(connection.close)
        channel = await connection.channel()
        await declare(channel, core_topology(PARTITIONS))
        await channel.close()
        bus = await RabbitCommandBus.open(connection, partitions=PARTITIONS)
        stack.push_async_callback(bus.close)
        yield bus


class Ledger:
    """An effect keyed by event id in PostgreSQL: applying an event twice cannot hide."""

    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool = pool
        self._table = f"{checked_schema(schema)}.backbone_ledger"
        self.attempts: Counter[str] = Counter()
        self.applied_twice: list[str] = []

    async def create(self) -> None:
        await self._pool.execute(
            f"CREATE TABLE IF NOT EXISTS {self._table} "
            "(event_id text PRIMARY KEY, position bigint NOT NULL, guild_id bigint NOT NULL)"
        )

    async def handle(self, notification: Notification) -> None:
        event = notification.event
        event_id = f"{event.originator_id}:{event.originator_version}"
        self.attempts[event_id] += 1
        inserted = await self._pool.fetchval(
            f"INSERT INTO {self._table} VALUES ($1, $2, $3) "
            "ON CONFLICT (event_id) DO NOTHING RETURNING 1",
            event_id,
            notification.position,
            notification.guild_id,
        )
        if inserted is None:
            self.applied_twice.append(event_id)

    async def rows(self) -> dict[str, int]:
        """event id -> position, for every event the ledger holds."""
        records = await self._pool.fetch(f"SELECT event_id, position FROM {self._table}")
        return {record["event_id"]: record["position"] for record in records}

    async def count(self) -> int:
        return int(await self._pool.fetchval(f"SELECT count(*) FROM {self._table}"))


class CountingConsumer(EventConsumer):
    """An EventConsumer that also counts every delivery of each event (in a batch or alone),
    duplicates included, by event id."""

    def __init__(
        self,
        channel: AbstractChannel,
        group: str,
        handler: NotificationHandler,
        rows: RowMapper,
        positions: GuildPositions,
        dead: DeadLetters,
        *,
        batch_handler: BatchHandler | None = None,
    ) -> None:
        super().__init__(
            channel, group, handler, rows, positions, dead, batch_handler=batch_handler
        )
        self.deliveries: Counter[str] = Counter()
        self.in_flight = 0

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        if message.type == BATCH_TYPE:
            self.deliveries.update(event["event_id"] for event in json.loads(message.body))
        else:
            self.deliveries[message.message_id or "?"] += 1
        self.in_flight += 1
        try:
            await super().on_message(message)
        finally:
            self.in_flight -= 1

    def delivered_twice(self) -> set[str]:
        return {event_id for event_id, count in self.deliveries.items() if count > 1}


async def start_counting_consumer(
    connection: AbstractRobustConnection,
    group: str,
    handler: NotificationHandler,
    positions: GuildPositions,
) -> CountingConsumer:
    return await CountingConsumer.start(
        connection,
        group,
        handler,
        RowMapper(build_mapper()),
        positions,
        partition_count=PARTITIONS,
    )


def postgres_positions(pool: asyncpg.Pool, schema: str, group: str) -> GuildPositions:
    return PostgresGuildPositions(pool, schema, group)
