"""One command, one trace: send -> handle -> relay -> consume share the test's trace id."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

import pytest
from opentelemetry import trace

from reprise.adapters import bootstrap
from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.adapters.inprocess.tracking import InMemoryGuildPositions
from reprise.adapters.rabbitmq.event_consumer import EventConsumer
from tests.integration.backbone.systems import command_sender, in_process_core
from tests.integration.backbone.waiting import until
from tests.integration.messaging.systems import Seen
from tests.unit.application.commands_for_tests import play

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import ReadableSpan

    from reprise.settings import Settings

pytestmark = pytest.mark.integration

EVENTS = ["QueueCreated", "TracksEnqueued", "TrackStarted"]


async def test_a_command_and_its_events_are_one_trace_from_send_to_consume(
    settings: Settings, spans: list[ReadableSpan]
) -> None:
    seen = Seen()
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(in_process_core(settings))
        bus = await stack.enter_async_context(command_sender(settings.amqp_url or ""))
        broker = await bootstrap.open_broker(settings)
        stack.push_async_callback(broker.close)
        consumer = await EventConsumer.start(
            broker,
            "traced",
            seen.handle,
            RowMapper(build_mapper()),
            InMemoryGuildPositions(),
            partition_count=settings.partitions,
        )
        stack.push_async_callback(consumer.stop)
        store, _ = await bootstrap.open_event_store(settings)
        stack.push_async_callback(store.close)
        publisher = await bootstrap.open_event_publisher(settings, broker)
        relay = await bootstrap.build_relay(settings, store, publisher)
        relaying = asyncio.create_task(relay.run(bootstrap.relay_leadership(store)))
        try:
            with trace.get_tracer("tests").start_as_current_span("gateway /play") as root:
                result = await bus.send(play("A", "B"), reply_within=10)
            assert result.accepted
            assert result.events == EVENTS

            def consumed() -> bool:
                return sum(span.name.startswith("consume ") for span in spans) == len(EVENTS)

            await until(consumed, within=20, what="the consume spans")
        finally:
            relaying.cancel()
            await asyncio.gather(relaying, return_exceptions=True)

    trace_id = root.get_span_context().trace_id
    by_name = {span.name: span for span in spans}
    expected = {
        "gateway /play",
        "send EnqueueTracks",
        "handle EnqueueTracks",
        *(f"relay queue.{name}" for name in EVENTS),
        *(f"consume {name}" for name in EVENTS),
    }
    assert expected <= set(by_name)
    strays = {span.name for span in spans if span.context.trace_id != trace_id}
    assert strays == set()

    def parent_of(name: str) -> int | None:
        parent = by_name[name].parent
        return parent.span_id if parent is not None else None

    def span_id(name: str) -> int:
        context = by_name[name].context
        assert context is not None
        return int(context.span_id)

    assert parent_of("send EnqueueTracks") == span_id("gateway /play")
    assert parent_of("handle EnqueueTracks") == span_id("send EnqueueTracks")
    for name in EVENTS:
        assert parent_of(f"relay queue.{name}") == span_id("handle EnqueueTracks")
        assert parent_of(f"consume {name}") == span_id(f"relay queue.{name}")
