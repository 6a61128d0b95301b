"""A projector that starts far behind reads the event store first, then follows RabbitMQ."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from reprise.adapters import bootstrap
from reprise.application.relay import RELAY_TRACKING_NAME
from reprise.projections.views import QueueView
from tests.integration.projector_process.keyspace import assert_same
from tests.integration.projector_process.traffic import session, small_talk, traffic

if TYPE_CHECKING:
    from reprise.settings import Settings
    from tests.integration.projector_process.processes import Processes
    from tests.integration.projector_process.read_side import ReadSide

pytestmark = pytest.mark.integration
GUILDS = range(3001, 3011)
THRESHOLD = 20


async def relayed_everything(read: ReadSide, *, within: float = 60) -> int:
    """Wait until the relay has published (and the broker confirmed) up to the store's head."""
    tracking = await bootstrap.open_tracking(read.store)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    try:
        while (published := await tracking.position(RELAY_TRACKING_NAME)) < await read.head():
            assert loop.time() < deadline, f"the relay published only up to {published}"
            await asyncio.sleep(0.1)
    finally:
        await tracking.close()
    return published


async def queue_view(read: ReadSide, guild: int) -> QueueView | None:
    document = await read.cache.document("queue_view", f"guild:{guild}")
    return QueueView.model_validate_json(document) if document else None


async def late_guild_projected(read: ReadSide, guild: int, *, within: float = 30) -> None:
    """Done as `projections status` sees it: the guild's queue is there, every position at the
    head."""

    async def done() -> bool:
        at_head = set((await read.positions()).values()) == {await read.head()}
        return at_head and await queue_view(read, guild) is not None

    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await done():
        assert loop.time() < deadline, f"guild {guild} not projected: {await read.positions()}"
        await asyncio.sleep(0.1)


async def test_a_projector_far_behind_catches_up_from_the_store_then_follows_the_bus(
    settings: Settings, processes: Processes, read: ReadSide, rebuilt_prefix: str
) -> None:
    await asyncio.gather(processes.run("core"), processes.run("relay"))
    assert settings.amqp_url is not None
    async with traffic(settings.amqp_url, settings.partitions) as sending:
        await sending.sessions(GUILDS)
        head = await relayed_everything(read)  # no projector queue yet: the broker dropped them
        assert head > THRESHOLD
        projector = await processes.start(
            "projector", "run", "projector", projector_catch_up_threshold=THRESHOLD
        )
        caught_up = await projector.wait_for_line("projector: caught up to position")
        behind = await projector.wait_for_line("events behind; catching up from the event store")
        assert caught_up.endswith(f"caught up to position {head}."), projector.output
        assert behind == f"projector: {head} events behind; catching up from the event store."
        positions = await read.positions()
        assert positions == dict.fromkeys(positions, head), "complete once it says so"
        assert not any((await read.behind()).values()), "every aggregate at its last version"
        assert await read.rebuild_into(rebuilt_prefix) == head
        assert_same(await read.read_models(), await read.read_models(rebuilt_prefix))

        await projector.wait_for_line("following RabbitMQ")
        late = GUILDS[0]
        await sending.in_order(small_talk(late, 5))
        await read.settled(within=60)
    view = await queue_view(read, late)
    assert view is not None
    assert view.volume == 15, "the commands sent after the catch-up came through RabbitMQ"
    assert view.version > len(session(late))
    assert "Traceback" not in projector.output


async def test_events_relayed_before_the_first_projector_start_are_projected(
    settings: Settings, processes: Processes, read: ReadSide
) -> None:
    await asyncio.gather(processes.run("core"), processes.run("relay"))
    assert settings.amqp_url is not None
    early, late = 3101, 3102
    async with traffic(settings.amqp_url, settings.partitions) as sending:
        await sending.in_order(session(early)[:2])  # a handful of events, below the threshold
        await relayed_everything(read)
        await processes.run("projector")
        await sending.in_order(session(late)[:2])
        await late_guild_projected(read, late)
    assert await queue_view(read, early) is not None, "the early guild's queue was never projected"
