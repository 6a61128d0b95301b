"""The three read-side sections of docs/benchmarks.md: rebuild, cache lookups, history CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.projections_baseline import NAME as EVENTSOURCING
from bench.projections_rebuild import BARE, MEMORY, READ, REDIS, halves
from bench.read_side_cli import BARE_CLI
from bench.read_side_lookups import PLAIN, REPRISE
from bench.report import Section
from reprise.projections.projector import REBUILD_BATCH

if TYPE_CHECKING:
    from bench.measure import Measurement
    from bench.projections_rebuild import Run
    from bench.read_side_cli import Timed
    from bench.read_side_lookups import Lookups

COMMAND = ".venv/bin/python -m bench.read_side"
REBUILD_TARGET = 20_000
LOOKUP_TARGET_MS = 1.0
CROWDED_TOLERANCE = 1.2
CLI_TARGET_MS = 200.0


@dataclass(frozen=True, slots=True)
class StoreFacts:
    """The seeded store every section reads."""

    schema: str
    events: int
    commands: int
    snapshots: int
    guilds: int
    seed_seconds: float | None  # None when an existing schema was reused
    took: float = 0.0
    load: str = ""  # the machine's 1-minute load average around the measurements
    command: str = COMMAND  # how this run was started

    def describe(self) -> str:
        seeded = f"seeded in {self.seed_seconds:.0f} s" if self.seed_seconds else "seeded earlier"
        return (
            f"Store: {self.events:,} events of {self.guilds:,} guilds ({self.commands:,} "
            f"commands, {self.snapshots:,} snapshots), {seeded}; whole run (seed included) "
            f"took {self.took:.0f} s. Load average (1 min, 2 CPUs, other users included): "
            f"{self.load}."
        )


REBUILD_COLUMNS = (
    "contender",
    "events",
    "s",
    "events/s",
    "µs/event",
    "CPU µs/event",
    "x eventsourcing",
    "1M in s",
)


def _rebuild_row(run: Run, baseline: float, store: StoreFacts) -> list[str]:
    m = run.measured
    return [
        m.name,
        f"{m.events:,}",
        f"{m.seconds:.1f}",
        f"{m.rate:,.0f}",
        f"{1e6 / m.rate:.0f}",
        f"{run.cpu_us():.0f}",
        f"{m.rate / baseline:.2f}x",
        f"{store.events / m.rate:,.0f}",
    ]


def _rebuild_notes(store: StoreFacts, processed: int, cut: bool) -> list[str]:
    return [
        store.describe(),
        "Seed: guild lives simulated through GuildQueue/Subscription (interleaved commands "
        "across guilds, skewed activity, sessions starting with a playlist, queues ≤ 40 "
        "upcoming, snapshots every 100 events), each simulated guild written as 5 guilds; "
        "COPY of events, commands and snapshots.",
        (
            f"Each contender processed notifications 1..{processed:,} of {store.events:,} "
            "(cut short after that batch, before the swap; `--full` runs every event)."
            if cut
            else "Each contender processed every stored event; the rebuilds swapped in."
        ),
        f"{REDIS}: `rebuild(build_projector(store, RedisReadCache))`: five read models in "
        f"{REBUILD_BATCH:,}-event batches (the next read while one is applied), one apply.lua "
        "per model per batch, audit rows INSERTed per batch, models and audit concurrently. "
        "The in-memory rows are the same rebuild with InMemoryReadCache, with and without the "
        "audit log.",
        f"{EVENTSOURCING}: ProjectionRunner(StoredReprise, EventCounts, EventCountsView) over "
        "eventsourcing's PostgreSQL recorder (own schema and table, a copy of the same rows), "
        "view = POPO TrackingRecorder counting events per type and keeping each aggregate's "
        "last version. It keeps no aggregate state and renders nothing.",
        "CPU µs/event: CPU of this benchmark process (all threads) plus the Redis server's, "
        "per event; PostgreSQL's is not counted. Wall time is shared with other users.",
    ]


def rebuild_section(runs: list[Run], store: StoreFacts, cut: bool) -> Section:
    by_name = {run.measured.name: run for run in runs}
    baseline = by_name[EVENTSOURCING].measured.rate
    redis = by_name[REDIS].measured
    notes = [
        *_rebuild_notes(store, redis.events, cut),
        _breakdown(by_name),
        _trend(redis),
        *(run.measured.note for run in runs if run.measured.note),
    ]
    verdict = (
        f"{'MET' if redis.rate >= REBUILD_TARGET else 'MISSED'}: the Redis rebuild applies "
        f"{redis.rate:,.0f} events/s (target ≥ {REBUILD_TARGET:,}), "
        f"{redis.rate / baseline:.2f}x eventsourcing's ProjectionRunner with a counting view; "
        f"1M events take {store.events / redis.rate:,.0f} s."
    )
    rows = [_rebuild_row(run, baseline, store) for run in runs]
    return Section("Projection rebuild", store.command, REBUILD_COLUMNS, rows, verdict, notes)


def _trend(redis: Measurement) -> str:
    first, second = halves(redis)
    if second < 0.9 * first:
        meaning = "it slows as queues fill up, so a prefix's rate is optimistic for the store"
    elif second > 1.1 * first:
        meaning = "it sped up as it went"
    else:
        meaning = "steady"
    return (
        f"The Redis rebuild did {first:,.0f} events/s over the first half of its batches and "
        f"{second:,.0f} over the second: {meaning}."
    )


def _breakdown(by_name: dict[str, Run]) -> str:
    cpu = {name: run.cpu_us() for name, run in by_name.items()}
    redis = by_name[REDIS]
    redis_server = redis.redis_cpu / redis.measured.events * 1e6
    return (
        f"Where a Redis rebuild's {cpu[REDIS]:.0f} CPU µs/event go (differences of rows): "
        f"read + decode {cpu[READ]:.0f}, aggregate states + five read models "
        f"{cpu[BARE] - cpu[READ]:.0f}, audit log (Python side) {cpu[MEMORY] - cpu[BARE]:.0f}, "
        f"Redis instead of memory {cpu[REDIS] - cpu[MEMORY]:.0f} (of which the Redis server "
        f"{redis_server:.0f})."
    )


LOOKUP_COLUMNS = (
    "contender",
    "readers",
    "lookups",
    "/s",
    "p50 ms",
    "p99 ms",
    "p999 ms",
    "p99 x GET",
)


def _lookup_row(m: Measurement, readers: int, plain: Measurement) -> list[str]:
    return [
        m.name,
        str(readers),
        f"{m.events:,}",
        f"{m.rate:,.0f}",
        f"{m.p(0.50):.3f}",
        f"{m.p(0.99):.3f}",
        f"{m.p(0.999):.3f}",
        f"{m.p(0.99) / plain.p(0.99):.2f}x",
    ]


def _lookup_notes(lookups: Lookups, store: StoreFacts) -> list[str]:
    return [
        f"{lookups.guilds:,} guilds' queue views in the cache the rebuild filled; documents "
        f"{min(lookups.sizes):,}-{max(lookups.sizes):,} bytes (mean {lookups.mean_size:,.0f}). "
        "Each lookup picks a random guild.",
        f"{REPRISE}: GET of the document in the current generation (the reader re-reads the "
        f"generation pointer once a second). {PLAIN}: GET of "
        "a key holding the same document. Readers are asyncio tasks in one process; each "
        "latency is one awaited call, so with 50 readers it includes waiting for the loop.",
        "Each cell: 6 slices of up to 5,000 lookups or 1 s, the two contenders taking turns, "
        f"after a warm-up of each. {store.describe()}",
        "Redis's own time per call meanwhile (INFO commandstats, all clients): "
        + ", ".join(f"{name.upper()} {us:.1f} µs" for name, us in lookups.server_us.items())
        + "; the rest of each lookup is the client, the loopback and waiting for a CPU.",
        *(
            f"{readers} readers: one process completes {r.rate:,.0f} lookups/s, so a lookup "
            f"waits on average {readers / r.rate * 1e3:.1f} ms (readers / throughput) whatever "
            "the server does: concurrent latency here is bounded by the client's CPU."
            for readers, r, _ in lookups.measurements
            if readers > 1
        ),
    ]


def lookup_section(lookups: Lookups, store: StoreFacts) -> Section:
    rows = [
        _lookup_row(m, readers, plain)
        for readers, reprise, plain in lookups.measurements
        for m in (reprise, plain)
    ]
    # A lookup's latency is one reader's; many readers in one process measure that process's
    # CPU (a plain GET queues the same), so they are judged against the plain GET instead.
    single = [(r, g) for readers, r, g in lookups.measurements if readers == 1]
    crowded = [(n, r, g) for n, r, g in lookups.measurements if n > 1]
    met = all(r.p(0.99) < LOOKUP_TARGET_MS for r, _ in single) and all(
        r.p(0.99) <= CROWDED_TOLERANCE * g.p(0.99) for _, r, g in crowded
    )
    shown = "; ".join(
        f"{readers} reader(s): {r.p(0.99):.3f} ms (plain GET {g.p(0.99):.3f} ms)"
        for readers, r, g in lookups.measurements
    )
    verdict = (
        f"{'MET' if met else 'MISSED'}: queue view p99 is {shown}. Target: one lookup under "
        f"{LOOKUP_TARGET_MS:g} ms; with many readers in one process, within "
        f"{CROWDED_TOLERANCE:g}x of a plain GET (both wait for that process's CPU)."
    )
    notes = _lookup_notes(lookups, store)
    title = "Read-cache lookups: queue view"
    return Section(title, store.command, LOOKUP_COLUMNS, rows, verdict, notes)


def cli_section(timings: list[Timed], store: StoreFacts, imports: str) -> Section:
    rows = [
        [t.what, t.guild, str(len(t.seconds)), f"{t.median_ms:.1f}", f"{t.max_ms:.1f}"]
        for t in timings
    ]
    columns = ("what", "guild (its events)", "runs", "median ms", "max ms")
    cli = [t for t in timings if t.what.startswith("reprise events list")]
    query = [t for t in timings if t.what.startswith("PostgresEventHistory")]
    python = next(t for t in timings if t.what.startswith("python -c pass"))
    floor = next(t for t in timings if "import floor" in t.what)
    bare = next(t for t in timings if t.what == BARE_CLI)
    notes = [
        store.describe(),
        "CLI: `.venv/bin/reprise events list --guild G` (50 newest events, rich table to a "
        "pipe, so 80 columns) as a child process, DATABASE_URL/DATABASE_SCHEMA set, "
        "migrate_on_start as default (so it checks migrations first: one read on its one "
        "connection). Reprise's modules were byte-compiled before the runs, as pip install "
        "does (this machine sets PYTHONDONTWRITEBYTECODE).",
        f"{BARE_CLI}: a typer command, pydantic-settings, one asyncpg connection, the CLI's "
        "query and a rich table of the same rows; the events are not decoded, so its last "
        "column is the event type instead of a summary.",
        f"Imports of `reprise events list` (busiest guild): {imports}.",
    ]
    worst, slowest_query = max(t.median_ms for t in cli), max(t.median_ms for t in query)
    above = " (itself above the target)" if bare.median_ms >= CLI_TARGET_MS else ""
    verdict = (
        f"{'MET' if worst < CLI_TARGET_MS else 'MISSED'}: the CLI answers in {worst:.0f} ms "
        f"(median, worst guild; target < {CLI_TARGET_MS:.0f} ms); the query itself takes "
        f"{slowest_query:.1f} ms. The same command on the same libraries without Reprise "
        f"takes {bare.median_ms:.0f} ms{above}, importing typer, rich, asyncpg and "
        f"pydantic-settings {floor.median_ms:.0f} ms, starting Python {python.median_ms:.0f} "
        f"ms: Reprise adds {worst - bare.median_ms:.0f} ms to its libraries' floor."
    )
    return Section(
        "Event history CLI: reprise events list", store.command, columns, rows, verdict, notes
    )
