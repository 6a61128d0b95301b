"""The baseline: a pipeline of Reprise's shape with nothing in it but the round trips.

publisher (confirms) -> quorum queue `skeleton.commands` -> worker process: one autocommit
INSERT per message, then one event published (confirms), then ack -> quorum queue
`skeleton.events` -> read model in the benchmark's process: HSET in Redis, then ack.

Run as a module it is the worker: `python -m bench.skeleton AMQP_URL DSN SCHEMA`.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import uuid4

import aio_pika
import asyncpg
from aio_pika.abc import AbstractExchange

from bench.pipeline_env import Child, redis_prefix, start_child, throwaway_vhost
from bench.pipeline_load import Probe, ReadModel, Tracker
from bench.postgres import throwaway_schema

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from aio_pika.abc import AbstractChannel, AbstractIncomingMessage

COMMANDS = "skeleton.commands"
EVENTS = "skeleton.events"
WORKER_PREFETCH = 500  # as Reprise's CommandConsumer
READ_PREFETCH = 200  # as Reprise's EventConsumer
POOL_SIZE = 10  # as Reprise's event store
COMMAND_BYTES = 256  # about a Reprise Pause command
EVENT_BYTES = 512  # about a Reprise integration event
READY = "skeleton worker: ready"
PERSISTENT = aio_pika.DeliveryMode.PERSISTENT


def _padded(fields: dict[str, object], size: int) -> bytes:
    body = json.dumps({**fields, "pad": ""})
    return body.replace('"pad": ""', f'"pad": "{"x" * max(0, size - len(body))}"').encode()


async def declare_queues(channel: AbstractChannel, queue_type: str = "quorum") -> None:
    for name in (COMMANDS, EVENTS):
        await channel.declare_queue(name, durable=True, arguments={"x-queue-type": queue_type})


def _insert_sql(schema: str) -> str:
    """One row per command, idempotent on redelivery; `schema` is the benchmark's own."""
    values = "(command_id, guild_id, body) VALUES ($1, $2, $3)"
    again = "ON CONFLICT (command_id) DO UPDATE SET guild_id = excluded.guild_id"
    return f"INSERT INTO {schema}.skeleton_events {values} {again} RETURNING position"


async def _keep_session(_connection: asyncpg.Connection) -> None:
    """Minimal: no server-side reset query (a round trip) each time a connection returns."""


@dataclass
class Worker:
    """Consumes commands: INSERT (autocommit), publish the event (confirmed), ack."""

    exchange: AbstractExchange
    pool: asyncpg.Pool
    schema: str

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        command = json.loads(message.body)
        position = await self.pool.fetchval(
            _insert_sql(self.schema),
            command["id"],
            command["guild_id"],
            message.body,
        )
        event = {"id": command["id"], "guild_id": command["guild_id"], "position": position}
        await self.exchange.publish(
            aio_pika.Message(_padded(event, EVENT_BYTES), delivery_mode=PERSISTENT),
            routing_key=EVENTS,
        )
        await message.ack()


async def worker_main(amqp_url: str, dsn: str, schema: str) -> None:
    async with AsyncExitStack() as stack:
        connection = await aio_pika.connect_robust(amqp_url)
        stack.push_async_callback(connection.close)
        channel = await connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=WORKER_PREFETCH)
        pool = await asyncpg.create_pool(
            dsn, min_size=POOL_SIZE, max_size=POOL_SIZE, reset=_keep_session
        )
        stack.push_async_callback(pool.close)
        worker = Worker(channel.default_exchange, pool, schema)
        await (await channel.get_queue(COMMANDS)).consume(worker.on_message)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        print(READY, flush=True)
        await stop.wait()


@dataclass
class SkeletonSystem:
    """Publishes each command with a confirm; the read model reports it done."""

    exchange: AbstractExchange
    tracker: Tracker
    children: list[Child]
    probe: Probe
    name: str = "skeleton"
    post: bool = True
    turns: dict[int, int] = field(default_factory=dict)

    async def send(self, guild: int, due: float) -> None:
        key = uuid4().hex
        self.tracker.expect(key, due)
        turn = self.turns.get(guild, 0)
        self.turns[guild] = turn + 1
        body = _padded({"id": key, "guild_id": guild, "volume": 50 + turn % 2 * 10}, COMMAND_BYTES)
        try:
            await self.exchange.publish(
                aio_pika.Message(body, message_id=key, delivery_mode=PERSISTENT),
                routing_key=COMMANDS,
            )
        except Exception as error:
            self.tracker.failed(key, f"publish failed: {type(error).__name__}")

    async def settle(self) -> bool:
        return await self.probe.settle()


async def _create_table(dsn: str, schema: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            f"CREATE TABLE {schema}.skeleton_events (position bigserial PRIMARY KEY, "
            "command_id text NOT NULL UNIQUE, guild_id bigint NOT NULL, body bytea NOT NULL, "
            "recorded_at timestamptz NOT NULL DEFAULT now())"
        )
    finally:
        await connection.close()


def _consumer(read_model: ReadModel) -> Callable[[AbstractIncomingMessage], Awaitable[None]]:
    async def on_event(message: AbstractIncomingMessage) -> None:
        event = json.loads(message.body)
        await read_model.write(event["guild_id"], event["position"], event["id"])
        await message.ack()

    return on_event


@asynccontextmanager
async def skeleton_system(
    dsn: str, run: str, tracker: Tracker, queue_type: str = "quorum"
) -> AsyncIterator[SkeletonSystem]:
    """A fresh schema, vhost and Redis prefix; the worker process; the read model here."""
    async with AsyncExitStack() as stack:
        schema = await stack.enter_async_context(throwaway_schema(dsn, migrated=False))
        await _create_table(dsn, schema)
        amqp = await stack.enter_async_context(throwaway_vhost(f"{run}_skeleton"))
        client, prefix = await stack.enter_async_context(redis_prefix(f"{run}:skeleton"))
        connection = await aio_pika.connect_robust(amqp)
        stack.push_async_callback(connection.close)
        publisher = await connection.channel(publisher_confirms=True)
        await declare_queues(publisher, queue_type)
        reader = await connection.channel()
        await reader.set_qos(prefetch_count=READ_PREFETCH)
        read_model = ReadModel(client, prefix, tracker)
        await (await reader.get_queue(EVENTS)).consume(_consumer(read_model))
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=1)
        stack.push_async_callback(pool.close)
        last = f"SELECT max(position) FROM {schema}.skeleton_events"  # noqa: S608
        probe = Probe(await connection.channel(), [COMMANDS, EVENTS], pool, last, read_model)
        args = [sys.executable, "-m", "bench.skeleton", amqp, dsn, schema]
        worker = await start_child("skeleton worker", args, {}, READY)
        stack.push_async_callback(worker.stop)
        yield SkeletonSystem(publisher.default_exchange, tracker, [worker], probe)


if __name__ == "__main__":
    with suppress(KeyboardInterrupt):
        asyncio.run(worker_main(*sys.argv[1:4]))
