"""Reprise's contenders for the rebuild: `rebuild(projector)` with each read cache, and its parts.

Every contender reads the seeded schema from notification 1 on, through the same
PostgresEventStore, for the same number of events. The audit log table is emptied before each
contender that writes it, so each one inserts every row. A rebuild cut short (`events` below
the store's head) stops after the batch that reaches `events`, before the swap.
"""

from __future__ import annotations

import time
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.measure import Measurement
from reprise.adapters.bootstrap import build_projector
from reprise.adapters.inprocess.read_cache import InMemoryReadCache
from reprise.adapters.redis.read_cache import RedisReadCache
from reprise.projections.aggregate_states import AggregateStates
from reprise.projections.projector import REBUILD_BATCH, Projector
from reprise.projections.rebuild import rebuild
from reprise.projections.registry import read_models

if TYPE_CHECKING:
    from collections.abc import Awaitable

    import redis.asyncio as aioredis

    from reprise.adapters.postgres.event_store import PostgresEventStore

REDIS = "Reprise rebuild: Redis cache + PostgreSQL audit log"
MEMORY = "Reprise rebuild: in-memory cache + PostgreSQL audit log"
BARE = "Reprise rebuild: in-memory cache, no audit log"
READ = "Reprise read_notifications alone (read + decode)"


@dataclass(frozen=True, slots=True)
class Run:
    """A contender's measurement and the CPU spent on it, here and in the Redis server."""

    measured: Measurement
    cpu: float  # seconds of CPU this process spent (all its threads)
    redis_cpu: float  # seconds of CPU the Redis server spent

    def cpu_us(self) -> float:
        """CPU of this process and of Redis per event, in microseconds."""
        return (self.cpu + self.redis_cpu) / self.measured.events * 1e6


async def _redis_cpu(client: aioredis.Redis) -> float:
    info = await client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


async def cpu_timed(work: Awaitable[Measurement], redis: aioredis.Redis) -> Run:
    """Await `work`, noting the CPU it took in this process and in the Redis server."""
    cpu, redis_cpu = time.process_time(), await _redis_cpu(redis)
    measured = await work
    return Run(measured, time.process_time() - cpu, await _redis_cpu(redis) - redis_cpu)


class _Enough(Exception):
    """Raised from the progress callback once the rebuild has applied enough events."""


class RecordingRedisCache(RedisReadCache):
    """Remembers the generations a rebuild creates, so a cut-short rebuild can be swapped in."""

    def __init__(self, client: aioredis.Redis, prefix: str, generation_ttl: float = 1.0) -> None:
        super().__init__(client, prefix, generation_ttl)
        self.generations: dict[str, str] = {}

    async def new_generation(self, model: str) -> str:
        generation = await super().new_generation(model)
        self.generations[model] = generation
        return generation

    async def swap_in(self) -> None:
        """Make the generations of the last rebuild current (the lookups read them)."""
        for model, generation in self.generations.items():
            await self.swap(model, generation)


async def timed_rebuild(name: str, projector: Projector, events: int | None) -> Measurement:
    """`rebuild(projector)`, timed; cut short after `events` events unless None.

    The measurement's latencies are the batches' durations (REBUILD_BATCH events each).
    """
    applied, batches = 0, []
    last = started = time.perf_counter()

    def progress(count: int, position: int) -> None:
        nonlocal applied, last
        applied += count
        now = time.perf_counter()
        batches.append(now - last)
        last = now
        if events is not None and position >= events:
            raise _Enough

    with suppress(_Enough):
        await rebuild(projector, progress)
    return Measurement(name, applied, time.perf_counter() - started, batches)


def halves(measured: Measurement) -> tuple[float, float]:
    """Events/s over the first and the second half of a rebuild's batches."""
    half = len(measured.latencies) // 2
    first, second = measured.latencies[:half], measured.latencies[half:]
    return REBUILD_BATCH * len(first) / sum(first), REBUILD_BATCH * len(second) / sum(second)


async def _empty_audit_log(store: PostgresEventStore) -> None:
    await store.pool.execute(f"TRUNCATE {store.schema}.audit_log")


async def with_redis(
    store: PostgresEventStore, cache: RecordingRedisCache, events: int | None
) -> Measurement:
    """As `reprise projections rebuild` wires it: build_projector(store, cache)."""
    await _empty_audit_log(store)
    measured = await timed_rebuild(REDIS, await build_projector(store, cache), events)
    await cache.swap_in()
    return measured


async def with_memory(store: PostgresEventStore, events: int | None) -> Measurement:
    await _empty_audit_log(store)
    projector = await build_projector(store, InMemoryReadCache())
    return await timed_rebuild(MEMORY, projector, events)


async def bare(store: PostgresEventStore, events: int | None) -> Measurement:
    """The projection alone: aggregate states, the five read models, an in-memory cache."""
    projector = Projector(
        store=store,
        cache=InMemoryReadCache(),
        audit=None,
        models=read_models(),
        states=AggregateStates(store),
    )
    return await timed_rebuild(BARE, projector, events)


async def read_only(store: PostgresEventStore, events: int | None) -> Measurement:
    """What every rebuild pays first: `read_notifications` batches, rows decoded to events."""
    position, read = 0, 0
    started = time.perf_counter()
    while events is None or position < events:
        batch = await store.read_notifications(position, REBUILD_BATCH)
        if not batch:
            break
        position, read = batch[-1].position, read + len(batch)
    return Measurement(READ, read, time.perf_counter() - started)
