"""`reprise projections rebuild` while the live projector runs and commands keep arriving."""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

import pytest

from reprise.projections.registry import ALL_NAMES
from tests.integration.projector_process.keyspace import (
    FIRST_GENERATION,
    MODELS,
    assert_same,
    current_generation,
    keys_of,
)
from tests.integration.projector_process.traffic import traffic

if TYPE_CHECKING:
    from reprise.settings import Settings
    from tests.integration.projector_process.processes import Processes
    from tests.integration.projector_process.read_side import ReadSide

pytestmark = pytest.mark.integration
GUILDS = range(2001, 2021)
STATUS_ROW = re.compile(r"^│\s*(\w+)\s*│\s*(\d+)\s*│\s*(-?\d+)\s*│$")


def status_rows(output: str) -> dict[str, tuple[int, int]]:
    """`projections status` as model -> (position, lag)."""
    found = {}
    for line in output.splitlines():
        if match := STATUS_ROW.match(line.strip()):
            found[match[1]] = (int(match[2]), int(match[3]))
    return found


async def test_a_rebuild_under_live_traffic_swaps_in_models_equal_to_a_fresh_rebuild(
    settings: Settings, processes: Processes, read: ReadSide, rebuilt_prefix: str
) -> None:
    await asyncio.gather(processes.run("projector"), processes.run("core"), processes.run("relay"))
    assert settings.amqp_url is not None
    async with traffic(settings.amqp_url, settings.partitions) as sending:
        await sending.sessions(GUILDS)
        before = await read.settled(within=120)
        stop = asyncio.Event()
        talking = asyncio.create_task(sending.until_stopped(GUILDS, stop))
        rebuild = await processes.command("projections", "rebuild")
        during = await read.head() - before
        answered = sending.answered
        await sending.answered_at_least(answered + 2 * len(GUILDS))  # and some more after it
        stop.set()
        await talking
    head = await read.settled(within=120)

    reached = rebuild.printed("Rebuilt every read model up to position")
    assert reached is not None, rebuild.output
    assert before < int(reached.split()[-1].rstrip(".")) <= head
    assert during > 0, "commands kept arriving while the rebuild ran"
    for model in MODELS:
        generation = await current_generation(read.client, read.prefix, model)
        assert generation != FIRST_GENERATION, f"{model}: the rebuilt generation was swapped in"
        assert not await keys_of(read.client, read.prefix, model, FIRST_GENERATION), (
            f"{model}: the replaced generation was dropped"
        )

    status = await processes.command("projections", "status")
    assert status_rows(status.output) == dict.fromkeys(ALL_NAMES, (head, 0)), status.output
    assert await read.rebuild_into(rebuilt_prefix) == head
    assert_same(await read.read_models(), await read.read_models(rebuilt_prefix))
