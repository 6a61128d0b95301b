"""Thousands of guilds living at once: commands interleaved across guilds, as the core sees them.

Every command picks a guild (a few busy ones, a long tail of quiet ones), acts on its
GuildQueue (or Subscription) through the domain, and becomes one command's worth of what
`UnitOfWork.accepted` stores: its events, a snapshot when the aggregate's version crosses a
multiple of the snapshot interval, and its command record. Refused actions (domain errors) add
no event and are dropped. Queues stay short (at most 40 upcoming entries); tracks come from a
catalogue of popular songs, so the same track is queued by many guilds.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from random import Random
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, CanMutateAggregate, Snapshot

from bench.queues import ACTOR, PREMIUM, SNAPSHOT_INTERVAL, track
from reprise.application.ports import CommandRecord
from reprise.domain.errors import DomainError
from reprise.domain.queue import GuildQueue
from reprise.domain.subscription import Subscription
from reprise.domain.values import Cause, CauseKind, FilterPreset, LoopMode, QueuePlacement

if TYPE_CHECKING:
    from collections.abc import Callable

    from eventsourcing.persistence import Mapper, StoredEvent

GUILD_BASE = 800_000_000_000_000_000  # snowflake-sized guild ids
MAX_UPCOMING = 40
CATALOGUE = [track(f"Hit {n}", 120_000 + 37 * n % 240_000) for n in range(2_000)]


@dataclass(frozen=True, slots=True)
class Command:
    """What one accepted command stores in the events and commands tables."""

    record: CommandRecord
    events: list[CanMutateAggregate[UUID]]
    aggregate_id: UUID
    version: int


class Guild:
    """One guild's aggregates and the versions already stored (for the snapshot rule)."""

    def __init__(self, guild_id: int, rng: Random, mapper: Mapper[UUID]) -> None:
        self.guild_id = guild_id
        self.rng = rng
        self.mapper = mapper
        self.queue = GuildQueue.create(guild_id)
        self.subscription: Subscription | None = None
        self.stored: dict[UUID, int] = {}
        # The latest snapshot of each aggregate, encoded when taken (as the commit would be):
        # a snapshot shares the aggregate's lists, so it must not outlive the next command.
        self.snapshots: dict[UUID, StoredEvent] = {}
        self.actors = [f"user:{rng.randrange(10**17, 10**18)}" for _ in range(3)]
        self.events = 0

    def commit(self, aggregate: Aggregate, command_type: str) -> Command | None:
        events: list[CanMutateAggregate[UUID]] = list(aggregate.collect_events())
        if not events:
            return None
        loaded = self.stored.get(aggregate.id, 0)
        if aggregate.version // SNAPSHOT_INTERVAL > loaded // SNAPSHOT_INTERVAL:
            snapshot = self.mapper.to_stored_event(Snapshot.take(aggregate))
            self.snapshots[aggregate.id] = snapshot
        self.stored[aggregate.id] = aggregate.version
        self.events += len(events)
        actor = "stripe:evt" if command_type == "Stripe" else self.rng.choice(self.actors)
        record = CommandRecord(
            uuid4(), command_type, self.guild_id, uuid4(), actor, datetime.now(UTC)
        )
        return Command(record, events, aggregate.id, aggregate.version)


def _enqueue(guild: Guild) -> None:
    queue, rng = guild.queue, guild.rng
    if len(queue.upcoming) >= MAX_UPCOMING:
        return
    if queue.current is None and not queue.upcoming:
        count = rng.randint(10, 30)  # a session starts with a playlist
    elif rng.random() < 0.05:
        count = rng.randint(10, 25)
    else:
        count = rng.choice((1, 1, 1, 2, 3))
    count = min(count, MAX_UPCOMING - len(queue.upcoming))
    queue.enqueue(
        rng.sample(CATALOGUE, count),
        requested_by=str(ACTOR),
        requested_at=datetime.now(UTC),
        placement=QueuePlacement.END,
        limits=PREMIUM,
        rng=rng,
    )


def _finish(guild: Guild) -> None:
    if guild.queue.current is not None:
        guild.queue.advance(guild.queue.current.entry_id)


def _pause_or_resume(guild: Guild) -> None:
    queue = guild.queue
    if queue.paused:
        queue.resume()
    else:
        queue.pause()


def _seek(guild: Guild) -> None:
    if guild.queue.current is not None:
        guild.queue.seek(guild.rng.randrange(guild.queue.current.track.length_ms))


