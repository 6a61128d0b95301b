"""What a `reprise` process loads: each command pays for what it runs and no more (ADR 0012)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

# Runs the console script's `main` with the given arguments, then prints the loaded modules.
RUN_AND_LIST = """\
import json, sys
from reprise.adapters.cli.main import main
sys.argv = ["reprise", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""
BROKER_AND_DISCORD = {"aio_pika", "redis", "nextcord", "mafic", "aiohttp", "fastapi"}
CORE_AND_READ_MODELS = {
    "reprise.application.handlers",
    "reprise.application.message_bus",
    "reprise.domain.commands",
    "reprise.projections.projector",
    "reprise.projections.registry",
}


def _loaded_by(*args: str, cwd: Path) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "AMQP_URL"}}
    env["SQLITE_PATH"] = str(cwd / "events.sqlite3")
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", RUN_AND_LIST, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
        check=True,
    )
    return set(json.loads(done.stderr.splitlines()[-1]))


def test_listing_the_commands_loads_no_store_domain_or_broker(tmp_path: Path) -> None:
    loaded = _loaded_by("--help", cwd=tmp_path)
    heavy = {"asyncpg", "aiosqlite", "eventsourcing", "reprise.adapters.bootstrap"}
    assert loaded & (heavy | BROKER_AND_DISCORD | CORE_AND_READ_MODELS) == set()


def test_events_list_loads_the_store_but_not_the_core_read_models_or_broker(
    tmp_path: Path,
) -> None:
    loaded = _loaded_by("events", "list", "--guild", "1", cwd=tmp_path)
    assert {"reprise.adapters.sqlite.history", "reprise.domain.queue_events"} <= loaded
    assert loaded & (BROKER_AND_DISCORD | CORE_AND_READ_MODELS) == set()
