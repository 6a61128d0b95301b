"""One command's view of the aggregates: loads them, remembers what it touched, commits."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from random import Random
from typing import TYPE_CHECKING

from eventsourcing.domain import Aggregate, BaseAggregate, CanMutateAggregate, Snapshot

from reprise.application.aggregate_cache import AggregateCache
from reprise.application.ports import Clock, CommandRecord, Commit, EventStore, Stream
from reprise.application.results import CommandResult
from reprise.domain.entitlements import Entitlements
from reprise.domain.ids import queue_id, subscription_id
from reprise.domain.queue import GuildQueue
from reprise.domain.subscription import Subscription

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from reprise.domain.commands import CommandBase


@dataclass(frozen=True, slots=True)
class Dependencies:
    """What handlers may use; built by the composition root."""

    store: EventStore
    clock: Clock
    rng: Random
    cache: AggregateCache
    snapshot_interval: int = 100


def rebuild[A: Aggregate](stream: Stream, kind: type[A]) -> A | None:
    """Replay a snapshot and the events after it into an aggregate."""
    aggregate: BaseAggregate[UUID] | None = None
    if stream.snapshot is not None:
        aggregate = stream.snapshot.mutate(None)
    for event in stream.events:
        aggregate = event.mutate(aggregate)
    if aggregate is not None and not isinstance(aggregate, kind):
        raise TypeError(f"stream holds a {type(aggregate).__name__}, not a {kind.__name__}")
    return aggregate


class UnitOfWork:
    """Loads aggregates for one command and turns what it changed into one Commit."""

    def __init__(
        self, deps: Dependencies, command: CommandBase, *, after: UUID | None = None
    ) -> None:
        """`after`: the command whose commit, not yet stored, this decision builds on."""
        self._deps = deps
        self._command = command
        self._after = after
        self.now: datetime = deps.clock.now()
        self.rng = deps.rng
        self._touched: dict[UUID, tuple[Aggregate, int]] = {}
        self._read: dict[UUID, int] = {}  # every aggregate loaded, at the version it had

    async def queue(self, guild_id: int) -> GuildQueue:
        queue = await self._load(queue_id(guild_id), GuildQueue)
        return self._touch(queue or GuildQueue.create(guild_id))

    async def subscription(self, guild_id: int) -> Subscription:
        subscription = await self._load(subscription_id(guild_id), Subscription)
        return self._touch(subscription or Subscription.open(guild_id))

    async def entitlements(self, guild_id: int) -> Entitlements:
        subscription = await self._load(subscription_id(guild_id), Subscription)
        return subscription.entitlements_at(self.now) if subscription else Entitlements.free()

    def accepted(self) -> tuple[Commit, CommandResult]:
        events: list[CanMutateAggregate[UUID]] = []
        snapshots: list[Snapshot] = []
        versions: dict[str, int] = {}
        for aggregate, loaded_version in self._touched.values():
            pending = aggregate.collect_events()
            if not pending:
                continue
            events.extend(pending)
            self._deps.cache.put(aggregate)  # the next decision builds on it; evicted if unstored
            versions[str(aggregate.id)] = aggregate.version
            interval = self._deps.snapshot_interval
            if aggregate.version // interval > loaded_version // interval:
                # a copy: the next decision changes the aggregate before this one is stored
                snapshots.append(deepcopy(Snapshot.take(aggregate)))
        result = CommandResult(
            command_id=self._command.command_id,
            accepted=True,
            events=[type(event).__name__ for event in events],
            versions=versions,
        )
        commit = Commit(self._record(), events, snapshots, result, self._read, self._after)
        return commit, result

    def rejected(self, result: CommandResult) -> Commit:
        """The rejection, stored on the condition that what it read has not moved."""
        for aggregate, _ in self._touched.values():
            if aggregate.pending_events:  # changed before the rule refused: not stored
                self._deps.cache.evict(aggregate.id)
        self._touched.clear()
        return Commit(self._record(), [], [], result, self._read, self._after)

    def discard(self) -> None:
        """Forget every touched aggregate: their state may hold changes that were not stored."""
        for aggregate_id in self._touched:
            self._deps.cache.evict(aggregate_id)
        self._touched.clear()

    def _record(self) -> CommandRecord:
        command = self._command
        return CommandRecord(
            command_id=command.command_id,
            command_type=type(command).__name__,
            guild_id=command.guild_id,
            correlation_id=command.correlation_id,
            actor=str(command.actor),
            issued_at=command.issued_at,
            traceparent=command.traceparent,
        )

    async def _load[A: Aggregate](self, aggregate_id: UUID, kind: type[A]) -> A | None:
        aggregate = await self._cached_or_stored(aggregate_id, kind)
        self._read.setdefault(aggregate_id, 0 if aggregate is None else aggregate.version)
        return aggregate

    async def _cached_or_stored[A: Aggregate](self, aggregate_id: UUID, kind: type[A]) -> A | None:
        cache = self._deps.cache
        cached = cache.get(aggregate_id, kind)
        if cached is not None or cache.is_known_absent(aggregate_id):
            return cached
        aggregate = rebuild(await self._deps.store.load(aggregate_id), kind)
        if aggregate is None:
            cache.mark_absent(aggregate_id)
        else:
            cache.put(aggregate)
        return aggregate

    def _touch[A: Aggregate](self, aggregate: A) -> A:
        if aggregate.id not in self._touched:
            loaded_version = aggregate.version - len(aggregate.pending_events)
            self._touched[aggregate.id] = (aggregate, loaded_version)
        return aggregate
