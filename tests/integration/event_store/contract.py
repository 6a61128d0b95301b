"""The EventStore contract: one body of tests, run against every adapter by subclassing."""

from __future__ import annotations

import asyncio
import typing
from dataclasses import replace
from uuid import UUID, uuid4

import pytest

from reprise.adapters.bootstrap import assemble_core
from reprise.application.ports import (
    AlreadyHandled,
    Appended,
    CommandRecord,
    Commit,
    ConcurrencyConflict,
    EventStore,
)
from reprise.application.queries import load_queue
from reprise.application.results import CommandResult
from reprise.domain import commands as c
from reprise.domain.ids import queue_id
from reprise.domain.queue import GuildQueue
from reprise.domain.values import QueuePlacement
from reprise.settings import Settings
from tests.integration.event_store import stored_v1_events as v1
from tests.unit.application.commands_for_tests import as_alice, play
from tests.unit.domain.builders import NOW, enqueue


def commit_of(queue: GuildQueue, command_id: UUID | None = None) -> Commit:
    """A commit of the queue's pending events, as the unit of work would make it."""
    command_id = command_id or uuid4()
    record = CommandRecord(command_id, "EnqueueTracks", queue.guild_id, uuid4(), "user:42", NOW)
    events = queue.collect_events()
    result = CommandResult(
        command_id=command_id, accepted=True, events=[type(e).__name__ for e in events]
    )
    return Commit(record, events, [], result)


def skip_refused(**fields: typing.Any) -> Commit:
    """A Skip of guild 1 stored as refused, with no events (`fields`: expected, after)."""
    command_id = uuid4()
    record = CommandRecord(command_id, "Skip", 1, uuid4(), "user:42", NOW)
    return Commit(record, [], [], CommandResult(command_id=command_id, accepted=False), **fields)


async def stored_twice(store: EventStore) -> tuple[GuildQueue, GuildQueue]:
    """Guild 1's new queue stored (version 1), then loaded as two independent copies."""
    await store.append(commit_of(GuildQueue.create(guild_id=1)))
    first, second = await load_queue(store, 1), await load_queue(store, 1)
    assert first is not None
    assert second is not None
    return first, second


