"""Commands published -> handled -> stored -> relayed -> consumed into a Redis read model.

Run: `python -m bench.pipeline` (`--quick` for a short run). Reprise at 10, 100 and 1,000
active guilds and the skeleton baseline (bench/skeleton.py), each at fixed offered loads of
200, 500 and 1,000 commands/s and at saturation, in one run; end-to-end latency is from the
moment a command is due to be sent to the moment the read model has written its event.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from bench.pipeline_cpu import machine_busy
from bench.pipeline_env import MANAGEMENT, PARTITIONS, SPREAD_PARTITIONS, run_id
from bench.pipeline_load import Tracker
from bench.pipeline_phases import OTHER_LIMIT, Plan, Repeats, Runner
from bench.pipeline_report import section
from bench.pipeline_reprise import REPLY_WITHIN, reprise_system
from bench.postgres import database_url, server_facts
from bench.report import DOCS, publish
from bench.skeleton import skeleton_system
from reprise.adapters.collector import tune_collector
from reprise.adapters.event_loop import new_event_loop

if TYPE_CHECKING:
    from collections.abc import Sequence

    from bench.pipeline_load import Phase

COMMAND = ".venv/bin/python -m bench.pipeline"
GUILDS = (10, 100, 1_000)
SKELETON_GUILDS = 1_000


FULL = Plan(seconds=8.0, saturation_seconds=10.0, warm_up=2.0)
QUICK = Plan(seconds=3.0, saturation_seconds=4.0, warm_up=1.0, post=False, repeats=0)


async def run(dsn: str, plan: Plan, guild_counts: Sequence[int]) -> tuple[list[Phase], Repeats]:
    tracker, run, repeats = Tracker(), run_id(), Repeats(plan.repeats)
    phases: list[Phase] = []
    async with skeleton_system(dsn, run, tracker) as skeleton:
        phases += await Runner(skeleton, tracker, SKELETON_GUILDS, plan, repeats).all_phases()
    for guilds in guild_counts:
        async with reprise_system(dsn, run, guilds, tracker) as reprise:
            runner = Runner(reprise, tracker, guilds, plan, repeats)
            phases += await runner.all_phases()
            if plan.post and guilds == max(guild_counts):
                reprise.post, reprise.name = True, "reprise (post)"
                phases.append(await runner.saturated())
    guilds = max(guild_counts)
    async with reprise_system(dsn, run, guilds, tracker, SPREAD_PARTITIONS) as spread:
        phases += await Runner(spread, tracker, guilds, plan, repeats).all_phases()
    return phases, repeats


async def rabbitmq_version() -> str:
    async with httpx.AsyncClient(base_url=MANAGEMENT, timeout=10) as api:
        overview = (await api.get("/api/overview")).json()
    return f"RabbitMQ {overview.get('rabbitmq_version', '?')}"


def arrangement(plan: Plan, broker: str, took: float, idle: float, repeats: Repeats) -> list[str]:
    cores = 100 * (os.cpu_count() or 1)
    repeated = "; ".join(repeats.done) or "none"
    return [
        "Processes: Reprise runs as `reprise run core` and `reprise run relay` child processes "
        "(RabbitCommandBus.send with the gateway's 3 s budget from the benchmark process, "
        "which also runs the read model: an EventConsumer group with PostgreSQL guild "
        "positions, as bootstrap wires them, whose handler does one Redis HSET per event). "
        "The skeleton's worker is one child process; its publisher and read model run in the "
        "benchmark process. All on one 2-core machine with PostgreSQL, RabbitMQ and Redis. "
        "Every process, the benchmark's included, runs on Reprise's event loop (eager tasks, "
        "ADR 0015).",
        f"Reprise: {PARTITIONS} quorum partition queue per stream (the default, for one core "
        "process, as the skeleton has one queue per hop); `reprise, "
        f"{SPREAD_PARTITIONS} partitions` is the same system with {SPREAD_PARTITIONS} per "
        "stream, the room for four core processes, all served by the one core here (ADR 0014). "
        "Fresh schema and vhost per system and guild count, one EnqueueTracks per guild first, "
        "then Pause/Resume alternately (one event each, every one checked accepted). Reply "
        f"timeout {REPLY_WITHIN:.0f} s.",
        "Skeleton: quorum queues, publisher confirms on both publishes, autocommit INSERT per "
        "message (pool of 10), prefetch 500/200, ack after each step's effect.",
        f"Each offered load runs {plan.seconds:.0f} s (open loop, round robin over the "
        f"guilds); saturation keeps {plan.window} commands (at most {plan.per_guild} per guild) "
        f"between send and read model for {plan.saturation_seconds:.0f} s. Between phases the "
        "pipeline is left to empty (queues drained, every stored event read). Achieved = "
        "commands replied in time and written by the read model / (last write - first send). "
        "Latency: read-model write - due time; reply p99: reply - due time.",
        f"{broker}; durability as deployed: confirms on, acks after commits, fsync on. "
        f"Whole run took {took:.0f} s. The machine is shared: it was {idle:.0f}% busy (of "
        f"{cores}%) just before the run; `other CPU %` is CPU spent outside this benchmark's "
        "processes and the three services (other users, the kernel), in % of one core. A "
        f"phase with more than {OTHER_LIMIT:.0f}% other, or during which the broker went away "
        f"(others' tests restart it), was run again (at most {plan.repeats} per run; the "
        f"table shows the second attempt). Repeated: {repeated}.",
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short phases (a smoke run)")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    dsn = database_url()
    server = await server_facts(dsn)
    print(f"{server.describe()} (SHOW fsync: {server.fsync})", flush=True)
    idle = await machine_busy()
    print(f"machine busy before the run: {idle:.0f}% (of {100 * (os.cpu_count() or 1)}%)")
    started = time.perf_counter()
    phases, repeats = await run(dsn, plan, GUILDS)
    took = time.perf_counter() - started
    notes = arrangement(plan, await rabbitmq_version(), took, idle, repeats)
    command = COMMAND + (" --quick" if args.quick else "")
    # A quick run is a smoke test: its table is printed, and written aside, not into the docs.
    docs = Path(tempfile.gettempdir()) / "pipeline-quick.md" if args.quick else DOCS
    publish(section(phases, command, notes), server, docs)


if __name__ == "__main__":
    tune_collector()  # as every `reprise` process does
    asyncio.run(main(), loop_factory=new_event_loop)
