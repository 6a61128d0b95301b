"""The broker closes one component's connection (this test's vhost only): it must carry on.

The connections are closed through the management API, so other tests on this machine are
not disturbed; aio_pika's robust connections come back after 5 seconds.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

import pytest

from reprise.adapters import bootstrap
from reprise.adapters.rabbitmq.command_bus import RabbitCommandBus
from reprise.adapters.rabbitmq.command_consumer import CommandConsumer
from reprise.adapters.rabbitmq.event_publisher import RabbitEventPublisher
from reprise.application.queries import load_queue
from tests.integration.backbone.broker import (
    broker_user,
    close_connection,
    close_connections,
    connection_names,
    named_connection,
)
from tests.integration.backbone.senders import Outcomes, send_until_answered
from tests.integration.backbone.systems import (
    CountingBus,
    Ledger,
    command_sender,
    in_process_core,
    postgres_positions,
    start_counting_consumer,
)
from tests.integration.backbone.tables import stored_command_ids, stored_events
from tests.integration.backbone.waiting import cancelled, until
from tests.unit.application.commands_for_tests import play

if TYPE_CHECKING:
    import asyncpg

    from reprise.application.ports import Notification
    from reprise.settings import Settings

pytestmark = pytest.mark.integration


async def test_a_command_bus_whose_connection_was_closed_gets_results_again(
    settings: Settings,
) -> None:
    amqp_url = settings.amqp_url or ""
    async with in_process_core(settings), AsyncExitStack() as stack:
        connection = await named_connection(amqp_url, "gateway")
        stack.push_async_callback(connection.close)
        bus = await RabbitCommandBus.open(connection, partitions=settings.partitions)
        assert (await bus.send(play("before", guild_id=1), reply_within=10)).accepted
        await close_connection(amqp_url, "gateway")
        outcomes = Outcomes()
        # commands keep coming while the connection is restored; each is resent until answered
        sends = [
            send_until_answered(
                bus, play(f"after-{n}", guild_id=10 + n), outcomes, give_up_after=12, pause=0.05
            )
            for n in range(10)
        ]
        results = await asyncio.gather(*sends)
    assert all(result.accepted for result in results)


async def test_a_relay_cut_off_from_the_broker_for_a_while_publishes_what_was_stored_meanwhile(
    settings: Settings, db: asyncpg.Pool, pg_schema: str
) -> None:
    amqp_url = settings.amqp_url or ""
    ledger = Ledger(db, pg_schema)
    await ledger.create()
    async with AsyncExitStack() as stack:
        core = await bootstrap.bootstrap_core(settings)
        stack.push_async_callback(core.close)
        consuming = await bootstrap.open_broker(settings)
        stack.push_async_callback(consuming.close)
        consumer = await start_counting_consumer(
            consuming, "ledger", ledger.handle, postgres_positions(db, pg_schema, "ledger")
        )
        stack.push_async_callback(consumer.stop)
        user = await stack.enter_async_context(broker_user(amqp_url))
        relaying = await named_connection(user.url, "relay")
        stack.push_async_callback(relaying.close)
        publisher = await RabbitEventPublisher.open(relaying, partitions=settings.partitions)
        relay = await bootstrap.build_relay(settings, core.store, publisher)
        relay_task = asyncio.create_task(relay.run(bootstrap.relay_leadership(core.store)))
        stack.push_async_callback(cancelled, relay_task)

        async def all_applied() -> bool:
            if relay_task.done():
                raise AssertionError(f"the relay died: {relay_task.exception()!r}")
            return await ledger.count() == len(await stored_events(db, pg_schema))

        await core.bus.handle(play("before", guild_id=1))
        await until(all_applied, within=20, what="the first events applied")
        await user.lock_out()  # the relay's connection drops and cannot come back yet
        await until(
            lambda: relaying.is_closed or not relaying.connected.is_set(), within=5, what="down"
        )
        await core.bus.handle(play("while cut off", guild_id=1))
        await asyncio.sleep(1.0)
        await user.let_in()  # the robust connection comes back at its next attempt (5 s)
        await until(all_applied, within=30, what="the events stored while it was down applied")
    assert set(ledger.attempts.values()) == {1}


async def test_a_core_whose_connection_was_closed_answers_the_commands_sent_meanwhile(
    settings: Settings, db: asyncpg.Pool, pg_schema: str
) -> None:
    amqp_url = settings.amqp_url or ""
    outcomes = Outcomes()
    guilds = range(1, 21)
    first = [play("first", guild_id=guild) for guild in guilds]
    second = [play("second", guild_id=guild) for guild in guilds]
    async with AsyncExitStack() as stack:
        store, _ = await bootstrap.open_event_store(settings)
        stack.push_async_callback(store.close)
        core_connection = await named_connection(amqp_url, "core")
        stack.push_async_callback(core_connection.close)
        core = CountingBus(store)
        command_consumer = await CommandConsumer.start(core_connection, core, range(4))
        stack.push_async_callback(command_consumer.stop)
        bus = await stack.enter_async_context(command_sender(amqp_url))
        await asyncio.gather(*(send_until_answered(bus, c, outcomes) for c in first))

        await close_connection(amqp_url, "core")
        # sent while the core's connection is being restored: answered once it is back
        await asyncio.gather(
            *(send_until_answered(bus, c, outcomes, reply_within=15) for c in second)
        )
    assert len(outcomes.results) == len(first) + len(second)
    assert all(result.accepted for result in outcomes.results.values())
    stored = await stored_command_ids(db, pg_schema)
    assert sorted(stored) == sorted(outcomes.results)
    reader, _ = await bootstrap.open_event_store(settings)
    try:
        for guild in guilds:
            queue = await load_queue(reader, guild)
            assert queue is not None
            assert queue.current is not None
            titles = [queue.current.track.title] + [e.track.title for e in queue.upcoming]
            assert titles == ["first", "second"]
    finally:
        await reader.close()


async def test_an_event_whose_handler_is_cut_off_by_a_connection_drop_is_applied_once(
    settings: Settings, db: asyncpg.Pool, pg_schema: str
) -> None:
    amqp_url = settings.amqp_url or ""
    ledger = Ledger(db, pg_schema)
    await ledger.create()
    async with AsyncExitStack() as stack:
        core = await bootstrap.bootstrap_core(settings)
        stack.push_async_callback(core.close)
        for guild in range(1, 11):
            await core.bus.handle(play("A", guild_id=guild))
        records = await core.store.read_recorded(0, 1_000)
        connection = await named_connection(amqp_url, "projector")
        stack.push_async_callback(connection.close)
        broker_names = await connection_names(amqp_url, "projector")
        dropped: list[int] = []

        async def handler(notification: Notification) -> None:
            """Commits its effect, then is still awaiting something when the connection drops."""
            await ledger.handle(notification)
            if not dropped:
                dropped.append(notification.position)
                await close_connections(broker_names)
                await asyncio.sleep(2.0)

        consumer = await start_counting_consumer(
            connection, "ledger", handler, postgres_positions(db, pg_schema, "ledger")
        )
        stack.push_async_callback(consumer.stop)
        publishing = await bootstrap.open_broker(settings)
        stack.push_async_callback(publishing.close)
        await (await bootstrap.open_event_publisher(settings, publishing)).publish(records)

        async def all_applied() -> bool:
            return await ledger.count() == len(records)

        await until(all_applied, within=20, what="every event applied")
        first_id = next(e for e, p in (await ledger.rows()).items() if p == dropped[0])
        await until(lambda: consumer.deliveries[first_id] >= 2, within=20, what="the redelivery")
        await asyncio.sleep(0.5)  # the redelivered copy is handled (or skipped) by now
    assert ledger.applied_twice == []
