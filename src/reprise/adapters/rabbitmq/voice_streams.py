"""The `voice` (gateway → audio) and `ui` (audio → gateway) streams over RabbitMQ.

Both are partitioned by guild (topology.py), so one guild's messages stay in order. A
consumer applies each message in order per guild and acks after its handler; a message that
can never be one of the stream's messages is dead-lettered with the reason, and a handler
that keeps failing dead-letters its message too: the consumer keeps serving either way.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Self
from uuid import uuid4

import aio_pika
from pydantic import TypeAdapter, ValidationError

from reprise.adapters.rabbitmq.dead_letters import DeadLetters
from reprise.adapters.rabbitmq.errors import BROKER_ERRORS
from reprise.adapters.rabbitmq.handler_retries import handle_with_retries
from reprise.adapters.rabbitmq.metrics import CONSUMED
from reprise.adapters.rabbitmq.topology import partition_key, partition_queue
from reprise.adapters.rabbitmq.wire import MAX_MESSAGE_BYTES, guild_header
from reprise.application.keyed_locks import KeyedLocks
from reprise.application.messaging import BrokerUnavailable
from reprise.application.voice_messages import UI_MESSAGE, VOICE_MESSAGE

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from aio_pika.abc import (
        AbstractChannel,
        AbstractExchange,
        AbstractIncomingMessage,
        AbstractRobustConnection,
    )

    from reprise.application.voice_messages import UiMessage, VoiceMessage

_log = logging.getLogger(__name__)
HANDLER_ATTEMPTS = 3
VOICE_STREAM = "voice"
UI_STREAM = "ui"


class RabbitStreamPublisher:
    """The VoiceChannel and UiChannel ports: `publish` returns once the broker confirmed."""

    def __init__(
        self, channel: AbstractChannel, exchange: AbstractExchange, partitions: int
    ) -> None:
        self._channel = channel
        self._exchange = exchange
        self._partitions = partitions

    @classmethod
    async def open(
        cls, connection: AbstractRobustConnection, stream: str, *, partitions: int
    ) -> Self:
        channel = await connection.channel(publisher_confirms=True)
        return cls(channel, await channel.get_exchange(stream), partitions)

    async def publish(self, message: VoiceMessage | UiMessage) -> None:
        body = message.model_dump_json().encode()
        outgoing = aio_pika.Message(
            body=body,
            content_type="application/json",
            message_id=uuid4().hex,
            type=message.type,
            headers={**guild_header(message.guild_id)},
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        try:
            key = partition_key(message.guild_id, self._partitions)
            await self._exchange.publish(outgoing, routing_key=key)
        except BROKER_ERRORS as error:
            raise BrokerUnavailable(f"publishing {message.type}: {error!r}") from error

    async def close(self) -> None:
        await self._channel.close()


class RabbitStreamConsumer[M: VoiceMessage | UiMessage]:
    """Consumes some partitions of a stream, in order per guild."""

    def __init__(
        self,
        channel: AbstractChannel,
        stream: str,
        adapter: TypeAdapter[M],
        handler: Callable[[M], Awaitable[None]],
        dead: DeadLetters,
    ) -> None:
        self._channel = channel
        self._stream = stream
        self._adapter = adapter
        self._handler = handler
        self._dead = dead
        self._guilds = KeyedLocks()

    @classmethod
    async def start(
        cls,
        connection: AbstractRobustConnection,
        stream: str,
        adapter: TypeAdapter[M],
        handler: Callable[[M], Awaitable[None]],
        partitions: Sequence[int],
        *,
        prefetch: int = 200,
    ) -> Self:
        channel = await connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=prefetch)
        dead = DeadLetters(await channel.get_exchange(f"{stream}.dlx"), stream)
        consumer = cls(channel, stream, adapter, handler, dead)
        for partition in partitions:
            queue = await channel.get_queue(partition_queue(stream, partition))
            await queue.consume(consumer.on_message)
        return consumer

    async def stop(self) -> None:
        await self._channel.close()

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        if len(message.body) > MAX_MESSAGE_BYTES:
            limit = f"{len(message.body)} bytes, limit {MAX_MESSAGE_BYTES}"
            await self._dead.reject(message, "oversized", limit)
            return
        try:
            decoded = self._adapter.validate_json(message.body)
        except ValidationError as error:
            await self._dead.reject(message, "malformed_message", _describe(error))
            return
        await asyncio.shield(self._apply_in_order(message, decoded))

    async def _apply_in_order(self, message: AbstractIncomingMessage, decoded: M) -> None:
        async with self._guilds.hold(decoded.guild_id):
            try:
                error = await handle_with_retries(
                    self._handler, decoded, group=self._stream, attempts=HANDLER_ATTEMPTS
                )
                if error is not None:
                    await self._dead.reject(message, "handler_failed", repr(error))
                    return
                await message.ack()
                CONSUMED.labels(self._stream).inc()
            except BROKER_ERRORS as error:
                _log.warning("%s: could not settle a message (%s)", self._stream, error)
        return None


def _describe(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in problem['loc']) or 'body'}: {problem['msg']}"
        for problem in error.errors()[:5]
    )


async def start_voice_consumer(
    connection: AbstractRobustConnection,
    handler: Callable[[VoiceMessage], Awaitable[None]],
    partitions: Sequence[int],
) -> RabbitStreamConsumer[VoiceMessage]:
    """The audio process's side of `voice`."""
    return await RabbitStreamConsumer.start(
        connection, VOICE_STREAM, VOICE_MESSAGE, handler, partitions
    )


async def start_ui_consumer(
    connection: AbstractRobustConnection,
    handler: Callable[[UiMessage], Awaitable[None]],
    partitions: Sequence[int],
) -> RabbitStreamConsumer[UiMessage]:
    """The gateway's side of `ui`."""
    return await RabbitStreamConsumer.start(connection, UI_STREAM, UI_MESSAGE, handler, partitions)
