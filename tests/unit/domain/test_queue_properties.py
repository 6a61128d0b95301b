"""Random command sequences never break GuildQueue invariants, and replay rebuilds the state."""

from __future__ import annotations

import copy
from random import Random
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import CanMutateAggregate, Snapshot
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from reprise.adapters.event_store.mapping import build_mapper
from reprise.domain.entitlements import ABSOLUTE_MAX_VOLUME, MAX_QUEUE_LENGTH_OF_ANY_PLAN
from reprise.domain.errors import DomainError
from reprise.domain.queue import GuildQueue
from reprise.domain.queue_events import HISTORY_LIMIT
from reprise.domain.values import FilterPreset, LoopMode, QueuePlacement
from tests.unit.domain.builders import FREE, NOW, PREMIUM, track

if TYPE_CHECKING:
    from uuid import UUID

MAPPER = build_mapper()


def _state(queue: GuildQueue) -> dict[str, Any]:
    return copy.deepcopy({k: v for k, v in vars(queue).items() if k != "_pending_events"})


class GuildQueueMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.queue = GuildQueue.create(guild_id=9)
        self.recorded: list[CanMutateAggregate[UUID]] = list(self.queue.collect_events())

    def _attempt(self, action: Any, *args: Any, **kwargs: Any) -> None:
        before = _state(self.queue)
        try:
            action(*args, **kwargs)
        except DomainError:
            assert self.queue.pending_events == []
            assert _state(self.queue) == before, "a refused command changed the state"
        self.recorded.extend(self.queue.collect_events())

    def _pick(self, index: int) -> UUID | None:
        upcoming = self.queue.upcoming
        return upcoming[index % len(upcoming)].entry_id if upcoming else None

    @rule(count=st.integers(1, 4), next_=st.booleans(), premium=st.booleans(), seed=st.integers())
    def enqueue(self, count: int, next_: bool, premium: bool, seed: int) -> None:
        placement = QueuePlacement.NEXT if next_ else QueuePlacement.END
        tracks = [track(f"T{seed % 1000}-{i}", 1_000 * (i + 1)) for i in range(count)]
        self._attempt(
            self.queue.enqueue,
            tracks,
            requested_by="user:1",
            requested_at=NOW,
            placement=placement,
            limits=PREMIUM if premium else FREE,
            rng=Random(seed),
        )

    @rule(stale=st.booleans(), failure=st.sampled_from([None, "boom"]))
    def track_ends(self, stale: bool, failure: str | None) -> None:
        current = self.queue.current
        expected = self._pick(0) if stale or current is None else current.entry_id
        if expected is not None:
            self._attempt(self.queue.advance, expected, failure)

    @rule()
    def skip(self) -> None:
        self._attempt(self.queue.skip)

    @rule(index=st.integers(0, 50))
    def skip_to(self, index: int) -> None:
        entry = self._pick(index)
        if entry is not None:
            self._attempt(self.queue.skip_to, entry)

    @rule()
    def previous(self) -> None:
        self._attempt(self.queue.previous)

    @rule(index=st.integers(0, 50), to=st.integers(0, 60))
    def move(self, index: int, to: int) -> None:
        entry = self._pick(index)
        if entry is not None:
            self._attempt(self.queue.move, entry, to)

    @rule(index=st.integers(0, 50))
    def remove(self, index: int) -> None:
        entry = self._pick(index)
        if entry is not None:
            self._attempt(self.queue.remove, entry)

    @rule(seed=st.integers())
    def shuffle(self, seed: int) -> None:
        self._attempt(self.queue.shuffle, Random(seed))

    @rule(action=st.sampled_from(["pause", "resume", "stop", "clear", "leave_voice"]))
    def simple(self, action: str) -> None:
        self._attempt(getattr(self.queue, action))

    @rule(position=st.integers(0, 6_000))
    def seek(self, position: int) -> None:
        self._attempt(self.queue.seek, position)

    @rule(mode=st.sampled_from(LoopMode))
    def loop(self, mode: LoopMode) -> None:
        self._attempt(self.queue.set_loop_mode, mode)

    @rule(volume=st.integers(-10, 250), premium=st.booleans())
    def volume(self, volume: int, premium: bool) -> None:
        self._attempt(self.queue.set_volume, volume, PREMIUM if premium else FREE)

    @rule(preset=st.sampled_from(FilterPreset), premium=st.booleans())
    def filters(self, preset: FilterPreset, premium: bool) -> None:
        self._attempt(self.queue.set_filters, preset, PREMIUM if premium else FREE)

    @rule(channel=st.integers(1, 3))
    def join(self, channel: int) -> None:
        self._attempt(self.queue.join_voice, channel)

    @invariant()
    def entries_are_unique_and_bounded(self) -> None:
        queue = self.queue
        ids = [entry.entry_id for entry in queue.upcoming]
        if queue.current is not None:
            ids.append(queue.current.entry_id)
        assert len(ids) == len(set(ids))
        assert len(ids) <= MAX_QUEUE_LENGTH_OF_ANY_PLAN + HISTORY_LIMIT + 1
        assert len(queue.history) <= HISTORY_LIMIT

    @invariant()
    def playback_state_is_consistent(self) -> None:
        queue = self.queue
        assert 0 <= queue.volume <= ABSOLUTE_MAX_VOLUME
        if queue.current is None:
            assert not queue.paused
            assert queue.position_ms == 0
        else:
            assert 0 <= queue.position_ms <= queue.current.track.length_ms

    def teardown(self) -> None:
        stored = [MAPPER.to_stored_event(event) for event in self.recorded]
        replayed: Any = None
        for record in stored:
            replayed = MAPPER.to_domain_event(record).mutate(replayed)  # type: ignore[attr-defined]
        assert replayed == self.queue, "replaying the stored events gave a different state"
        snapshot = MAPPER.to_domain_event(MAPPER.to_stored_event(Snapshot.take(self.queue)))
        assert snapshot.mutate(None) == self.queue  # type: ignore[attr-defined]


GuildQueueMachine.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestGuildQueueProperties = GuildQueueMachine.TestCase
