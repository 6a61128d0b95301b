"""The message bus through the composition root, on the in-memory event store."""

from __future__ import annotations

import asyncio
import typing
from datetime import timedelta

from reprise.adapters.bootstrap import Core, assemble_core
from reprise.application.handlers import HANDLERS
from reprise.application.queries import load_queue
from reprise.domain import commands as c
from reprise.domain.ids import queue_id
from reprise.settings import Settings
from tests.unit.application.commands_for_tests import as_alice, play

if typing.TYPE_CHECKING:
    from uuid import UUID

    import pytest

    from reprise.application.ports import Stream
    from tests.unit.application.conftest import FixedClock


def _titles(queue: typing.Any) -> list[str]:
    current = [queue.current.track.title] if queue.current else []
    return current + [entry.track.title for entry in queue.upcoming]


async def test_an_accepted_command_reports_its_events_and_is_stored(core: Core) -> None:
    result = await core.bus.handle(play("A", "B"))
    assert result.accepted
    assert result.events == ["QueueCreated", "TracksEnqueued", "TrackStarted"]
    assert result.versions == {str(queue_id(1)): 3}
    stored = await load_queue(core.store, 1)
    assert stored is not None
    assert _titles(stored) == ["A", "B"]


async def test_a_rejected_command_reports_the_reason_and_changes_nothing(core: Core) -> None:
    result = await core.bus.handle(as_alice(c.Skip))
    assert not result.accepted
    assert result.rejection is not None
    assert result.rejection.code == "nothing_playing"
    assert await core.store.max_position() == 0


async def test_the_same_command_twice_changes_state_once_and_answers_the_same(core: Core) -> None:
    await core.bus.handle(play("A", "B"))
    skip = as_alice(c.Skip)
    first = await core.bus.handle(skip)
    second = await core.bus.handle(skip)
    assert first == second
    queue = await load_queue(core.store, 1)
    assert queue is not None
    assert _titles(queue) == ["B"]


async def test_a_redelivered_command_is_not_decided_again_on_newer_state(core: Core) -> None:
    await core.bus.handle(play("A"))
    skip = as_alice(c.Skip)
    assert (await core.bus.handle(skip)).accepted
    # The queue is now empty, so deciding the skip again would reject it.
    assert (await core.bus.handle(skip)).accepted


async def test_a_redelivered_rejection_stays_a_rejection(core: Core) -> None:
    skip = as_alice(c.Skip)
    assert not (await core.bus.handle(skip)).accepted
    await core.bus.handle(play("A", "B"))
    assert not (await core.bus.handle(skip)).accepted


async def test_concurrent_duplicates_are_applied_once(core: Core) -> None:
    await core.bus.handle(play("A", "B", "C", "D"))
    skip = as_alice(c.Skip)
    results = await asyncio.gather(*[core.bus.handle(skip) for _ in range(5)])
    assert len({result.model_dump_json() for result in results}) == 1
    queue = await load_queue(core.store, 1)
    assert queue is not None
    assert _titles(queue) == ["B", "C", "D"]


async def test_commands_of_one_guild_are_applied_in_arrival_order(core: Core) -> None:
    titles = [f"T{i}" for i in range(40)]
    await asyncio.gather(*[core.bus.handle(play(title)) for title in titles])
    queue = await load_queue(core.store, 1)
    assert queue is not None
    assert _titles(queue) == titles


async def test_commands_of_different_guilds_share_transactions(core: Core) -> None:
    results = await asyncio.gather(*[core.bus.handle(play("A", guild_id=g)) for g in range(1, 101)])
    assert all(result.accepted for result in results)
    assert core.store.groups_written < 20  # type: ignore[attr-defined]


async def test_a_writer_with_a_stale_cache_retries_and_wins(core: Core, clock: FixedClock) -> None:
    settings = Settings(sqlite_path="unused")  # type: ignore[arg-type]
    other_core = assemble_core(core.store, settings, clock=clock)
    await core.bus.handle(play("A", "B", "C"))
    await other_core.bus.handle(as_alice(c.Skip))  # core's cached queue is now stale
    result = await core.bus.handle(as_alice(c.Skip))
    assert result.accepted
    queue = await load_queue(core.store, 1)
    assert queue is not None
    assert _titles(queue) == ["C"]


