"""The PostgreSQL the benchmarks run against: its address, its facts, throwaway schemas."""

from __future__ import annotations

import os
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import asyncpg

from reprise.adapters.postgres.connection import migrate_database

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


@dataclass(frozen=True, slots=True)
class ServerFacts:
    """What decides how fast a durable commit can be."""

    version: str
    fsync: str
    synchronous_commit: str

    def describe(self) -> str:
        return (
            f"PostgreSQL {self.version}, fsync={self.fsync}, "
            f"synchronous_commit={self.synchronous_commit}"
        )


async def server_facts(dsn: str) -> ServerFacts:
    connection = await asyncpg.connect(dsn)
    try:
        version = await connection.fetchval("SHOW server_version")
        fsync = await connection.fetchval("SHOW fsync")
        synchronous_commit = await connection.fetchval("SHOW synchronous_commit")
    finally:
        await connection.close()
    return ServerFacts(str(version).split()[0], str(fsync), str(synchronous_commit))


@asynccontextmanager
async def throwaway_schema(dsn: str, *, migrated: bool = True) -> AsyncIterator[str]:
    """A fresh schema (with Reprise's tables unless `migrated=False`), dropped afterwards."""
    schema = f"reprise_bench_{uuid.uuid4().hex[:12]}"
    try:
        if migrated:
            await migrate_database(dsn, schema)
        else:
            await _execute(dsn, f"CREATE SCHEMA {schema}")
        yield schema
    finally:
        await _execute(dsn, f"DROP SCHEMA IF EXISTS {schema} CASCADE")


async def _execute(dsn: str, sql: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()
