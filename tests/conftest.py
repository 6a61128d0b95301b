"""Fixtures for the real services, isolated per test run."""

from __future__ import annotations

import gc
import uuid
from contextlib import ExitStack
from typing import TYPE_CHECKING

import asyncpg
import httpx
import pytest

from reprise.adapters.event_loop import new_event_loop
from tests.services import amqp_base_url, delete_redis_prefix, management_url, postgres_url

if TYPE_CHECKING:
    import asyncio
    from collections.abc import AsyncIterator, Callable, Iterator


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with ExitStack() as resources:
        yield postgres_url(resources)


@pytest.fixture
async def pg_schema(database_url: str) -> AsyncIterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards."""
    schema = f"reprise_test_{uuid.uuid4().hex[:12]}"
    yield schema
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        await connection.close()


@pytest.fixture
async def amqp_url() -> AsyncIterator[str]:
    """A fresh RabbitMQ virtual host for one test, deleted afterwards."""
    base = amqp_base_url()
    vhost = f"reprise_test_{uuid.uuid4().hex[:12]}"
    async with httpx.AsyncClient(base_url=management_url(), timeout=30) as api:
        (await api.put(f"/api/vhosts/{vhost}")).raise_for_status()
        permissions = {"configure": ".*", "write": ".*", "read": ".*"}
        (await api.put(f"/api/permissions/{vhost}/guest", json=permissions)).raise_for_status()
        yield base.rstrip("/") + "/" + vhost
        await api.delete(f"/api/vhosts/{vhost}")


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix of one test's own in the real Redis; its keys are deleted afterwards."""
    prefix = f"reprise_test_{uuid.uuid4().hex[:12]}"
    yield prefix
    await delete_redis_prefix(prefix)


@pytest.fixture(autouse=True)
def _collect_garbage_after_each_test() -> Iterator[None]:
    """A resource a test leaks (a socket it never closed) is finalised, and reported as an
    unraisable-exception error, in that test rather than in whichever test runs when the
    collector next happens to pass."""
    yield
    gc.collect()


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
    """Every test runs on the loop every Reprise process runs on: eager tasks (ADR 0015)."""
    del config, item
    return {"eager": new_event_loop}
