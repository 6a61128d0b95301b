"""RabbitCommandBus: commands to the `commands` exchange, results back on direct reply-to."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Self
from uuid import uuid4

import aio_pika
from opentelemetry.trace import SpanKind

from reprise.adapters.rabbitmq.errors import BROKER_ERRORS
from reprise.adapters.rabbitmq.wire import guild_header
from reprise.adapters.tracing import TRACER, current_headers, current_traceparent
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


def _cancelled_from_outside() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


class RabbitCommandBus:
    """The CommandBus port over RabbitMQ: publish with confirms, await the core's reply."""

    def __init__(self, channel: AbstractRobustChannel, exchange: AbstractExchange) -> None:
        self._channel = channel
        self._exchange = exchange
        self._waiting: dict[str, asyncio.Future[CommandResult]] = {}

    @classmethod
    async def open(cls, connection: AbstractRobustConnection) -> Self:
        channel = await connection.channel(publisher_confirms=True)
        bus = cls(channel, await channel.get_exchange("commands"))
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
        await self._channel.close()

    async def _publish(self, command: CommandBase, *, reply_key: str | None) -> None:
        await self._channel.ready()  # after a reconnect, wait until consumers are restored
        if command.traceparent is None:
            command = command.model_copy(update={"traceparent": current_traceparent()})
        message = aio_pika.Message(
            body=command.model_dump_json().encode(),
            content_type="application/json",
            message_id=str(command.command_id),
            correlation_id=reply_key,
            reply_to=REPLY_TO if reply_key else None,
            type=type(command).__name__,
            headers={**current_headers(), **guild_header(command.guild_id)},
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        await self._exchange.publish(message, routing_key=str(command.guild_id))

    async def _on_reply(self, message: AbstractIncomingMessage) -> None:
        future = self._waiting.get(message.correlation_id or "")
        if future is not None and not future.done():
            future.set_result(CommandResult.model_validate_json(message.body))
