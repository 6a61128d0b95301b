"""The test's own view of the store and the read models, to know when the projector is done."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import redis.asyncio as aioredis

from reprise.adapters import bootstrap
from reprise.adapters.postgres.event_store import PostgresEventStore
from reprise.adapters.redis.read_cache import RedisReadCache
from reprise.application.ports import EventStore
from reprise.projections.ports import AuditLog
from reprise.projections.rebuild import rebuild
from reprise.settings import Settings
from tests.integration.projector_process.keyspace import (
    MODELS,
    Space,
    current_generation,
    read_models,
)
from tests.services import redis_url

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@dataclass
class ReadSide:
    store: EventStore
    cache: RedisReadCache
    audit: AuditLog
    client: aioredis.Redis
    prefix: str
    settings: Settings

    async def head(self) -> int:
        return await self.store.max_position()

    async def positions(self) -> dict[str, int]:
        reached = {model: await self.cache.position(model) for model in MODELS}
        reached["audit_log"] = await self.audit.position()
        return reached

    async def working(self, *, within: float) -> dict[str, int]:
        """Wait until every model (and the audit log) applied something; their positions."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not all((positions := await self.positions()).values()):
            assert loop.time() < deadline, f"the projector applied nothing: {positions}"
            await asyncio.sleep(0.05)
        return positions

    async def store_versions(self) -> dict[str, int]:
        """Each aggregate's last version in the store."""
        assert isinstance(self.store, PostgresEventStore)
        rows = await self.store.pool.fetch(
            "SELECT originator_id, max(originator_version) AS version "
            f"FROM {self.settings.database_schema}.stored_events GROUP BY originator_id"
        )
        return {str(row["originator_id"]): int(row["version"]) for row in rows}

    async def model_versions(self, model: str) -> dict[str, int]:
        """The versions hash of the model's current generation: aggregate -> version applied."""
        generation = await current_generation(self.client, self.prefix, model)
        found = await self.client.hgetall(f"{self.prefix}:{model}:{generation}:versions")
        return {str(aggregate): int(version) for aggregate, version in found.items()}

    async def behind(self) -> dict[str, int]:
        """Per model (and the audit log): aggregates not at their last version, events missing.

        Positions are the highest applied, not a watermark (partitions run side by side), so
        the versions of every aggregate are compared with the store.
        """
        expected = await self.store_versions()
        late = {}
        for model in MODELS:
            known = await self.model_versions(model)
            late[model] = sum(1 for a, v in expected.items() if known.get(a) != v)
        late["audit_log"] = await self.head() - len(await self.audit_positions())
        return late

    async def settled(self, *, within: float) -> int:
        """Wait until every model and the audit log hold every stored event; the head."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            head = await self.head()
            late = await self.behind()
            positions = await self.positions()
            if not any(late.values()) and set(positions.values()) == {head}:
                return head
            if loop.time() > deadline:
                raise AssertionError(
                    f"not settled in {within} s: head {head}, positions {positions}, "
                    f"aggregates (or audit rows) behind {late}"
                )
            await asyncio.sleep(0.2)

    async def read_models(self, prefix: str | None = None) -> dict[str, Space]:
        return await read_models(self.client, prefix or self.prefix)

    async def rebuild_into(self, prefix: str) -> int:
        """A from-scratch rebuild of every model, in this process, under another prefix."""
        cache = RedisReadCache.connect(redis_url(), prefix)
        projector = await bootstrap.build_projector(self.store, cache)
        try:
            return await rebuild(projector)
        finally:
            await projector.close()
            await cache.close()

    async def audit_positions(self) -> list[int]:
        assert isinstance(self.store, PostgresEventStore)
        rows = await self.store.pool.fetch(
            f"SELECT position FROM {self.settings.database_schema}.audit_log ORDER BY position"
        )
        return [int(row["position"]) for row in rows]


@asynccontextmanager
async def read_side(settings: Settings, prefix: str) -> AsyncIterator[ReadSide]:
    store, _ = await bootstrap.open_event_store(settings)
    audit = await bootstrap.open_audit_log(store)
    assert audit is not None
    cache = RedisReadCache.connect(redis_url(), prefix)
    client = aioredis.Redis.from_url(redis_url(), decode_responses=True)
    try:
        yield ReadSide(store, cache, audit, client, prefix, settings)
    finally:
        await client.aclose()
        await cache.close()
        await audit.close()
        await store.close()
