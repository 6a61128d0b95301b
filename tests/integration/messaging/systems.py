"""Small running systems to test the buses on: core + bus, publisher + consumer groups."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import aio_pika

from reprise.adapters import bootstrap
from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.adapters.inprocess.tracking import InMemoryGuildPositions
from reprise.adapters.rabbitmq.declare import declare
from reprise.adapters.rabbitmq.event_consumer import EventConsumer
from reprise.adapters.rabbitmq.event_publisher import RabbitEventPublisher
from reprise.adapters.rabbitmq.topology import core_topology
from reprise.application.messaging import CommandBus, EventPublisher
from reprise.application.ports import EventStore, Notification
from reprise.settings import Settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Sequence

PARTITIONS = 4


@dataclass
class CommandSystem:
    bus: CommandBus
    store: EventStore
    core: bootstrap.Core


@dataclass
class Seen:
    """What one consumer group applied, in order."""

    notifications: list[Notification] = field(default_factory=list)

    async def handle(self, notification: Notification) -> None:
        self.notifications.append(notification)

    async def handle_batch(self, notifications: Sequence[Notification]) -> None:
        self.notifications.extend(notifications)

    def positions(self, guild_id: int | None = None) -> list[int]:
        return [
            n.position for n in self.notifications if guild_id is None or n.guild_id == guild_id
        ]


async def eventually(check: Callable[[], bool], within: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


def rabbit_settings(amqp_url: str, database_url: str, schema: str) -> Settings:
    return Settings(
        amqp_url=amqp_url,
        database_url=database_url,
        database_schema=schema,
        partitions=PARTITIONS,
    )


@asynccontextmanager
async def rabbit_command_system(settings: Settings) -> AsyncIterator[CommandSystem]:
    async with AsyncExitStack() as stack:
        core = await bootstrap.bootstrap_core(settings)
        stack.push_async_callback(core.close)
        connection = await bootstrap.open_broker(settings)
        stack.push_async_callback(connection.close)
        consumer = await bootstrap.start_command_consumer(settings, core, connection)
        stack.push_async_callback(consumer.stop)
        bus = await bootstrap.open_command_bus(settings, None)
        stack.push_async_callback(bus.close)  # type: ignore[attr-defined]
        yield CommandSystem(bus, core.store, core)


@asynccontextmanager
async def rabbit_event_groups(
    amqp_url: str, groups: list[str]
) -> AsyncIterator[tuple[EventPublisher, dict[str, Seen]]]:
    rows = RowMapper(build_mapper())
    async with AsyncExitStack() as stack:
        connection = await aio_pika.connect_robust(amqp_url)
        stack.push_async_callback(connection.close)
        channel = await connection.channel()
        await declare(channel, core_topology(PARTITIONS))
        seen = {group: Seen() for group in groups}
        for group in groups:
            consumer = await EventConsumer.start(
                connection,
                group,
                seen[group].handle,
                rows,
                InMemoryGuildPositions(),
                partition_count=PARTITIONS,
            )
            stack.push_async_callback(consumer.stop)
        yield await RabbitEventPublisher.open(connection, partitions=PARTITIONS), seen


@asynccontextmanager
async def in_process_event_groups(
    groups: list[str], *, batches: bool = False
) -> AsyncIterator[tuple[EventPublisher, dict[str, Seen]]]:
    events = bootstrap.event_bus()
    seen = {group: Seen() for group in groups}
    for group in groups:
        if batches:
            events.subscribe_batches(group, seen[group].handle_batch, InMemoryGuildPositions())
        else:
            events.subscribe(group, seen[group].handle, InMemoryGuildPositions())
    try:
        yield events, seen
    finally:
        await events.close()
