"""Event consumers: per-guild order, deduplication, ack after the effect, dead letters."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple, Self

from opentelemetry import trace
from opentelemetry.trace import Link, SpanKind
from pydantic import TypeAdapter, ValidationError

from reprise.adapters.rabbitmq.batches import BATCH_TYPE, UnusableItem, split
from reprise.adapters.rabbitmq.dead_letters import DeadLetters
from reprise.adapters.rabbitmq.declare import declare
from reprise.adapters.rabbitmq.errors import BROKER_ERRORS
from reprise.adapters.rabbitmq.handler_retries import handle_with_retries
from reprise.adapters.rabbitmq.metrics import CONSUMED, DUPLICATES, LAG_SECONDS
from reprise.adapters.rabbitmq.topology import event_group, partition_queue
from reprise.adapters.rabbitmq.wire import (
    MAX_MESSAGE_BYTES,
    IntegrationEvent,
    decode_event,
    notification_of,
)
from reprise.adapters.tracing import TRACER, context_from_traceparent
from reprise.application.keyed_locks import KeyedLocks, KeyedTurns

if TYPE_CHECKING:
    from collections.abc import Sequence

    from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection

    from reprise.adapters.event_store.rows import RowMapper
    from reprise.application.messaging import BatchHandler, GuildPositions, NotificationHandler
    from reprise.application.ports import Notification

_log = logging.getLogger(__name__)
HANDLER_ATTEMPTS = 5
GUILDS_AT_ONCE = 100  # guilds applying at once, over all messages in flight
_WIRE_BATCH = TypeAdapter(list[IntegrationEvent])
_MALFORMED = (ValueError, TypeError, KeyError)  # what decoding a bad event raises


class _Event(NamedTuple):
    envelope: IntegrationEvent
    notification: Notification
    raw: bytes = b""  # the message body it came as, when it came alone


class EventConsumer:
    """One consumer group's view of the events: each event applied once, in order per guild.

    A message is one event or a batch of them (ADR 0011); a batch's guilds are applied
    concurrently, their positions stored in one write, then the batch is acked. With a
    `batch_handler`, a message's new events are applied by one call of it instead (the
    message waits for earlier messages sharing any of its guilds).

    A handler that keeps failing is retried in place (holding its guild, so later events of
    the guild wait), then dead-lettered with the error: an event is never silently skipped.
    """

    def __init__(
        self,
        channel: AbstractChannel,
        group: str,
        handler: NotificationHandler,
        rows: RowMapper,
        positions: GuildPositions,
        dead: DeadLetters,
        *,
        batch_handler: BatchHandler | None = None,
    ) -> None:
        self._channel = channel
        self._group = group
        self._handler = handler
        self._rows = rows
        self._positions = positions
        self._dead = dead
        self._guilds = KeyedLocks()
        self._turns = KeyedTurns()  # for the batch handler: a message holds all its guilds
        self._batch_handler = batch_handler
        self._slots = asyncio.Semaphore(GUILDS_AT_ONCE)  # bounds the handler's concurrency
        self._applied: dict[int, int] = {}  # per guild, ahead of what `positions` stored yet

    @classmethod
    async def start(  # noqa: PLR0913 - the consumer's collaborators, all required
        cls,
        connection: AbstractRobustConnection,
        group: str,
        handler: NotificationHandler,
        rows: RowMapper,
        positions: GuildPositions,
        *,
        partition_count: int,
        partitions: Sequence[int] | None = None,
        prefetch: int = 200,
        batch_handler: BatchHandler | None = None,
    ) -> Self:
        channel = await connection.channel(publisher_confirms=True)
        await declare(channel, event_group(group, partition_count))
        await channel.set_qos(prefetch_count=prefetch)
        stream = f"events.{group}"
        dead = DeadLetters(await channel.get_exchange(f"{stream}.dlx"), stream)
        consumer = cls(channel, group, handler, rows, positions, dead, batch_handler=batch_handler)
        for partition in partitions if partitions is not None else range(partition_count):
            queue = await channel.get_queue(partition_queue(stream, partition))
            await queue.consume(consumer.on_message)
        return consumer

    async def stop(self) -> None:
        await self._channel.close()

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            items = self._decode(message)
        except _MALFORMED as error:  # the message as a whole
            await self._dead.reject(message, "malformed_event", str(error))
            return
        # Each guild's events are queued on its lock before the first suspension, so
        # deliveries of one partition keep their order per guild.
        by_guild: dict[int, list[_Event]] = {}
        for item in items:
            if isinstance(item, _Event):
                by_guild.setdefault(item.notification.guild_id, []).append(item)
        if (batch_handler := self._batch_handler) is not None:
            events = [item for item in items if isinstance(item, _Event)]
            applying = [
                asyncio.create_task(self._apply_together(message, by_guild, events, batch_handler))
            ]
        else:
            applying = [
                asyncio.create_task(self._apply_guild(message, events))
                for events in by_guild.values()
            ]
        # Shielded: a dropped connection cancels delivery tasks, and must not split an
        # applied effect from its recorded position (the redelivery would apply it again).
        await asyncio.shield(self._settle(message, items, applying))

    def _decode(self, message: AbstractIncomingMessage) -> list[_Event | UnusableItem]:
        if len(message.body) > MAX_MESSAGE_BYTES:
            raise ValueError(f"{len(message.body)} bytes, limit {MAX_MESSAGE_BYTES}")
        if message.type != BATCH_TYPE:
            return [_Event(*decode_event(message.body, self._rows), message.body)]
        try:
            envelopes = _WIRE_BATCH.validate_json(message.body)
        except ValidationError:
            return [self._decode_item(item) for item in split(message.body)]
        return [self._event_of(envelope) for envelope in envelopes]

    def _event_of(self, envelope: IntegrationEvent) -> _Event | UnusableItem:
        try:
            return _Event(envelope, notification_of(envelope, self._rows))
        except _MALFORMED as error:  # a payload that does not decode into its event
            return UnusableItem(envelope.model_dump_json().encode(), str(error))

    def _decode_item(self, item: object) -> _Event | UnusableItem:
        raw = json.dumps(item).encode()
        try:
            return _Event(*decode_event(raw, self._rows), raw)
        except _MALFORMED as error:
            return UnusableItem(raw, str(error))

    async def _settle(
        self,
        message: AbstractIncomingMessage,
        items: list[_Event | UnusableItem],
        applying: list[asyncio.Task[dict[int, int]]],
    ) -> None:
        try:
            for item in items:
                if isinstance(item, UnusableItem):
                    await self._dead.dead_letter(message, item.raw, "malformed_event", item.reason)
            applied: dict[int, int] = {}
            for positions in await asyncio.gather(*applying):
                applied.update(positions)
            if applied:
                await self._positions.set_many(applied)
            await message.ack()
        except BROKER_ERRORS as error:
            _log.warning("%s: could not settle a message (%s); it comes back", self._group, error)

    async def _apply_together(
        self,
        message: AbstractIncomingMessage,
        by_guild: dict[int, list[_Event]],
        events: list[_Event],
        batch_handler: BatchHandler,
    ) -> dict[int, int]:
        """Apply a message's new events with one batch-handler call; the guilds' new positions.

        If the batch keeps failing, its events go one by one through the single handler, so
        only the ones that keep failing are dead-lettered (handlers must be idempotent)."""
        async with self._turns.hold_all(by_guild):
            moved: dict[int, int] = {}
            fresh: list[_Event] = []
            for event in events:
                guild_id, position = event.notification.guild_id, event.notification.position
                known = moved.get(guild_id) or await self._position_of(guild_id)
                if position <= known:
                    DUPLICATES.labels(self._group).inc()
                    continue
                fresh.append(event)
                moved[guild_id] = position
            if fresh:
                await self._apply_batch(message, fresh, batch_handler)
            self._applied.update(moved)
        return moved

    async def _apply_batch(
        self, message: AbstractIncomingMessage, events: list[_Event], batch_handler: BatchHandler
    ) -> None:
        notifications = [event.notification for event in events]
        contexts = (context_from_traceparent(n.traceparent) for n in notifications)
        links = [Link(trace.get_current_span(context).get_span_context()) for context in contexts]
        with TRACER.start_as_current_span("consume batch", kind=SpanKind.CONSUMER, links=links):
            error = await handle_with_retries(
                batch_handler, notifications, group=self._group, attempts=2
            )
        if error is None:
            CONSUMED.labels(self._group).inc(len(events))
            self._record_lag(notifications[-1])
            return
        for event in events:
            await self._apply(message, event)

    async def _position_of(self, guild_id: int) -> int:
        position = self._applied.get(guild_id)
        if position is None:
            position = self._applied[guild_id] = await self._positions.get(guild_id)
        return position

    async def _apply_guild(
        self, message: AbstractIncomingMessage, events: list[_Event]
    ) -> dict[int, int]:
        """Apply one guild's events of a message in order; its new position, if it moved."""
        guild_id = events[0].notification.guild_id
        async with self._guilds.hold(guild_id), self._slots:
            position = await self._position_of(guild_id)
            moved = False
            for event in events:
                if event.notification.position <= position:
                    DUPLICATES.labels(self._group).inc()
                    continue
                await self._apply(message, event)
                position = self._applied[guild_id] = event.notification.position
                moved = True
        return {guild_id: position} if moved else {}

    async def _apply(self, message: AbstractIncomingMessage, event: _Event) -> None:
        notification = event.notification
        name = f"consume {type(notification.event).__name__}"
        context = context_from_traceparent(notification.traceparent)
        with TRACER.start_as_current_span(name, context=context, kind=SpanKind.CONSUMER):
            error = await handle_with_retries(
                self._handler, notification, group=self._group, attempts=HANDLER_ATTEMPTS
            )
        if error is not None:
            body = event.raw or event.envelope.model_dump_json().encode()
            await self._dead.dead_letter(message, body, "handler_failed", repr(error))
            return
        CONSUMED.labels(self._group).inc()
        self._record_lag(notification)

    def _record_lag(self, notification: Notification) -> None:
        lag = datetime.now(UTC) - notification.event.timestamp
        LAG_SECONDS.labels(self._group).set(lag.total_seconds())
