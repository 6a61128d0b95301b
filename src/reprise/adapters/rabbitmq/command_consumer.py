"""The core's side of the command bus: consume partitions, decide, reply, then ack."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any, NamedTuple, Self
from uuid import UUID

import aio_pika
from opentelemetry.trace import SpanKind
from pydantic import BaseModel, TypeAdapter, ValidationError

from reprise.adapters.rabbitmq.answers import Answers
from reprise.adapters.rabbitmq.batches import BATCH_TYPE, join, pack, split
from reprise.adapters.rabbitmq.dead_letters import DeadLetters
from reprise.adapters.rabbitmq.metrics import CONSUMED, FAILED
from reprise.adapters.rabbitmq.topology import partition_queue
from reprise.adapters.rabbitmq.wire import MAX_MESSAGE_BYTES
from reprise.adapters.tracing import (
    TRACER,
    context_from,
    context_from_traceparent,
    current_traceparent,
)
from reprise.application.results import CommandResult
from reprise.domain.commands import Command, parse_command

if TYPE_CHECKING:
    from collections.abc import Sequence

    from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection
    from opentelemetry.context import Context

    from reprise.application.message_bus import MessageBus

_log = logging.getLogger(__name__)
GROUP = "commands"


class UnusableMessage(Exception):
    """A message that can never become a command; `kind` names the problem for the DLQ."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(f"{kind}: {reason}")
        self.kind = kind
        self.reason = reason

    def result(self, command_id: UUID) -> CommandResult:
        return CommandResult.refused(command_id, self.kind, self.reason)


def decode_command(body: bytes) -> Command:
    if len(body) > MAX_MESSAGE_BYTES:
        raise UnusableMessage("oversized", f"{len(body)} bytes, limit {MAX_MESSAGE_BYTES}")
    try:
        return parse_command(body)
    except ValidationError as error:
        raise UnusableMessage(_problem_kind(error), _describe(error)) from None


class _WireItem(BaseModel):
    reply: str | None
    command: Command


_WIRE_BATCH = TypeAdapter(list[_WireItem])


class BatchItem(NamedTuple):
    """One command of a batch, or why it can never be one (`raw` is what is dead-lettered)."""

    reply: str | None
    command: Command | UnusableMessage
    command_id: UUID | None = None
    raw: bytes = b""


def decode_batch(body: bytes) -> list[BatchItem]:
    """The batch's items; raises UnusableMessage when the batch as a whole is unusable."""
    if len(body) > MAX_MESSAGE_BYTES:
        raise UnusableMessage("oversized", f"{len(body)} bytes, limit {MAX_MESSAGE_BYTES}")
    try:
        return [BatchItem(item.reply, item.command) for item in _WIRE_BATCH.validate_json(body)]
    except ValidationError:
        pass  # some item is unusable: find which, one by one
    try:
        return [_decode_item(item) for item in split(body)]
    except ValueError as error:
        raise UnusableMessage("malformed_batch", str(error)) from None


def _decode_item(item: Any) -> BatchItem:
    if not isinstance(item, dict) or not isinstance(item.get("command"), dict):
        problem = UnusableMessage("invalid_command", "a batch item is {reply, command}")
        return BatchItem(None, problem, raw=json.dumps(item).encode())
    reply = item.get("reply") if isinstance(item.get("reply"), str) else None
    raw = json.dumps(item["command"]).encode()
    try:
        return BatchItem(reply, decode_command(raw))
    except UnusableMessage as problem:
        return BatchItem(reply, problem, _command_id(item["command"]), raw)


