"""Single-event appends from 256 concurrent guilds: Reprise against two yardsticks.

Run: `python -m bench.event_store_appends` (DATABASE_URL, default the local test database).
Every contender writes to a fresh schema of the same PostgreSQL, dropped at the end, for the
same budget (20,000 events or 10 s, whichever comes first) after a short warm-up.
"""

from __future__ import annotations

import asyncio
import time

from bench.append_baselines import ASYNCPG, EVENTSOURCING, eventsourcing_recorder, raw_asyncpg
from bench.append_reprise import BUS, BUS_VOLUME, reprise_bus, reprise_store, set_volume
from bench.measure import Budget, Measurement
from bench.postgres import database_url, server_facts
from bench.report import Section, publish
from reprise.adapters.collector import tune_collector

TITLE = "Event store appends"
COMMAND = ".venv/bin/python -m bench.event_store_appends"
GUILDS = 256
BUDGET = Budget(max_events=50_000, max_seconds=10.0)
TARGET_RATE = 5_000
TARGET_FACTOR = 10.0
COLUMNS = (
    "contender",
    "events",
    "s",
    "events/s",
    "p50 ms",
    "p99 ms",
    "x eventsourcing",
    "x raw asyncpg",
)


async def run(dsn: str) -> list[Measurement]:
    return [
        await reprise_bus(dsn, GUILDS, BUDGET),
        await reprise_bus(dsn, GUILDS, BUDGET, BUS_VOLUME, set_volume),
        await reprise_store(dsn, GUILDS, BUDGET),
        await eventsourcing_recorder(dsn, GUILDS, BUDGET),
        await raw_asyncpg(dsn, GUILDS, BUDGET),
    ]


def section(measurements: list[Measurement], took: float) -> Section:
    by_name = {m.name: m for m in measurements}
    recorder, raw = by_name[EVENTSOURCING].rate, by_name[ASYNCPG].rate
    rows = [
        [
            m.name,
            f"{m.events:,}",
            f"{m.seconds:.1f}",
            f"{m.rate:,.0f}",
            f"{m.p(0.50):.1f}",
            f"{m.p(0.99):.1f}",
            f"{m.rate / recorder:.1f}x",
            f"{m.rate / raw:.2f}x",
        ]
        for m in measurements
    ]
    notes = [
        f"{GUILDS} concurrent guilds (asyncio tasks; threads for eventsourcing), one event per "
        f"command; budget {BUDGET.max_events:,} events or {BUDGET.max_seconds:.0f} s each, "
        "after a warm-up of 2,000 events or 2 s.",
        *(m.note for m in measurements if m.note),
        "SetVolume also reads the guild's entitlements (its Subscription, absent here) before "
        "deciding; Pause/Resume touches only the GuildQueue. Both are decided on aggregates "
        "from the core's cache.",
        f"Whole run took {took:.0f} s.",
    ]
    return Section(TITLE, COMMAND, COLUMNS, rows, verdict(by_name[BUS], recorder), notes)


def verdict(bus: Measurement, recorder: float) -> str:
    factor = bus.rate / recorder
    met = bus.rate >= TARGET_RATE and factor >= TARGET_FACTOR
    return (
        f"{'MET' if met else 'MISSED'}: the Reprise command path does {bus.rate:,.0f} events/s, "
        f"{factor:.1f}x the eventsourcing recorder (targets: ≥ {TARGET_RATE:,} events/s and "
        f"≥ {TARGET_FACTOR:.0f}x)."
    )


async def main() -> None:
    dsn = database_url()
    server = await server_facts(dsn)
    print(server.describe())
    started = time.perf_counter()
    measurements = await run(dsn)
    publish(section(measurements, time.perf_counter() - started), server)


if __name__ == "__main__":
    tune_collector()  # as every `reprise` process does
    asyncio.run(main())
