"""Stores for the CLI to read: seeded ones on SQLite and PostgreSQL, and fresh ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.replay_cli.seeding import SeededStore, invocations, seed
from tests.e2e.replay_cli.stores import (
    BACKENDS,
    StoreConfig,
    drop_schemas,
    postgres_store,
    sqlite_store,
)

if TYPE_CHECKING:
    from collections.abc import Iterator


class StoreMaker:
    """Makes stores for the tests of this folder; their schemas are dropped at the end."""

    def __init__(self, request: pytest.FixtureRequest, paths: pytest.TempPathFactory) -> None:
        self._request = request
        self._paths = paths
        self.made: list[StoreConfig] = []

    def __call__(self, backend: str) -> StoreConfig:
        folder = self._paths.mktemp(backend)
        if backend == "sqlite":
            config = sqlite_store(folder)
        else:
            config = postgres_store(folder, str(self._request.getfixturevalue("database_url")))
        self.made.append(config)
        return config


@pytest.fixture(scope="package")
def make_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StoreMaker]:
    maker = StoreMaker(request, tmp_path_factory)
    yield maker
    drop_schemas(maker.made)


@pytest.fixture(scope="package", params=BACKENDS)
def seeded(request: pytest.FixtureRequest, make_store: StoreMaker) -> SeededStore:
    """The story of `seeding.py` in a store of each kind, every listed read already made."""
    config = make_store(str(request.param))
    store = seed(config)
    store.prefetch(invocations(store))
    return store


@pytest.fixture(params=BACKENDS)
def fresh_store(request: pytest.FixtureRequest, make_store: StoreMaker) -> StoreConfig:
    """An empty store of each kind, for a test that writes."""
    return make_store(str(request.param))
