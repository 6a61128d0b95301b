"""Where a test's store lives: SQLite in a temporary folder, or a fresh PostgreSQL schema."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
import pytest

from reprise.adapters import bootstrap
from reprise.settings import Settings

if TYPE_CHECKING:
    from reprise.domain.commands import CommandBase

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)]


@dataclass(frozen=True)
class StoreConfig:
    """The CLI's environment for one store, and the same as in-process Settings."""

    backend: str
    env: dict[str, str]
    settings: Settings
    cwd: Path

    @property
    def schema(self) -> str:
        return self.settings.database_schema


def sqlite_store(folder: Path) -> StoreConfig:
    path = folder / "events.sqlite3"
    settings = Settings(database_url=None, sqlite_path=path)
    return StoreConfig("sqlite", {"SQLITE_PATH": str(path)}, settings, folder)


def postgres_store(folder: Path, dsn: str) -> StoreConfig:
    schema = f"reprise_test_{uuid.uuid4().hex[:12]}"
    env = {"DATABASE_URL": dsn, "DATABASE_SCHEMA": schema}
    return StoreConfig(
        "postgresql", env, Settings(database_url=dsn, database_schema=schema), folder
    )


async def drop_schema(dsn: str, schema: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        await connection.close()


async def through_the_core(settings: Settings, commands: list[CommandBase]) -> None:
    """Decide and store `commands` with a core in this process (the CLI runs elsewhere)."""
    core = await bootstrap.bootstrap_core(settings)
    try:
        for command in commands:
            result = await core.bus.handle(command)
            assert result.accepted, result
    finally:
        await core.close()


def drop_schemas(made: list[StoreConfig]) -> None:
    for config in made:
        if config.settings.database_url:
            asyncio.run(drop_schema(config.settings.database_url, config.schema))
