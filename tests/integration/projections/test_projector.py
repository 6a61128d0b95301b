"""The projector: exact documents, idempotent redelivery, any order across guilds, gaps."""

from __future__ import annotations

import json
from datetime import timedelta
from random import Random
from typing import TYPE_CHECKING

import pytest

from reprise.adapters import bootstrap
from reprise.adapters.inprocess.read_cache import InMemoryReadCache
from reprise.domain import commands as c
from reprise.projections import due_timers, stats
from reprise.projections.ports import AuditFilter
from reprise.projections.projector import Projector
from reprise.projections.rebuild import rebuild
from reprise.projections.views import EntitlementsView, NowPlaying, QueueView
from reprise.settings import Settings
from tests.unit.application.commands_for_tests import as_alice, play

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from reprise.application.ports import Notification

Run = tuple[bootstrap.Core, Projector]


@pytest.fixture
async def run(tmp_path: Path) -> AsyncIterator[Run]:
    settings = Settings(sqlite_path=tmp_path / "events.sqlite3")
    core = await bootstrap.bootstrap_core(settings, rng=Random(4))
    projector = await bootstrap.build_projector(core.store, InMemoryReadCache())
    yield core, projector
    await projector.close()
    await core.close()


@pytest.fixture
async def other(run: Run) -> AsyncIterator[list[Projector]]:
    """Projectors a test builds beside the main one, closed afterwards."""
    built: list[Projector] = []
    yield built
    for projector in built:
        await projector.close()


async def another(run: Run, other: list[Projector]) -> Projector:
    projector = await bootstrap.build_projector(run[0].store, InMemoryReadCache())
    other.append(projector)
    return projector


async def everything(core: bootstrap.Core) -> list[Notification]:
    return list(await core.store.read_notifications(0, 100_000))


async def queue_view(projector: Projector, guild: int) -> QueueView:
    document = await projector.cache.document("queue_view", f"guild:{guild}")
    assert document is not None
    return QueueView.model_validate_json(document)


async def test_the_queue_view_is_what_the_gateway_shows(run: Run) -> None:
    core, projector = run
    await core.bus.handle(play("A", "B", "C"))
    await core.bus.handle(as_alice(c.Skip))
    await core.bus.handle(as_alice(c.SetLoopMode, mode="queue"))
    for notification in await everything(core):
        await projector.handle(notification)
    view = await queue_view(projector, 1)
    assert view.current is not None
    assert view.current.title == "B"
    assert [e.title for e in view.upcoming] == ["C"]
    assert [e.title for e in view.history] == ["A"]
    assert (view.loop, view.volume, view.paused) == ("queue", 100, False)
    assert view.version == 6
    assert view.position == 6
    assert view.upcoming_total_ms == 180_000


async def test_now_playing_and_entitlements_follow_their_aggregates(run: Run) -> None:
    core, projector = run
    await core.bus.handle(play("A", "B"))
    await core.bus.handle(as_alice(c.StartTrial))
    await projector.catch_up(0)
    playing = NowPlaying.model_validate_json(
        await projector.cache.document("now_playing", "guild:1") or "{}"
    )
    assert playing.entry is not None
    assert playing.entry.title == "A"
    assert playing.encoded == "enc:A"
    assert playing.next_title == "B"
    assert playing.started_at is not None
    granted = EntitlementsView.model_validate_json(
        await projector.cache.document("entitlements", "guild:1") or "{}"
    )
    assert (granted.plan, granted.filters, granted.trial_available) == ("trial", True, False)
    assert granted.until is not None


async def test_due_timers_track_trials_and_idle_voice(run: Run) -> None:
    core, projector = run
    await core.bus.handle(as_alice(c.StartTrial))
    await core.bus.handle(as_alice(c.JoinVoice, channel_id=55))
    await projector.catch_up(0)
    due = dict(await projector.cache.due("due_timers", due_timers.TIMERS_KEY, 2e10, 10))
    assert set(due) == {"trial_end:1", "idle:1"}
    await core.bus.handle(play("A"))
    await projector.catch_up(await projector.low_watermark() - 1)
    due = dict(await projector.cache.due("due_timers", due_timers.TIMERS_KEY, 2e10, 10))
    assert set(due) == {"trial_end:1"}
    granted = timedelta(days=14).total_seconds()
    assert due["trial_end:1"] == pytest.approx(core.clock.now().timestamp() + granted, abs=60)


