"""SIGKILL the core in the middle of a burst: no command lost, none applied twice."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

import aio_pika
import pytest

from reprise.adapters import bootstrap
from reprise.adapters.rabbitmq.topology import dead_letter_queue
from reprise.application.queries import load_queue
from tests.integration.backbone.broker import ready_messages
from tests.integration.backbone.senders import Outcomes, send_in_order
from tests.integration.backbone.systems import command_sender
from tests.integration.backbone.tables import (
    duplicate_event_keys,
    stored_command_ids,
    stored_events,
)
from tests.integration.backbone.waiting import until
from tests.unit.application.commands_for_tests import play

if TYPE_CHECKING:
    from uuid import UUID

    import asyncpg

    from reprise.domain.commands import EnqueueTracks
    from reprise.settings import Settings
    from tests.integration.backbone.processes import Processes

pytestmark = pytest.mark.integration

GUILDS = [200_000_000_000_000_000 + index * 104_729 for index in range(300)]
PER_GUILD = 6


async def test_a_core_killed_mid_burst_loses_no_command_and_stores_each_once(
    settings: Settings,
    env: dict[str, str],
    processes: Processes,
    db: asyncpg.Pool,
    pg_schema: str,
) -> None:
    await processes.migrate(env)
    first = await processes.core(env, name="core-1")
    plan: dict[int, list[EnqueueTracks]] = {
        guild: [play(f"{guild}-{n}", guild_id=guild) for n in range(PER_GUILD)] for guild in GUILDS
    }
    total = len(GUILDS) * PER_GUILD
    outcomes = Outcomes()
    async with command_sender(settings.amqp_url or "") as bus:
        senders = asyncio.gather(
            # 0.3 s is shorter than a core's start (a core now starts in about a second):
            # commands caught by the kill time out and are sent again while their first copy
            # still waits in the queue for the next core
            *(
                send_in_order(bus, commands, outcomes, reply_within=0.3)
                for commands in plan.values()
            )
        )
        try:
            await until(
                lambda: len(outcomes.results) >= total // 4,
                within=60,
                what=lambda: (
                    f"a quarter answered; {len(outcomes.results)} were, "
                    f"{len(outcomes.failures)} sends failed: {outcomes.failures[:3]}"
                ),
            )
            await first.kill()
            answered_before_the_kill = len(outcomes.results)
            await processes.core(env, name="core-2")
            await asyncio.wait_for(senders, 120)
        finally:
            senders.cancel()
            await asyncio.gather(senders, return_exceptions=True)

    # no command lost: every one got a result, all accepted
    assert answered_before_the_kill < total
    assert len(outcomes.results) == total
    assert all(result.accepted for result in outcomes.results.values())
    assert outcomes.retried > 0  # the kill did catch commands in flight

    # each command stored once, with exactly the events its result announced
    sent = {command.command_id for commands in plan.values() for command in commands}
    stored_ids = Counter(await stored_command_ids(db, pg_schema))
    assert set(stored_ids) == sent
    assert max(stored_ids.values()) == 1
    events = await stored_events(db, pg_schema)
    assert [event.position for event in events] == list(range(1, len(events) + 1))
    assert await duplicate_event_keys(db, pg_schema) == 0
    by_command: dict[UUID, list[str]] = defaultdict(list)
    versions: dict[UUID, dict[str, int]] = defaultdict(dict)
    for event in events:
        by_command[event.command_id].append(event.event_type)
        versions[event.command_id][str(event.originator_id)] = event.originator_version
    for command_id, result in outcomes.results.items():
        assert by_command[command_id] == result.events, command_id
        assert versions[command_id] == result.versions, command_id

    # each guild's queue is what its commands, in order, imply
    store, _ = await bootstrap.open_event_store(settings)
    try:
        for guild in GUILDS:
            queue = await load_queue(store, guild)
            assert queue is not None
            assert queue.current is not None
            titles = [queue.current.track.title] + [e.track.title for e in queue.upcoming]
            assert titles == [f"{guild}-{n}" for n in range(PER_GUILD)], guild
    finally:
        await store.close()

    connection = await aio_pika.connect(settings.amqp_url or "")
    try:
        assert await ready_messages(await connection.channel(), dead_letter_queue("commands")) == 0
    finally:
        await connection.close()
