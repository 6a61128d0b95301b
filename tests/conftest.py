"""Fixtures for the real services, isolated per test run."""

from __future__ import annotations

import uuid
from contextlib import ExitStack
from typing import TYPE_CHECKING

import asyncpg
import pytest

from tests.services import postgres_url

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator


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
