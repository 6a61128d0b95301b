"""`reprise replay check` before a deploy: rows broken behind the store's back are named."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

import asyncpg
import pytest

from reprise.domain import commands as c
from reprise.domain.ids import queue_id, subscription_id
from tests.e2e.replay_cli.cli import Args, Ran, reprise
from tests.e2e.replay_cli.stores import BACKENDS, StoreConfig, through_the_core
from tests.unit.application.commands_for_tests import track_data

if TYPE_CHECKING:
    from tests.e2e.replay_cli.conftest import StoreMaker

GUILD = 7
ALICE = c.Actor(kind=c.ActorKind.USER, id="42")
GARBAGE = b"\xff\xfe not an event"
UNKNOWN_TOPIC = "reprise.domain.queue_events:EventFromTheFuture"
SKIPPED = "reprise.domain.queue_events:Skipped"
STRAY_AGGREGATE = uuid5(NAMESPACE_URL, "reprise-test:stray-aggregate")
CHECK: Args = ("replay", "check")
SHOW: Args = ("events", "show", f"queue:{GUILD}")
NAMED = re.compile(r"^([0-9a-f-]{36}): ", re.MULTILINE)


@dataclass(frozen=True)
class CorruptRow:
    aggregate_id: UUID
    version: int
    topic: str
    state: bytes


def _rows(next_queue_version: int) -> list[CorruptRow]:
    """Garbage bytes where the queue's next event should be; a topic no code knows."""
    return [
        CorruptRow(queue_id(GUILD), next_queue_version, SKIPPED, GARBAGE),
        CorruptRow(STRAY_AGGREGATE, 1, UNKNOWN_TOPIC, b"{}"),
    ]


def _corrupt_sqlite(config: StoreConfig) -> None:
    with sqlite3.connect(config.settings.sqlite_path) as db:
        head, version, command = db.execute(
            "SELECT (SELECT max(notification_id) FROM stored_events), "
            "(SELECT max(originator_version) FROM stored_events WHERE originator_id = ?), "
            "(SELECT command_id FROM stored_events ORDER BY notification_id DESC LIMIT 1)",
            (queue_id(GUILD).hex,),
        ).fetchone()
        for offset, row in enumerate(_rows(version + 1), start=1):
            db.execute(
                "INSERT INTO stored_events (notification_id, originator_id, originator_version, "
                "topic, state, guild_id, command_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    head + offset,
                    row.aggregate_id.hex,
                    row.version,
                    row.topic,
                    row.state,
                    GUILD,
                    command,
                    datetime.now(UTC).isoformat(),
                ),
            )


async def _corrupt_postgres(config: StoreConfig) -> None:
    dsn, s = config.settings.database_url, config.schema
    assert dsn is not None
    db = await asyncpg.connect(dsn)
    try:
        head = await db.fetchval(f"SELECT max(notification_id) FROM {s}.stored_events")
        version = await db.fetchval(
            f"SELECT max(originator_version) FROM {s}.stored_events WHERE originator_id = $1",
            queue_id(GUILD),
        )
        command = await db.fetchval(
            f"SELECT command_id FROM {s}.stored_events ORDER BY notification_id DESC LIMIT 1"
        )
        rows = _rows(version + 1)
        for offset, row in enumerate(rows, start=1):
            await db.execute(
                f"INSERT INTO {s}.stored_events (notification_id, originator_id, "
                "originator_version, topic, state, guild_id, command_id) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                head + offset,
                row.aggregate_id,
                row.version,
                row.topic,
                row.state,
                GUILD,
                command,
            )
        await db.execute(
            f"UPDATE {s}.notification_counter SET last_position = $1", head + len(rows)
        )
    finally:
        await db.close()


def _corrupted(config: StoreConfig) -> StoreConfig:
    """A healthy guild 7 (queue and subscription), then two rows written past the code."""
    commands: list[c.CommandBase] = [
        c.EnqueueTracks(guild_id=GUILD, actor=ALICE, tracks=[track_data("A"), track_data("B")]),
        c.StartTrial(guild_id=GUILD, actor=ALICE),
    ]
    asyncio.run(through_the_core(config.settings, commands))
    if config.backend == "sqlite":
        _corrupt_sqlite(config)
    else:
        asyncio.run(_corrupt_postgres(config))
    return config


@pytest.fixture(scope="module", params=BACKENDS)
def checked(request: pytest.FixtureRequest, make_store: StoreMaker) -> Ran:
    """`reprise replay check` on a corrupted store of each kind."""
    config = _corrupted(make_store(str(request.param)))
    return reprise(*CHECK, env=config.env, cwd=config.cwd)


def test_check_fails_and_names_each_broken_aggregate(checked: Ran) -> None:
    ran = checked
    assert ran.code == 1, ran.explain()
    named = set(NAMED.findall(ran.stderr))
    assert named == {str(queue_id(GUILD)), str(STRAY_AGGREGATE)}, ran.explain()
    assert str(subscription_id(GUILD)) not in ran.stderr, "the subscription is healthy"
    assert "does not load" in ran.stderr
    assert "Checked 3 streams" in ran.stdout
    assert "problems found (2 with problems)" in ran.stdout
    assert "Traceback" not in ran.stderr


def test_showing_a_corrupt_event_names_it_without_a_traceback(make_store: StoreMaker) -> None:
    config = _corrupted(make_store("sqlite"))  # the rendering is the CLI's, whatever the store
    ran = reprise(*SHOW, env=config.env, cwd=config.cwd)
    assert ran.code == 1, ran.explain()
    assert "Traceback" not in ran.stderr, ran.explain()
    assert f"queue:{GUILD}" in ran.stderr or str(queue_id(GUILD)) in ran.stderr
