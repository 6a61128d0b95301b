"""The read side over a store of 1,000,000 events: projection rebuild, cache lookups, history CLI.

Run: `python -m bench.read_side` seeds a fresh PostgreSQL schema (`bench_read_<random>`) with
1,000,000 events of 5,000 guilds, runs the three benchmarks against it, writes their sections
of docs/benchmarks.md, then drops the schema (unless `--keep`) and the Redis prefix.
`--seed` only seeds (and keeps) a schema; `--schema NAME` measures an already seeded one;
`--cli-only` measures only the history CLI and writes only its section. Rebuilds process the
first `--rebuild-events` events (default 120,000) to keep the run short; `--full` rebuilds all
of them. DATABASE_URL and REDIS_URL default to the local services.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
import redis.asyncio as aioredis

from bench import projections_baseline, projections_rebuild, read_side_cli, read_side_lookups
from bench.postgres import ServerFacts, database_url, server_facts
from bench.projections_rebuild import RecordingRedisCache, Run, cpu_timed
from bench.read_side_report import COMMAND, StoreFacts, cli_section, lookup_section, rebuild_section
from bench.read_side_seed import seed
from bench.report import DOCS, publish
from reprise.adapters.collector import tune_collector
from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.adapters.postgres.connection import migrate_database
from reprise.adapters.postgres.event_store import PostgresEventStore

if TYPE_CHECKING:
    from bench.read_side_cli import Timed

EVENTS = 1_000_000
GUILDS = 5_000
COPIES = 5
REBUILD_EVENTS = 120_000


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.read_side", description=__doc__)
    parser.add_argument("--seed", action="store_true", help="only seed a schema and keep it")
    parser.add_argument("--schema", help="measure this seeded schema (bench_read_* is dropped)")
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    parser.add_argument("--full", action="store_true", help="rebuild every event")
    parser.add_argument("--cli-only", action="store_true", help="only the history CLI section")
    parser.add_argument("--rebuild-events", type=int, default=REBUILD_EVENTS)
    parser.add_argument("--docs", type=Path, default=DOCS, help="the markdown file to update")
    return parser.parse_args()


async def _sql(dsn: str, sql: str) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(dsn)
    try:
        return list(await connection.fetch(sql))
    finally:
        await connection.close()


async def store_facts(dsn: str, schema: str, seed_seconds: float | None) -> StoreFacts:
    [row] = await _sql(
        dsn,
        f"SELECT (SELECT count(*) FROM {schema}.stored_events) AS events, "  # noqa: S608 - our own schema name
        f"(SELECT count(*) FROM {schema}.commands) AS commands, "
        f"(SELECT count(*) FROM {schema}.snapshots) AS snapshots, "
        f"(SELECT count(DISTINCT guild_id) FROM {schema}.stored_events) AS guilds",
    )
    return StoreFacts(
        schema, row["events"], row["commands"], row["snapshots"], row["guilds"], seed_seconds
    )


async def sample_guilds(dsn: str, schema: str) -> dict[str, int]:
    """The busiest, the median and the quietest guild, labelled with their event counts."""
    rows = await _sql(
        dsn,
        f"SELECT guild_id, count(*) AS n FROM {schema}.stored_events "  # noqa: S608 - our own schema name
        "GROUP BY guild_id ORDER BY n DESC, guild_id",
    )
    picked = (rows[0], rows[len(rows) // 2], rows[-1])
    labels = ("busiest", "median", "quietest")
    return {
        f"{label} ({row['n']:,})": row["guild_id"]
        for label, row in zip(labels, picked, strict=True)
    }


async def rebuilds(
    store: PostgresEventStore, cache: RecordingRedisCache, dsn: str, limit: int | None
) -> list[Run]:
    """Reprise's contenders, then eventsourcing's runner over a copy of the same rows."""
    redis = aioredis.Redis.from_url(redis_url())
    try:
        runs = [
            await cpu_timed(projections_rebuild.with_redis(store, cache, limit), redis),
            await cpu_timed(projections_rebuild.with_memory(store, limit), redis),
            await cpu_timed(projections_rebuild.bare(store, limit), redis),
            await cpu_timed(projections_rebuild.read_only(store, limit), redis),
        ]
        es_schema = f"{store.schema}_es"
        try:
            copied = await projections_baseline.load_copy(dsn, store.schema, es_schema)
            print(f"copied the events for eventsourcing in {copied:.0f} s")
            events = runs[0].measured.events
            work = asyncio.to_thread(projections_baseline.run_projection, dsn, es_schema, events)
            runs.append(await cpu_timed(work, redis))
        finally:
            await _sql(dsn, f"DROP SCHEMA IF EXISTS {es_schema} CASCADE")
    finally:
        await redis.aclose()
    return runs


async def _drop_prefix(url: str, prefix: str) -> None:
    client = aioredis.Redis.from_url(url)
    try:
        batch = [key async for key in client.scan_iter(match=f"{prefix}:*", count=1_000)]
        for start in range(0, len(batch), 1_000):
            await client.unlink(*batch[start : start + 1_000])
    finally:
        await client.aclose()


async def _cli(store: PostgresEventStore, dsn: str, schema: str) -> tuple[list[Timed], str]:
    guilds = await sample_guilds(dsn, schema)
    busy = dict(list(guilds.items())[:2])  # the CLI for the busiest and the median guild
    timings = read_side_cli.processes(dsn, schema, busy)
    timings += await read_side_cli.in_process(store, dsn, schema, guilds)
    return timings, read_side_cli.import_profile(dsn, schema, next(iter(busy.values())))


def _command(args: argparse.Namespace) -> str:
    if args.cli_only:
        return COMMAND + " --cli-only"
    command = COMMAND + (" --full" if args.full else "")
    if not args.full and args.rebuild_events != REBUILD_EVENTS:
        command += f" --rebuild-events {args.rebuild_events}"
    return command


async def measure(
    dsn: str, server: ServerFacts, facts: StoreFacts, args: argparse.Namespace, started: float
) -> None:
    limit = None if args.full else args.rebuild_events
    load_before = os.getloadavg()[0]
    store = await PostgresEventStore.connect(dsn, facts.schema, RowMapper(build_mapper()))
    prefix = f"bench_read_{uuid.uuid4().hex[:12]}"
    cache = RecordingRedisCache.connect(redis_url(), prefix)
    try:
        if not args.cli_only:
            runs = await rebuilds(store, cache, dsn, limit)
            lookups = await read_side_lookups.run(cache, redis_url(), prefix)
        timings, imports = await _cli(store, dsn, facts.schema)
    finally:
        await cache.close()
        await _drop_prefix(redis_url(), prefix)
        await store.close()
    load = f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    took = time.perf_counter() - started
    facts = replace(facts, took=took, load=load, command=_command(args))
    if not args.cli_only:
        cut = limit is not None and limit < facts.events
        publish(rebuild_section(runs, facts, cut), server, args.docs)
        publish(lookup_section(lookups, facts), server, args.docs)
    publish(cli_section(timings, facts, imports), server, args.docs)


async def main() -> None:
    args = _arguments()
    dsn = database_url()
    server = await server_facts(dsn)
    print(server.describe())
    started = time.perf_counter()
    schema = args.schema or f"bench_read_{uuid.uuid4().hex[:12]}"
    seed_seconds, keep = None, args.keep
    try:
        if not args.schema:
            await migrate_database(dsn, schema)
            seeded = await seed(dsn, schema, EVENTS, GUILDS, COPIES)
            seed_seconds = seeded.seconds
            print(f"seeded {schema}: {seeded.events:,} events in {seed_seconds:.0f} s")
        if args.seed:
            keep = True
            return
        facts = await store_facts(dsn, schema, seed_seconds)
        await measure(dsn, server, facts, args, started)
    finally:
        if not keep and schema.startswith("bench_read_"):  # never drop a schema not ours
            await _sql(dsn, f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            print(f"dropped schema {schema}")


if __name__ == "__main__":
    tune_collector()  # as every `reprise` process does
    asyncio.run(main())