async def test_a_busy_guild_does_not_wait_for_one_write_per_command(core: Core) -> None:
    titles = [f"T{i}" for i in range(40)]
    results = await asyncio.gather(*[core.bus.handle(play(title)) for title in titles])
    assert all(result.accepted for result in results)
    # Each command is decided on the state the one before left, before that one is
    # stored, so the guild's commands share writes instead of taking one each.
    assert core.store.groups_written <= 3  # type: ignore[attr-defined]


async def test_decisions_built_on_a_refused_one_are_decided_again(
    core: Core, clock: FixedClock
) -> None:
    settings = Settings(sqlite_path="unused")  # type: ignore[arg-type]
    other_core = assemble_core(core.store, settings, clock=clock)
    await core.bus.handle(play("X"))
    await other_core.bus.handle(play("Y"))  # core's cached queue no longer has Y
    first, second = await asyncio.gather(
        core.bus.handle(as_alice(c.Skip)), core.bus.handle(as_alice(c.Skip))
    )
    # Decided on the stale cache, the first skip ends the queue and the second is refused
    # ("nothing playing"); both were built on a state that was never stored, so both are
    # refused by the store and decided again on what is stored: X -> Y -> end.
    assert first.accepted
    assert second.accepted
    queue = await load_queue(core.store, 1)
    assert queue is not None
    assert queue.current is None
    assert [entry.track.title for entry in queue.history] == ["X", "Y"]


async def test_a_rejection_changes_nothing_for_the_next_decision(core: Core) -> None:
    await core.bus.handle(play("A"))
    refused, accepted = await asyncio.gather(
        core.bus.handle(as_alice(c.SetVolume, volume=150)),  # premium only
        core.bus.handle(as_alice(c.SetVolume, volume=60)),
    )
    assert refused.rejection is not None
    assert accepted.accepted
    queue = await load_queue(core.store, 1)
    assert queue is not None
    assert queue.volume == 60


async def test_snapshots_are_taken_every_interval_and_load_to_the_same_state(core: Core) -> None:
    await core.bus.handle(play(*[f"T{i}" for i in range(30)]))
    for _ in range(22):
        await core.bus.handle(as_alice(c.Skip))
    stream = await core.store.load(queue_id(1))
    assert stream.snapshot is not None
    # Each skip adds two events, so the snapshot lands on the first version past each tenth.
    assert stream.snapshot.originator_version == 41
    assert [event.originator_version for event in stream.events] == list(range(42, 48))
    full = await core.store.load_events(queue_id(1))
    replayed: typing.Any = None
    for event in full:
        replayed = event.mutate(replayed)
    assert replayed == await load_queue(core.store, 1)


async def test_premium_features_open_up_with_a_trial(core: Core) -> None:
    await core.bus.handle(play("A"))
    refused = await core.bus.handle(as_alice(c.SetFilters, preset="nightcore"))
    assert refused.rejection is not None
    assert refused.rejection.code == "premium_required"
    assert (await core.bus.handle(as_alice(c.StartTrial))).accepted
    assert (await core.bus.handle(as_alice(c.SetFilters, preset="nightcore"))).accepted


async def test_a_lapsed_trial_closes_premium_features(core: Core, clock: FixedClock) -> None:
    await core.bus.handle(play("A"))
    await core.bus.handle(as_alice(c.StartTrial))
    clock.current += timedelta(days=15)
    refused = await core.bus.handle(as_alice(c.SetVolume, volume=150))
    assert refused.rejection is not None
    assert refused.rejection.code == "premium_required"


def test_every_command_type_has_a_handler() -> None:
    union = typing.get_args(typing.get_args(c.Command)[0])
    assert set(union) == set(HANDLERS)


async def test_a_missing_subscription_is_looked_up_once(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[UUID] = []
    original = core.store.load

    async def counting_load(aggregate_id: UUID) -> Stream:
        loads.append(aggregate_id)
        return await original(aggregate_id)

    monkeypatch.setattr(core.store, "load", counting_load)
    await core.bus.handle(play("A"))
    for volume in (50, 60, 70):
        assert (await core.bus.handle(as_alice(c.SetVolume, volume=volume))).accepted
    assert len(loads) == 2  # the queue and the subscription, once each
    assert (await core.bus.handle(as_alice(c.StartTrial))).accepted
    assert (await core.bus.handle(as_alice(c.SetVolume, volume=150))).accepted
