"""`reprise events list --guild G` over the seeded store: the real process, and its parts.

The CLI runs as a child process (`.venv/bin/reprise`, DATABASE_URL and DATABASE_SCHEMA set,
everything else default, stdout a pipe) and is timed from spawn to exit. Its parts are timed
the same way (a bare interpreter; importing the CLI) or in this process: opening the store as
the CLI does (`store_session.opened`: migrations check, pool) with the query and close, and the
query alone (`PostgresEventHistory.list_events`, warm pool), 50 newest events as the CLI asks.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reprise.adapters.cli.store_session import opened
from reprise.adapters.postgres.history import PostgresEventHistory
from reprise.application.history import EventFilter
from reprise.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from reprise.adapters.postgres.event_store import PostgresEventStore

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(Path(sys.executable))
REPRISE = str(Path(sys.executable).with_name("reprise"))
LIMIT = 50  # the CLI's default --limit
CLI_RUNS = 10
QUERIES = 50
SESSIONS = 10


@dataclass(frozen=True, slots=True)
class Timed:
    what: str
    guild: str
    seconds: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1_000

    @property
    def max_ms(self) -> float:
        return max(self.seconds) * 1_000


def _env(dsn: str, schema: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": dsn, "DATABASE_SCHEMA": schema}


def _spawn(argv: Sequence[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, check=False)  # noqa: S603 - our own interpreter and CLI
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{argv} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return took


STACK_FLOOR = "import typer, rich.table, asyncpg, pydantic_settings"
"""What any `reprise` command that reads PostgreSQL imports before any of Reprise's own code."""


def processes(dsn: str, schema: str, guilds: dict[str, int]) -> list[Timed]:
    """Rounds of every child process in turn, so that each sees the same machine load."""
    variants = [
        Timed("python -c pass (interpreter start)", "—", []),
        Timed(f"python -c '{STACK_FLOOR}' (the CLI stack's import floor)", "—", []),
        Timed("python -c 'import reprise.adapters.cli.main'", "—", []),
        *(Timed("reprise events list --guild G", label, []) for label in guilds),
    ]
    argvs = [
        [PYTHON, "-c", "pass"],
        [PYTHON, "-c", STACK_FLOOR],
        [PYTHON, "-c", "import reprise.adapters.cli.main"],
        *([REPRISE, "events", "list", "--guild", str(guild)] for guild in guilds.values()),
    ]
    env = _env(dsn, schema)
    for _ in range(CLI_RUNS):
        for timed, argv in zip(variants, argvs, strict=True):
            timed.seconds.append(_spawn(argv, env))
    return variants


async def _repeat(runs: int, call: Callable[[], Awaitable[object]]) -> list[float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        timings.append(time.perf_counter() - started)
    return timings


async def in_process(
    store: PostgresEventStore, dsn: str, schema: str, guilds: dict[str, int]
) -> list[Timed]:
    history = PostgresEventHistory(store.pool, store.schema)
    settings = Settings(database_url=dsn, database_schema=schema)
    timed = []
    for label, guild in guilds.items():
        filters = EventFilter(guild_id=guild)

        async def query(filters: EventFilter = filters) -> object:
            entries = await history.list_events(filters, LIMIT)
            assert entries, "no events for a seeded guild"
            return entries

        async def session(filters: EventFilter = filters) -> object:
            async with opened(settings) as opened_session:
                return await opened_session.history.list_events(filters, LIMIT)

        await query()  # warm the pool's prepared statement
        timed.append(Timed("store opened + query + closed (in process)", label, []))
        timed[-1].seconds.extend(await _repeat(SESSIONS, session))
        timed.append(Timed("PostgresEventHistory.list_events (warm pool)", label, []))
        timed[-1].seconds.extend(await _repeat(QUERIES, query))
    return timed


def import_profile(top: int = 6) -> str:
    """Where importing the CLI spends its time: self time summed per top-level package."""
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [PYTHON, "-X", "importtime", "-c", "import reprise.adapters.cli.main"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        text=True,
    )
    per_package: Counter[str] = Counter()
    for line in done.stderr.splitlines()[1:]:
        fields = line.split("|")
        if len(fields) == 3 and fields[0].split(":")[-1].strip().isdigit():
            per_package[fields[2].strip().split(".")[0]] += int(fields[0].split(":")[-1])
    total = sum(per_package.values()) / 1_000
    parts = ", ".join(f"{name} {us / 1_000:.0f}" for name, us in per_package.most_common(top))
    return f"{total:.0f} ms under -X importtime; by package (ms, self time): {parts}"
