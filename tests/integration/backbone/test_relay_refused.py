"""The broker refuses part of a relay's batch (a full queue): the relay must keep going."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

import pytest

from reprise.adapters import bootstrap
from reprise.adapters.rabbitmq.declare import declare
from reprise.adapters.rabbitmq.topology import event_group
from tests.integration.backbone.broker import set_queue_policy
from tests.integration.backbone.systems import (
    PARTITIONS,
    Ledger,
    postgres_positions,
    start_counting_consumer,
)
from tests.integration.backbone.tables import stored_events
from tests.integration.backbone.waiting import cancelled, until
from tests.unit.application.commands_for_tests import play

if TYPE_CHECKING:
    import asyncpg

    from reprise.settings import Settings

pytestmark = pytest.mark.integration

CAPACITY = 20  # messages per partition queue of the group, by policy


async def test_a_relay_refused_by_a_full_queue_publishes_everything_once_there_is_room(
    settings: Settings, db: asyncpg.Pool, pg_schema: str
) -> None:
    amqp_url = settings.amqp_url or ""
    await set_queue_policy(
        amqp_url, "cap-ledger", r"^events\.ledger\.p\d+$", {"max-length": CAPACITY}
    )
    ledger = Ledger(db, pg_schema)
    await ledger.create()
    async with AsyncExitStack() as stack:
        core = await bootstrap.bootstrap_core(settings)
        stack.push_async_callback(core.close)
        broker = await bootstrap.open_broker(settings)
        stack.push_async_callback(broker.close)
        channel = await broker.channel()
        await declare(channel, event_group("ledger", PARTITIONS))  # the group, not consuming yet
        # more events than all partitions hold together: some publishes are nacked
        for n in range(4):
            await asyncio.gather(
                *(core.bus.handle(play(f"T{n}", guild_id=guild)) for guild in range(1, 31))
            )
        stored = len(await stored_events(db, pg_schema))
        assert stored > PARTITIONS * CAPACITY
        relay = await bootstrap.build_relay(
            settings, core.store, await bootstrap.open_event_publisher(settings, broker)
        )
        relay_task = asyncio.create_task(relay.run(bootstrap.relay_leadership(core.store)))
        stack.push_async_callback(cancelled, relay_task)
        await asyncio.sleep(2.0)  # the relay meets the full queues

        # the group's consumer starts and makes room
        consumer = await start_counting_consumer(
            broker, "ledger", ledger.handle, postgres_positions(db, pg_schema, "ledger")
        )
        stack.push_async_callback(consumer.stop)

        async def all_applied() -> bool:
            if relay_task.done():
                raise AssertionError(f"the relay died: {relay_task.exception()!r}")
            return await ledger.count() == stored

        await until(all_applied, within=30, what="every stored event applied")
    assert set(ledger.attempts.values()) == {1}
