"""The yardsticks: eventsourcing's own PostgreSQL recorder, and a bare asyncpg INSERT."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, cast
from urllib.parse import unquote, urlsplit
from uuid import UUID, uuid4

import asyncpg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from bench.measure import WARM_UP, Budget, Measurement, drive_tasks, drive_threads
from bench.postgres import throwaway_schema
from bench.queues import stored_paused_event

if TYPE_CHECKING:
    from eventsourcing.postgres import PostgresApplicationRecorder

EVENTSOURCING = "eventsourcing recorder (save per event)"
ASYNCPG = "raw asyncpg (INSERT per event)"
POOL_SIZE = 20


class Ping(Aggregate):
    """An aggregate whose only event is its creation: one save, one event."""


def eventsourcing_env(dsn: str, schema: str) -> dict[str, str]:
    """The infrastructure settings eventsourcing reads, for the benchmark's database."""
    url = urlsplit(dsn)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": url.path.lstrip("/"),
        "POSTGRES_HOST": url.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_SCHEMA": schema,
        # A fair pool: 20 connections held open, none created or dropped during the run.
        "POSTGRES_POOL_SIZE": str(POOL_SIZE),
        "POSTGRES_MAX_OVERFLOW": "0",
        # 256 threads queue for 20 connections behind a table lock: wait, don't time out.
        "POSTGRES_CONNECT_TIMEOUT": "60",
        "POSTGRES_LOCK_TIMEOUT": "0",
    }


async def eventsourcing_recorder(dsn: str, threads: int, budget: Budget) -> Measurement:
    """`threads` threads, each saving a new single-event aggregate per operation."""
    async with throwaway_schema(dsn, migrated=False) as schema:
        return await asyncio.to_thread(_eventsourcing_run, dsn, schema, threads, budget)


def _eventsourcing_run(dsn: str, schema: str, threads: int, budget: Budget) -> Measurement:
    app: Application[UUID] = Application(env=eventsourcing_env(dsn, schema))
    try:
        recorder = cast("PostgresApplicationRecorder", app.recorder)
        assert recorder.datastore.pool.max_size == POOL_SIZE

        def op(_: int) -> int:
            app.save(Ping())
            return 1

        drive_threads(f"{EVENTSOURCING} (warm-up)", threads, op, WARM_UP)
        measured = drive_threads(EVENTSOURCING, threads, op, budget)
        stored = recorder.max_notification_id() or 0
        measured.note = (
            f"{EVENTSOURCING}: Application.save of one new aggregate per operation from "
            f"{threads} threads, pool of {POOL_SIZE} psycopg connections; "
            f"{stored:,} events stored"
        )
        return measured
    finally:
        app.close()


async def raw_asyncpg(dsn: str, tasks: int, budget: Budget) -> Measurement:
    """`tasks` tasks, each INSERTing one event row per operation (autocommit, one fsync each)."""
    async with throwaway_schema(dsn, migrated=False) as schema:
        table = f"{schema}.events"
        topic, state = stored_paused_event()
        pool = await asyncpg.create_pool(dsn, min_size=POOL_SIZE, max_size=POOL_SIZE)
        try:
            await pool.execute(
                f"CREATE TABLE {table} (notification_id bigserial PRIMARY KEY, "
                "originator_id uuid NOT NULL, originator_version integer NOT NULL, "
                "topic text NOT NULL, state bytea NOT NULL, "
                "UNIQUE (originator_id, originator_version))"
            )
            insert = (
                f"INSERT INTO {table} (originator_id, originator_version, topic, state) "  # noqa: S608 - our own schema name
                "VALUES ($1, $2, $3, $4)"
            )
            originators = [uuid4() for _ in range(tasks)]
            versions = [0] * tasks

            async def op(worker: int) -> int:
                versions[worker] += 1
                await pool.execute(insert, originators[worker], versions[worker], topic, state)
                return 1

            await drive_tasks(f"{ASYNCPG} (warm-up)", tasks, op, WARM_UP)
            measured = await drive_tasks(ASYNCPG, tasks, op, budget)
            measured.note = (
                f"{ASYNCPG}: a {len(state)}-byte Paused event row per autocommit INSERT, "
                f"pool of {POOL_SIZE} connections"
            )
            return measured
        finally:
            await pool.close()
