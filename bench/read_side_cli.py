"""`reprise events list --guild G` over the seeded store: the real process, and its parts.

The CLI runs as a child process (`.venv/bin/reprise`, DATABASE_URL and DATABASE_SCHEMA set,
everything else default, stdout a pipe) and is timed from spawn to exit. Its floors are timed
the same way: a bare interpreter, importing the CLI's libraries, and the same command written
with those libraries and nothing of Reprise (`bench.read_side_bare_cli`). Its parts are timed
in this process: opening the store as the CLI does (`store_session.opened`: one connection,
the migrations check) with the query and close, and the query alone
(`PostgresEventHistory.list_events`, warm pool), 50 newest events as the CLI asks.

Reprise's modules are byte-compiled first, as an installed wheel's are: where
PYTHONDONTWRITEBYTECODE is set (this machine sets it), every process would otherwise compile
them from source.
"""

from __future__ import annotations

import compileall
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
BARE_CLI = "the same command on the same libraries, no Reprise (bench.read_side_bare_cli)"


def _events_list(guild: int) -> list[str]:
    return [REPRISE, "events", "list", "--guild", str(guild)]


def processes(dsn: str, schema: str, guilds: dict[str, int]) -> list[Timed]:
    """Rounds of every child process in turn, so that each sees the same machine load."""
    compileall.compile_dir(ROOT / "src" / "reprise", quiet=1)
    busiest = next(iter(guilds.values()))
    variants = [
        Timed("python -c pass (interpreter start)", "—", []),
        Timed(f"python -c '{STACK_FLOOR}' (the CLI stack's import floor)", "—", []),
        Timed(BARE_CLI, next(iter(guilds)), []),
        Timed("python -c 'import reprise.adapters.cli.main'", "—", []),
        *(Timed("reprise events list --guild G", label, []) for label in guilds),
    ]
    argvs = [
        [PYTHON, "-c", "pass"],
        [PYTHON, "-c", STACK_FLOOR],
        [PYTHON, "-m", "bench.read_side_bare_cli", "--guild", str(busiest)],
        [PYTHON, "-c", "import reprise.adapters.cli.main"],
        *(_events_list(guild) for guild in guilds.values()),
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


def import_profile(dsn: str, schema: str, guild: int, top: int = 6) -> str:
    """What `reprise events list` imports: self time summed per top-level package."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and CLI
        [PYTHON, "-X", "importtime", *_events_list(guild)],
        env=_env(dsn, schema),
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
