"""A projector SIGKILLed in the middle of a stream, then restarted, ends where a rebuild does."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from reprise.projections.stats import EVENTS_BY_TYPE
from tests.integration.projector_process.keyspace import MODELS, assert_same
from tests.integration.projector_process.traffic import session, traffic

if TYPE_CHECKING:
    from reprise.settings import Settings
    from tests.integration.projector_process.processes import Processes
    from tests.integration.projector_process.read_side import ReadSide

pytestmark = pytest.mark.integration
GUILDS = range(1001, 1051)


async def test_a_projector_killed_mid_stream_and_restarted_equals_a_rebuild_from_zero(
    settings: Settings, processes: Processes, read: ReadSide, rebuilt_prefix: str
) -> None:
    projector = await processes.run("projector")
    # Snapshots every 7 events: after the restart the projector loads aggregates from them.
    await asyncio.gather(processes.run("core", snapshot_interval=7), processes.run("relay"))
    total = sum(len(session(guild)) for guild in GUILDS)
    assert settings.amqp_url is not None
    async with traffic(settings.amqp_url, settings.partitions) as sending:
        stream = asyncio.create_task(sending.sessions(GUILDS))
        await sending.answered_at_least(total * 35 // 100)
        projected_before = await read.working(within=60)
        await projector.kill()
        head_at_kill = await read.head()
        await sending.answered_at_least(total * 70 // 100)
        stored_while_down = await read.head() - head_at_kill
        await processes.run("projector", name="projector (restarted)")
        await stream
    head = await read.settled(within=120)

    assert sending.answered == total
    assert sending.accepted > total * 9 // 10, "the guilds' sessions are mostly accepted"
    assert stored_while_down > 0, "events were stored while the projector was down"
    assert min(projected_before.values()) < head, "it was killed before the end of the stream"
    rebuild = await processes.command(
        "projections", "rebuild", redis_prefix=rebuilt_prefix, migrate_on_start="false"
    )
    assert rebuild.printed(f"Rebuilt every read model up to position {head}."), rebuild.output

    live, rebuilt = await read.read_models(), await read.read_models(rebuilt_prefix)
    assert {f"guild:{g}" for g in GUILDS} <= set(live["queue_view"])
    assert {f"guild:{g}" for g in GUILDS} <= set(live["now_playing"])
    assert {f"guild:{g}" for g in GUILDS} <= set(live["entitlements"])
    assert all(live[model] for model in MODELS), "every model holds keys"
    assert_same(live, rebuilt)
    _, by_type = live["stats"][EVENTS_BY_TYPE]
    assert sum(int(count) for count in by_type.values()) == head, "each event counted once"
    assert await read.audit_positions() == list(range(1, head + 1)), "one audit row per event"
