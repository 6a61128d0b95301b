"""Replaying streams for people: state at a moment, what changed between two, a full check."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import Aggregate, BaseAggregate, CanMutateAggregate

from reprise.application.ports import EventStore, Stream
from reprise.application.unit_of_work import rebuild

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import datetime

    from reprise.application.history import EventHistory

Event = CanMutateAggregate[UUID]


class NothingToReplay(Exception):
    """No events match: an unknown guild or aggregate, or a moment before its first event."""


def replay(events: Sequence[Event]) -> Aggregate | None:
    return rebuild(Stream(None, events), Aggregate)


async def state_at(
    store: EventStore, aggregate_id: UUID, *, version: int | None = None, at: datetime | None = None
) -> tuple[Aggregate, list[Event]]:
    """The aggregate after `version` (or as of `at`), and the events that built it."""
    events = list(await store.load_events(aggregate_id, up_to_version=version))
    if at is not None:
        events = [event for event in events if event.timestamp <= at]
    state = replay(events)
    if state is None:
        raise NothingToReplay(f"no events for {aggregate_id} at that moment")
    return state, events


@dataclass(frozen=True)
class Change:
    event: Event
    before: Aggregate | None
    after: Aggregate


async def changes_between(
    store: EventStore, aggregate_id: UUID, start: int, end: int
) -> list[Change]:
    """Each event after version `start` up to `end`, with the state before and after it."""
    if end < start:
        raise NothingToReplay(f"{start}..{end} is an empty range")
    events = list(await store.load_events(aggregate_id, up_to_version=end))
    if not events or events[-1].originator_version < end:
        raise NothingToReplay(f"{aggregate_id} has no version {end}")
    state: BaseAggregate[UUID] | None = None
    found = []
    for event in events:
        before = _copy(state)
        state = event.mutate(state)
        if event.originator_version > start and isinstance(state, Aggregate):
            found.append(Change(event, before, copy.deepcopy(state)))
    return found


def _copy(state: BaseAggregate[UUID] | None) -> Aggregate | None:
    if not isinstance(state, Aggregate):
        return None
    copied = object.__new__(type(state))
    copied.__dict__.update(
        {k: (list(v) if isinstance(v, list) else v) for k, v in vars(state).items()}
    )
    return copied


@dataclass
class CheckReport:
    aggregates: int = 0
    events: int = 0
    problems: dict[UUID, list[str]] = field(default_factory=dict)


async def check_everything(
    store: EventStore, history: EventHistory, progress: Callable[[int], None] | None = None
) -> CheckReport:
    """Load every stream fully and through its snapshot; both must agree and be valid."""
    report = CheckReport()
    for aggregate_id in await history.aggregate_ids():
        problems = await _check_one(store, aggregate_id, report)
        if problems:
            report.problems[aggregate_id] = problems
        report.aggregates += 1
        if progress is not None:
            progress(report.aggregates)
    return report


async def _check_one(store: EventStore, aggregate_id: UUID, report: CheckReport) -> list[str]:
    try:
        events = list(await store.load_events(aggregate_id))
        report.events += len(events)
        full = replay(events)
        through_snapshot = rebuild(await store.load(aggregate_id), Aggregate)
    except Exception as error:
        return [f"does not load: {type(error).__name__}: {error}"]
    if full is None:
        return ["has no events"]
    problems = list(getattr(full, "invariant_violations", list)())
    if through_snapshot != full:
        problems.append("snapshot + tail differs from the full replay")
    return problems
