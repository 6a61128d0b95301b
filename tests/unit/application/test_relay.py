"""The relay saves its position beside publishing, and the saved position keeps up."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, cast

from reprise.adapters.inprocess.tracking import InMemoryTracking
from reprise.application.relay import RELAY_TRACKING_NAME, Relay
from tests.unit.application.commands_for_tests import play

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence

    from reprise.adapters.bootstrap import Core
    from reprise.application.ports import EventStore, RecordedEvent


class Published:
    def __init__(self) -> None:
        self.positions: list[int] = []

    async def publish(self, records: Sequence[RecordedEvent]) -> None:
        self.positions += [record.position for record in records]


class SlowTracking(InMemoryTracking):
    """Each save takes a while, so publishing moves on while one is in flight."""

    async def save(self, name: str, position: int) -> None:
        await asyncio.sleep(0.05)
        await super().save(name, position)


class Alone:
    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        yield


async def relay_while_playing(
    core: Core, relay: Relay, tracking: InMemoryTracking, titles: str, gap: float
) -> int:
    """Run the relay while `titles` are played `gap` seconds apart, until it has saved the
    last stored position (or 2 s passed); that position."""
    running = asyncio.create_task(relay.run(Alone()))
    for title in titles:
        await core.bus.handle(play(title))
        await asyncio.sleep(gap)
    head = await core.store.max_position()
    for _ in range(100):
        if await tracking.position(RELAY_TRACKING_NAME) == head:
            break
        await asyncio.sleep(0.02)
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    return head


async def test_the_saved_position_catches_up_with_what_was_published(core: Core) -> None:
    published, tracking = Published(), SlowTracking()
    relay = Relay(core.store, published, tracking, batch_size=2, idle_wait=0.05)
    head = await relay_while_playing(core, relay, tracking, "ABCDE", gap=0.01)
    assert published.positions == list(range(1, head + 1))
    assert await tracking.position(RELAY_TRACKING_NAME) == head


class CountingTracking(InMemoryTracking):
    def __init__(self) -> None:
        super().__init__()
        self.saves = 0

    async def save(self, name: str, position: int) -> None:
        self.saves += 1
        await super().save(name, position)


async def test_a_steady_trickle_is_saved_at_most_once_per_interval(core: Core) -> None:
    published, tracking = Published(), CountingTracking()
    relay = Relay(core.store, published, tracking, batch_size=500, idle_wait=0.05, save_every=0.2)
    # one small batch each, 20 ms apart: ten in 0.2 s
    head = await relay_while_playing(core, relay, tracking, "ABCDEFGHIJ", gap=0.02)
    assert published.positions == list(range(1, head + 1))
    assert await tracking.position(RELAY_TRACKING_NAME) == head
    assert tracking.saves <= 3, f"{tracking.saves} saves for {head} events published one by one"


class CountedReads:
    """The store, counting the relay's reads of the notification log."""

    def __init__(self, store: EventStore) -> None:
        self._store = store
        self.reads = 0

    async def read_recorded(self, after: int, limit: int) -> Sequence[RecordedEvent]:
        self.reads += 1
        return await self._store.read_recorded(after, limit)

    async def wait_for_append(self, after: int, max_wait: float) -> None:
        await self._store.wait_for_append(after, max_wait)


async def test_once_caught_up_the_relay_waits_for_the_next_append_instead_of_reading(
    core: Core,
) -> None:
    published, tracking, store = Published(), InMemoryTracking(), CountedReads(core.store)
    relay = Relay(cast("EventStore", store), published, tracking, idle_wait=5.0)
    # one small batch each, 20 ms apart: a read per batch, none that finds nothing
    head = await relay_while_playing(core, relay, tracking, "ABCDEFGHIJ", gap=0.02)
    assert published.positions == list(range(1, head + 1))
    assert store.reads <= head + 1, f"{store.reads} reads for {head} events published"
