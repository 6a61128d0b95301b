"""The in-process bus's batched groups: a failing batch costs only the event that keeps failing."""

from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING

from reprise.adapters import bootstrap
from reprise.adapters.inprocess import event_bus
from reprise.adapters.inprocess.command_bus import InProcessCommandBus
from reprise.adapters.inprocess.tracking import InMemoryGuildPositions
from reprise.settings import Settings
from tests.integration.messaging.systems import Seen, eventually
from tests.unit.application.commands_for_tests import play

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pytest

    from reprise.application.ports import Notification, RecordedEvent


async def _recorded(guilds: int) -> list[RecordedEvent]:
    settings = Settings(sqlite_path="unused")  # type: ignore[arg-type]
    core = bootstrap.assemble_core(bootstrap.in_memory_event_store(), settings, rng=Random(1))
    bus = InProcessCommandBus(core.bus)
    try:
        for guild in range(1, guilds + 1):
            await bus.send(play("A", "B", guild_id=guild), reply_within=10)
        return list(await core.store.read_recorded(0, 1_000))
    finally:
        await bus.close()
        await core.close()


async def test_a_failing_batch_is_retried_event_by_event_and_only_the_poison_is_dead_lettered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(event_bus, "HANDLER_ATTEMPTS", 2)
    records = await _recorded(4)
    poison = records[5].position
    seen = Seen()
    batch_sizes: list[int] = []

    async def handle(notifications: Sequence[Notification]) -> None:
        batch_sizes.append(len(notifications))
        if any(n.position == poison for n in notifications):
            raise RuntimeError("cannot apply")
        await seen.handle_batch(notifications)

    events = bootstrap.event_bus()
    events.subscribe_batches("projector", handle, InMemoryGuildPositions())
    try:
        await events.publish(records)
        await events.drain()
        await eventually(lambda: len(seen.notifications) == len(records) - 1)
        assert batch_sizes[0] == len(records)  # what had queued up went as one batch
        assert seen.positions() == [r.position for r in records if r.position != poison]
        [dead] = events.dead_letters("projector")
        assert dead.notification.position == poison
        assert "cannot apply" in dead.reason
    finally:
        await events.close()


async def test_a_batch_skips_what_its_guild_already_applied() -> None:
    records = await _recorded(2)
    seen = Seen()
    events = bootstrap.event_bus()
    events.subscribe_batches("projector", seen.handle_batch, InMemoryGuildPositions())
    try:
        await events.publish(records)
        await events.drain()
        await events.publish(records)
        await events.drain()
        assert seen.positions() == [r.position for r in records]
    finally:
        await events.close()
