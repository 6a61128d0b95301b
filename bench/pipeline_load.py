"""Offered load (open loop) and saturation (closed loop) through a pipeline, end to end.

A command counts as done when the read model has written its event to Redis; its latency is
that moment minus the moment it was due to be sent (open loop: its slot in the schedule, so
a generator that falls behind cannot hide latency; closed loop: when the window admitted it).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import asyncpg
import redis.asyncio as aioredis
from aio_pika.abc import AbstractChannel

from bench.measure import percentile
from bench.pipeline_env import ready_messages, settle

if TYPE_CHECKING:
    from collections.abc import Sequence

DRAIN_SECONDS = 10.0
_MAX_COMMANDS = 1_000_000


class System(Protocol):
    """A running pipeline that can send the next command of a guild."""

    name: str

    async def send(self, guild: int, due: float) -> None: ...

    async def settle(self) -> bool:
        """Wait until the pipeline is empty; False if it did not empty in time."""
        ...


@dataclass
class Phase:
    """What one phase measured; latencies in seconds."""

    system: str
    guilds: int
    offered: float | None  # None: saturation
    window: int = 0
    sent: int = 0
    completed: int = 0
    first: float = 0.0
    last: float = 0.0
    latencies: list[float] = field(default_factory=list)
    replies: list[float] = field(default_factory=list)
    problems: Counter[str] = field(default_factory=Counter)
    cpu: dict[str, float] = field(default_factory=dict)
    settle_seconds: float = 0.0
    commits: int = 0  # transactions in the database during the phase (all of its users)
    fsyncs: int = 0  # WAL fsyncs of the server during the phase
    broker_wal_rolled: bool | None = None  # None: not checked (bench/broker_wal.py)
    checkpointed: bool = False  # PostgreSQL began a checkpoint during the phase

    @property
    def errors(self) -> int:
        return sum(self.problems.values())

    @property
    def achieved(self) -> float:
        span = self.last - self.first
        return self.completed / span if span > 0 else 0.0

    def p(self, fraction: float, *, replies: bool = False) -> float:
        """A percentile in milliseconds."""
        return percentile(self.replies if replies else self.latencies, fraction) * 1_000


class Tracker:
    """Commands in flight by key; the system reports replies, the read model completions."""

    def __init__(self) -> None:
        self._due: dict[str, float] = {}
        self._phase = Phase("idle", 0, None)
        self._window: asyncio.Semaphore | None = None
        self._empty = asyncio.Event()
        self._empty.set()

    def begin(self, phase: Phase, window: asyncio.Semaphore | None = None) -> Phase:
        self._phase, self._window = phase, window
        phase.first = time.perf_counter()
        return phase

    @property
    def idle(self) -> bool:
        return not self._due

    def expect(self, key: str, due: float) -> None:
        self._due[key] = due
        self._phase.sent += 1
        self._empty.clear()

    def replied(self, due: float) -> None:
        self._phase.replies.append(time.perf_counter() - due)

    def completed(self, key: str) -> None:
        due = self._due.pop(key, None)
        if due is None:
            return  # a later event of a seeding command, or one already given up on
        now = time.perf_counter()
        self._phase.latencies.append(now - due)
        self._phase.completed += 1
        self._phase.last = now
        self._settle()

    def failed(self, key: str, problem: str) -> None:
        if self._due.pop(key, None) is not None:
            self._phase.problems[problem] += 1
            self._settle()

    async def drain(self, seconds: float = DRAIN_SECONDS) -> None:
        """Wait for every command in flight; those still missing after `seconds` are errors."""
        try:
            await asyncio.wait_for(self._empty.wait(), seconds)
        except TimeoutError:
            missing = len(self._due)
            self._due.clear()
            self._phase.problems[f"not in the read model after {seconds:.0f} s"] += missing
            self._empty.set()

    def _settle(self) -> None:
        if self._window is not None:
            self._window.release()
        if not self._due:
            self._empty.set()


def _spawn(tasks: set[asyncio.Task[None]], system: System, guild: int, due: float) -> None:
    task = asyncio.get_running_loop().create_task(system.send(guild, due))
    tasks.add(task)
    task.add_done_callback(tasks.discard)


async def offered_load(
    system: System, tracker: Tracker, guilds: int, rate: float, seconds: float
) -> Phase:
    """Send `rate` commands/s for `seconds`, round robin over the guilds, whatever comes back."""
    phase = tracker.begin(Phase(system.name, guilds, rate))
    tasks: set[asyncio.Task[None]] = set()
    start = time.perf_counter()
    for index in range(min(int(rate * seconds), _MAX_COMMANDS)):
        due = start + index / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        _spawn(tasks, system, index % guilds + 1, due)
    await tracker.drain()
    await asyncio.gather(*tasks)
    return phase


async def saturation(
    system: System, tracker: Tracker, guilds: int, window: int, seconds: float
) -> Phase:
    """Keep `window` commands between send and read model for `seconds`."""
    slots = asyncio.Semaphore(window)
    phase = tracker.begin(Phase(system.name, guilds, None, window), slots)
    tasks: set[asyncio.Task[None]] = set()
    deadline = time.perf_counter() + seconds
    for index in range(_MAX_COMMANDS):
        await slots.acquire()
        now = time.perf_counter()
        if now >= deadline:
            break
        _spawn(tasks, system, index % guilds + 1, now)
    await tracker.drain()
    await asyncio.gather(*tasks)
    return phase


@dataclass
class ReadModel:
    """The end of the pipeline: one HSET per event, then its command is done."""

    client: aioredis.Redis
    prefix: str
    tracker: Tracker
    position: int = 0

    async def write(self, guild_id: int, position: int, key: str) -> None:
        await self.client.hset(f"{self.prefix}guild:{guild_id}", "last_position", str(position))
        self.position = max(self.position, position)
        self.tracker.completed(key)

    async def write_many(self, writes: Sequence[tuple[int, int, str]]) -> None:
        """The same HSETs, for a batch of events, in one round trip (a pipeline)."""
        async with self.client.pipeline(transaction=False) as pipe:
            for guild_id, position, _ in writes:
                pipe.hset(f"{self.prefix}guild:{guild_id}", "last_position", str(position))
            await pipe.execute()
        self.position = max(self.position, *(position for _, position, _ in writes))
        for _, _, key in writes:
            self.tracker.completed(key)


@dataclass
class Probe:
    """Whether the pipeline is empty: nothing in flight, queued, or stored but not read.

    Queues report only messages not yet delivered, so commands a consumer has prefetched
    are seen through the store instead: its last position must also have stopped moving.
    """

    channel: AbstractChannel
    queues: list[str]
    pool: asyncpg.Pool
    last_stored_sql: str
    read_model: ReadModel
    _stored: int = -1

    async def quiet(self) -> bool:
        stored = int(await self.pool.fetchval(self.last_stored_sql) or 0)
        moved, self._stored = stored != self._stored, stored
        if moved or not self.read_model.tracker.idle:
            return False
        waiting = await ready_messages(self.channel, self.queues)
        return waiting == 0 and self.read_model.position >= stored

    async def settle(self) -> bool:
        return await settle(self.quiet)
