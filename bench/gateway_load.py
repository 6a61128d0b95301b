"""Driving guilds through the stand-in: warm-up, open-loop commands, latency and errors."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tests.fakes.discord import UserInteraction

from bench.gateway_systems import REPLIES

if TYPE_CHECKING:
    import tracemalloc

    from tests.fakes.discord import FakeDiscord

    from bench.gateway_systems import Listener

DEADLINE = 3.0
TICK = 0.005
_FAKE = "/tests/fakes/"
# Not bench/gateway.py: as the module that calls asyncio.run, it is the outermost frame of
# every shallow stack, the bots' own included. aiohttp's web_* modules are the stand-in's server.
_NOT_GATEWAY = (
    _FAKE, "/aiohttp/web_", "/bench/gateway_load.py", "/reprise/adapters/inprocess/",
    "/reprise/application/", "/reprise/domain/", "/reprise/projections/", "/eventsourcing/",
    "tracemalloc",
)  # fmt: skip


@dataclass
class Sent:
    interaction: UserInteraction
    due: float
    expected: str


@dataclass
class Outcome:
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    offered: int = 0

    def fail(self, reason: str) -> None:
        self.errors[reason] = self.errors.get(reason, 0) + 1


class ReplyClock:
    """Stamps the moment the stand-in records each interaction's callback."""

    def __init__(self, discord: FakeDiscord) -> None:
        self.at: dict[int, float] = {}
        desk = discord.interactions
        original = desk.respond

        def respond(interaction_id: int, token: str, body: object, filenames: list[str]):  # type: ignore[no-untyped-def]
            result = original(interaction_id, token, body, filenames)  # type: ignore[arg-type]
            self.at[interaction_id] = asyncio.get_running_loop().time()
            return result

        desk.respond = respond  # type: ignore[method-assign]


async def warm_up(listeners: list[Listener], concurrency: int = 50) -> int:
    """Every listener runs /play once (Reprise joins voice, queues, opens the panel)."""
    failures = 0
    gate = asyncio.Semaphore(concurrency)

    async def one(listener: Listener) -> None:
        nonlocal failures
        async with gate:
            reply = await listener.user.run_slash(listener.guild, "play", query="bench tone")
            text = (await reply.wait_for_followup(0, within=10.0)).content
            failures += "Queued" not in text

    await asyncio.gather(*(one(listener) for listener in listeners))
    return failures


async def offer(listeners: list[Listener], seconds: float, per_guild_per_s: float) -> list[Sent]:
    """Open loop: guild i's k-th command is due at start + (k + i / n) / rate."""
    loop = asyncio.get_running_loop()
    n, rate = len(listeners), per_guild_per_s
    total = int(seconds * n * rate)
    start = loop.time() + 0.2
    sent: list[Sent] = []
    for k in range(total):
        due = start + k / (n * rate)
        if due > loop.time():
            await asyncio.sleep(max(TICK, due - loop.time()))
        listener = listeners[k % n]
        command = "pause" if (k // n) % 2 == 0 else "resume"
        interaction = listener.user.start_slash(listener.guild, command)
        sent.append(Sent(interaction, due, REPLIES[command]))
    return sent


async def collect(sent: list[Sent], clock: ReplyClock) -> Outcome:
    """Waits out the deadline, then sorts every command into a latency or an error."""
    await asyncio.sleep(DEADLINE + 0.5)
    outcome = Outcome(offered=len(sent))
    for item in sent:
        replied = clock.at.get(item.interaction.id)
        if replied is None or replied - item.due > DEADLINE:
            outcome.fail("no reply within 3 s")
            continue
        message = item.interaction.original
        if message is None or message.content != item.expected:
            outcome.fail(f"unexpected reply {message.content if message else None!r}")
            continue
        outcome.latencies_ms.append((replied - item.due) * 1000)
    return outcome


def gateway_bytes(snapshot: tracemalloc.Snapshot) -> int:
    """Live bytes allocated with no stand-in, benchmark or backend frame on their stack."""
    total = 0
    for trace in snapshot.traces:
        files = [frame.filename for frame in trace.traceback]
        if not any(marker in name for name in files for marker in _NOT_GATEWAY):
            total += trace.size
    return total


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