def _move(guild: Guild) -> None:
    upcoming = guild.queue.upcoming
    if upcoming:
        guild.queue.move(guild.rng.choice(upcoming).entry_id, guild.rng.randrange(len(upcoming)))


def _remove(guild: Guild) -> None:
    if guild.queue.upcoming:
        guild.queue.remove(guild.rng.choice(guild.queue.upcoming).entry_id)


def _subscription(guild: Guild) -> Subscription:
    """Open a trial, then activate, renew or fail a payment: Stripe's side of a guild."""
    now, cause = datetime.now(UTC), Cause(CauseKind.STRIPE, f"evt_{guild.rng.randrange(10**9)}")
    subscription = guild.subscription
    if subscription is None:
        subscription = guild.subscription = Subscription.open(guild.guild_id)
        subscription.start_trial(now, cause)
        return subscription
    end = (subscription.current_period_end or now) + timedelta(days=30)
    with suppress(DomainError):
        match guild.rng.randrange(3):
            case 0:
                subscription.activate(end, cause, "cus_1", "sub_1")
            case 1:
                subscription.renew(end, cause)
            case _:
                subscription.record_payment_failure(now, cause)
    return subscription


_QUEUE_STEPS: list[tuple[str, Callable[[Guild], None], int]] = [
    ("AdvanceTrack", _finish, 30),
    ("EnqueueTracks", _enqueue, 20),
    ("Skip", lambda g: g.queue.skip(), 10),
    ("Pause", _pause_or_resume, 8),
    ("SetVolume", lambda g: g.queue.set_volume(g.rng.randint(10, 150), PREMIUM), 6),
    ("Seek", _seek, 6),
    ("MoveEntry", _move, 3),
    ("RemoveEntry", _remove, 3),
    ("Previous", lambda g: g.queue.previous(), 2),
    ("SetLoopMode", lambda g: g.queue.set_loop_mode(g.rng.choice(list(LoopMode))), 2),
    ("JoinVoice", lambda g: g.queue.join_voice(g.rng.randrange(10**17, 10**18)), 2),
    ("SetFilters", lambda g: g.queue.set_filters(g.rng.choice(list(FilterPreset)), PREMIUM), 1),
    ("Shuffle", lambda g: g.queue.shuffle(g.rng), 1),
    ("Stop", lambda g: g.queue.stop(), 1),
]
_SUBSCRIPTION_WEIGHT = 1
_CUM_WEIGHTS = list(accumulate([w for _, _, w in _QUEUE_STEPS] + [_SUBSCRIPTION_WEIGHT]))


def step(guild: Guild) -> Command | None:
    """One command on the guild: what it stores, or None when it was refused."""
    rng = guild.rng
    queue = guild.queue
    if queue.current is None and not queue.upcoming and rng.random() < 0.8:
        choice = 1
    else:
        choice = rng.choices(range(len(_CUM_WEIGHTS)), cum_weights=_CUM_WEIGHTS)[0]
    if choice == len(_QUEUE_STEPS):
        return guild.commit(_subscription(guild), "Stripe")
    name, action, _ = _QUEUE_STEPS[choice]
    with suppress(DomainError):
        action(guild)
    return guild.commit(queue, name)


class Population:
    """The guilds, with activity skewed like a real bot's: a few busy, most of them quiet."""

    def __init__(self, guilds: int, seed: int, mapper: Mapper[UUID]) -> None:
        self.rng = Random(seed)
        self.guilds = [
            Guild(GUILD_BASE + n, Random(seed * 1_000_003 + n), mapper) for n in range(guilds)
        ]
        weights = [self.rng.paretovariate(1.2) for _ in range(guilds)]
        self._cum = list(accumulate(weights))
        self.commands = 0

    def commands_for(self, events: int) -> list[Command]:
        """Commands from random guilds until at least `events` events were produced."""
        produced: list[Command] = []
        total = 0
        while total < events:
            for guild in self.rng.choices(self.guilds, cum_weights=self._cum, k=1_000):
                command = step(guild)
                if command is not None:
                    produced.append(command)
                    total += len(command.events)
                    if total >= events:
                        break
        self.commands += len(produced)
        return produced

    def by_activity(self) -> list[Guild]:
        """Busiest first."""
        return sorted(self.guilds, key=lambda g: g.events, reverse=True)
