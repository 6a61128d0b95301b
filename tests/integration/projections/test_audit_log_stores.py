"""The audit log holds each event's row exactly, on both stores, however often it is recorded."""

from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING

import pytest

from reprise.adapters import bootstrap
from reprise.adapters.inprocess.read_cache import InMemoryReadCache
from reprise.domain import commands as c
from reprise.projections import audit_log
from reprise.projections.ports import AuditFilter
from reprise.settings import Settings
from tests.unit.application.commands_for_tests import as_alice, play

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path
    from uuid import UUID

    from reprise.projections.projector import Projector

BIG_GUILD = 2**62 + 7  # a snowflake beyond 32 bits and beyond a double's exact integers
TITLE = 'Tune [/i] "live" — ünïcode\\ \t tab'


@pytest.fixture(params=["sqlite", "postgres"])
async def stores(
    request: pytest.FixtureRequest, tmp_path: Path, database_url: str, pg_schema: str
) -> AsyncIterator[tuple[bootstrap.Core, Projector]]:
    if request.param == "sqlite":
        settings = Settings(sqlite_path=tmp_path / "events.sqlite3")
    else:
        settings = Settings(database_url=database_url, database_schema=pg_schema)
    core = await bootstrap.bootstrap_core(settings, rng=Random(4))
    projector = await bootstrap.build_projector(core.store, InMemoryReadCache())
    yield core, projector
    await projector.close()
    await core.close()


@pytest.mark.integration
async def test_every_field_of_every_row_is_the_event_s_and_recording_twice_adds_nothing(
    stores: tuple[bootstrap.Core, Projector],
) -> None:
    core, projector = stores
    enqueue = play(TITLE, "B", guild_id=BIG_GUILD)
    volume = as_alice(c.SetVolume, guild_id=BIG_GUILD, volume=80)
    for sent in (enqueue, volume):
        assert (await core.bus.handle(sent)).accepted
    notifications = list(await core.store.read_notifications(0, 1_000))
    await projector.catch_up(0)
    assert projector.audit is not None
    await projector.audit.record([audit_log.process_event(n) for n in notifications])  # again

    rows = await projector.audit.query(AuditFilter(guild_id=BIG_GUILD), None, 100)
    assert [row.position for row in rows] == [n.position for n in reversed(notifications)]
    commands: dict[UUID, c.CommandBase] = {enqueue.command_id: enqueue, volume.command_id: volume}
    for row, notification in zip(rows, reversed(notifications), strict=True):
        event, command = notification.event, commands[notification.command_id]
        assert row.guild_id == BIG_GUILD
        assert row.action == type(event).__name__
        assert row.summary == audit_log.summary(event)
        assert row.occurred_at == event.timestamp
        assert (row.aggregate_id, row.version) == (event.originator_id, event.originator_version)
        assert (row.actor, row.command_type) == (str(command.actor), type(command).__name__)
        assert row.correlation_id == command.correlation_id
    assert any(TITLE in row.summary for row in rows)
