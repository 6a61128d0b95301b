"""RabbitMQ restarted under traffic: every command answered, every event applied once.

`rabbitmqctl stop_app` stops the whole node (every vhost on this machine) for the few seconds
of the test; the `rabbitmq_left_running` fixture starts it again whatever happens.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

import pytest

from reprise.adapters import bootstrap
from reprise.application.queries import load_queue
from tests.integration.backbone.broker import start_rabbitmq_app, stop_rabbitmq_app
from tests.integration.backbone.senders import Outcomes, send_until_answered
from tests.integration.backbone.systems import (
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

    from reprise.domain.commands import EnqueueTracks
    from reprise.settings import Settings

pytestmark = pytest.mark.integration

GUILDS = [500_000_000_000_000_000 + index * 49_979_687 for index in range(30)]
# guilds whose commands reach a core by another way while the broker is down
OTHER_GUILDS = [600_000_000_000_000_000 + index * 49_979_687 for index in range(10)]
AFTER_THE_RESTART = 3


@pytest.mark.usefixtures("rabbitmq_left_running")
async def test_a_broker_restart_under_traffic_loses_no_command_and_applies_each_event_once(  # noqa: PLR0915 - one story, told in order
    settings: Settings, db: asyncpg.Pool, pg_schema: str
) -> None:
    outcomes = Outcomes()
    sent: dict[int, list[EnqueueTracks]] = defaultdict(list)
    restarted = asyncio.Event()
    ledger = Ledger(db, pg_schema)
    await ledger.create()
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(in_process_core(settings))
        bus = await stack.enter_async_context(command_sender(settings.amqp_url or ""))
        broker = await bootstrap.open_broker(settings)
        stack.push_async_callback(broker.close)
        consumer = await start_counting_consumer(
            broker, "ledger", ledger.handle, postgres_positions(db, pg_schema, "ledger")
        )
        stack.push_async_callback(consumer.stop)
        store, _ = await bootstrap.open_event_store(settings)
        stack.push_async_callback(store.close)
        relay = await bootstrap.build_relay(
            settings, store, await bootstrap.open_event_publisher(settings, broker)
        )
        relay_task = asyncio.create_task(relay.run(bootstrap.relay_leadership(store)))
        stack.push_async_callback(cancelled, relay_task)

        async def guild_traffic(guild: int) -> None:
            """Commands one after the other until a few have gone through after the restart."""
            after = 0
            while after < AFTER_THE_RESTART:
                command = play(f"{guild}-{len(sent[guild])}", guild_id=guild)
                sent[guild].append(command)
                await send_until_answered(bus, command, outcomes, give_up_after=25)
                after += restarted.is_set()
                await asyncio.sleep(0.1)

        senders = asyncio.ensure_future(asyncio.gather(*(guild_traffic(g) for g in GUILDS)))
        stack.push_async_callback(cancelled, senders)

        def relay_alive() -> None:
            if relay_task.done():
                raise AssertionError(f"the relay died: {relay_task.exception()!r}")

        await until(lambda: len(outcomes.results) >= 60, within=30, what="traffic flowing")
        await stop_rabbitmq_app()
        try:
            # events are stored meanwhile (a core finishing its prefetched backlog does this)
            other_core = await bootstrap.bootstrap_core(settings)
            try:
                for guild in OTHER_GUILDS:
                    assert (
                        await other_core.bus.handle(play("while down", guild_id=guild))
                    ).accepted
            finally:
                await other_core.close()
        finally:
            await start_rabbitmq_app()
        restarted.set()

        def senders_done() -> bool:
            relay_alive()
            return senders.done()

        await until(senders_done, within=120, what="every guild's traffic answered")
        await senders  # a sender that gave up fails the test here

        async def all_applied() -> bool:
            relay_alive()
            return await ledger.count() == len(await stored_events(db, pg_schema))

        await until(all_applied, within=60, what="every stored event applied")

    # every command answered and stored once; every event applied once
    commands = [command for guild in GUILDS for command in sent[guild]]
    assert len(outcomes.results) == len(commands)
    assert all(result.accepted for result in outcomes.results.values())
    stored = await stored_command_ids(db, pg_schema)
    assert len(stored) == len(set(stored)) == len(commands) + len(OTHER_GUILDS)
    events = await stored_events(db, pg_schema)
    assert await ledger.rows() == {event.event_id: event.position for event in events}
    assert ledger.applied_twice == []
    assert set(ledger.attempts.values()) == {1}
    # and each guild's queue is its commands, in the order they were sent
    reader, _ = await bootstrap.open_event_store(settings)
    try:
        for guild in GUILDS:
            queue = await load_queue(reader, guild)
            assert queue is not None
            assert queue.current is not None
            titles = [queue.current.track.title] + [e.track.title for e in queue.upcoming]
            assert titles == [c.tracks[0].title for c in sent[guild]], guild
    finally:
        await reader.close()
