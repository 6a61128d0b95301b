"""`reprise events tail`: follows the store from now on, shows exactly the new events, stops."""

from __future__ import annotations

import asyncio
import json

from reprise.adapters import bootstrap
from reprise.domain import commands as c
from tests.e2e.replay_cli.cli import REPRISE, environment
from tests.e2e.replay_cli.stores import StoreConfig, through_the_core
from tests.unit.application.commands_for_tests import track_data

WATCHED, EARLIER, NOISE = 42, 41, 43
ALICE = c.Actor(kind=c.ActorKind.USER, id="42")


def _play(guild: int, title: str) -> c.CommandBase:
    return c.EnqueueTracks(guild_id=guild, actor=ALICE, tracks=[track_data(title)])


async def _positions_of(config: StoreConfig, guild: int, after: int) -> list[int]:
    store, _ = await bootstrap.open_event_store(config.settings)
    try:
        return [r.position for r in await store.read_recorded(after, 1_000) if r.guild_id == guild]
    finally:
        await store.close()


async def test_tail_prints_exactly_the_new_events_of_its_guild_then_exits(
    fresh_store: StoreConfig,
) -> None:
    config = fresh_store
    await through_the_core(config.settings, [_play(EARLIER, "Before")])
    tail = await asyncio.create_subprocess_exec(
        REPRISE,
        *("events", "tail", "--guild", str(WATCHED), "--count", "4", "--json"),
        env=environment(config.env),
        cwd=config.cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert tail.stderr is not None
        started = await asyncio.wait_for(tail.stderr.readline(), 30)
        assert "Following new events" in started.decode(), started
        head = (await _positions_of(config, EARLIER, 0))[-1]
        await through_the_core(
            config.settings,
            [
                _play(NOISE, "Elsewhere"),
                _play(WATCHED, "Watched"),  # QueueCreated, TracksEnqueued, TrackStarted
                c.SetVolume(guild_id=WATCHED, actor=ALICE, volume=30),
                c.SetVolume(guild_id=WATCHED, actor=ALICE, volume=40),  # the fifth: not shown
            ],
        )
        stdout, stderr = await asyncio.wait_for(tail.communicate(), 30)
    finally:
        if tail.returncode is None:
            tail.kill()
            await tail.wait()
    assert tail.returncode == 0, stderr.decode()
    lines = [json.loads(line) for line in stdout.decode().splitlines()]
    watched = await _positions_of(config, WATCHED, head)
    assert [line["position"] for line in lines] == watched[:4]
    assert [line["type"] for line in lines] == [
        "QueueCreated",
        "TracksEnqueued",
        "TrackStarted",
        "VolumeChanged",
    ]
    assert {line["guild_id"] for line in lines} == {WATCHED}
    assert "Traceback" not in stderr.decode()
