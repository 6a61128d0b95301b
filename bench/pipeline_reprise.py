"""Reprise's pipeline as it is deployed: `reprise run core` and `reprise run relay` as child
processes; the load generator (a RabbitCommandBus, as the gateway uses) and the read model
(an EventConsumer group writing to Redis) in the benchmark's process.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bench.pipeline_env import (
    PARTITIONS,
    Child,
    redis_prefix,
    start_core_and_relay,
    throwaway_vhost,
)
from bench.pipeline_load import Phase, Probe, ReadModel, Tracker
from bench.postgres import throwaway_schema
from bench.queues import ACTOR, play_command
from reprise.adapters import bootstrap
from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.adapters.postgres.event_store import PostgresEventStore
from reprise.adapters.rabbitmq.command_bus import RabbitCommandBus
from reprise.adapters.rabbitmq.event_consumer import EventConsumer
from reprise.adapters.rabbitmq.topology import partition_queue
from reprise.application.messaging import CommandTimeout
from reprise.domain import commands as c
from reprise.settings import Settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence

    from aio_pika.abc import AbstractRobustConnection

    from reprise.application.ports import Notification

READ_MODEL = "benchreadmodel"
REPLY_WITHIN = 3.0  # the gateway's budget
_SEED_CONCURRENCY = 200


def pause_resume(guild_id: int, turn: int) -> c.CommandBase:
    """Pause, Resume, Pause, ...: always accepted in order, one event each."""
    kind: type[c.Pause] | type[c.Resume] = c.Pause if turn % 2 == 0 else c.Resume
    return kind(guild_id=guild_id, actor=ACTOR)


@dataclass
class RepriseSystem:
    """Sends each guild's next command with `send` (or `post`) and watches what comes back."""

    bus: RabbitCommandBus
    tracker: Tracker
    children: list[Child]
    probe: Probe
    name: str = "reprise"
    post: bool = False
    turns: dict[int, int] = field(default_factory=dict)

    async def send(self, guild: int, due: float) -> None:
        turn = self.turns.get(guild, 0)
        self.turns[guild] = turn + 1
        command = pause_resume(guild, turn)
        key = str(command.command_id)
        self.tracker.expect(key, due)
        try:
            if self.post:
                await self.bus.post(command)
                return
            result = await self.bus.send(command, reply_within=REPLY_WITHIN)
        except CommandTimeout:
            self.tracker.failed(key, f"no reply within {REPLY_WITHIN:.0f} s")
            return
        except Exception as error:
            self.tracker.failed(key, f"send failed: {type(error).__name__}")
            return
        if not result.accepted or len(result.events) != 1:
            code = result.rejection.code if result.rejection else f"{len(result.events)} events"
            self.tracker.failed(key, f"not one accepted event: {code}")
            return
        self.tracker.replied(due)

    async def settle(self) -> bool:
        return await self.probe.settle()

    async def seed(self, guilds: int) -> None:
        """One EnqueueTracks per guild (so Pause/Resume have a track), through the pipeline."""
        slots = asyncio.Semaphore(_SEED_CONCURRENCY)

        async def one(guild: int) -> None:
            async with slots:
                command = play_command(guild)
                self.tracker.expect(str(command.command_id), 0.0)
                result = await self.bus.send(command, reply_within=30.0)
                if not result.accepted:
                    raise RuntimeError(f"seeding guild {guild} was rejected: {result}")

        phase = self.tracker.begin(Phase("seed", guilds, None))
        await asyncio.gather(*(one(guild) for guild in range(1, guilds + 1)))
        await self.tracker.drain(30.0)
        if phase.errors or not await self.settle():
            raise RuntimeError(f"seeding failed: {dict(phase.problems)}")


def _queues(partitions: int) -> list[str]:
    streams = ["commands", f"events.{READ_MODEL}"]
    return [partition_queue(stream, p) for stream in streams for p in range(partitions)]


async def _start_read_model(
    connection: AbstractRobustConnection,
    read_model: ReadModel,
    store: PostgresEventStore,
    stack: AsyncExitStack,
    partitions: int,
) -> None:
    """An EventConsumer group with PostgreSQL guild positions, as bootstrap wires them (on the
    event store's pool)."""

    async def write(notification: Notification) -> None:
        key = str(notification.command_id)
        await read_model.write(notification.guild_id, notification.position, key)

    async def write_batch(notifications: Sequence[Notification]) -> None:
        await read_model.write_many(
            [(n.guild_id, n.position, str(n.command_id)) for n in notifications]
        )

    consumer = await EventConsumer.start(
        connection,
        READ_MODEL,
        write,
        RowMapper(build_mapper()),
        bootstrap.guild_positions(store, READ_MODEL),
        partition_count=partitions,
        batch_handler=write_batch,
    )
    stack.push_async_callback(consumer.stop)


@asynccontextmanager
async def reprise_system(
    dsn: str, run: str, guilds: int, tracker: Tracker, partitions: int = PARTITIONS
) -> AsyncIterator[RepriseSystem]:
    """A fresh schema, vhost and Redis prefix; the children; `guilds` seeded guilds."""
    async with AsyncExitStack() as stack:
        schema = await stack.enter_async_context(throwaway_schema(dsn))
        name = f"{run}_g{guilds}_p{partitions}"
        amqp = await stack.enter_async_context(throwaway_vhost(name))
        client, prefix = await stack.enter_async_context(redis_prefix(name.replace("_", ":")))
        settings = Settings(
            database_url=dsn, database_schema=schema, amqp_url=amqp, partitions=partitions
        )
        connection = await bootstrap.open_broker(settings)
        stack.push_async_callback(connection.close)
        store = await PostgresEventStore.connect(dsn, schema, RowMapper(build_mapper()))
        stack.push_async_callback(store.close)
        read_model = ReadModel(client, prefix, tracker)
        await _start_read_model(connection, read_model, store, stack, partitions)
        probe = Probe(
            await connection.channel(),
            _queues(partitions),
            store.pool,
            f"SELECT last_position FROM {schema}.notification_counter",  # noqa: S608
            read_model,
        )
        children = await start_core_and_relay(settings, stack)
        bus = await RabbitCommandBus.open(connection, partitions=partitions)
        stack.push_async_callback(bus.close)
        system = RepriseSystem(bus, tracker, children, probe)
        if partitions != PARTITIONS:
            system.name = f"reprise, {partitions} partitions"
        await system.seed(guilds)
        yield system
