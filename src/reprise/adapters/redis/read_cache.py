"""RedisReadCache: read models in Redis, one key space per model generation.

Keys: `{prefix}:{model}:current` names the current generation; `{prefix}:{model}:{gen}:`
holds the model's keys, its `versions` hash (aggregate -> last applied version) and its
`position`. Applying a batch is one Lua script, so the writes and the versions move together,
and the generation is resolved inside the same atomic step.

Document lookups (the gateway's hot path) are one plain GET: the reader remembers each model's
current generation for `generation_ttl` seconds. After a rebuild swaps a generation in, a reader
sees the replaced one for at most that long; once it is dropped, a miss re-reads the pointer.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from uuid import UUID

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from reprise.projections.writes import (
    AddMember,
    DeleteKey,
    Increment,
    ModelUpdate,
    RemoveMember,
    Schedule,
    SetDocument,
    Unschedule,
    Write,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

_SCRIPTS = Path(__file__).with_name("scripts")


class ReadCacheUnavailable(Exception):
    """Redis cannot be reached."""


_ENCODERS: dict[type, Callable[[Any], tuple[str, str, str, str]]] = {
    SetDocument: lambda w: ("set", w.key, w.document, ""),
    DeleteKey: lambda w: ("del", w.key, "", ""),
    Schedule: lambda w: ("zadd", w.key, w.member, repr(w.due)),
    Unschedule: lambda w: ("zrem", w.key, w.member, ""),
    Increment: lambda w: ("hincr", w.key, w.field, str(w.amount)),
    AddMember: lambda w: ("sadd", w.key, w.member, ""),
    RemoveMember: lambda w: ("srem", w.key, w.member, ""),
}
"""Each write kind as apply.lua's (op, key, a, b); a table rather than a match, since a batch
holds hundreds of thousands of writes."""


def _encode(write: Write) -> tuple[str, str, str, str]:
    return _ENCODERS[type(write)](write)


class RedisReadCache:
    """The ReadCache port on Redis."""

    def __init__(self, client: aioredis.Redis, prefix: str, generation_ttl: float = 1.0) -> None:
        self._redis = client
        self._prefix = prefix
        self._generation_ttl = generation_ttl
        self._known: dict[str, tuple[str, float]] = {}  # model -> (generation, read at)
        self._apply = client.register_script((_SCRIPTS / "apply.lua").read_text())
        self._read = client.register_script((_SCRIPTS / "read.lua").read_text())

    @classmethod
    def connect(cls, url: str, prefix: str, generation_ttl: float = 1.0) -> Self:
        return cls(aioredis.Redis.from_url(url, decode_responses=True), prefix, generation_ttl)

    def _model(self, model: str) -> str:
        return f"{self._prefix}:{model}"

    async def apply(
        self, model: str, updates: Sequence[ModelUpdate], generation: str | None = None
    ) -> None:
        batch = [
            [
                str(update.aggregate_id),
                update.version,
                update.position,
                [[versioned.version, *_encode(versioned.write)] for versioned in update.writes],
            ]
            for update in updates
        ]
        await self._call(self._apply, [self._model(model), generation or "", orjson.dumps(batch)])

    async def versions(
        self, model: str, aggregate_ids: Sequence[UUID], generation: str | None = None
    ) -> dict[UUID, int]:
        if not aggregate_ids:
            return {}
        ids = [str(a) for a in aggregate_ids]
        values = await self._call(
            self._read, [self._model(model), generation or "", "versions", *ids]
        )
        return {a: int(v) for a, v in zip(aggregate_ids, values, strict=True) if v}

    async def position(self, model: str, generation: str | None = None) -> int:
        value = await self._call(self._read, [self._model(model), generation or "", "position"])
        return int(value or 0)

    async def document(self, model: str, key: str) -> str | None:
        known = self._known.get(model)
        fresh = known is not None and time.monotonic() - known[1] < self._generation_ttl
        generation = known[0] if known and fresh else await self._refresh(model)
        value = await self._get(f"{self._model(model)}:{generation}:{key}")
        if value is None and fresh and await self._refresh(model) != generation:
            value = await self._get(f"{self._model(model)}:{self._known[model][0]}:{key}")
        return value

    async def _refresh(self, model: str) -> str:
        generation = await self.current_generation(model)
        self._known[model] = (generation, time.monotonic())
        return generation

    async def _get(self, key: str) -> str | None:
        try:
            value = await self._redis.get(key)
        except RedisError as error:
            raise ReadCacheUnavailable(str(error)) from error
        return str(value) if value is not None else None

    async def due(self, model: str, key: str, until: float, limit: int) -> list[tuple[str, float]]:
        flat = await self._call(self._read, [self._model(model), "", "due", key, until, limit])
        return [(flat[i], float(flat[i + 1])) for i in range(0, len(flat), 2)]

    async def counters(self, model: str, key: str) -> dict[str, int]:
        flat = await self._call(self._read, [self._model(model), "", "hgetall", key])
        return {flat[i]: int(flat[i + 1]) for i in range(0, len(flat), 2)}

    async def members(self, model: str, key: str) -> set[str]:
        return set(await self._call(self._read, [self._model(model), "", "smembers", key]))

    async def current_generation(self, model: str) -> str:
        try:
            value = await self._redis.get(f"{self._model(model)}:current")
        except RedisError as error:
            raise ReadCacheUnavailable(str(error)) from error
        return str(value) if value else "g0"

    async def new_generation(self, model: str) -> str:
        return uuid.uuid4().hex[:12]

    async def swap(self, model: str, generation: str) -> str | None:
        try:
            previous = await self._redis.set(f"{self._model(model)}:current", generation, get=True)
        except RedisError as error:
            raise ReadCacheUnavailable(str(error)) from error
        self._known[model] = (generation, time.monotonic())
        return str(previous) if previous else "g0"

    async def drop(self, model: str, generation: str) -> None:
        pattern = f"{self._model(model)}:{generation}:*"
        try:
            # Retired first: from here on apply.lua refuses writes to it, so none can land
            # behind the scan below.
            await self._redis.sadd(f"{self._model(model)}:retired", generation)
            batch: list[str] = []
            async for key in self._redis.scan_iter(match=pattern, count=1_000):
                batch.append(key)
                if len(batch) >= 1_000:
                    await self._redis.unlink(*batch)
                    batch.clear()
            if batch:
                await self._redis.unlink(*batch)
        except RedisError as error:
            raise ReadCacheUnavailable(str(error)) from error

    async def close(self) -> None:
        await self._redis.aclose()

    async def _call(self, script: Any, args: list[Any]) -> Any:
        try:
            return await script(keys=[], args=args)
        except RedisError as error:
            raise ReadCacheUnavailable(str(error)) from error
