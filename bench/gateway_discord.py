"""The Discord stand-in of the gateway benchmark, in a process of its own.

`python -m bench.gateway_discord GUILDS` starts the stand-in with GUILDS guilds (one listener
in voice each), prints `{"api_base": ...}`, then answers one JSON line per line it reads:
`warm` (every listener runs /play once), `load SECONDS` (the open-loop run; latencies and
errors), `quit`. A process of its own so the stand-in does not share the bot's event loop and
core: the bot under test gets one of the machine's two cores.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys

from tests.fakes.discord import FakeDiscord

from bench.gateway_load import ReplyClock, collect, offer, warm_up
from bench.gateway_systems import TOKEN, populate
from reprise.adapters.collector import tune_collector

COMMANDS = ("play", "pause", "resume")


def _say(payload: object) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def _settle_collector() -> None:
    """The stand-in keeps everything it records: its guilds (frozen here, once built) and, as
    the run goes on, every interaction and frame. With CPython's default thresholds, full
    collections traverse all of it again and again, pausing the stand-in for a tenth of a second
    or more, which both rows would pay; Reprise's processes use the same thresholds."""
    gc.collect()
    gc.freeze()
    tune_collector()


async def serve(guilds: int) -> None:
    async with FakeDiscord(token=TOKEN, heartbeat_interval=5.0) as discord:
        discord.interactions.callback_deadline = 30.0  # late replies are counted by `collect`
        listeners = populate(discord, guilds)
        _settle_collector()
        clock = ReplyClock(discord)
        _say({"api_base": discord.api_base})
        reader = asyncio.StreamReader()
        loop = asyncio.get_running_loop()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while line := (await reader.readline()).decode().split():
            match line:
                case ["warm"]:
                    await discord.wait_for_commands(*COMMANDS, within=60.0)
                    _say({"failures": await warm_up(listeners)})
                case ["load", seconds]:
                    outcome = await collect(await offer(listeners, float(seconds), 1.0), clock)
                    _say(
                        {
                            "offered": outcome.offered,
                            "latencies_ms": outcome.latencies_ms,
                            "errors": outcome.errors,
                        }
                    )
                case _:
                    return


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1])))
