"""The `voice` (gateway → audio) and `ui` (audio → gateway) streams over RabbitMQ.

Both are partitioned by guild (topology.py), so one guild's messages stay in order, and
publishers send them in batches per partition (ADR 0011). A consumer applies each message in
order per guild and acks once every message of the delivery is handled; a message that can
never be one of the stream's messages is dead-lettered alone with the reason, and a handler
that keeps failing dead-letters its message too: the consumer keeps serving either way.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Self
from uuid import uuid4

import aio_pika
from pydantic import TypeAdapter, ValidationError

from reprise.adapters.rabbitmq.batches import BATCH_TYPE, Coalescer, UnusableItem, join, split
from reprise.adapters.rabbitmq.dead_letters import DeadLetters
from reprise.adapters.rabbitmq.errors import BROKER_ERRORS
from reprise.adapters.rabbitmq.handler_retries import handle_with_retries
from reprise.adapters.rabbitmq.metrics import CONSUMED
from reprise.adapters.rabbitmq.topology import partition_of, partition_queue
from reprise.adapters.rabbitmq.wire import MAX_MESSAGE_BYTES
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
    """The VoiceChannel and UiChannel ports: `publish` returns once the broker confirmed the
    batch holding the message."""

    def __init__(
        self, channel: AbstractChannel, exchange: AbstractExchange, partitions: int
    ) -> None:
        self._channel = channel
        self._exchange = exchange
        self._partitions = partitions
        self._batches = Coalescer(self._publish_batch)

    @classmethod
    async def open(
        cls, connection: AbstractRobustConnection, stream: str, *, partitions: int
    ) -> Self:
        channel = await connection.channel(publisher_confirms=True)
        return cls(channel, await channel.get_exchange(stream), partitions)

    async def publish(self, message: VoiceMessage | UiMessage) -> None:
        partition = partition_of(message.guild_id, self._partitions)
        try:
            await self._batches.submit(partition, message.model_dump_json().encode())
        except BROKER_ERRORS as error:
            raise BrokerUnavailable(f"publishing {message.type}: {error!r}") from error

    async def close(self) -> None:
        await self._batches.close()
        await self._channel.close()

    async def _publish_batch(self, partition: int, items: list[bytes]) -> None:
        outgoing = aio_pika.Message(
            body=join(items),
            content_type="application/json",
            message_id=uuid4().hex,
            type=BATCH_TYPE,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        await self._exchange.publish(outgoing, routing_key=str(partition))


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
        if message.type == BATCH_TYPE:
            try:
                items = [self._decode_item(item) for item in split(message.body)]
            except ValueError as error:  # not a JSON array
                await self._dead.reject(message, "malformed_batch", str(error))
                return
        else:
            try:
                items = [self._adapter.validate_json(message.body)]
            except ValidationError as error:
                await self._dead.reject(message, "malformed_message", _describe(error))
                return
        # Each guild's messages join its lock before the first suspension, so deliveries of
        # one partition keep their order per guild.
        by_guild: dict[int, list[M]] = {}
        unusable: list[UnusableItem] = []
        for item in items:
            if isinstance(item, UnusableItem):
                unusable.append(item)
            else:
                by_guild.setdefault(item.guild_id, []).append(item)
        applying = [
            asyncio.create_task(self._apply_in_order(message, guild, decoded))
            for guild, decoded in by_guild.items()
        ]
        await asyncio.shield(self._settle(message, unusable, applying))

    def _decode_item(self, item: object) -> M | UnusableItem:
        try:
            return self._adapter.validate_python(item)
        except ValidationError as error:
            return UnusableItem(json.dumps(item).encode(), _describe(error))

    async def _apply_in_order(
        self, message: AbstractIncomingMessage, guild_id: int, decoded: list[M]
    ) -> None:
        async with self._guilds.hold(guild_id):
            for item in decoded:
                error = await handle_with_retries(
                    self._handler, item, group=self._stream, attempts=HANDLER_ATTEMPTS
                )
                if error is None:
                    CONSUMED.labels(self._stream).inc()
                    continue
                body = item.model_dump_json().encode()
                await self._dead.dead_letter(message, body, "handler_failed", repr(error))

    async def _settle(
        self,
        message: AbstractIncomingMessage,
        unusable: list[UnusableItem],
        applying: list[asyncio.Task[None]],
    ) -> None:
        try:
            for item in unusable:
                await self._dead.dead_letter(message, item.raw, "malformed_message", item.reason)
            await asyncio.gather(*applying)
            await message.ack()
        except BROKER_ERRORS as error:
            _log.warning("%s: could not settle a message (%s)", self._stream, error)


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
