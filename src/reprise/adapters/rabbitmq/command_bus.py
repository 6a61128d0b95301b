"""RabbitCommandBus: commands to the `commands` exchange in batches per partition (ADR 0011),
results back on direct reply-to."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Self
from uuid import uuid4

import aio_pika
from opentelemetry.trace import SpanKind

from reprise.adapters.rabbitmq.batches import (
    BATCH_LIMIT_BYTES,
    BATCH_TYPE,
    Coalescer,
    join,
    split,
)
from reprise.adapters.rabbitmq.errors import BROKER_ERRORS
from reprise.adapters.rabbitmq.topology import partition_of
from reprise.adapters.tracing import TRACER, current_traceparent
from reprise.application.messaging import (
    DEFAULT_REPLY_TIMEOUT,
    BrokerUnavailable,
    CommandTimeout,
)
from reprise.application.results import CommandResult

if TYPE_CHECKING:
    from aio_pika.abc import (
        AbstractExchange,
        AbstractIncomingMessage,
        AbstractRobustChannel,
        AbstractRobustConnection,
    )

    from reprise.domain.commands import CommandBase

REPLY_TO = "amq.rabbitmq.reply-to"


class CommandTooLarge(ValueError):
    """Refused before sending: the core would dead-letter it unread."""

    def __init__(self, size: int) -> None:
        super().__init__(f"the command is too large ({size} bytes, limit {BATCH_LIMIT_BYTES})")

    def result(self, command: CommandBase) -> CommandResult:
        return CommandResult.refused(command.command_id, "oversized", str(self))


def _cancelled_from_outside() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


class RabbitCommandBus:
    """The CommandBus port over RabbitMQ: publish with confirms, await the core's reply."""

    def __init__(
        self,
        channel: AbstractRobustChannel,
        exchange: AbstractExchange,
        partitions: int,
        owned: AbstractRobustConnection | None = None,
    ) -> None:
        self._channel = channel
        self._owned = owned  # closed with the bus: opened for it alone
        self._exchange = exchange
        self._partitions = partitions
        self._batches = Coalescer(self._publish_batch)
        self._waiting: dict[str, asyncio.Future[CommandResult]] = {}

    @classmethod
    async def open(
        cls, connection: AbstractRobustConnection, *, partitions: int, owns_connection: bool = False
    ) -> Self:
        """A bus on `connection`; with `owns_connection`, closing the bus closes it too."""
        channel = await connection.channel(publisher_confirms=True)
        owned = connection if owns_connection else None
        bus = cls(channel, await channel.get_exchange("commands"), partitions, owned)
        # Declared (passively) so the robust channel restores this consumer on reconnect.
        replies = await channel.declare_queue(REPLY_TO, passive=True)
        await replies.consume(bus._on_reply, no_ack=True)
        return bus

    async def send(
        self, command: CommandBase, *, reply_within: float = DEFAULT_REPLY_TIMEOUT
    ) -> CommandResult:
        key = uuid4().hex  # per send: the same command may be sent twice at once
        future = asyncio.get_running_loop().create_future()
        self._waiting[key] = future
        try:
            with TRACER.start_as_current_span(
                f"send {type(command).__name__}", kind=SpanKind.PRODUCER
            ):
                await self._publish(command, reply_key=key)
                return await asyncio.wait_for(asyncio.shield(future), reply_within)
        except CommandTooLarge as refused:
            return refused.result(command)
        except TimeoutError:  # before BROKER_ERRORS: TimeoutError is an OSError
            raise CommandTimeout(
                f"no result for {type(command).__name__} {command.command_id}"
            ) from None
        except BROKER_ERRORS as error:
            raise BrokerUnavailable(f"sending {type(command).__name__}: {error!r}") from error
        except asyncio.CancelledError as error:
            if _cancelled_from_outside():
                raise
            # aiormq cancels what waits on a channel that closes under it
            raise BrokerUnavailable(f"sending {type(command).__name__}: {error!r}") from error

        finally:
            self._waiting.pop(key, None)

    async def post(self, command: CommandBase) -> None:
        """Send without waiting for the result (still confirmed by the broker)."""
        with TRACER.start_as_current_span(f"post {type(command).__name__}", kind=SpanKind.PRODUCER):
            try:
                await self._publish(command, reply_key=None)
            except BROKER_ERRORS as error:
                raise BrokerUnavailable(f"posting {type(command).__name__}: {error!r}") from error

    async def close(self) -> None:
        await self._batches.close()
        await self._channel.close()
        if self._owned is not None:
            await self._owned.close()

    async def _publish(self, command: CommandBase, *, reply_key: str | None) -> None:
        if command.traceparent is None:
            command = command.model_copy(update={"traceparent": current_traceparent()})
        reply = f'"{reply_key}"'.encode() if reply_key else b"null"
        item = b'{"reply":' + reply + b',"command":' + command.model_dump_json().encode() + b"}"
        if len(item) > BATCH_LIMIT_BYTES:
            raise CommandTooLarge(len(item))
        await self._batches.submit(partition_of(command.guild_id, self._partitions), item)

    async def _publish_batch(self, partition: int, items: list[bytes]) -> None:
        await self._channel.ready()  # after a reconnect, wait until consumers are restored
        message = aio_pika.Message(
            body=join(items),
            content_type="application/json",
            message_id=uuid4().hex,
            reply_to=REPLY_TO,
            type=BATCH_TYPE,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        await self._exchange.publish(message, routing_key=str(partition))

    async def _on_reply(self, message: AbstractIncomingMessage) -> None:
        if message.type != BATCH_TYPE:  # a single reply: a refused message's rejection
            self._settle(message.correlation_id, CommandResult.model_validate_json(message.body))
            return
        for reply in split(message.body):
            self._settle(reply["reply"], CommandResult.model_validate(reply["result"]))

    def _settle(self, key: str | None, result: CommandResult) -> None:
        future = self._waiting.get(key or "")
        if future is not None and not future.done():
            future.set_result(result)
