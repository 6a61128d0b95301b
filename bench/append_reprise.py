"""Reprise's contenders: the whole command path, and the event store's append alone."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from bench.measure import WARM_UP, Budget, Measurement, drive_tasks
from bench.postgres import throwaway_schema
from bench.queues import ACTOR, commit_of, play_command, playing_queue
from reprise.adapters.bootstrap import assemble_core
from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.adapters.postgres.event_store import PostgresEventStore
from reprise.application.ports import Appended
from reprise.domain import commands as c
from reprise.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from reprise.adapters.bootstrap import Core

BUS = "Reprise command path: Pause/Resume"
BUS_VOLUME = "Reprise command path: SetVolume"
STORE = "Reprise store.append alone"


def pause_resume(guild_id: int, turn: int) -> c.CommandBase:
    """Pause, Resume, Pause, ...: one event each, no entitlements read."""
    kind: type[c.Pause] | type[c.Resume] = c.Pause if turn % 2 == 0 else c.Resume
    return kind(guild_id=guild_id, actor=ACTOR)


def set_volume(guild_id: int, turn: int) -> c.CommandBase:
    """Volume 50, 60, 50, ...: one event each; reads the guild's entitlements first."""
    return c.SetVolume(guild_id=guild_id, actor=ACTOR, volume=50 if turn % 2 == 0 else 60)


async def reprise_bus(
    dsn: str,
    guilds: int,
    budget: Budget,
    name: str = BUS,
    command: Callable[[int, int], c.CommandBase] = pause_resume,
) -> Measurement:
    """One task per guild, each sending single-event commands through `core.bus.handle`."""
    async with throwaway_schema(dsn) as schema:
        store = await PostgresEventStore.connect(dsn, schema, RowMapper(build_mapper()))
        try:
            settings = Settings(
                database_url=dsn, database_schema=schema, sqlite_path=Path("unused")
            )
            core = assemble_core(store, settings, description=f"PostgreSQL ({schema})")
            await asyncio.gather(*(core.bus.handle(play_command(g + 1)) for g in range(guilds)))
            return await _measure(name, store, guilds, _sender(core, guilds, command), budget)
        finally:
            await store.close()


async def reprise_store(dsn: str, guilds: int, budget: Budget) -> Measurement:
    """One task per guild appending single-event commits of its queue (pause, resume, ...)."""
    async with throwaway_schema(dsn) as schema:
        store = await PostgresEventStore.connect(dsn, schema, RowMapper(build_mapper()))
        try:
            queues = [playing_queue(g + 1) for g in range(guilds)]
            await asyncio.gather(*(store.append(commit_of(q, "EnqueueTracks", 0)) for q in queues))

            async def op(worker: int) -> int:
                queue = queues[worker]
                loaded = queue.version
                if queue.paused:
                    queue.resume()
                else:
                    queue.pause()
                outcome = await store.append(commit_of(queue, "Pause", loaded))
                assert isinstance(outcome, Appended)
                return len(outcome.positions)

            return await _measure(STORE, store, guilds, op, budget)
        finally:
            await store.close()


def _sender(
    core: Core, guilds: int, command: Callable[[int, int], c.CommandBase]
) -> Callable[[int], Awaitable[int]]:
    turns = [0] * guilds

    async def op(worker: int) -> int:
        sent = command(worker + 1, turns[worker])
        result = await core.bus.handle(sent)
        if not result.accepted or len(result.events) != 1:
            raise AssertionError(f"{type(sent).__name__} was not one accepted event: {result}")
        turns[worker] += 1
        return 1

    return op


async def _measure(
    name: str,
    store: PostgresEventStore,
    guilds: int,
    op: Callable[[int], Awaitable[int]],
    budget: Budget,
) -> Measurement:
    await drive_tasks(f"{name} (warm-up)", guilds, op, WARM_UP)
    groups_before = store.groups_written
    measured = await drive_tasks(name, guilds, op, budget)
    groups = store.groups_written - groups_before
    measured.note = (
        f"{name}: {measured.events:,} events in {groups:,} transactions "
        f"({measured.events / max(groups, 1):.1f} commands per group commit)"
    )
    return measured