class EventStoreContract:
    """Subclasses provide `store` and `write_raw`; every test here must pass for each."""

    @pytest.fixture
    def store(self) -> EventStore:
        raise NotImplementedError

    async def write_raw(
        self, store: EventStore, originator_id: UUID, version: int, topic: str, state: bytes
    ) -> None:
        raise NotImplementedError

    async def test_appended_events_load_back_in_order(self, store: EventStore) -> None:
        queue = GuildQueue.create(guild_id=1)
        enqueue(queue, "A", "B")
        outcome = await store.append(commit_of(queue))
        assert isinstance(outcome, Appended)
        assert list(outcome.positions) == [1, 2, 3]
        stream = await store.load(queue.id)
        assert stream.snapshot is None
        assert [type(e).__name__ for e in stream.events] == [
            "QueueCreated",
            "TracksEnqueued",
            "TrackStarted",
        ]

    async def test_a_writer_behind_the_stored_version_conflicts(self, store: EventStore) -> None:
        winner, loser = await stored_twice(store)
        enqueue(winner, "A")
        enqueue(loser, "B")
        await store.append(commit_of(winner))
        with pytest.raises(ConcurrencyConflict) as conflict:
            await store.append(commit_of(loser))
        assert (conflict.value.expected_version, conflict.value.actual_version) == (1, 3)

    async def test_two_commits_on_one_aggregate_in_one_group_let_the_first_win(
        self, store: EventStore
    ) -> None:
        first, second = await stored_twice(store)
        enqueue(first, "A")
        enqueue(second, "B")
        outcomes = await asyncio.gather(
            store.append(commit_of(first)),
            store.append(commit_of(second)),
            return_exceptions=True,
        )
        assert isinstance(outcomes[0], Appended)
        assert isinstance(outcomes[1], ConcurrencyConflict)

    async def test_a_rejection_decided_on_a_state_that_moved_conflicts(
        self, store: EventStore
    ) -> None:
        queue = GuildQueue.create(guild_id=1)
        enqueue(queue, "A")
        await store.append(commit_of(queue))  # version 3
        stale = skip_refused(expected={queue.id: 1})
        with pytest.raises(ConcurrencyConflict):
            await store.append(stale)
        assert await store.append(replace(stale, expected={queue.id: 3})) == Appended([])

    async def test_a_commit_expecting_a_version_not_yet_stored_conflicts(
        self, store: EventStore
    ) -> None:
        queue = GuildQueue.create(guild_id=1)
        await store.append(commit_of(queue))  # version 1
        ahead = await load_queue(store, 1)
        assert ahead is not None
        enqueue(ahead, "A")  # versions 2-3, never stored
        ahead.collect_events()
        enqueue(ahead, "B")  # version 4, as if 2-3 were stored
        with pytest.raises(ConcurrencyConflict):
            await store.append(replace(commit_of(ahead), expected={queue.id: 3}))
        assert len(await store.load_events(queue.id)) == 1

    async def test_a_chain_of_decisions_in_one_group_is_stored_in_order(
        self, store: EventStore
    ) -> None:
        queue = GuildQueue.create(guild_id=1)
        await store.append(commit_of(queue))
        commits: list[Commit] = []
        for title in ("A", "B", "C"):
            expected = {queue.id: queue.version}
            enqueue(queue, title)
            after = commits[-1].command.command_id if commits else None
            commits.append(replace(commit_of(queue), expected=expected, after=after))
        outcomes = await asyncio.gather(*[store.append(commit) for commit in commits])
        assert [list(typing.cast("Appended", o).positions) for o in outcomes] == [
            [2, 3],
            [4],
            [5],
        ]
        stored = await load_queue(store, 1)
        assert stored is not None
        assert [entry.track.title for entry in stored.upcoming] == ["B", "C"]

    async def test_decisions_built_on_a_refused_commit_are_refused_with_it(
        self, store: EventStore
    ) -> None:
        winner, loser = await stored_twice(store)
        enqueue(winner, "A")  # versions 2-3
        await store.append(replace(commit_of(winner), expected={winner.id: 1}))
        enqueue(loser, "B")  # versions 2-3 on the old state: refused
        refused = replace(commit_of(loser), expected={loser.id: 1})
        # decided on the refused one's state; its version (3) happens to be the stored one
        built_on = skip_refused(expected={loser.id: 3}, after=refused.command.command_id)
        outcomes = await asyncio.gather(
            store.append(refused), store.append(built_on), return_exceptions=True
        )
        assert all(isinstance(outcome, ConcurrencyConflict) for outcome in outcomes)
        again = replace(built_on, after=None)
        assert await store.append(again) == Appended([])  # not stored before

    async def test_a_stored_command_id_returns_its_first_result(self, store: EventStore) -> None:
        command_id = uuid4()
        first = GuildQueue.create(guild_id=1)
        enqueue(first, "A")
        original = commit_of(first, command_id)
        await store.append(original)
        again = GuildQueue.create(guild_id=2)
        outcome = await store.append(commit_of(again, command_id))
        assert outcome == AlreadyHandled(original.result)
        assert await load_queue(store, 2) is None

    async def test_rejections_are_stored_without_events(self, store: EventStore) -> None:
        rejected = skip_refused()
        assert await store.append(rejected) == Appended([])
        assert await store.append(rejected) == AlreadyHandled(rejected.result)
        assert await store.max_position() == 0

    async def test_positions_are_gap_free_under_concurrent_writers(self, store: EventStore) -> None:
        queues = [GuildQueue.create(guild_id=g) for g in range(1, 121)]
        for queue in queues:
            enqueue(queue, "A")
        await asyncio.gather(*[store.append(commit_of(queue)) for queue in queues])
        notifications = await store.read_notifications(0, 1_000)
        assert [n.position for n in notifications] == list(range(1, 361))
        assert await store.max_position() == 360
        for queue in queues:
            mine = [
                n.event.originator_version for n in notifications if n.guild_id == queue.guild_id
            ]
            assert mine == [1, 2, 3]

    async def test_concurrent_commits_share_transactions(self, store: EventStore) -> None:
        queues = [GuildQueue.create(guild_id=g) for g in range(1, 201)]
        await asyncio.gather(*[store.append(commit_of(queue)) for queue in queues])
        assert typing.cast("typing.Any", store).groups_written < 100

    async def test_notifications_page_from_a_position(self, store: EventStore) -> None:
        for guild in (1, 2, 3):
            queue = GuildQueue.create(guild_id=guild)
            enqueue(queue, "A")
            await store.append(commit_of(queue))
        page = await store.read_notifications(4, 3)
        assert [n.position for n in page] == [5, 6, 7]
        assert {n.guild_id for n in page} == {2, 3}
        assert await store.read_notifications(9, 10) == []

    async def test_snapshot_and_tail_load_the_same_state_as_a_full_replay(
        self, store: EventStore
    ) -> None:
        core = assemble_core(store, Settings(snapshot_interval=25, sqlite_path="unused"))  # type: ignore[arg-type]
        await core.bus.handle(play(*[f"T{i}" for i in range(60)]))
        for _ in range(40):
            await core.bus.handle(as_alice(c.Skip))
        stream = await store.load(queue_id(1))
        assert stream.snapshot is not None
        assert len(stream.events) < 25
        replayed: typing.Any = None
        for event in await store.load_events(queue_id(1)):
            replayed = event.mutate(replayed)
        assert replayed == await load_queue(store, 1)
        assert replayed.current.track.title == "T40"

    async def test_load_events_reads_a_version_range(self, store: EventStore) -> None:
        queue = GuildQueue.create(guild_id=1)
        enqueue(queue, "A", "B", "C")
        queue.skip()
        await store.append(commit_of(queue))
        events = await store.load_events(queue.id, after_version=2, up_to_version=4)
        assert [e.originator_version for e in events] == [3, 4]

    async def test_a_stored_version_1_event_is_upcast_on_load(self, store: EventStore) -> None:
        aggregate_id = queue_id(77)
        await self.write_raw(store, aggregate_id, 1, v1.QUEUE_CREATED_TOPIC, v1.QUEUE_CREATED_STATE)
        await self.write_raw(
            store, aggregate_id, 2, v1.TRACKS_ENQUEUED_V1_TOPIC, v1.TRACKS_ENQUEUED_V1_STATE
        )
        events = await store.load_events(aggregate_id)
        assert getattr(events[1], "placement") is QueuePlacement.END  # noqa: B009
        queue = await load_queue(store, 77)
        assert queue is not None
        assert [e.track.title for e in queue.upcoming] == ["Old Song"]
        core = assemble_core(store, Settings(sqlite_path="unused"))  # type: ignore[arg-type]
        result = await core.bus.handle(play("New Song", guild_id=77))
        assert result.accepted
