"""Whether RabbitMQ rolled its quorum-queue write-ahead log over during a phase.

Every quorum-queue write goes to one shared WAL file; when it is full (512 MiB by default)
the broker opens the next one and writes the old one out to per-queue segment files, a
burst of work that holds the broker up for a moment. A new `.wal` file name marks it. The
directory is RabbitMQ's own: readable when the benchmark runs beside the broker as root (or
as rabbitmq); elsewhere set `RABBITMQ_QUORUM_DIR`, or the check is skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

_DEFAULT = "/var/lib/rabbitmq/mnesia/*/quorum/*"


def wal_files() -> frozenset[str] | None:
    """The names of the current WAL files, or None when the directory cannot be read."""
    configured = os.environ.get("RABBITMQ_QUORUM_DIR")
    try:
        if configured:
            directories = [Path(configured)]
        else:
            directories = [p for p in Path("/").glob(_DEFAULT.removeprefix("/")) if p.is_dir()]
        names = {f.name for d in directories for f in d.iterdir() if f.suffix == ".wal"}
    except OSError:
        return None
    return frozenset(names) if names else None


def rolled_over(before: frozenset[str] | None, after: frozenset[str] | None) -> bool | None:
    """True when a WAL file appeared between the two looks; None when either failed."""
    if before is None or after is None:
        return None
    return bool(after - before)
