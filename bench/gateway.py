"""Interaction → reply through the Discord stand-in, 10, 100 and 1,000 guilds at once.

Run: `python -m bench.gateway` (`--quick` for a short run). For each guild count, Reprise's
gateway and a baseline bot (a plain nextcord client answering each command with a constant)
log in to the stand-in; every guild's listener runs /play once, then /pause and /resume
alternately, one command per guild per second, open loop. Latency is from the moment a command
is due to the moment the stand-in records the bot's interaction callback. Memory: live bytes
traced (tracemalloc) during login and warm-up whose stack has no stand-in, benchmark or backend
frame, per guild between the smallest and largest guild counts.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nextcord
import nextcord.http

from bench.gateway_load import Outcome, gateway_bytes, percentile
from bench.gateway_systems import baseline_bot, reprise_gateway
from bench.report import DOCS, Section, publish
from reprise.adapters.collector import tune_collector
from reprise.adapters.event_loop import new_event_loop

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager

COMMAND = ".venv/bin/python -m bench.gateway"
GUILDS = (10, 100, 1_000)
TARGET_P99_MS = 100.0
TARGET_BYTES_PER_GUILD = 20 * 1024
PANEL_EDIT_INTERVAL = 2.0


async def measure(system: str, guilds: int, seconds: float) -> tuple[Outcome, int, int]:
    """(outcome, warm-up failures, traced gateway bytes after warm-up)."""
    stand_in = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.gateway_discord", str(guilds),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=1 << 24,
    )  # fmt: skip
    previous = nextcord.http.Route.BASE
    try:
        nextcord.http.Route.BASE = (await _hear(stand_in))["api_base"]
        gc.collect()
        tracemalloc.start(25)
        async with _system(system):
            failures = int((await _ask(stand_in, "warm"))["failures"])
            await asyncio.sleep(PANEL_EDIT_INTERVAL + 0.5)
            gc.collect()
            traced = gateway_bytes(tracemalloc.take_snapshot())
            tracemalloc.stop()
            result = await _ask(stand_in, f"load {seconds}")
    finally:
        nextcord.http.Route.BASE = previous
        if stand_in.returncode is None:
            stand_in.kill()
        await stand_in.wait()
    outcome = Outcome(list(result["latencies_ms"]), dict(result["errors"]), int(result["offered"]))
    return outcome, failures, traced


async def _hear(process: asyncio.subprocess.Process) -> dict[str, Any]:
    assert process.stdout is not None
    line = await process.stdout.readline()
    if not line:
        raise RuntimeError("the Discord stand-in process ended")
    answer: dict[str, Any] = json.loads(line)
    return answer


async def _ask(process: asyncio.subprocess.Process, request: str) -> dict[str, Any]:
    assert process.stdin is not None
    process.stdin.write(f"{request}\n".encode())
    await process.stdin.drain()
    return await _hear(process)


def _system(name: str) -> AbstractAsyncContextManager[nextcord.Client]:
    return reprise_gateway(PANEL_EDIT_INTERVAL) if name == "reprise" else baseline_bot()


def _row(system: str, guilds: int, outcome: Outcome, failures: int, per_guild: str) -> list[str]:
    lat = outcome.latencies_ms
    errors = sum(outcome.errors.values()) + failures
    return [
        system, f"{guilds:,}", f"{outcome.offered:,}",
        f"{percentile(lat, 0.50):.1f}", f"{percentile(lat, 0.95):.1f}",
        f"{percentile(lat, 0.99):.1f}", f"{errors:,}", per_guild,
    ]  # fmt: skip


async def run(
    seconds: float, guild_counts: tuple[int, ...]
) -> tuple[list[list[str]], dict[str, float], list[str]]:
    rows: list[list[str]] = []
    notes: list[str] = []
    worst: dict[str, float] = {}
    for system in ("baseline", "reprise"):
        traced: dict[int, int] = {}
        for guilds in guild_counts:
            print(f"{system}: {guilds} guilds...", flush=True)
            outcome, failures, traced[guilds] = await measure(system, guilds, seconds)
            per_guild = f"{traced[guilds] / guilds / 1024:.1f}"
            rows.append(_row(system, guilds, outcome, failures, per_guild))
            for reason, count in outcome.errors.items():
                notes.append(f"{system} at {guilds:,} guilds: {count:,} times {reason}.")
            if failures:
                notes.append(f"{system} at {guilds:,} guilds: {failures} warm-up /play failed.")
            worst[f"{system} p99 {guilds}"] = percentile(outcome.latencies_ms, 0.99)
            worst[f"{system} errors {guilds}"] = sum(outcome.errors.values()) + failures
        low, high = min(guild_counts), max(guild_counts)
        slope = (traced[high] - traced[low]) / (high - low)
        worst[f"{system} bytes per guild"] = slope
        notes.append(
            f"{system}: {slope / 1024:.1f} KB of gateway memory per additional guild "
            f"({traced[low] / 1024:,.0f} KB traced at {low} guilds, "
            f"{traced[high] / 1024:,.0f} KB at {high:,})."
        )
    return rows, worst, notes


def verdict(worst: dict[str, float], top: int) -> str:
    p99 = worst[f"reprise p99 {top}"]
    errors = int(sum(v for k, v in worst.items() if k.startswith("reprise errors")))
    per_guild = worst["reprise bytes per guild"]
    checks = [
        (p99 < TARGET_P99_MS, f"p99 at {top:,} guilds {p99:.1f} ms (target < 100 ms)"),
        (errors == 0, f"{errors} errors (target 0)"),
        (
            per_guild < TARGET_BYTES_PER_GUILD,
            f"{per_guild / 1024:.1f} KB per guild (target < 20 KB)",
        ),
    ]
    missed = [text for ok, text in checks if not ok]
    met = [text for ok, text in checks if ok]
    head = "MET" if not missed else f"MISSED ({len(missed)} of {len(checks)} targets)"
    return f"{head}: " + "; ".join([*(f"{t}: missed" for t in missed), *met]) + "."


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short phases, 10 and 100 guilds")
    args = parser.parse_args()
    tune_collector()  # as every `reprise` process does; the baseline bot shares the process
    seconds, counts = (3.0, (10, 100)) if args.quick else (10.0, GUILDS)
    started = time.perf_counter()
    rows, worst, notes = await run(seconds, counts)
    notes = [
        "Both systems log in to the Discord stand-in (tests/fakes/discord), which runs in a "
        "process of its own (bench/gateway_discord.py: guilds, the load generator and the "
        "reply clock); the bot under test runs in the benchmark process, on a 2-core machine "
        "shared with other work. Reprise's gateway runs on the embedded default backend (in-memory "
        "event store, in-process bus, relay and projector, in-memory read cache): these are "
        "the gateway's figures; the backbone has its own (Command pipeline).",
        f"Each guild: one member in voice; /play once (warm-up), then /pause and /resume "
        f"alternately, 1 per guild per second for {seconds:.0f} s, open loop. Errors: no "
        "callback within 3 s of the due time, or a reply other than the expected one. Reprise's "
        f"now-playing panels are edited at most every {PANEL_EDIT_INTERVAL:.0f} s per guild "
        "and 30 times a second in all during the run (those edits are REST calls to the same "
        "stand-in). Both processes use Reprise's collector thresholds (tune_collector); the bots' "
        "process runs on Reprise's event loop (eager tasks, ADR 0015), the stand-in on "
        "asyncio's default; the stand-in freezes its guilds once built.",
        *notes,
        f"Whole run took {time.perf_counter() - started:.0f} s.",
    ]
    section = Section(
        title="Discord gateway: interaction → reply",
        command=COMMAND + (" --quick" if args.quick else ""),
        columns=(
            "system",
            "guilds",
            "commands",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "errors",
            "KB/guild",
        ),
        rows=rows,
        verdict=verdict(worst, max(counts)),
        notes=notes,
    )
    docs = Path(tempfile.gettempdir()) / "gateway-quick.md" if args.quick else DOCS
    publish(section, None, docs)


if __name__ == "__main__":
    asyncio.run(main(), loop_factory=new_event_loop)
