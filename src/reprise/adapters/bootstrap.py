"""The composition root: the one place that builds adapters from settings."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import TYPE_CHECKING

from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.adapters.inprocess.clock import SystemClock
from reprise.adapters.inprocess.event_store import InMemoryEventStore
from reprise.adapters.postgres.connection import migrate_database
from reprise.adapters.postgres.event_store import PostgresEventStore
from reprise.adapters.sqlite.event_store import SqliteEventStore
from reprise.application.aggregate_cache import AggregateCache
from reprise.application.handlers import HANDLERS
from reprise.application.message_bus import MessageBus
from reprise.application.ports import Clock, EventStore
from reprise.application.unit_of_work import Dependencies

if TYPE_CHECKING:
    from reprise.settings import Settings


@dataclass(frozen=True)
class Core:
    """The running core: the message bus over an event store."""

    bus: MessageBus
    store: EventStore
    clock: Clock
    description: str

    async def close(self) -> None:
        await self.store.close()


async def open_event_store(settings: Settings) -> tuple[EventStore, str]:
    rows = RowMapper(build_mapper())
    if settings.database_url:
        if settings.migrate_on_start:
            await migrate_database(settings.database_url, settings.database_schema)
        store = await PostgresEventStore.connect(
            settings.database_url, settings.database_schema, rows
        )
        return store, f"PostgreSQL (schema {settings.database_schema})"
    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return await SqliteEventStore.open(str(settings.sqlite_path), rows), (
        f"SQLite at {settings.sqlite_path}"
    )


def assemble_core(
    store: EventStore,
    settings: Settings,
    *,
    clock: Clock | None = None,
    rng: Random | None = None,
    description: str = "memory",
) -> Core:
    """Wire the message bus around an already opened event store."""
    clock = clock or SystemClock()
    deps = Dependencies(
        store=store,
        clock=clock,
        rng=rng or Random(),  # noqa: S311 - entry ids and shuffles need no cryptographic strength
        cache=AggregateCache(settings.aggregate_cache_size),
        snapshot_interval=settings.snapshot_interval,
    )
    return Core(MessageBus(deps, HANDLERS), store, clock, description)


def in_memory_event_store() -> InMemoryEventStore:
    return InMemoryEventStore(RowMapper(build_mapper()))


async def bootstrap_core(
    settings: Settings, *, clock: Clock | None = None, rng: Random | None = None
) -> Core:
    """Open the configured event store and wire the core around it."""
    store, description = await open_event_store(settings)
    return assemble_core(store, settings, clock=clock, rng=rng, description=description)
