"""The core's side of the command bus: consume partitions, decide, reply, then ack."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self
from uuid import UUID

import aio_pika
from opentelemetry.trace import SpanKind
from pydantic import ValidationError

from reprise.adapters.rabbitmq.dead_letters import DeadLetters
from reprise.adapters.rabbitmq.metrics import CONSUMED, FAILED
from reprise.adapters.rabbitmq.topology import partition_queue
from reprise.adapters.rabbitmq.wire import MAX_MESSAGE_BYTES
from reprise.adapters.tracing import TRACER, context_from, current_traceparent
from reprise.application.results import CommandResult, Rejection
from reprise.domain.commands import Command, parse_command

if TYPE_CHECKING:
    from collections.abc import Sequence

    from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection

    from reprise.application.message_bus import MessageBus

_log = logging.getLogger(__name__)
GROUP = "commands"


class UnusableMessage(Exception):
    """A message that can never become a command; `kind` names the problem for the DLQ."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(f"{kind}: {reason}")
        self.kind = kind
        self.reason = reason


def decode_command(body: bytes) -> Command:
    if len(body) > MAX_MESSAGE_BYTES:
        raise UnusableMessage("oversized", f"{len(body)} bytes, limit {MAX_MESSAGE_BYTES}")
    try:
        return parse_command(body)
    except ValidationError as error:
        raise UnusableMessage(_problem_kind(error), _describe(error)) from None


def _problem_kind(error: ValidationError) -> str:
    kinds = {problem["type"] for problem in error.errors()}
    fields = {str(part) for problem in error.errors() for part in problem["loc"]}
    if "json_invalid" in kinds or "json_type" in kinds:
        return "malformed_json"
    if kinds & {"union_tag_invalid", "union_tag_not_found"}:
        return "unknown_command_type"
    if "schema_version" in fields:
        return "unsupported_schema_version"
    return "invalid_command"


def _describe(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in problem['loc'][1:]) or 'body'}: {problem['msg']}"
        for problem in error.errors()[:5]
    )


class CommandConsumer:
    """Consumes this core's command partitions; commands in flight share group commits."""

    def __init__(self, channel: AbstractChannel, bus: MessageBus, dead: DeadLetters) -> None:
        self._channel = channel
        self._bus = bus
        self._dead = dead

    @classmethod
    async def start(
        cls,
        connection: AbstractRobustConnection,
        bus: MessageBus,
        partitions: Sequence[int],
        *,
        prefetch: int = 500,
    ) -> Self:
        channel = await connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=prefetch)
        consumer = cls(channel, bus, DeadLetters(await channel.get_exchange("commands.dlx"), GROUP))
        for partition in partitions:
            queue = await channel.get_queue(partition_queue(GROUP, partition))
            await queue.consume(consumer.on_message)
        return consumer

    async def stop(self) -> None:
        await self._channel.close()

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            command = decode_command(message.body)
        except UnusableMessage as problem:
            await self._refuse(message, problem)
            return
        context = context_from(message.headers)
        name = f"handle {type(command).__name__}"
        with TRACER.start_as_current_span(name, context=context, kind=SpanKind.CONSUMER):
            command = command.model_copy(update={"traceparent": current_traceparent()})
            try:
                result = await self._bus.handle(command)
            except Exception:
                _log.exception("command %s failed; requeued", message.message_id)
                FAILED.labels(GROUP).inc()
                await message.nack(requeue=True)
                return
        await self._reply(message, result)
        await message.ack()
        CONSUMED.labels(GROUP).inc()

    async def _refuse(self, message: AbstractIncomingMessage, problem: UnusableMessage) -> None:
        await self._dead.reject(message, problem.kind, problem.reason)
        try:
            command_id = UUID(message.message_id or "")
        except ValueError:
            return
        rejection = Rejection(code=problem.kind, message=problem.reason, details={})
        await self._reply(
            message, CommandResult(command_id=command_id, accepted=False, rejection=rejection)
        )

    async def _reply(self, message: AbstractIncomingMessage, result: CommandResult) -> None:
        if not message.reply_to:
            return
        await self._channel.default_exchange.publish(
            aio_pika.Message(
                body=result.model_dump_json().encode(),
                content_type="application/json",
                correlation_id=message.correlation_id,
            ),
            routing_key=message.reply_to,
            mandatory=False,
        )
