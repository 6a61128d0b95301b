"""One system's phases: warm-up, each offered load, saturation; each measured, then settled.

The machine may be shared: a phase during which work outside the benchmark took more than
`OTHER_LIMIT` % of a core is run again, while the run's budget of repeats lasts.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bench.broker_wal import rolled_over, wal_files
from bench.pipeline_cpu import CpuWatch, db_counters, shares
from bench.pipeline_env import SETTLE_SECONDS
from bench.pipeline_load import System, Tracker, offered_load, saturation
from bench.postgres import database_url

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from bench.pipeline_load import Phase

LOADS = (200, 500, 1_000)
WARM_UP_RATE = 200
OTHER_LIMIT = 25.0
_BROKER_GONE = ("BrokerUnavailable", "ChannelInvalidState", "ConnectionClosed", "AMQPConnection")


@dataclass(frozen=True, slots=True)
class Plan:
    """Seconds of each offered-load phase, of each saturation phase, and of the warm-up."""

    seconds: float
    saturation_seconds: float
    warm_up: float
    window: int = 500
    per_guild: int = 10  # a guild's commands are handled one at a time: more only waits
    post: bool = True  # also Reprise with `post` at saturation, largest guild count
    repeats: int = 4  # phases that may be run again when disturbed

    def window_for(self, guilds: int) -> int:
        return min(self.window, self.per_guild * guilds)


@dataclass
class Repeats:
    """What the run may still repeat, and what it did."""

    left: int
    done: list[str] = field(default_factory=list)


@dataclass
class Runner:
    """Runs the phases of one system at one guild count."""

    system: System
    tracker: Tracker
    guilds: int
    plan: Plan
    repeats: Repeats

    async def all_phases(self) -> list[Phase]:
        await offered_load(self.system, self.tracker, self.guilds, WARM_UP_RATE, self.plan.warm_up)
        await self.system.settle()
        phases = [await self.offered(rate) for rate in LOADS]
        return [*phases, await self.saturated()]

    async def offered(self, rate: float) -> Phase:
        return await self._attempt(
            lambda: offered_load(self.system, self.tracker, self.guilds, rate, self.plan.seconds)
        )

    async def saturated(self) -> Phase:
        window, seconds = self.plan.window_for(self.guilds), self.plan.saturation_seconds
        return await self._attempt(
            lambda: saturation(self.system, self.tracker, self.guilds, window, seconds)
        )

    async def _attempt(self, work: Callable[[], Awaitable[Phase]]) -> Phase:
        phase = await self._measured(work())
        disturbance = disturbed(phase)
        if disturbance and self.repeats.left > 0:
            self.repeats.left -= 1
            self.repeats.done.append(f"{label(phase)} ({disturbance})")
            print(f"{'':>20}({disturbance}: repeating)", flush=True)
            phase = await self._measured(work())
        return phase

    async def _measured(self, work: Awaitable[Phase]) -> Phase:
        """The phase with its CPU and database counters; then let the pipeline empty."""
        children = getattr(self.system, "children", [])
        watch = CpuWatch({"bench process": os.getpid(), **{c.name: c.pid for c in children}})
        counters = await db_counters(database_url())
        before, started, wal = watch.sample(), time.perf_counter(), wal_files()
        phase = await work
        phase.cpu = shares(before, watch.sample(), time.perf_counter() - started)
        phase.broker_wal_rolled = rolled_over(wal, wal_files())
        after = await db_counters(database_url())
        phase.commits, phase.fsyncs = (
            after.commits - counters.commits,
            after.fsyncs - counters.fsyncs,
        )
        phase.checkpointed = after.checkpoints > counters.checkpoints
        progress(phase)
        started = time.perf_counter()
        if not await self.system.settle():
            phase.problems[f"pipeline still busy {SETTLE_SECONDS:.0f} s after the phase"] += 1
        phase.settle_seconds = time.perf_counter() - started
        return phase


def disturbed(phase: Phase) -> str:
    """Why the phase measured the machine's other users more than the pipeline, if it did."""
    other = phase.cpu.get("other", 0.0)
    if other > OTHER_LIMIT:
        return f"{other:.0f}% other CPU"
    if any(gone in problem for problem in phase.problems for gone in _BROKER_GONE):
        return "the broker went away"
    return ""


def label(phase: Phase) -> str:
    load = f"{phase.offered:,.0f}/s" if phase.offered else "saturation"
    return f"{phase.system} {phase.guilds:,} guilds {load}"


def progress(phase: Phase) -> None:
    print(
        f"  {label(phase):>38}: {phase.achieved:7,.0f}/s p50 {phase.p(0.5):7.1f} "
        f"p99 {phase.p(0.99):7.1f} max {phase.p(1.0):7.1f} ms, {phase.errors} errors, "
        f"other CPU {phase.cpu.get('other', 0.0):.0f}%"
        + (", RabbitMQ's WAL rolled over" if phase.broker_wal_rolled else "")
        + (", PostgreSQL checkpointed" if phase.checkpointed else ""),
        flush=True,
    )
