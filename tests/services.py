"""Where the real services are: the environment, the machine's defaults, or testcontainers.

Tests never fake PostgreSQL, RabbitMQ or Redis. A URL in the environment wins; otherwise the
machine's default address is used when it answers; otherwise, if Docker is available, a
throwaway container is started.
"""

from __future__ import annotations

import os
import shutil
import socket
from typing import TYPE_CHECKING
from urllib.parse import urlparse

if TYPE_CHECKING:
    from contextlib import ExitStack

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 0), 1.0):
            return True
    except OSError:
        return False


def postgres_url(resources: ExitStack) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    if _answers(DEFAULT_DATABASE_URL):
        return DEFAULT_DATABASE_URL
    if shutil.which("docker"):
        from testcontainers.postgres import PostgresContainer  # noqa: PLC0415 - only with Docker

        container = resources.enter_context(PostgresContainer("postgres:16-alpine"))
        return container.get_connection_url(driver=None)
    raise RuntimeError(
        "PostgreSQL is not reachable at DATABASE_URL or 127.0.0.1:5432 and Docker is absent"
    )


DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_MANAGEMENT_URL = "http://guest:guest@127.0.0.1:15672"


def amqp_base_url() -> str:
    url = os.environ.get("AMQP_URL", DEFAULT_AMQP_URL)
    if not _answers(url.replace("amqp://", "http://", 1)):
        raise RuntimeError(f"RabbitMQ is not reachable at {url}")
    return url


def management_url() -> str:
    return os.environ.get("RABBITMQ_MANAGEMENT_URL", DEFAULT_MANAGEMENT_URL)


DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    if not _answers(url):
        raise RuntimeError(f"Redis is not reachable at {url}")
    return url


async def delete_redis_prefix(prefix: str) -> None:
    """Remove every key under `prefix:` (the cleanup of a test's own key prefix)."""
    import redis.asyncio as aioredis  # noqa: PLC0415 - only the tests that use Redis need it

    client = aioredis.Redis.from_url(redis_url())
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}:*", count=1_000)]
        if keys:
            await client.unlink(*keys)
    finally:
        await client.aclose()