def _command_id(command: dict[str, Any]) -> UUID | None:
    try:
        return UUID(str(command.get("command_id")))
    except ValueError:
        return None


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
    """Consumes this core's command partitions; commands in flight share group commits.

    A message is one command or a batch of them (ADR 0011). A batch's commands are handled
    concurrently (in order per guild), and it is acked once every command's outcome is
    committed. Each reply leaves as soon as its command's outcome is committed, gathered with
    the others that the same commit settled (`Answers`), not held for its batch's last. A
    command that can never be handled is dead-lettered on its own, with the reason; the rest
    of its batch goes on.
    """

    def __init__(
        self, channel: AbstractChannel, replies: AbstractChannel, bus: MessageBus, dead: DeadLetters
    ) -> None:
        self._channel = channel
        self._replies = replies
        self._bus = bus
        self._dead = dead
        self._answers = Answers(self._publish_answers)

    @classmethod
    async def start(
        cls,
        connection: AbstractRobustConnection,
        bus: MessageBus,
        partitions: Sequence[int],
        *,
        prefetch: int = 200,
    ) -> Self:
        channel = await connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=prefetch)
        # Replies are transient (direct reply-to): waiting for their confirms would only delay
        # the acks. A reply lost with the connection costs its sender the timeout, as a dead
        # core would; sending the same command again gets the stored answer.
        replies = await connection.channel(publisher_confirms=False)
        dead = DeadLetters(await channel.get_exchange("commands.dlx"), GROUP)
        consumer = cls(channel, replies, bus, dead)
        for partition in partitions:
            queue = await channel.get_queue(partition_queue(GROUP, partition))
            await queue.consume(consumer.on_message)
        return consumer

    async def stop(self) -> None:
        await self._answers.close()
        await self._channel.close()
        await self._replies.close()

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        if message.type == BATCH_TYPE:
            await self._on_batch(message)
        else:
            await self._on_single(message)

    async def _on_single(self, message: AbstractIncomingMessage) -> None:
        try:
            command = decode_command(message.body)
        except UnusableMessage as problem:
            await self._refuse(message, problem)
            return
        result = await self._handle(command, context_from(message.headers))
        if result is None:
            FAILED.labels(GROUP).inc()
            await message.nack(requeue=True)
            return
        if message.reply_to:
            await self._publish_reply(
                message.reply_to, result.model_dump_json().encode(), message.correlation_id
            )
        await message.ack()
        CONSUMED.labels(GROUP).inc()

    async def _on_batch(self, message: AbstractIncomingMessage) -> None:
        try:
            items = decode_batch(message.body)
        except UnusableMessage as problem:
            await self._dead.reject(message, problem.kind, problem.reason)
            return
        outcomes = await asyncio.gather(*[self._answered(message, item) for item in items])
        if any(result is None for result in outcomes):
            FAILED.labels(GROUP).inc()
            await message.nack(requeue=True)  # the handled ones come back as stored answers
            return
        await message.ack()
        CONSUMED.labels(GROUP).inc(len(items))

    async def _answered(self, message: AbstractIncomingMessage, item: BatchItem) -> bytes | None:
        """The item handled, its reply on its way as soon as its outcome is committed."""
        result = await self._handle_item(message, item)
        if item.reply is not None and result and message.reply_to:
            reply = b'{"reply":' + json.dumps(item.reply).encode() + b',"result":' + result + b"}"
            self._answers.add(message.reply_to, reply)
        return result

    async def _handle_item(self, message: AbstractIncomingMessage, item: BatchItem) -> bytes | None:
        """The item's result as JSON, or None when handling it failed unexpectedly."""
        if isinstance(item.command, UnusableMessage):
            problem = item.command
            await self._dead.dead_letter(message, item.raw, problem.kind, problem.reason)
            if item.command_id is None:
                return b""  # nothing to answer with
            return problem.result(item.command_id).model_dump_json().encode()
        command = item.command
        handled = await self._handle(command, context_from_traceparent(command.traceparent))
        return None if handled is None else handled.model_dump_json().encode()

    async def _handle(self, command: Command, context: Context) -> CommandResult | None:
        """The command's result, in a span continuing `context`; None when it failed
        unexpectedly (its message is then requeued)."""
        name = f"handle {type(command).__name__}"
        with TRACER.start_as_current_span(name, context=context, kind=SpanKind.CONSUMER):
            command = command.model_copy(update={"traceparent": current_traceparent()})
            try:
                return await self._bus.handle(command)
            except Exception:
                _log.exception("command %s failed; its message is requeued", command.command_id)
                return None

    async def _refuse(self, message: AbstractIncomingMessage, problem: UnusableMessage) -> None:
        await self._dead.reject(message, problem.kind, problem.reason)
        try:
            command_id = UUID(message.message_id or "")
        except ValueError:
            return
        if not message.reply_to:
            return
        body = problem.result(command_id).model_dump_json().encode()
        await self._publish_reply(message.reply_to, body, message.correlation_id)

    async def _publish_answers(self, reply_to: str, answers: list[bytes]) -> None:
        """One turn's replies to one sender, in batches below the message limit."""
        for group in pack(answers, bytes):
            await self._publish_reply(reply_to, join(group), None, batch=True)

    async def _publish_reply(
        self, reply_to: str, body: bytes, correlation_id: str | None, *, batch: bool = False
    ) -> None:
        await self._replies.default_exchange.publish(
            aio_pika.Message(
                body=body,
                content_type="application/json",
                correlation_id=correlation_id,
                type=BATCH_TYPE if batch else None,
            ),
            routing_key=reply_to,
            mandatory=False,
        )
