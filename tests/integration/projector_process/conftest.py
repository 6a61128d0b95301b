"""Fixtures of the projector process tests: the test's schema, vhost and key prefixes."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest

from reprise.adapters.postgres.connection import migrate_database
from reprise.settings import Settings
from tests.integration.projector_process.processes import Processes, process_env
from tests.integration.projector_process.read_side import ReadSide, read_side
from tests.services import delete_redis_prefix, redis_url

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

PARTITIONS = 4


@pytest.fixture
async def settings(database_url: str, pg_schema: str, amqp_url: str) -> Settings:
    """The test's schema (migrated) and vhost, as the processes see them."""
    await migrate_database(database_url, pg_schema)
    return Settings(
        database_url=database_url,
        database_schema=pg_schema,
        amqp_url=amqp_url,
        partitions=PARTITIONS,
        migrate_on_start=False,
    )


@pytest.fixture
async def rebuilt_prefix() -> AsyncIterator[str]:
    """A second key prefix, for a rebuild from zero; its keys are deleted afterwards."""
    prefix = f"reprise_test_{uuid.uuid4().hex[:12]}"
    yield prefix
    await delete_redis_prefix(prefix)


@pytest.fixture
async def processes(
    settings: Settings, redis_prefix: str, tmp_path: Path
) -> AsyncIterator[Processes]:
    """`reprise` processes on the test's services; all are SIGKILLed when the test ends."""
    env = process_env(
        database_url=str(settings.database_url),
        database_schema=settings.database_schema,
        amqp_url=str(settings.amqp_url),
        redis_url=redis_url(),
        redis_prefix=redis_prefix,
        partitions=PARTITIONS,
    )
    started = Processes(env, tmp_path)
    try:
        yield started
    finally:
        await started.kill_all()
        print(started.outputs())  # shown by pytest when the test failed


@pytest.fixture
async def read(settings: Settings, redis_prefix: str) -> AsyncIterator[ReadSide]:
    async with read_side(settings, redis_prefix) as side:
        yield side
