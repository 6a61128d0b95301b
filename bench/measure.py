"""Driving N concurrent workers for a budget of events or seconds, and what they measured.

Every worker loops on one operation (one event each here) until the shared budget is spent;
the latency of each operation is recorded, and the rate is events over the wall time of the
whole run, from the first operation started to the last one finished.
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence


@dataclass(frozen=True, slots=True)
class Budget:
    """Stop when either is reached."""

    max_events: int
    max_seconds: float


WARM_UP = Budget(max_events=2_000, max_seconds=2.0)


@dataclass
class Measurement:
    """The events done, the wall time, and one latency per operation (seconds)."""

    name: str
    events: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def p(self, fraction: float) -> float:
        """The latency at `fraction` (0..1), in milliseconds."""
        return percentile(self.latencies, fraction) * 1_000


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class _Tally:
    """The shared budget; safe for threads as well as tasks."""

    def __init__(self, budget: Budget) -> None:
        self._budget = budget
        self._lock = threading.Lock()
        self.events = 0
        self.started = time.perf_counter()
        self.deadline = self.started + budget.max_seconds

    def spent(self) -> bool:
        return self.events >= self._budget.max_events or time.perf_counter() >= self.deadline

    def add(self, events: int) -> None:
        with self._lock:
            self.events += events


async def drive_tasks(
    name: str, workers: int, op: Callable[[int], Awaitable[int]], budget: Budget
) -> Measurement:
    """`workers` asyncio tasks, each calling `op(worker)` until the budget is spent."""
    tally = _Tally(budget)
    latencies: list[float] = []

    async def worker(index: int) -> None:
        while not tally.spent():
            started = time.perf_counter()
            events = await op(index)
            latencies.append(time.perf_counter() - started)
            tally.add(events)

    await asyncio.gather(*(worker(index) for index in range(workers)))
    return Measurement(name, tally.events, time.perf_counter() - tally.started, latencies)


def drive_threads(name: str, workers: int, op: Callable[[int], int], budget: Budget) -> Measurement:
    """`workers` threads, each calling `op(worker)` until the budget is spent."""
    tally = _Tally(budget)
    latencies: list[float] = []

    def worker(index: int) -> None:
        while not tally.spent():
            started = time.perf_counter()
            events = op(index)
            latencies.append(time.perf_counter() - started)
            tally.add(events)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done in [pool.submit(worker, index) for index in range(workers)]:
            done.result()
    return Measurement(name, tally.events, time.perf_counter() - tally.started, latencies)
