"""RabbitEventPublisher: stored events to the `events` topic exchange, confirmed in batches."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Self

import aio_pika
from opentelemetry.trace import SpanKind

from reprise.adapters.rabbitmq.errors import BROKER_ERRORS
from reprise.adapters.rabbitmq.metrics import RELAYED
from reprise.adapters.rabbitmq.topology import EVENTS_EXCHANGE
from reprise.adapters.rabbitmq.wire import encode_event, event_id, guild_header
from reprise.adapters.tracing import TRACER, context_from_traceparent, current_headers

if TYPE_CHECKING:
    from collections.abc import Sequence

    from aio_pika.abc import AbstractExchange, AbstractRobustChannel, AbstractRobustConnection

    from reprise.application.ports import RecordedEvent

from reprise.application.messaging import BrokerUnavailable


class RabbitEventPublisher:
    """The EventPublisher port: every record is published, then all confirms are awaited."""

    def __init__(self, channel: AbstractRobustChannel, exchange: AbstractExchange) -> None:
        self._channel = channel
        self._exchange = exchange

    @classmethod
    async def open(cls, connection: AbstractRobustConnection) -> Self:
        channel = await connection.channel(publisher_confirms=True)
        return cls(channel, await channel.get_exchange(EVENTS_EXCHANGE))

    async def publish(self, records: Sequence[RecordedEvent]) -> None:
        try:
            await self._channel.ready()
            await asyncio.gather(*[self._publish_one(record) for record in records])
        except BROKER_ERRORS as error:
            raise BrokerUnavailable(f"publishing {len(records)} events: {error!r}") from error
        RELAYED.inc(len(records))

    async def close(self) -> None:
        await self._channel.close()

    async def _publish_one(self, record: RecordedEvent) -> None:
        key, body = encode_event(record)
        context = context_from_traceparent(record.traceparent)
        with TRACER.start_as_current_span(f"relay {key}", context=context, kind=SpanKind.PRODUCER):
            message = aio_pika.Message(
                body=body,
                content_type="application/json",
                message_id=event_id(record.originator_id, record.originator_version),
                type=key,
                headers={**current_headers(), **guild_header(record.guild_id)},
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
            await self._exchange.publish(message, routing_key=key)
