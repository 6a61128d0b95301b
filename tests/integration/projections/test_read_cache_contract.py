"""The ReadCache contract, on memory and on the real Redis."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID, uuid4

import pytest

from reprise.adapters.inprocess.read_cache import InMemoryReadCache
from reprise.adapters.redis.read_cache import RedisReadCache
from reprise.projections.writes import (
    AddMember,
    Increment,
    ModelUpdate,
    RemoveMember,
    Schedule,
    SetDocument,
    Unschedule,
    VersionedWrite,
)
from tests.services import redis_url

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from reprise.projections.ports import ReadCache

A, B = UUID(int=1), UUID(int=2)


def update(aggregate: UUID, version: int, *writes: object, position: int = 0) -> ModelUpdate:
    return ModelUpdate(
        aggregate,
        version,
        position or version,
        [VersionedWrite(version, w) for w in writes],  # type: ignore[arg-type]
    )


class ReadCacheContract:
    @pytest.fixture
    def cache(self) -> ReadCache:
        raise NotImplementedError

    async def test_documents_are_written_and_read(self, cache: ReadCache) -> None:
        await cache.apply("view", [update(A, 1, SetDocument("guild:1", '{"v":1}'))])
        assert await cache.document("view", "guild:1") == '{"v":1}'
        assert await cache.document("view", "guild:2") is None

    async def test_an_update_at_or_below_the_known_version_is_ignored(
        self, cache: ReadCache
    ) -> None:
        await cache.apply("view", [update(A, 5, SetDocument("doc", "five"), Increment("n", "x"))])
        await cache.apply("view", [update(A, 5, SetDocument("doc", "again"), Increment("n", "x"))])
        await cache.apply("view", [update(A, 3, SetDocument("doc", "older"), Increment("n", "x"))])
        assert await cache.document("view", "doc") == "five"
        assert await cache.counters("view", "n") == {"x": 1}
        assert await cache.versions("view", [A, B]) == {A: 5}

    async def test_each_write_applies_only_past_the_known_version(self, cache: ReadCache) -> None:
        await cache.apply("stats", [update(A, 2, Increment("n", "x"))])
        mixed = ModelUpdate(
            A,
            4,
            4,
            [
                VersionedWrite(2, Increment("n", "x")),
                VersionedWrite(3, Increment("n", "x")),
                VersionedWrite(4, Increment("n", "x")),
            ],
        )
        await cache.apply("stats", [mixed])
        assert await cache.counters("stats", "n") == {"x": 3}

    async def test_schedules_are_read_in_due_order(self, cache: ReadCache) -> None:
        await cache.apply(
            "timers",
            [
                update(A, 1, Schedule("t", "late", 300.0), Schedule("t", "early", 100.0)),
                update(B, 1, Schedule("t", "gone", 50.0)),
            ],
        )
        await cache.apply("timers", [update(B, 2, Unschedule("t", "gone"))])
        assert await cache.due("timers", "t", 200.0, 10) == [("early", 100.0)]
        assert [m for m, _ in await cache.due("timers", "t", 1_000.0, 10)] == ["early", "late"]

    async def test_sets_and_positions(self, cache: ReadCache) -> None:
        await cache.apply("stats", [update(A, 1, AddMember("s", "1"), position=7)])
        await cache.apply("stats", [update(B, 1, AddMember("s", "2"), position=3)])
        await cache.apply("stats", [update(A, 2, RemoveMember("s", "1"), position=9)])
        assert await cache.members("stats", "s") == {"2"}
        assert await cache.position("stats") == 9

    async def test_a_new_generation_is_invisible_until_swapped_in(self, cache: ReadCache) -> None:
        await cache.apply("view", [update(A, 1, SetDocument("doc", "old"))])
        generation = await cache.new_generation("view")
        await cache.apply("view", [update(A, 1, SetDocument("doc", "new"))], generation)
        assert await cache.document("view", "doc") == "old"
        previous = await cache.swap("view", generation)
        assert await cache.document("view", "doc") == "new"
        assert previous is not None
        await cache.drop("view", previous)
        assert await cache.versions("view", [A]) == {A: 1}

    async def test_a_dropped_generation_takes_no_more_writes(self, cache: ReadCache) -> None:
        old = await cache.current_generation("view")
        await cache.apply("view", [update(A, 1, SetDocument("doc", "old"))])
        fresh = await cache.new_generation("view")
        await cache.apply("view", [update(A, 1, SetDocument("doc", "new"))], fresh)
        await cache.swap("view", fresh)
        await cache.drop("view", old)
        # A live batch that pinned the old generation before the swap arrives late.
        await cache.apply("view", [update(B, 1, SetDocument("late", "x"))], old)
        assert await cache.versions("view", [A, B], old) == {}
        assert await cache.position("view", old) == 0
        assert await cache.document("view", "late") is None
        assert await cache.document("view", "doc") == "new"

    async def test_models_do_not_share_keys(self, cache: ReadCache) -> None:
        await cache.apply("one", [update(A, 1, SetDocument("doc", "1"))])
        assert await cache.document("two", "doc") is None
        assert await cache.versions("two", [A]) == {}


class TestInMemoryReadCache(ReadCacheContract):
    @pytest.fixture
    def cache(self) -> ReadCache:
        return InMemoryReadCache()


@pytest.mark.integration
class TestRedisReadCache(ReadCacheContract):
    @pytest.fixture
    async def cache(self, redis_prefix: str) -> AsyncIterator[ReadCache]:
        cache = RedisReadCache.connect(redis_url(), redis_prefix)
        yield cache
        await cache.close()

    async def test_another_reader_follows_a_swap_once_the_old_generation_is_dropped(
        self, cache: ReadCache, redis_prefix: str
    ) -> None:
        reader = RedisReadCache.connect(redis_url(), redis_prefix, generation_ttl=3_600)
        try:
            old = await cache.current_generation("view")
            await cache.apply("view", [update(A, 1, SetDocument("doc", "old"))])
            assert await reader.document("view", "doc") == "old"  # remembers the generation
            fresh = await cache.new_generation("view")
            await cache.apply("view", [update(A, 1, SetDocument("doc", "new"))], fresh)
            await cache.swap("view", fresh)
            assert await reader.document("view", "doc") == "old"  # stale until the drop (TTL)
            await cache.drop("view", old)
            assert await reader.document("view", "doc") == "new"
        finally:
            await reader.close()

    async def test_a_reader_rereads_the_pointer_after_its_ttl(
        self, cache: ReadCache, redis_prefix: str
    ) -> None:
        reader = RedisReadCache.connect(redis_url(), redis_prefix, generation_ttl=0)
        try:
            await cache.apply("view", [update(A, 1, SetDocument("doc", "old"))])
            assert await reader.document("view", "doc") == "old"
            fresh = await cache.new_generation("view")
            await cache.apply("view", [update(A, 1, SetDocument("doc", "new"))], fresh)
            await cache.swap("view", fresh)
            assert await reader.document("view", "doc") == "new"
        finally:
            await reader.close()

    async def test_a_dropped_generation_leaves_no_keys(self, redis_prefix: str) -> None:
        cache = RedisReadCache.connect(redis_url(), redis_prefix)
        generation = await cache.new_generation("view")
        await cache.apply(
            "view", [update(uuid4(), 1, SetDocument(f"d{i}", "x")) for i in range(50)], generation
        )
        await cache.drop("view", generation)
        import redis.asyncio as aioredis  # noqa: PLC0415

        client = aioredis.Redis.from_url(redis_url())
        left = [k async for k in client.scan_iter(match=f"{redis_prefix}:view:{generation}:*")]
        await client.aclose()
        await cache.close()
        assert left == []
