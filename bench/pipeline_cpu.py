"""Where the CPU went during a phase: per process group, from /proc, as % of one core."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import asyncpg

_TICKS = os.sysconf("SC_CLK_TCK")
_SERVICES = {"beam.smp": "rabbitmq", "postgres": "postgres", "redis-server": "redis"}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (0 if it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _machine_busy() -> float:
    """Busy CPU seconds of the whole machine (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / _TICKS


def _service_pids() -> dict[int, str]:
    pids: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if comm in _SERVICES:
            pids[int(entry.name)] = _SERVICES[comm]
    return pids


@dataclass
class CpuSample:
    """CPU seconds per process (with its group) at one moment."""

    processes: dict[int, tuple[str, float]] = field(default_factory=dict)
    machine: float = 0.0


@dataclass
class CpuWatch:
    """Samples named processes (the run's children, this process) and the services."""

    own: Mapping[str, int]

    def sample(self) -> CpuSample:
        sample = CpuSample(machine=_machine_busy())
        members = {**_service_pids(), **{pid: name for name, pid in self.own.items()}}
        for pid, group in members.items():
            sample.processes[pid] = (group, _cpu_seconds(pid))
        return sample


def shares(before: CpuSample, after: CpuSample, seconds: float) -> dict[str, float]:
    """% of one core per group over the interval; `other` is the rest of the machine."""
    result: dict[str, float] = {}
    for pid, (group, spent) in after.processes.items():
        earlier = before.processes.get(pid, (group, 0.0))[1]  # new processes: all of theirs
        result[group] = result.get(group, 0.0) + max(0.0, spent - earlier) / seconds * 100
    machine = (after.machine - before.machine) / seconds * 100
    result["other"] = max(0.0, machine - sum(result.values()))
    result["machine"] = machine
    return result


def describe(share: Mapping[str, float]) -> str:
    """`rabbitmq 70%, postgres 40%, ... of 200%` (cores x 100)."""
    cores = os.cpu_count() or 1
    parts = sorted(((v, k) for k, v in share.items() if k != "machine"), reverse=True)
    listed = ", ".join(f"{name} {value:.0f}%" for value, name in parts)
    return f"{listed}; machine busy {share.get('machine', 0):.0f}% of {cores * 100}%"


async def machine_busy(seconds: float = 2.0) -> float:
    """% of one core the whole machine spent over the next `seconds` (before a run)."""
    before = _machine_busy()
    await asyncio.sleep(seconds)
    return (_machine_busy() - before) / seconds * 100


_DB_COUNTERS = (
    "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()), "
    "(SELECT wal_sync FROM pg_stat_wal), "
    "(SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter)"
)


class DbCounters(NamedTuple):
    """The database server's counters so far: subtract two to get an interval's."""

    commits: int  # transactions committed in this database
    fsyncs: int  # WAL fsyncs of the server
    checkpoints: int  # checkpoints begun (timed and requested)


async def db_counters(dsn: str) -> DbCounters:
    connection = await asyncpg.connect(dsn)
    try:
        row = await connection.fetchrow(_DB_COUNTERS)
    finally:
        await connection.close()
    assert row is not None
    return DbCounters(int(row[0]), int(row[1]), int(row[2]))
