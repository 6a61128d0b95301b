"""The broker's floor: how long one and two quorum-queue hops take with no application work.

Run: `python -m bench.broker_floor`. Messages go out open loop at fixed rates, round robin over
4 quorum partition queues, each published with a confirm (as Reprise publishes). A relay
stage consumes each message and publishes it on to a second set of 4 quorum queues before it
acks, as the core and the relay do between them; a last stage consumes and acks. No database,
no decoding: whatever the pipeline's latency is above these figures is Reprise's own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import TYPE_CHECKING

import aio_pika

from bench.measure import percentile
from bench.pipeline_env import run_id, throwaway_vhost
from bench.report import Section, publish

if TYPE_CHECKING:
    from aio_pika.abc import AbstractChannel, AbstractIncomingMessage

COMMAND = ".venv/bin/python -m bench.broker_floor"
TITLE = "RabbitMQ floor: quorum hops with no application work"
PARTITIONS = 4
RATES = (100, 200, 500, 1_000)


class Hops:
    """Send times by message id; when the first and the second hop delivered each."""

    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.first: list[float] = []
        self.second: list[float] = []
        self.all_arrived = asyncio.Event()

    def reset(self) -> None:
        self.sent.clear()
        self.first.clear()
        self.second.clear()
        self.all_arrived.clear()

    def arrived(self, key: str) -> None:
        if key in self.sent:
            self.second.append(time.perf_counter() - self.sent[key])
            if len(self.second) == len(self.sent):
                self.all_arrived.set()


async def _declare(channel: AbstractChannel, stage: str) -> list[str]:
    names = [f"{stage}.p{p}" for p in range(PARTITIONS)]
    for name in names:
        await channel.declare_queue(name, durable=True, arguments={"x-queue-type": "quorum"})
    return names


async def _forward(channel: AbstractChannel, hops: Hops, onward: list[str]) -> None:
    """The relay stage: publish on with a confirm, then ack (as the core acks after its work)."""

    async def on_message(message: AbstractIncomingMessage) -> None:
        key = message.body.decode()
        if key in hops.sent:
            hops.first.append(time.perf_counter() - hops.sent[key])
        partition = int(message.routing_key.rsplit("p", 1)[-1]) if message.routing_key else 0
        await channel.default_exchange.publish(
            aio_pika.Message(message.body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key=onward[partition],
        )
        await message.ack()

    for name in [f"hop1.p{p}" for p in range(PARTITIONS)]:
        await (await channel.get_queue(name)).consume(on_message)


async def _finish(channel: AbstractChannel, hops: Hops) -> None:
    async def on_message(message: AbstractIncomingMessage) -> None:
        hops.arrived(message.body.decode())
        await message.ack()

    for name in [f"hop2.p{p}" for p in range(PARTITIONS)]:
        await (await channel.get_queue(name)).consume(on_message)


async def _offer(channel: AbstractChannel, hops: Hops, rate: int, seconds: float) -> None:
    exchange = channel.default_exchange
    tasks: set[asyncio.Task[object]] = set()
    start = time.perf_counter()
    for index in range(int(rate * seconds)):
        due = start + index / rate
        if (delay := due - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        key = f"{rate}.{index}"
        hops.sent[key] = due
        message = aio_pika.Message(key.encode(), delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
        task = asyncio.create_task(exchange.publish(message, f"hop1.p{index % PARTITIONS}"))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    await asyncio.wait_for(hops.all_arrived.wait(), 60)


def _ms(samples: list[float], fraction: float) -> str:
    return f"{percentile(samples, fraction) * 1000:.1f}"


async def run(seconds: float) -> list[list[str]]:
    rows = []
    async with throwaway_vhost(f"floor_{run_id()}") as url:
        connections = [await aio_pika.connect_robust(url) for _ in range(3)]
        try:
            publisher, relay, sink = [await c.channel(publisher_confirms=True) for c in connections]
            await _declare(publisher, "hop1")
            onward = await _declare(publisher, "hop2")
            await relay.set_qos(prefetch_count=200)
            await sink.set_qos(prefetch_count=200)
            hops = Hops()
            await _forward(relay, hops, onward)
            await _finish(sink, hops)
            await _offer(publisher, hops, 100, 2.0)  # warm up
            for rate in RATES:
                hops.reset()
                await _offer(publisher, hops, rate, seconds)
                first, second = list(hops.first), list(hops.second)
                rows.append(
                    [
                        f"{rate:,}",
                        str(len(second)),
                        *(_ms(first, f) for f in (0.5, 0.95, 0.99)),
                        *(_ms(second, f) for f in (0.5, 0.95, 0.99)),
                    ]
                )
                print(json.dumps(rows[-1]), flush=True)
        finally:
            for connection in connections:
                await connection.close()
    return rows


def section(rows: list[list[str]], seconds: float) -> Section:
    columns = ["offered /s", "messages", "1 hop p50 ms", "1 hop p95 ms", "1 hop p99 ms"]
    columns += ["2 hops p50 ms", "2 hops p95 ms", "2 hops p99 ms"]
    notes = [
        f"Each rate runs {seconds:.0f} s, open loop; latency is from the moment a message is "
        "due to be published to the moment a consumer of the first (1 hop) or second (2 hops) "
        "queue set receives it. Durable quorum queues, persistent messages, publisher "
        "confirms, acks after the onward publish is confirmed; three connections in this "
        "benchmark's process; fsync on, as RabbitMQ always does for quorum queues.",
        "Reprise's command → event path crosses two such hops (commands, then events) with the "
        "core's PostgreSQL commit and the relay between them: this table is the floor that "
        "the Command pipeline and the audio benchmark's figures stand on.",
    ]
    verdict = "Context for the other sections (no target of its own)."
    return Section(TITLE, COMMAND, columns, rows, verdict, notes)


async def main(seconds: float) -> None:
    rows = await run(seconds)
    publish(section(rows, seconds), None)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds per rate")
    asyncio.run(main(parser.parse_args().seconds))
