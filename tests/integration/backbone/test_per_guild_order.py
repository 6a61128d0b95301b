"""Per-guild order across partitions and cores under a burst for 1,000 guilds."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from reprise.adapters import bootstrap
from reprise.application.queries import load_queue
from tests.integration.backbone.systems import command_sender, in_process_core
from tests.unit.application.commands_for_tests import play

if TYPE_CHECKING:
    from reprise.application.ports import EventStore
    from reprise.settings import Settings

pytestmark = pytest.mark.integration

GUILDS = [100_000_000_000_000_000 + index * 7_919 for index in range(1_000)]
PER_GUILD = 3


async def _titles(store: EventStore, guild_id: int) -> list[str]:
    queue = await load_queue(store, guild_id)
    assert queue is not None, guild_id
    entries = ([queue.current] if queue.current else []) + list(queue.upcoming)
    return [entry.track.title for entry in entries]


async def test_every_guild_queue_is_in_send_order_after_an_interleaved_burst_on_two_cores(
    settings: Settings,
) -> None:
    async with (
        in_process_core(settings, partitions=[0, 1]) as first,
        in_process_core(settings, partitions=[2, 3]) as second,
        command_sender(settings.amqp_url or "") as bus,
    ):
        # n-major: each guild's sends are separated by those of the 999 other guilds
        sends = [
            bus.send(play(f"{guild}-{n}", guild_id=guild), reply_within=60)
            for n in range(PER_GUILD)
            for guild in GUILDS
        ]
        results = await asyncio.gather(*sends)
        assert all(result.accepted for result in results)
        assert first.handled + second.handled == len(sends)
        assert first.handled > 0  # the guilds were spread over both cores' partitions
        assert second.handled > 0

    store, _ = await bootstrap.open_event_store(settings)
    try:
        titles = await asyncio.gather(*(_titles(store, guild) for guild in GUILDS))
    finally:
        await store.close()
    out_of_order = {
        guild: got
        for guild, got in zip(GUILDS, titles, strict=True)
        if got != [f"{guild}-{n}" for n in range(PER_GUILD)]
    }
    assert out_of_order == {}
