"""The gateway's read: a guild's queue view from the Redis read cache, against a plain GET.

Reprise: `RedisReadCache.document("queue_view", "guild:G")` (one GET of the document under the
model's current generation, which the reader re-reads once a second) for random guilds of the cache
the rebuild filled. Baseline: a redis-py GET of a key holding the very same document, on a
client configured as RedisReadCache.connect configures its own (redis.asyncio, decode_responses).
Each runs sequentially (one task) and with 50 concurrent reader tasks in this one process, the
two contenders taking turns in short slices.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from random import Random
from typing import TYPE_CHECKING

import redis.asyncio as aioredis

from bench.measure import WARM_UP, Budget, Measurement, drive_tasks
from reprise.projections import queue_view

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from bench.projections_rebuild import RecordingRedisCache

REPRISE = "RedisReadCache.document(queue_view)"
PLAIN = "plain redis GET (same value)"
READERS = (1, 50)
SLICE = Budget(max_events=5_000, max_seconds=1.0)
SLICES = 6


@dataclass(frozen=True, slots=True)
class Lookups:
    measurements: list[tuple[int, Measurement, Measurement]]  # readers, Reprise, plain GET
    guilds: int
    sizes: list[int]
    server_us: dict[str, float]  # Redis's own time per call (INFO commandstats), by command

    @property
    def mean_size(self) -> float:
        return statistics.fmean(self.sizes)


Stats = dict[str, tuple[int, int]]  # command -> (calls, microseconds)


async def _command_stats(client: aioredis.Redis) -> Stats:
    stats = await client.info("commandstats")
    return {
        name: (int(stats[f"cmdstat_{name}"]["calls"]), int(stats[f"cmdstat_{name}"]["usec"]))
        for name in ("evalsha", "get")
        if f"cmdstat_{name}" in stats
    }


def _per_call(
    before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]
) -> dict[str, float]:
    """Microseconds per call of each command between the two readings."""
    spent: dict[str, float] = {}
    for name, (calls, usec) in after.items():
        calls_before, usec_before = before.get(name, (0, 0))
        if calls > calls_before:
            spent[name] = (usec - usec_before) / (calls - calls_before)
    return spent


async def _guilds_with_views(client: aioredis.Redis, prefix: str, generation: str) -> list[str]:
    pattern = f"{prefix}:{queue_view.NAME}:{generation}:guild:*"
    return [key.rsplit(":", 1)[1] async for key in client.scan_iter(match=pattern, count=1_000)]


async def _copy_documents(
    client: aioredis.Redis, prefix: str, generation: str, guilds: list[str]
) -> list[int]:
    """Each guild's queue view also under a plain key; returns the documents' sizes."""
    base = f"{prefix}:{queue_view.NAME}:{generation}:guild:"
    documents = [str(document) for document in await client.mget([base + g for g in guilds])]
    async with client.pipeline(transaction=False) as pipe:
        for guild, document in zip(guilds, documents, strict=True):
            pipe.set(f"{prefix}:plain:guild:{guild}", document)
        await pipe.execute()
    return [len(document.encode()) for document in documents]


def _merged(parts: list[Measurement]) -> Measurement:
    merged = Measurement(parts[0].name)
    for part in parts:
        merged.events += part.events
        merged.seconds += part.seconds
        merged.latencies += part.latencies
    return merged


async def _alternating(
    readers: int, reprise: Callable[[int], Awaitable[int]], plain: Callable[[int], Awaitable[int]]
) -> tuple[Measurement, Measurement]:
    """Both contenders in alternating one-second slices, so that both meet the same load."""
    await drive_tasks(f"{REPRISE} (warm-up)", readers, reprise, WARM_UP)
    await drive_tasks(f"{PLAIN} (warm-up)", readers, plain, WARM_UP)
    ours: list[Measurement] = []
    theirs: list[Measurement] = []
    for _ in range(SLICES):
        ours.append(await drive_tasks(REPRISE, readers, reprise, SLICE))
        theirs.append(await drive_tasks(PLAIN, readers, plain, SLICE))
    return _merged(ours), _merged(theirs)


async def run(cache: RecordingRedisCache, url: str, prefix: str) -> Lookups:
    client = aioredis.Redis.from_url(url, decode_responses=True)
    try:
        generation = cache.generations[queue_view.NAME]
        guilds = await _guilds_with_views(client, prefix, generation)
        sizes = await _copy_documents(client, prefix, generation, guilds)
        rng = Random(11)

        async def reprise(_: int) -> int:
            document = await cache.document(queue_view.NAME, f"guild:{rng.choice(guilds)}")
            assert document is not None
            return 1

        async def plain(_: int) -> int:
            document = await client.get(f"{prefix}:plain:guild:{rng.choice(guilds)}")
            assert document is not None
            return 1

        before = await _command_stats(client)
        measurements = [
            (readers, *await _alternating(readers, reprise, plain)) for readers in READERS
        ]
        server_us = _per_call(before, await _command_stats(client))
        return Lookups(measurements, len(guilds), sizes, server_us)
    finally:
        await client.aclose()
