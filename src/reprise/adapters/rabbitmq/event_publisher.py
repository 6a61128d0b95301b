"""RabbitEventPublisher: stored events to the `events` exchange, one batch per partition
(ADR 0011), every batch confirmed before `publish` returns."""

from __future__ import annotations

import asyncio
from operator import itemgetter
from typing import TYPE_CHECKING, Self

import aio_pika
from opentelemetry.trace import SpanKind

from reprise.adapters.rabbitmq.batches import BATCH_TYPE, join, pack
from reprise.adapters.rabbitmq.errors import BROKER_ERRORS
from reprise.adapters.rabbitmq.metrics import RELAYED
from reprise.adapters.rabbitmq.topology import EVENTS_EXCHANGE, partition_of
from reprise.adapters.rabbitmq.wire import encode_event, event_id, routing_key
from reprise.adapters.tracing import TRACER, context_from_traceparent, current_traceparent
from reprise.application.messaging import BrokerUnavailable

if TYPE_CHECKING:
    from collections.abc import Sequence

    from aio_pika.abc import AbstractExchange, AbstractRobustChannel, AbstractRobustConnection

    from reprise.application.ports import RecordedEvent


class RabbitEventPublisher:
    """The EventPublisher port: records grouped by partition, in order, one message a group."""

    def __init__(
        self, channel: AbstractRobustChannel, exchange: AbstractExchange, partitions: int
    ) -> None:
        self._channel = channel
        self._exchange = exchange
        self._partitions = partitions

    @classmethod
    async def open(cls, connection: AbstractRobustConnection, *, partitions: int) -> Self:
        channel = await connection.channel(publisher_confirms=True)
        return cls(channel, await channel.get_exchange(EVENTS_EXCHANGE), partitions)

    async def publish(self, records: Sequence[RecordedEvent]) -> None:
        by_partition: dict[int, list[RecordedEvent]] = {}
        for record in records:
            partition = partition_of(record.guild_id, self._partitions)
            by_partition.setdefault(partition, []).append(record)
        try:
            await self._channel.ready()
            await asyncio.gather(
                *[
                    self._publish_partition(partition, group)
                    for partition, group in by_partition.items()
                ]
            )
        except BROKER_ERRORS as error:
            raise BrokerUnavailable(f"publishing {len(records)} events: {error!r}") from error
        RELAYED.inc(len(records))

    async def close(self) -> None:
        await self._channel.close()

    async def _publish_partition(self, partition: int, records: list[RecordedEvent]) -> None:
        publishing = []
        traced = [(record, _traced_body(record)) for record in records]
        for group in pack(traced, itemgetter(1)):
            (first, _), (last, _) = group[0], group[-1]
            message = aio_pika.Message(
                body=join([body for _, body in group]),
                content_type="application/json",
                message_id=f"{event_id(first.originator_id, first.originator_version)}.."
                f"{event_id(last.originator_id, last.originator_version)}",
                type=BATCH_TYPE,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
            publishing.append(self._exchange.publish(message, routing_key=str(partition)))
        await asyncio.gather(*publishing)


def _traced_body(record: RecordedEvent) -> bytes:
    """The record's envelope, carrying the context of its own `relay` span."""
    context = context_from_traceparent(record.traceparent)
    name = f"relay {routing_key(record.topic)}"
    with TRACER.start_as_current_span(name, context=context, kind=SpanKind.PRODUCER):
        return encode_event(record, current_traceparent())
