"""A store seeded as a person would: `reprise console`, then more commands from the core.

The story of guild 5 (user 9 at the console, then user 11) and guild 6 (user 10):

    phase 1  guild 5 console: play "First Song" 3:00, play Second 2:10, play Third 1:00, skip,
                              volume 80, trial, loop queue
             guild 6 (core):  play "Other Song"
    -- `mark` (a moment between the phases) --
    phase 2  guild 5 (core, user 11): volume 60, skip
             guild 6 (core, user 10): loop track
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from uuid import UUID

from reprise.adapters import bootstrap
from reprise.application.history import EventFilter
from reprise.domain import commands as c
from reprise.domain.ids import queue_id, subscription_id
from reprise.domain.values import LoopMode
from reprise.settings import Settings
from tests.e2e.replay_cli.cli import Args, Ran, reprise, reprise_all
from tests.e2e.replay_cli.stores import StoreConfig, through_the_core
from tests.unit.application.commands_for_tests import track_data

GUILD, OTHER_GUILD, UNKNOWN_GUILD = 5, 6, 999
CONSOLE_SCRIPT = """\
play "First Song" 3:00
play Second 2:10
play Third 1:00
skip
volume 80
trial
loop queue
"""
# Versions of guild 5's queue at the end of phase 1 and after phase 2.
PHASE_ONE_QUEUE_VERSION = 9
FINAL_QUEUE_VERSION = 12


@dataclass(frozen=True)
class Stored:
    """What the store holds for one event, read in-process: the truth the CLI must show."""

    position: int
    type: str
    guild_id: int
    aggregate_id: UUID
    version: int
    actor: str
    recorded_at: datetime


@dataclass
class SeededStore:
    backend: str
    env: dict[str, str]
    settings: Settings
    cwd: Path
    mark: datetime
    stored: list[Stored]
    runs: dict[Args, Ran] = field(default_factory=dict)

    @property
    def mark_utc(self) -> str:
        return self.mark.isoformat()

    @property
    def mark_plus_two(self) -> str:
        """The same moment written with a +02:00 offset."""
        return self.mark.astimezone(timezone(timedelta(hours=2))).isoformat()

    @property
    def subscription(self) -> UUID:
        return subscription_id(GUILD)

    @property
    def queue(self) -> UUID:
        return queue_id(GUILD)

    def run(self, *args: str) -> Ran:
        """The output of `reprise ARGS` on this store (run ahead of time when it was listed)."""
        if args not in self.runs:
            self.runs[args] = reprise(*args, env=self.env, cwd=self.cwd)
        return self.runs[args]

    def prefetch(self, invocations: list[Args]) -> None:
        self.runs.update(reprise_all(invocations, env=self.env, cwd=self.cwd))

    def where(
        self,
        *,
        guild: int | None = None,
        event_type: str | None = None,
        actor: str | None = None,
        aggregate: UUID | None = None,
    ) -> list[Stored]:
        return [
            s
            for s in self.stored
            if (guild is None or s.guild_id == guild)
            and (event_type is None or s.type == event_type)
            and (actor is None or s.actor == actor)
            and (aggregate is None or s.aggregate_id == aggregate)
        ]


def _as(user: int) -> c.Actor:
    return c.Actor(kind=c.ActorKind.USER, id=str(user))


async def _stored(settings: Settings) -> list[Stored]:
    store, _ = await bootstrap.open_event_store(settings)
    try:
        history = await bootstrap.open_event_history(store)
        try:
            entries = await history.list_events(EventFilter(), 100_000)
        finally:
            await history.close()
    finally:
        await store.close()
    return [
        Stored(
            e.record.position,
            e.event_type,
            e.record.guild_id,
            e.record.originator_id,
            e.record.originator_version,
            e.actor,
            e.record.recorded_at,
        )
        for e in reversed(entries)
    ]


def _pause() -> None:
    """Clocks tick in microseconds; keep the phases apart by more than that."""
    time.sleep(0.05)


def seed(config: StoreConfig) -> SeededStore:
    env, settings, cwd = config.env, config.settings, config.cwd
    console = reprise(
        *("console", "--guild", str(GUILD), "--user", "9"),
        env={**env, "SNAPSHOT_INTERVAL": "3"},  # `replay check` then compares snapshots too
        cwd=cwd,
        stdin=CONSOLE_SCRIPT,
    )
    assert console.code == 0, console.explain()
    phase_one: list[c.CommandBase] = [
        c.EnqueueTracks(guild_id=OTHER_GUILD, actor=_as(10), tracks=[track_data("Other Song")])
    ]
    asyncio.run(through_the_core(settings, phase_one))
    _pause()
    mark = datetime.now(UTC)
    _pause()
    phase_two: list[c.CommandBase] = [
        c.SetVolume(guild_id=GUILD, actor=_as(11), volume=60),
        c.Skip(guild_id=GUILD, actor=_as(11)),
        c.SetLoopMode(guild_id=OTHER_GUILD, actor=_as(10), mode=LoopMode.TRACK),
    ]
    asyncio.run(through_the_core(settings, phase_two))
    stored = asyncio.run(_stored(settings))
    return SeededStore(config.backend, env, settings, cwd, mark, stored)


def invocations(store: SeededStore) -> list[Args]:
    """Every read the tests make of a seeded store, run side by side before they look."""
    guild, json = str(GUILD), "--json"
    return [
        ("events", "list", "--guild", guild),
        ("events", "list", "--type", "TrackStarted", json),
        ("events", "list", "--actor", "user:11", json),
        ("events", "list", "--since", store.mark_utc, json),
        ("events", "list", "--until", store.mark_utc, json),
        ("events", "list", "--since", store.mark_plus_two, json),
        ("events", "list", "--limit", "3", json),
        ("events", "list", "--guild", str(UNKNOWN_GUILD)),
        ("events", "show", f"queue:{guild}"),
        ("events", "show", f"queue:{guild}@2"),
        ("events", "show", str(store.subscription), json),
        ("events", "show", f"queue:{UNKNOWN_GUILD}"),
        ("replay", "queue", guild, "--at", "8"),
        ("replay", "queue", guild, "--at", store.mark_utc, json),
        ("replay", "queue", guild, "--diff", "2..4"),
        ("replay", "queue", guild, "--diff", "2..4", json),
        ("replay", "check"),
    ]
