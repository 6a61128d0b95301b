"""Event consumers: per-guild order, deduplication, ack after the effect, dead letters."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Self

from opentelemetry.trace import SpanKind

from reprise.adapters.rabbitmq.dead_letters import DeadLetters
from reprise.adapters.rabbitmq.declare import declare
from reprise.adapters.rabbitmq.errors import BROKER_ERRORS
from reprise.adapters.rabbitmq.handler_retries import handle_with_retries
from reprise.adapters.rabbitmq.metrics import CONSUMED, DUPLICATES, LAG_SECONDS
from reprise.adapters.rabbitmq.topology import event_group, partition_queue
from reprise.adapters.rabbitmq.wire import MAX_MESSAGE_BYTES, decode_event
from reprise.adapters.tracing import TRACER, context_from
from reprise.application.keyed_locks import KeyedLocks

if TYPE_CHECKING:
    from collections.abc import Sequence

    from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection

    from reprise.adapters.event_store.rows import RowMapper
    from reprise.application.messaging import GuildPositions, NotificationHandler
    from reprise.application.ports import Notification

_log = logging.getLogger(__name__)
HANDLER_ATTEMPTS = 5


class EventConsumer:
    """One consumer group's view of the events: each event applied once, in order per guild.

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
    ) -> None:
        self._channel = channel
        self._group = group
        self._handler = handler
        self._rows = rows
        self._positions = positions
        self._dead = dead
        self._guilds = KeyedLocks()

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
        patterns: tuple[str, ...] = ("#",),
        prefetch: int = 200,
    ) -> Self:
        channel = await connection.channel(publisher_confirms=True)
        await declare(channel, event_group(group, partition_count, patterns))
        await channel.set_qos(prefetch_count=prefetch)
        stream = f"events.{group}"
        dead = DeadLetters(await channel.get_exchange(f"{stream}.dlx"), stream)
        consumer = cls(channel, group, handler, rows, positions, dead)
        for partition in partitions if partitions is not None else range(partition_count):
            queue = await channel.get_queue(partition_queue(stream, partition))
            await queue.consume(consumer.on_message)
        return consumer

    async def stop(self) -> None:
        await self._channel.close()

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            if len(message.body) > MAX_MESSAGE_BYTES:
                raise ValueError(f"{len(message.body)} bytes, limit {MAX_MESSAGE_BYTES}")
            _, notification = decode_event(message.body, self._rows)
        except (ValueError, TypeError, KeyError) as error:
            await self._dead.reject(message, "malformed_event", str(error))
            return
        # Shielded: a dropped connection cancels delivery tasks, and must not split an
        # applied effect from its recorded position (the redelivery would apply it again).
        await asyncio.shield(self._apply_in_order(message, notification))

    async def _apply_in_order(
        self, message: AbstractIncomingMessage, notification: Notification
    ) -> None:
        async with self._guilds.hold(notification.guild_id):
            try:
                await self._apply(message, notification)
            except BROKER_ERRORS as error:
                _log.warning(
                    "%s: could not settle a message (%s); it comes back", self._group, error
                )

    async def _apply(self, message: AbstractIncomingMessage, notification: Notification) -> None:
        if notification.position <= await self._positions.get(notification.guild_id):
            DUPLICATES.labels(self._group).inc()
            await message.ack()
            return
        name = f"consume {type(notification.event).__name__}"
        context = context_from(message.headers)
        with TRACER.start_as_current_span(name, context=context, kind=SpanKind.CONSUMER):
            error = await handle_with_retries(
                self._handler, notification, group=self._group, attempts=HANDLER_ATTEMPTS
            )
        if error is not None:
            await self._dead.reject(message, "handler_failed", repr(error))
            return
        await self._positions.set(notification.guild_id, notification.position)
        await message.ack()
        CONSUMED.labels(self._group).inc()
        lag = datetime.now(UTC) - notification.event.timestamp
        LAG_SECONDS.labels(self._group).set(lag.total_seconds())
        return None
