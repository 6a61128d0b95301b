"""A bounded cache of aggregates that the core owns, so hot guilds skip the load."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from eventsourcing.domain import Aggregate

if TYPE_CHECKING:
    from uuid import UUID


class AggregateCache:
    """Least-recently-used aggregates by id. Only clean aggregates (as stored) belong here.

    It also remembers ids known to have no events yet (a guild without a subscription), so
    reading a missing aggregate does not cost a store round trip on every command.
    """

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._items: OrderedDict[UUID, Aggregate | None] = OrderedDict()

    def get[A: Aggregate](self, aggregate_id: UUID, kind: type[A]) -> A | None:
        aggregate = self._items.get(aggregate_id)
        if not isinstance(aggregate, kind):
            return None
        self._items.move_to_end(aggregate_id)
        return aggregate

    def is_known_absent(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self._items and self._items[aggregate_id] is None

    def put(self, aggregate: Aggregate) -> None:
        self._remember(aggregate.id, aggregate)

    def mark_absent(self, aggregate_id: UUID) -> None:
        self._remember(aggregate_id, None)

    def _remember(self, aggregate_id: UUID, aggregate: Aggregate | None) -> None:
        if self._capacity <= 0:
            return
        self._items[aggregate_id] = aggregate
        self._items.move_to_end(aggregate_id)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)

    def evict(self, aggregate_id: UUID) -> None:
        self._items.pop(aggregate_id, None)

    def __len__(self) -> int:
        return len(self._items)
