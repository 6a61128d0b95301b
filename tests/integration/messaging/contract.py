"""The CommandBus and EventPublisher contracts, run against in-process and RabbitMQ buses."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from reprise.application.queries import load_queue
from reprise.domain import commands as c
from tests.integration.messaging.systems import CommandSystem, Seen, eventually
from tests.unit.application.commands_for_tests import as_alice, play

if TYPE_CHECKING:
    from reprise.application.messaging import EventPublisher


class CommandBusContract:
    async def test_an_accepted_command_returns_its_events(self, system: CommandSystem) -> None:
        result = await system.bus.send(play("A", "B"), reply_within=10)
        assert result.accepted
        assert result.events == ["QueueCreated", "TracksEnqueued", "TrackStarted"]

    async def test_a_rejection_comes_back_with_its_reason(self, system: CommandSystem) -> None:
        result = await system.bus.send(as_alice(c.Pause), reply_within=10)
        assert result.rejection is not None
        assert result.rejection.code == "nothing_playing"

    async def test_the_same_command_sent_twice_is_applied_once(self, system: CommandSystem) -> None:
        await system.bus.send(play("A", "B", "C"), reply_within=10)
        skip = as_alice(c.Skip)
        first, second = await asyncio.gather(
            system.bus.send(skip, reply_within=10), system.bus.send(skip, reply_within=10)
        )
        assert first == second
        queue = await load_queue(system.store, 1)
        assert queue is not None
        assert queue.current is not None
        assert queue.current.track.title == "B"

    async def test_per_guild_order_holds_under_an_interleaved_burst(
        self, system: CommandSystem
    ) -> None:
        guilds, per_guild = range(1, 201), 5
        sends = [
            system.bus.send(play(f"{guild}-{n}", guild_id=guild), reply_within=30)
            for n in range(per_guild)
            for guild in guilds
        ]
        results = await asyncio.gather(*sends)
        assert all(result.accepted for result in results)
        for guild in (1, 77, 200):
            queue = await load_queue(system.store, guild)
            assert queue is not None
            assert queue.current is not None
            titles = [queue.current.track.title] + [e.track.title for e in queue.upcoming]
            assert titles == [f"{guild}-{n}" for n in range(per_guild)]

    async def test_a_playlist_of_500_tracks_travels(self, system: CommandSystem) -> None:
        assert (await system.bus.send(as_alice(c.StartTrial), reply_within=10)).accepted
        result = await system.bus.send(play(*[f"T{i}" for i in range(500)]), reply_within=10)
        assert result.accepted, result.rejection


class EventPublisherContract:
    """Publish stored events; every group sees every event once, in order per guild."""

    async def _store_some(self, system: CommandSystem, guilds: int) -> None:
        for guild in range(1, guilds + 1):
            await system.bus.send(play("A", "B", guild_id=guild), reply_within=10)
            await system.bus.send(as_alice(c.Skip, guild_id=guild), reply_within=10)

    async def test_every_group_sees_every_event_in_order_per_guild(
        self, system: CommandSystem, groups: tuple[EventPublisher, dict[str, Seen]]
    ) -> None:
        publisher, seen = groups
        await self._store_some(system, 20)
        records = await system.store.read_recorded(0, 10_000)
        await publisher.publish(records)
        for group in seen.values():
            await eventually(lambda g=group: len(g.notifications) == len(records))  # type: ignore[misc]
            for guild in (1, 7, 20):
                assert group.positions(guild) == sorted(group.positions(guild))

    async def test_republished_events_are_applied_once(
        self, system: CommandSystem, groups: tuple[EventPublisher, dict[str, Seen]]
    ) -> None:
        publisher, seen = groups
        await self._store_some(system, 5)
        records = await system.store.read_recorded(0, 10_000)
        await publisher.publish(records)
        await publisher.publish(records[len(records) // 2 :])
        for group in seen.values():
            await eventually(lambda g=group: len(g.notifications) >= len(records))  # type: ignore[misc]
        await asyncio.sleep(0.3)
        for group in seen.values():
            assert sorted(group.positions()) == [r.position for r in records]

    async def test_decoded_events_are_the_stored_domain_events(
        self, system: CommandSystem, groups: tuple[EventPublisher, dict[str, Seen]]
    ) -> None:
        publisher, seen = groups
        await self._store_some(system, 1)
        await publisher.publish(await system.store.read_recorded(0, 100))
        group = next(iter(seen.values()))
        await eventually(lambda: len(group.notifications) == 5)
        names = [type(n.event).__name__ for n in group.notifications]
        assert names == [
            "QueueCreated",
            "TracksEnqueued",
            "TrackStarted",
            "Skipped",
            "TrackStarted",
        ]
        started = group.notifications[2].event
        assert getattr(started, "entry").track.title == "A"  # noqa: B009
