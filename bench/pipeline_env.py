"""What one pipeline run stands on: a throwaway vhost, a Redis key prefix, child processes.

Everything is on loopback; everything made here is removed when its context ends.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import redis.asyncio as aioredis

from reprise.settings import Settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
    from contextlib import AsyncExitStack

    from aio_pika.abc import AbstractChannel

AMQP_BASE = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
MANAGEMENT = os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://guest:guest@127.0.0.1:15672")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
READY_TIMEOUT = 30.0
# The default, for one process of each kind (ADR 0014), and room for four, all served by one.
PARTITIONS: int = Settings.model_fields["partitions"].default
SPREAD_PARTITIONS = 4
_SCAN_ROUNDS = 10_000
SETTLE_SECONDS = 60.0


def run_id() -> str:
    return uuid.uuid4().hex[:10]


@asynccontextmanager
async def throwaway_vhost(name: str) -> AsyncIterator[str]:
    """A fresh RabbitMQ virtual host (its AMQP URL), deleted with everything in it."""
    vhost = f"reprise_bench_{name}"
    async with httpx.AsyncClient(base_url=MANAGEMENT, timeout=30) as api:
        (await api.put(f"/api/vhosts/{vhost}")).raise_for_status()
        permissions = {"configure": ".*", "write": ".*", "read": ".*"}
        (await api.put(f"/api/permissions/{vhost}/guest", json=permissions)).raise_for_status()
        try:
            yield AMQP_BASE.rstrip("/") + "/" + vhost
        finally:
            await api.delete(f"/api/vhosts/{vhost}")


@asynccontextmanager
async def redis_prefix(name: str) -> AsyncIterator[tuple[aioredis.Redis, str]]:
    """A Redis client and a key prefix of this run; the prefix's keys are deleted at the end."""
    client = aioredis.Redis.from_url(REDIS_URL)
    prefix = f"reprise-bench:{name}:"
    try:
        yield client, prefix
    finally:
        await delete_prefix(client, prefix)
        await client.aclose()


async def delete_prefix(client: aioredis.Redis, prefix: str) -> int:
    deleted, cursor = 0, 0
    for _ in range(_SCAN_ROUNDS):
        cursor, keys = await client.scan(cursor, match=f"{prefix}*", count=1_000)
        if keys:
            deleted += await client.delete(*keys)
        if cursor == 0:
            break
    return deleted


@dataclass
class Child:
    """A child process started by the benchmark, stopped by its own pid."""

    name: str
    process: asyncio.subprocess.Process
    reader: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 10.0)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def start_child(name: str, args: Sequence[str], env: Mapping[str, str], ready: str) -> Child:
    """Start `args` and wait until a line of its output contains `ready`."""
    process = await asyncio.create_subprocess_exec(
        *args,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    child = Child(name, process)
    try:
        await asyncio.wait_for(_wait_for_line(process, ready), READY_TIMEOUT)
    except BaseException:
        await child.stop()
        raise
    child.reader = asyncio.get_running_loop().create_task(_drain(process, name))
    return child


async def start_core_and_relay(settings: Settings, stack: AsyncExitStack) -> list[Child]:
    """`reprise run core` and `reprise run relay` as child processes on `settings`' database,
    schema, broker and partitions (already migrated), each stopped when `stack` closes."""
    reprise = str(Path(sys.executable).parent / "reprise")
    env = {
        "DATABASE_URL": settings.database_url or "",
        "DATABASE_SCHEMA": settings.database_schema,
        "AMQP_URL": settings.amqp_url or "",
        "PARTITIONS": str(settings.partitions),
        "MIGRATE_ON_START": "false",
    }
    children = []
    for name, ready in (("core", "core: event store"), ("relay", "relay: publishing")):
        child = await start_child(name, [reprise, "run", name], env, ready)
        stack.push_async_callback(child.stop)
        children.append(child)
    return children


async def _wait_for_line(process: asyncio.subprocess.Process, ready: str) -> None:
    assert process.stdout is not None
    seen: list[str] = []
    while line := await process.stdout.readline():
        text = line.decode(errors="replace").rstrip()
        seen.append(text)
        if ready in text:
            return
    raise RuntimeError("child ended before it was ready:\n" + "\n".join(seen[-20:]))


async def _drain(process: asyncio.subprocess.Process, name: str) -> None:
    """Keep the child's pipe empty; show what it says about errors."""
    assert process.stdout is not None
    while line := await process.stdout.readline():
        text = line.decode(errors="replace").rstrip()
        if any(word in text for word in ("Error", "error", "Traceback", "WARNING")):
            print(f"  [{name}] {text[:300]}", file=sys.stderr)


async def ready_messages(channel: AbstractChannel, queues: Sequence[str]) -> int:
    """Messages waiting (not yet delivered) in `queues`."""
    total = 0
    for name in queues:
        queue = await channel.declare_queue(name, passive=True)
        total += queue.declaration_result.message_count or 0
    return total


async def settle(quiet: Callable[[], Awaitable[bool]], max_seconds: float = SETTLE_SECONDS) -> bool:
    """Wait until `quiet()` holds for a second; False if it never did within `max_seconds`."""
    deadline = time.perf_counter() + max_seconds
    streak = 0
    while time.perf_counter() < deadline:
        streak = streak + 1 if await quiet() else 0
        if streak >= 4:
            return True
        await asyncio.sleep(0.25)
    return False
