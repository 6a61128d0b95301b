"""RabbitMQ seen from outside the code under test: raw messages, queues, the node itself."""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlparse, urlunparse

import aio_pika
import httpx

from reprise.adapters.rabbitmq.dead_letters import REASON_HEADER
from reprise.adapters.rabbitmq.declare import declare
from reprise.adapters.rabbitmq.topology import core_topology
from tests.integration.backbone.waiting import until
from tests.services import management_url

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection


def vhost_of(amqp_url: str) -> str:
    return unquote(urlparse(amqp_url).path.lstrip("/")) or "/"


async def named_connection(amqp_url: str, name: str) -> AbstractRobustConnection:
    """A robust connection as `bootstrap.open_broker` makes one, named for the management API."""
    connection = await aio_pika.connect_robust(
        amqp_url, client_properties={"connection_name": name}
    )
    channel = await connection.channel()
    await declare(channel, core_topology(4))
    await channel.close()
    return connection


async def connection_names(amqp_url: str, name: str) -> list[str]:
    """The broker's names of the test vhost's connections called `name` (once listed)."""
    vhost = quote(vhost_of(amqp_url), safe="")
    found: list[str] = []
    async with httpx.AsyncClient(base_url=management_url(), timeout=10) as api:

        async def listed() -> bool:
            response = await api.get(f"/api/vhosts/{vhost}/connections")
            response.raise_for_status()
            found[:] = [
                c["name"]
                for c in response.json()
                if (c.get("client_properties") or {}).get("connection_name") == name
            ]
            return bool(found)

        await until(listed, within=30, what=f"connection {name} listed", interval=0.2)
    return found


async def close_connections(names: list[str]) -> None:
    """Have the broker close these connections (by their broker names)."""
    async with httpx.AsyncClient(base_url=management_url(), timeout=10) as api:
        for connection in names:
            response = await api.delete(
                f"/api/connections/{quote(connection, safe='')}",
                headers={"X-Reason": "closed by a backbone test"},
            )
            response.raise_for_status()


async def close_connection(amqp_url: str, name: str) -> None:
    """Have the broker close one named connection of the test's vhost (others are untouched)."""
    await close_connections(await connection_names(amqp_url, name))


async def set_queue_policy(
    amqp_url: str, name: str, pattern: str, definition: dict[str, Any]
) -> None:
    """A policy on the test's vhost only (operators cap queues this way)."""
    vhost = quote(vhost_of(amqp_url), safe="")
    policy = {"pattern": pattern, "definition": definition, "apply-to": "queues"}
    async with httpx.AsyncClient(base_url=management_url(), timeout=10) as api:
        (await api.put(f"/api/policies/{vhost}/{name}", json=policy)).raise_for_status()


class BrokerUser:
    """A RabbitMQ user of the test's vhost only: deleting it takes its connections down, and
    they cannot come back until it exists again (an outage that no other test sees)."""

    def __init__(self, api: httpx.AsyncClient, amqp_url: str) -> None:
        self._api = api
        self._vhost = quote(vhost_of(amqp_url), safe="")
        self.name = f"backbone_{uuid.uuid4().hex[:10]}"
        self._password = uuid.uuid4().hex
        parsed = urlparse(amqp_url)
        netloc = f"{self.name}:{self._password}@{parsed.hostname}:{parsed.port or 5672}"
        self.url = urlunparse(parsed._replace(netloc=netloc))

    async def let_in(self) -> None:
        user = {"password": self._password, "tags": ""}
        (await self._api.put(f"/api/users/{self.name}", json=user)).raise_for_status()
        permissions = {"configure": ".*", "write": ".*", "read": ".*"}
        response = await self._api.put(
            f"/api/permissions/{self._vhost}/{self.name}", json=permissions
        )
        response.raise_for_status()

    async def lock_out(self) -> None:
        """Delete the user: the broker closes its connections; reconnecting is refused."""
        (await self._api.delete(f"/api/users/{self.name}")).raise_for_status()


@asynccontextmanager
async def broker_user(amqp_url: str) -> AsyncIterator[BrokerUser]:
    async with httpx.AsyncClient(base_url=management_url(), timeout=10) as api:
        user = BrokerUser(api, amqp_url)
        await user.let_in()
        try:
            yield user
        finally:
            await api.delete(f"/api/users/{user.name}")


async def ready_messages(channel: AbstractChannel, queue: str) -> int:
    """Messages waiting in `queue` right now (a passive declare, not the lagging statistics)."""
    declared = await channel.declare_queue(queue, passive=True)
    return int(declared.declaration_result.message_count or 0)


async def drain(channel: AbstractChannel, queue: str) -> list[AbstractIncomingMessage]:
    """Every message in `queue` now, taken off it."""
    source = await channel.get_queue(queue)
    taken: list[AbstractIncomingMessage] = []
    while (message := await source.get(no_ack=True, fail=False)) is not None:
        taken.append(message)
    return taken


async def collect(
    channel: AbstractChannel, queue: str, count: int, *, within: float = 20.0
) -> list[AbstractIncomingMessage]:
    """Take messages off `queue` until there are `count` of them."""
    taken: list[AbstractIncomingMessage] = []

    async def enough() -> bool:
        taken.extend(await drain(channel, queue))
        return len(taken) >= count

    await until(enough, within=within, what=f"{count} messages in {queue}", interval=0.1)
    return taken


def reason(message: AbstractIncomingMessage) -> str:
    value = (message.headers or {}).get(REASON_HEADER)
    return value.decode() if isinstance(value, bytes) else str(value)


def raw_message(body: bytes, **properties: Any) -> aio_pika.Message:
    return aio_pika.Message(
        body=body,
        content_type="application/json",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        **properties,
    )


# --- the node: stop_app / start_app affect every virtual host on this machine -------------


async def _rabbitmqctl(*args: str, within: float = 120.0) -> int:
    process = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        return await asyncio.wait_for(process.wait(), within)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise


async def stop_rabbitmq_app() -> None:
    assert await _rabbitmqctl("rabbitmqctl", "-q", "stop_app") == 0


async def start_rabbitmq_app() -> None:
    """start_app, then wait until the node answers `check_running` again."""
    await _rabbitmqctl("rabbitmqctl", "-q", "start_app")

    async def running() -> bool:
        return await _rabbitmqctl("rabbitmq-diagnostics", "-q", "check_running", within=30) == 0

    await until(running, within=120, what="RabbitMQ running again", interval=0.5)


def ensure_rabbitmq_running() -> None:
    """Synchronous last resort for a test's teardown: the machine's RabbitMQ must be left up."""

    def run(*command: str) -> int:
        done = subprocess.run(command, capture_output=True, timeout=120, check=False)  # noqa: S603
        return done.returncode

    if run("rabbitmq-diagnostics", "-q", "check_running") == 0:
        return
    run("rabbitmqctl", "-q", "start_app")
    for _ in range(120):
        if run("rabbitmq-diagnostics", "-q", "check_running") == 0:
            return
        time.sleep(1)
    raise RuntimeError("RabbitMQ did not come back: run `rabbitmqctl start_app`")
