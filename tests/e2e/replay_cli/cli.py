"""Running the real `reprise` console script, one at a time or many at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

REPRISE = str(Path(sys.executable).parent / "reprise")
# Variables of the developer's (or CI's) shell that would point the command elsewhere.
SCRUBBED = frozenset(
    {
        "DATABASE_URL",
        "DATABASE_SCHEMA",
        "SQLITE_PATH",
        "AMQP_URL",
        "REDIS_URL",
        "REDIS_PREFIX",
        "PARTITIONS",
        "MIGRATE_ON_START",
        "SNAPSHOT_INTERVAL",
    }
)
Args = tuple[str, ...]


@dataclass(frozen=True)
class Ran:
    """One finished `reprise` run."""

    args: Args
    code: int
    stdout: str
    stderr: str

    def json_lines(self) -> list[dict[str, Any]]:
        """Every stdout line parsed as JSON, as `jq` would read it."""
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    def explain(self) -> str:
        return (
            f"reprise {' '.join(self.args)} -> exit {self.code}\n"
            f"--- stdout:\n{self.stdout}\n--- stderr:\n{self.stderr}"
        )


def environment(settings: Mapping[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env.update({"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", **settings})
    return env


def reprise(
    *args: str, env: Mapping[str, str], cwd: Path, stdin: str = "", timeout: float = 60
) -> Ran:
    """`reprise ARGS` with only `env`'s settings (no stray `.env`: it runs in `cwd`)."""
    done = subprocess.run(  # noqa: S603 - our own console script, arguments from the test
        [REPRISE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment(env),
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    return Ran(tuple(args), done.returncode, done.stdout, done.stderr)


def reprise_all(
    invocations: Iterable[Args], *, env: Mapping[str, str], cwd: Path, workers: int = 4
) -> dict[Args, Ran]:
    """Run independent read-only invocations side by side (each is mostly interpreter start)."""
    unique = list(dict.fromkeys(invocations))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        runs = pool.map(lambda args: reprise(*args, env=env, cwd=cwd), unique)
        return {ran.args: ran for ran in runs}
