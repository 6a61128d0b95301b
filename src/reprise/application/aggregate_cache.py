"""A bounded cache of aggregates that the core owns, so hot guilds skip the load."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from eventsourcing.domain import Aggregate

if TYPE_CHECKING:
    from uuid import UUID


class AggregateCache:
    """Least-recently-used aggregates by id. Only clean aggregates (as stored) belong here."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._items: OrderedDict[UUID, Aggregate] = OrderedDict()

    def get[A: Aggregate](self, aggregate_id: UUID, kind: type[A]) -> A | None:
        aggregate = self._items.get(aggregate_id)
        if not isinstance(aggregate, kind):
            return None
        self._items.move_to_end(aggregate_id)
        return aggregate

    def put(self, aggregate: Aggregate) -> None:
        if self._capacity <= 0:
            return
        self._items[aggregate.id] = aggregate
        self._items.move_to_end(aggregate.id)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)

    def evict(self, aggregate_id: UUID) -> None:
        self._items.pop(aggregate_id, None)

    def __len__(self) -> int:
        return len(self._items)
