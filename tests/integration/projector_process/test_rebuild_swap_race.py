"""The rebuild's swap racing one live event, the interleaving forced step by step.

The live projector reads a model's versions, then applies its update; both resolve "the
current generation" on their own. When the rebuild swaps the generation in between, the
update computed against the old generation lands in the new one.
"""

from __future__ import annotations

import asyncio
from random import Random
from typing import TYPE_CHECKING, Any

import pytest

from reprise.adapters import bootstrap
from reprise.adapters.redis.read_cache import RedisReadCache
from reprise.domain import commands as c
from reprise.projections.rebuild import rebuild
from reprise.projections.stats import EVENTS_BY_TYPE
from reprise.settings import Settings
from tests.services import redis_url
from tests.unit.application.commands_for_tests import as_alice, play

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence
    from pathlib import Path
    from uuid import UUID

    from reprise.projections.projector import Projector

pytestmark = pytest.mark.integration
STATS = "stats"


class LiveCache(RedisReadCache):
    """The live projector's cache: once held, it pauses right after reading stats versions."""

    hold = False
    versions_read: asyncio.Event
    resume: asyncio.Event

    async def versions(
        self, model: str, aggregate_ids: Sequence[UUID], generation: str | None = None
    ) -> dict[UUID, int]:
        known = await super().versions(model, aggregate_ids, generation)
        if model == STATS and self.hold:
            self.versions_read.set()
            await self.resume.wait()
        return known


class RebuildCache(RedisReadCache):
    """The rebuild's cache: traffic arrives just before the swaps; stats swaps mid-update."""

    live: LiveCache
    before_swapping: Any
    swaps = 0

    async def swap(self, model: str, generation: str) -> str | None:
        self.swaps += 1
        if self.swaps == 1:
            await self.before_swapping()
        if model == STATS:
            await asyncio.wait_for(self.live.versions_read.wait(), 10)
        previous = await super().swap(model, generation)
        if model == STATS:
            self.live.resume.set()
        return previous


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[bootstrap.Core]:
    core = await bootstrap.bootstrap_core(
        Settings(database_url=None, sqlite_path=tmp_path / "events.sqlite3"), rng=Random(7)
    )
    yield core
    await core.close()


async def _projector(core: bootstrap.Core, cache: RedisReadCache) -> Projector:
    return await bootstrap.build_projector(core.store, cache)


async def test_a_live_event_in_flight_across_the_swap_leaves_no_count_behind(
    core: bootstrap.Core, redis_prefix: str, rebuilt_prefix: str
) -> None:
    live_cache = LiveCache.connect(redis_url(), redis_prefix)
    live_cache.versions_read, live_cache.resume = asyncio.Event(), asyncio.Event()
    rebuild_cache = RebuildCache.connect(redis_url(), redis_prefix)
    rebuild_cache.live = live_cache
    reference_cache = RedisReadCache.connect(redis_url(), rebuilt_prefix)
    live = await _projector(core, live_cache)
    rebuilder = await _projector(core, rebuild_cache)
    reference = await _projector(core, reference_cache)
    in_flight: list[asyncio.Task[None]] = []
    try:
        await core.bus.handle(play("A", "B"))
        await live.catch_up(0)
        first_pass_head = await core.store.max_position()

        async def traffic_after_the_first_pass() -> None:
            await core.bus.handle(as_alice(c.SetVolume, volume=50))
            await core.bus.handle(as_alice(c.SetVolume, volume=60))
            applied, arriving = await core.store.read_notifications(first_pass_head, 10)
            await live.handle(applied)  # into the generation about to be replaced
            live_cache.hold = True
            in_flight.append(asyncio.create_task(live.handle(arriving)))

        rebuild_cache.before_swapping = traffic_after_the_first_pass
        await rebuild(rebuilder)
        await asyncio.wait_for(in_flight[0], 10)
        await reference.catch_up(0)

        expected = await reference_cache.counters(STATS, EVENTS_BY_TYPE)
        assert expected["VolumeChanged"] == 2
        assert await live_cache.counters(STATS, EVENTS_BY_TYPE) == expected
    finally:
        for projector in (live, rebuilder, reference):
            await projector.close()
        for cache in (live_cache, rebuild_cache, reference_cache):
            await cache.close()
