"""Long GuildQueue streams written fast: a realistic mix of events, snapshots as the core takes.

A guild's life is simulated on the aggregate itself (enqueues, tracks finishing, skips, volume,
pause/resume, seeks, moves, removals, loop mode, previous), keeping its queue at a realistic
size (between 100 and 300 upcoming entries). Events are appended in commits of at most 100
events; a commit gets `Snapshot.take(queue)` exactly when `UnitOfWork.accepted` would take one:
when the queue's version crosses a multiple of the snapshot interval.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from random import Random
from typing import TYPE_CHECKING

from bench.queues import PREMIUM, SNAPSHOT_INTERVAL, commit_of, enqueue
from reprise.application.ports import Appended
from reprise.domain.errors import DomainError
from reprise.domain.queue import GuildQueue
from reprise.domain.values import LoopMode

if TYPE_CHECKING:
    from collections.abc import Callable

    from reprise.adapters.postgres.event_store import PostgresEventStore

MIN_UPCOMING = 100
MAX_UPCOMING = 300


@dataclass(frozen=True, slots=True)
class BuiltStream:
    """The queue as written (its final state), and where its latest snapshot is."""

    queue: GuildQueue
    events: int
    snapshot_version: int

    @property
    def tail(self) -> int:
        return self.events - self.snapshot_version


async def build_stream(
    store: PostgresEventStore, guild_id: int, events: int, seed: int = 7
) -> BuiltStream:
    """Append a stream of at least `events` events for `guild_id`'s queue."""
    rng = Random(seed)
    queue = GuildQueue.create(guild_id)
    stored, snapshot_version = 0, 0
    while queue.version < events:
        before = queue.version
        _life_step(queue, rng)
        crossed = queue.version // SNAPSHOT_INTERVAL > before // SNAPSHOT_INTERVAL
        if crossed or queue.version >= events:
            outcome = await store.append(commit_of(queue, "Simulated", stored))
            assert isinstance(outcome, Appended)
            stored = queue.version
            snapshot_version = stored if crossed else snapshot_version
    return BuiltStream(queue, queue.version, snapshot_version)


def _life_step(queue: GuildQueue, rng: Random) -> None:
    """One thing happening to the queue; refused actions (domain errors) add no event."""
    if len(queue.upcoming) < MIN_UPCOMING:
        _enqueue(queue, rng, 50)
        return
    step = rng.choices(_STEPS, weights=_WEIGHTS)[0]
    with suppress(DomainError):
        step(queue, rng)


def _enqueue(queue: GuildQueue, rng: Random, count: int) -> None:
    first = queue.version
    enqueue(queue, [f"Track {first}.{n}" for n in range(count)], rng)


def _finish(queue: GuildQueue, _: Random) -> None:
    if queue.current is not None:
        queue.advance(queue.current.entry_id)


def _seek(queue: GuildQueue, rng: Random) -> None:
    if queue.current is not None:
        queue.seek(rng.randrange(queue.current.track.length_ms))


def _move(queue: GuildQueue, rng: Random) -> None:
    entry = rng.choice(queue.upcoming)
    queue.move(entry.entry_id, rng.randrange(len(queue.upcoming)))


def _pause_or_resume(queue: GuildQueue, _: Random) -> None:
    if queue.paused:
        queue.resume()
    else:
        queue.pause()


def _remove(queue: GuildQueue, rng: Random) -> None:
    queue.remove(rng.choice(queue.upcoming).entry_id)


def _add_some(queue: GuildQueue, rng: Random) -> None:
    if len(queue.upcoming) < MAX_UPCOMING - 5:
        _enqueue(queue, rng, rng.randint(1, 5))


_STEP_WEIGHTS: list[tuple[Callable[[GuildQueue, Random], None], int]] = [
    (_finish, 30),
    (lambda queue, _: queue.skip(), 15),
    (_pause_or_resume, 12),
    (lambda queue, rng: queue.set_volume(rng.randint(10, 150), PREMIUM), 10),
    (_add_some, 10),
    (_seek, 8),
    (_move, 6),
    (_remove, 5),
    (lambda queue, _: queue.previous(), 3),
    (lambda queue, rng: queue.set_loop_mode(rng.choice(list(LoopMode))), 2),
    (lambda queue, rng: queue.shuffle(rng), 1),
]
_STEPS = [step for step, _ in _STEP_WEIGHTS]
_WEIGHTS = [weight for _, weight in _STEP_WEIGHTS]
