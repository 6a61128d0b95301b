"""Loading a GuildQueue of N events: snapshot + tail (as the core loads) against full replay.

Run: `python -m bench.queue_load` (DATABASE_URL, default the local test database). Streams of
1,000, 10,000 and 50,000 events (plus a tail of ~50 after the latest snapshot: the average
case with snapshots every 100 events) are written to a fresh schema, dropped at the end.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import asyncpg

from bench.measure import percentile
from bench.postgres import database_url, server_facts, throwaway_schema
from bench.queue_streams import BuiltStream, build_stream
from bench.report import Section, publish
from reprise.adapters.collector import tune_collector
from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.adapters.postgres.event_store import PostgresEventStore
from reprise.application.unit_of_work import rebuild
from reprise.domain.queue import GuildQueue

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from uuid import UUID

    from eventsourcing.domain import BaseAggregate

TITLE = "GuildQueue load"
COMMAND = ".venv/bin/python -m bench.queue_load"
SIZES = (1_000, 10_000, 50_000)
TAIL = 50
LOADS = 50
MAX_SECONDS = 10.0
MIN_LOADS = 5
TARGET_MS = 5.0
COLUMNS = (
    "N",
    "events",
    "tail",
    "snapshot KB",
    "snapshot+tail p50 ms",
    "p99 ms",
    "full replay p50 ms",
    "p99 ms",
    "loads",
    "full/snapshot",
)


@dataclass(frozen=True, slots=True)
class Timing:
    stream: BuiltStream
    snapshot: list[float]
    full: list[float]
    snapshot_bytes: int = 0


async def snapshot_and_tail(store: PostgresEventStore, queue: GuildQueue) -> GuildQueue:
    loaded = rebuild(await store.load(queue.id), GuildQueue)
    assert loaded is not None
    return loaded


async def full_replay(store: PostgresEventStore, queue: GuildQueue) -> GuildQueue:
    replayed: BaseAggregate[UUID] | None = None
    for event in await store.load_events(queue.id, after_version=0):
        replayed = event.mutate(replayed)
    assert isinstance(replayed, GuildQueue)
    return replayed


async def timed_loads(load: Callable[[], Awaitable[GuildQueue]]) -> list[float]:
    """Up to LOADS loads (at least MIN_LOADS) within MAX_SECONDS."""
    timings: list[float] = []
    deadline = time.perf_counter() + MAX_SECONDS
    while len(timings) < LOADS and (len(timings) < MIN_LOADS or time.perf_counter() < deadline):
        started = time.perf_counter()
        await load()
        timings.append(time.perf_counter() - started)
    return timings


async def measure(store: PostgresEventStore, guild_id: int, events: int) -> Timing:
    stream = await build_stream(store, guild_id, events + TAIL)
    expected = stream.queue
    # Both ways must give the queue as written; this also warms both paths up.
    assert await snapshot_and_tail(store, expected) == expected
    assert await full_replay(store, expected) == expected
    return Timing(
        stream,
        await timed_loads(lambda: snapshot_and_tail(store, expected)),
        await timed_loads(lambda: full_replay(store, expected)),
    )


async def run(dsn: str) -> list[Timing]:
    async with throwaway_schema(dsn) as schema:
        store = await PostgresEventStore.connect(dsn, schema, RowMapper(build_mapper()))
        try:
            timings = [await measure(store, 1_000 + n, size) for n, size in enumerate(SIZES)]
        finally:
            await store.close()
        return [replace(t, snapshot_bytes=await _snapshot_bytes(dsn, schema, t)) for t in timings]


async def _snapshot_bytes(dsn: str, schema: str, timing: Timing) -> int:
    connection = await asyncpg.connect(dsn)
    try:
        size = await connection.fetchval(
            f"SELECT length(state) FROM {schema}.snapshots WHERE originator_id = $1",  # noqa: S608 - our own schema name
            timing.stream.queue.id,
        )
    finally:
        await connection.close()
    return int(size)


def _ms(values: list[float], fraction: float) -> float:
    return percentile(values, fraction) * 1_000


def section(timings: list[Timing], took: float) -> Section:
    rows = [
        [
            f"{size:,}",
            f"{t.stream.events:,}",
            f"{t.stream.tail}",
            f"{t.snapshot_bytes / 1_000:.0f}",
            f"{_ms(t.snapshot, 0.5):.2f}",
            f"{_ms(t.snapshot, 0.99):.2f}",
            f"{_ms(t.full, 0.5):.1f}",
            f"{_ms(t.full, 0.99):.1f}",
            f"{len(t.snapshot)} / {len(t.full)}",
            f"{_ms(t.full, 0.5) / _ms(t.snapshot, 0.5):.0f}x",
        ]
        for size, t in zip(SIZES, timings, strict=True)
    ]
    final = timings[-1].stream.queue
    notes = [
        "Snapshot + tail: `store.load()` + `rebuild()`, as the core loads an aggregate missing "
        "from its cache. Full replay: `store.load_events()` from version 0, mutating each event. "
        "Both include the PostgreSQL round trip and decoding.",
        f"Snapshots every 100 events, taken as `UnitOfWork.accepted` does; streams end {TAIL} "
        f"events past a multiple of 100. Queue kept between 100 and 300 upcoming entries "
        f"(final: {len(final.upcoming)} upcoming, {len(final.history)} in history).",
        f"Up to {LOADS} loads per cell (fewer for long full replays: at most "
        f"{MAX_SECONDS:.0f} s, at least {MIN_LOADS}), after a first load of each kind that "
        "checks both give the queue as written. "
        f"Whole run took {took:.0f} s.",
    ]
    return Section(TITLE, COMMAND, COLUMNS, rows, verdict(timings), notes)


def verdict(timings: list[Timing]) -> str:
    at_10k = _ms(timings[SIZES.index(10_000)].snapshot, 0.5)
    medians = [_ms(t.snapshot, 0.5) for t in timings]
    growth = max(medians) / min(medians)
    flat = growth <= 1.5
    met = at_10k < TARGET_MS and flat
    return (
        f"{'MET' if met else 'MISSED'}: snapshot + tail p50 is {at_10k:.2f} ms at 10,000 "
        f"events (target < {TARGET_MS:.0f} ms) and {'flat' if flat else 'not flat'} as N grows "
        f"({growth:.2f}x between the fastest and slowest N; flat means ≤ 1.5x)."
    )


async def main() -> None:
    dsn = database_url()
    server = await server_facts(dsn)
    print(server.describe())
    started = time.perf_counter()
    timings = await run(dsn)
    publish(section(timings, time.perf_counter() - started), server)


if __name__ == "__main__":
    tune_collector()  # as every `reprise` process does
    asyncio.run(main())
