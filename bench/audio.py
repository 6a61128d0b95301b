"""The audio process: track end → next track start at 1,000 playing guilds, and its memory.

Run: `python -m bench.audio` (`--quick` for a short run at 100 guilds). Latency is from the
moment the audio process receives Lavalink's TrackEndEvent to the moment Lavalink has
answered the request that plays the next entry: Reprise goes `AdvanceQueue` → RabbitMQ → core
(PostgreSQL) → relay → `events` → audio; the baseline pops an in-memory list (a plain bot)
through the same audio driver, in the same run, against the same kind of Lavalink (the
development server, a child process). Tracks last 6-14 s, so ends spread over time.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from random import Random
from typing import TYPE_CHECKING

from bench.audio_memory import Memory, mafic_memory, reprise_memory
from bench.audio_system import (
    CHANNEL_BASE,
    USER,
    InMemoryQueues,
    Latencies,
    baseline_audio,
    bench_track,
    dev_lavalink,
    reprise_pipeline,
    track_lengths,
)
from bench.broker_wal import rolled_over, wal_files
from bench.measure import percentile
from bench.pipeline_cpu import db_counters
from bench.pipeline_env import PARTITIONS, SPREAD_PARTITIONS
from bench.postgres import database_url, server_facts
from bench.report import Section, publish
from reprise.adapters.collector import tune_collector
from reprise.adapters.event_loop import new_event_loop
from reprise.domain import commands as c

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from reprise.adapters.lavalink.node_specs import NodeSpec

COMMAND = ".venv/bin/python -m bench.audio"
TITLE = "Audio process: track end to next track, memory per guild"
TRACKS_PER_GUILD = 40
LOW_MS, HIGH_MS = 6_000, 14_000


@dataclass(frozen=True)
class Plan:
    guilds: int
    warm_up: float
    seconds: float


FULL = Plan(guilds=1_000, warm_up=20.0, seconds=40.0)
QUICK = Plan(guilds=100, warm_up=8.0, seconds=10.0)


async def _measure(latencies: Latencies, plan: Plan) -> Latencies:
    await asyncio.sleep(plan.warm_up)
    latencies.recording = True
    await asyncio.sleep(plan.seconds)
    latencies.recording = False
    return latencies


async def _measure_on_services(latencies: Latencies, plan: Plan, dsn: str) -> Latencies:
    """`_measure`, noting the services' stalls during the recorded window."""
    await asyncio.sleep(plan.warm_up)
    wal, counters = wal_files(), await db_counters(dsn)
    await _measure(latencies, replace(plan, warm_up=0.0))
    if rolled_over(wal, wal_files()):
        latencies.disturbances.append("RabbitMQ rolled its quorum-queue WAL over")
    if (await db_counters(dsn)).checkpoints > counters.checkpoints:
        latencies.disturbances.append("PostgreSQL began a checkpoint")
    return latencies


async def baseline_latency(node: NodeSpec, plan: Plan, rng: Random) -> Latencies:
    queues, latencies = InMemoryQueues(), Latencies()
    async with baseline_audio(node, queues) as process:
        latencies.watch(process)
        for guild in range(1, plan.guilds + 1):
            lengths = track_lengths(rng, TRACKS_PER_GUILD, LOW_MS, HIGH_MS)
            queues.upcoming[guild] = [bench_track(i, n) for i, n in enumerate(lengths)]
            await process.players.join(guild, CHANNEL_BASE + guild)
            await queues.play_next(guild)
        samples = await _measure(latencies, plan)
        for guild in range(1, plan.guilds + 1):
            await process.players.leave(guild)
    return samples


async def reprise_latency(
    dsn: str, node: NodeSpec, plan: Plan, rng: Random, partitions: int = PARTITIONS
) -> Latencies:
    latencies = Latencies()
    async with reprise_pipeline(dsn, node, partitions) as pipeline:
        latencies.watch(pipeline.process)
        gate = asyncio.Semaphore(50)

        async def seed(guild: int) -> None:
            lengths = track_lengths(rng, TRACKS_PER_GUILD, LOW_MS, HIGH_MS)
            tracks = [bench_track(i, n) for i, n in enumerate(lengths)]
            async with gate:
                join = c.JoinVoice(guild_id=guild, actor=USER, channel_id=CHANNEL_BASE + guild)
                assert (await pipeline.commands.send(join, reply_within=30)).accepted
                enqueue = c.EnqueueTracks(guild_id=guild, actor=USER, tracks=tracks)
                assert (await pipeline.commands.send(enqueue, reply_within=30)).accepted

        await asyncio.gather(*(seed(guild) for guild in range(1, plan.guilds + 1)))
        samples = await _measure_on_services(latencies, plan, dsn)
    return samples


def _ms(samples: list[float], fraction: float) -> str:
    return f"{percentile(samples, fraction) * 1000:.1f}"


def _row(name: str, samples: list[float], seconds: float) -> list[str]:
    rate = len(samples) / seconds if seconds else 0.0
    return [
        name,
        str(len(samples)),
        f"{rate:.0f}",
        _ms(samples, 0.5),
        _ms(samples, 0.95),
        _ms(samples, 0.99),
        _ms(samples, 1.0),
    ]


