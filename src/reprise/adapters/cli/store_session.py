"""Opening the configured store (and its history) for one CLI command."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from reprise.adapters import bootstrap
from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.application.history import EventHistory
from reprise.application.ports import EventStore
from reprise.settings import Settings


@dataclass(frozen=True)
class StoreSession:
    store: EventStore
    history: EventHistory
    rows: RowMapper


@asynccontextmanager
async def opened(settings: Settings) -> AsyncIterator[StoreSession]:
    store, _ = await bootstrap.open_event_store(settings, connections=1)
    try:
        history = await bootstrap.open_event_history(store)
        try:
            yield StoreSession(store, history, RowMapper(build_mapper()))
        finally:
            await history.close()
    finally:
        await store.close()
