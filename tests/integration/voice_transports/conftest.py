"""A RabbitMQ connection with the whole topology declared, in the test's own vhost."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import aio_pika
import pytest

from reprise.adapters import bootstrap
from reprise.adapters.rabbitmq.voice_streams import RabbitStreamConsumer, RabbitStreamPublisher
from reprise.settings import Settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable

    from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

PARTITIONS = 4


@pytest.fixture
async def connection(amqp_url: str) -> AsyncIterator[AbstractRobustConnection]:
    opened = await bootstrap.open_broker(Settings(amqp_url=amqp_url, partitions=PARTITIONS))
    yield opened
    await opened.close()


async def dead_letters(
    connection: AbstractRobustConnection, queue_name: str, count: int
) -> list[AbstractIncomingMessage]:
    """Take `count` messages from a dead-letter queue (waiting up to 10 s for them)."""
    channel = await connection.channel()
    queue = await channel.get_queue(queue_name)
    taken: list[AbstractIncomingMessage] = []
    async with queue.iterator(timeout=10) as messages:
        async for message in messages:
            await message.ack()
            taken.append(message)
            if len(taken) == count:
                break
    await channel.close()
    return taken


async def publish_raw(
    connection: AbstractRobustConnection,
    exchange: str,
    routing_key: str,
    body: bytes,
    *,
    message_type: str | None = None,
) -> None:
    channel = await connection.channel(publisher_confirms=True)
    target = await channel.get_exchange(exchange) if exchange else channel.default_exchange
    await target.publish(aio_pika.Message(body=body, type=message_type), routing_key=routing_key)
    await channel.close()


@asynccontextmanager
async def serving[C: RabbitStreamConsumer[Any]](
    connection: AbstractRobustConnection, stream: str, starting: Awaitable[C]
) -> AsyncIterator[tuple[C, RabbitStreamPublisher]]:
    """The consumer once started, and a publisher of the same stream; both closed at the end."""
    consumer = await starting
    publisher = await RabbitStreamPublisher.open(connection, stream, partitions=PARTITIONS)
    try:
        yield consumer, publisher
    finally:
        await publisher.close()
        await consumer.stop()
