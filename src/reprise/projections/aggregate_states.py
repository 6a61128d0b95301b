"""The state of each aggregate after the events the projector has seen, kept in memory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.domain import Aggregate

from reprise.application.aggregate_cache import AggregateCache
from reprise.application.ports import Stream
from reprise.application.unit_of_work import rebuild

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from reprise.application.ports import EventStore, Notification


class AggregateStates:
    """Evolves cached aggregates with each event; reloads from the store on any gap."""

    def __init__(self, store: EventStore, capacity: int = 50_000) -> None:
        self._store = store
        self._cache = AggregateCache(capacity)

    async def after(self, aggregate_id: UUID, notes: Sequence[Notification]) -> Aggregate | None:
        """The aggregate right after the last event of `notes`, which are in version order."""
        state = self._cache.get(aggregate_id, Aggregate)
        last = notes[-1].event.originator_version
        if state is not None and state.version == last:
            return state
        fresh = [
            n.event for n in notes if state is None or n.event.originator_version > state.version
        ]
        contiguous = fresh and fresh[0].originator_version == (state.version if state else 0) + 1
        if contiguous:
            evolved = state
            for event in fresh:
                evolved = event.mutate(evolved)
            if isinstance(evolved, Aggregate):
                self._cache.put(evolved)
                return evolved
        loaded = await self._load_at(aggregate_id, last)
        if loaded is not None:
            self._cache.put(loaded)
        return loaded

    async def _load_at(self, aggregate_id: UUID, version: int) -> Aggregate | None:
        """The aggregate exactly at `version`: from the snapshot when it is not past it."""
        stream = await self._store.load(aggregate_id)
        if stream.snapshot is None or stream.snapshot.originator_version <= version:
            events = [e for e in stream.events if e.originator_version <= version]
            return rebuild(Stream(stream.snapshot, events), Aggregate)
        replay = await self._store.load_events(aggregate_id, up_to_version=version)
        return rebuild(Stream(None, replay), Aggregate)