def section(
    plan: Plan,
    reprise: tuple[Latencies, Latencies],
    baseline: Latencies,
    memory: tuple[Memory, Memory],
) -> Section:
    mine, plain = memory
    ours, spread = reprise
    p99 = percentile(ours.samples, 0.99) * 1000
    rows = [
        _row(f"Reprise ({plan.guilds} guilds)", ours.samples, plan.seconds),
        _row("  of which: end → AdvanceQueue decided", ours.decided, plan.seconds),
        _row(f"Reprise, {SPREAD_PARTITIONS} partitions", spread.samples, plan.seconds),
        _row("  of which: end → AdvanceQueue decided", spread.decided, plan.seconds),
        _row(f"baseline: in-memory queue ({plan.guilds} guilds)", baseline.samples, plan.seconds),
    ]
    systems = [("Reprise", ours), (f"Reprise, {SPREAD_PARTITIONS} partitions", spread)]
    notes = [
        "latency: Lavalink's TrackEndEvent received by the audio process → Lavalink answered "
        "the PATCH that plays the next entry (ms); track ends per second during the window",
        f"memory per guild (tracemalloc, {plan.guilds} guilds): Reprise idle "
        f"{mine.idle_bytes / 1024:.1f} KB, playing {mine.playing_bytes / 1024:.1f} KB; "
        f"bare mafic players idle {plain.idle_bytes / 1024:.1f} KB, playing "
        f"{plain.playing_bytes / 1024:.1f} KB",
        "Reprise: core and relay are child processes (PostgreSQL, RabbitMQ); the audio process "
        "and the loopback voice run in the benchmark's process; Lavalink is `reprise dev-lavalink`",
        f"Reprise runs with {PARTITIONS} partition per stream (the default, for one process of "
        f"each kind); `Reprise, {SPREAD_PARTITIONS} partitions` is the same system with room "
        f"for {SPREAD_PARTITIONS} processes of each kind, all served by the one here (ADR 0014)",
        "during the measured windows (each can hold up every message for a moment): "
        + _disturbances(systems),
    ]
    met = p99 < 50 and mine.idle_bytes < 10 * 1024 and mine.playing_bytes < 30 * 1024
    verdict = (
        f"p99 {p99:.1f} ms (target < 50 ms), idle {mine.idle_bytes / 1024:.1f} KB (< 10 KB), "
        f"playing {mine.playing_bytes / 1024:.1f} KB (< 30 KB): "
        + ("targets met." if met else "a target is missed.")
        + f" With {SPREAD_PARTITIONS} partitions on the same processes: p99 "
        f"{_ms(spread.samples, 0.99)} ms (ADR 0014)."
    )
    columns = ["system", "track ends", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms"]
    return Section(TITLE, COMMAND, columns, rows, verdict, notes)


def _disturbances(systems: list[tuple[str, Latencies]]) -> str:
    """What held the services up during each Reprise window."""
    seen = [
        f"{', '.join(latencies.disturbances)} ({name})"
        for name, latencies in systems
        if latencies.disturbances
    ]
    return "; ".join(seen) if seen else "no WAL rollover in RabbitMQ, no PostgreSQL checkpoint"


async def on_fresh_lavalink[T](work: Callable[[NodeSpec], Awaitable[T]]) -> T:
    """`work` against a development Lavalink of its own, stopped afterwards."""
    async with AsyncExitStack() as stack:
        return await work(await stack.enter_async_context(dev_lavalink(stack)))


async def main(plan: Plan) -> None:
    dsn = database_url()
    rng = Random(5)

    async def both_memories(node: NodeSpec) -> tuple[Memory, Memory]:
        return await reprise_memory(node, plan.guilds), await mafic_memory(node, plan.guilds)

    memory = await on_fresh_lavalink(both_memories)
    print(f"memory: {memory}")
    base = await on_fresh_lavalink(lambda node: baseline_latency(node, plan, rng))
    print(f"baseline: {len(base.samples)} samples, p99 {_ms(base.samples, 0.99)} ms")
    ours = await on_fresh_lavalink(lambda node: reprise_latency(dsn, node, plan, rng))
    print(f"reprise: {len(ours.samples)} samples, p99 {_ms(ours.samples, 0.99)} ms")
    spread = await on_fresh_lavalink(
        lambda node: reprise_latency(dsn, node, plan, rng, SPREAD_PARTITIONS)
    )
    print(f"reprise, {SPREAD_PARTITIONS} partitions: p99 {_ms(spread.samples, 0.99)} ms")
    result = section(plan, (ours, spread), base, memory)
    if plan is FULL:
        publish(result, await server_facts(dsn))
    else:
        publish(result, await server_facts(dsn), docs=_scratch())


def _scratch() -> Path:
    return Path(tempfile.gettempdir()) / "reprise-bench-audio-quick.md"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100 guilds, short windows")
    tune_collector()  # as every `reprise` process does
    asyncio.run(main(QUICK if parser.parse_args().quick else FULL), loop_factory=new_event_loop)