async def test_stats_count_events_tracks_and_playing_guilds(run: Run) -> None:
    core, projector = run
    await core.bus.handle(play("A", "B"))
    await core.bus.handle(play("X", guild_id=2))
    await core.bus.handle(as_alice(c.Skip))
    await core.bus.handle(as_alice(c.Skip, guild_id=2))
    await projector.catch_up(0)
    by_type = await projector.cache.counters("stats", stats.EVENTS_BY_TYPE)
    assert by_type["TrackStarted"] == 3
    assert by_type["Skipped"] == 2
    assert (await projector.cache.counters("stats", stats.TOTALS))["tracks_played"] == 3
    assert await projector.cache.members("stats", stats.PLAYING_GUILDS) == {"1"}


async def test_the_audit_log_names_the_actor_and_pages_newest_first(run: Run) -> None:
    core, projector = run
    await core.bus.handle(play("A", "B"))
    await core.bus.handle(as_alice(c.SetVolume, volume=80))
    await core.bus.handle(play("Z", guild_id=2))
    await projector.catch_up(0)
    assert projector.audit is not None
    rows = await projector.audit.query(AuditFilter(guild_id=1), None, 2)
    assert [r.action for r in rows] == ["VolumeChanged", "TrackStarted"]
    assert rows[0].actor == "user:42"
    assert rows[0].summary == "volume 80%"
    assert rows[0].command_type == "SetVolume"
    older = await projector.audit.query(AuditFilter(guild_id=1), rows[-1].position, 10)
    assert [r.action for r in older] == ["TracksEnqueued", "QueueCreated"]
    assert await projector.audit.query(AuditFilter(action="Skipped"), None, 10) == []


async def _snapshot_of(projector: Projector) -> dict[str, object]:
    cache = projector.cache
    return {
        "queue": await cache.document("queue_view", "guild:1"),
        "queue2": await cache.document("queue_view", "guild:2"),
        "playing": await cache.document("now_playing", "guild:1"),
        "stats": await cache.counters("stats", stats.EVENTS_BY_TYPE),
        "tracks": await cache.counters("stats", stats.TOTALS),
    }


async def _two_guilds(core: bootstrap.Core) -> None:
    await core.bus.handle(play("A", "B", "C"))
    await core.bus.handle(play("X", "Y", guild_id=2))
    await core.bus.handle(as_alice(c.Skip))
    await core.bus.handle(as_alice(c.Skip, guild_id=2))
    await core.bus.handle(as_alice(c.SetVolume, volume=70))


async def test_applying_the_same_events_again_changes_nothing(run: Run) -> None:
    core, projector = run
    await _two_guilds(core)
    notifications = await everything(core)
    for notification in notifications:
        await projector.handle(notification)
    once = await _snapshot_of(projector)
    for notification in notifications:
        await projector.handle(notification)
    await projector.apply_batch(notifications)
    assert await _snapshot_of(projector) == once


async def test_guilds_may_arrive_in_any_order(run: Run, other: list[Projector]) -> None:
    core, projector = run
    await _two_guilds(core)
    notifications = await everything(core)
    in_order = await another(run, other)
    await in_order.catch_up(0)
    guild_two_first = sorted(notifications, key=lambda n: (n.guild_id != 2, n.position))
    for notification in guild_two_first:
        await projector.handle(notification)
    assert await _snapshot_of(projector) == await _snapshot_of(in_order)


async def test_a_gap_in_an_aggregate_is_filled_from_the_store(
    run: Run, other: list[Projector]
) -> None:
    core, projector = run
    await _two_guilds(core)
    notifications = await everything(core)
    guild_one = [n for n in notifications if n.guild_id == 1]
    for notification in guild_one[:2] + guild_one[4:]:
        await projector.handle(notification)
    complete = await another(run, other)
    for notification in guild_one:
        await complete.handle(notification)
    mine, theirs = await _snapshot_of(projector), await _snapshot_of(complete)
    assert mine == theirs
    assert json.loads(str(mine["queue"]))["version"] == guild_one[-1].event.originator_version


async def test_a_rebuild_while_events_arrive_misses_nothing(
    run: Run, other: list[Projector]
) -> None:
    core, projector = run
    await _two_guilds(core)
    await projector.catch_up(0)

    original_catch_up = projector.store.read_notifications
    calls = 0

    async def read_and_meanwhile_write(after: int, limit: int) -> list[Notification]:
        nonlocal calls
        calls += 1
        if calls == 2:  # between the rebuild's first pass and the swap, traffic continues
            await core.bus.handle(play("late", guild_id=2))
            for late in await original_catch_up(await projector.low_watermark(), 100):
                await projector.handle(late)
        return list(await original_catch_up(after, limit))

    projector.store.read_notifications = read_and_meanwhile_write  # type: ignore[method-assign]
    await rebuild(projector)
    projector.store.read_notifications = original_catch_up  # type: ignore[method-assign]
    fresh = await another(run, other)
    await fresh.catch_up(0)
    assert await _snapshot_of(projector) == await _snapshot_of(fresh)
    assert "late" in str(await projector.cache.document("queue_view", "guild:2"))
