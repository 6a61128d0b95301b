"""The audio process's Lavalink session ids in Redis (NodeSessions), beside the read caches."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

import redis.asyncio as aioredis

if TYPE_CHECKING:
    from redis.asyncio import Redis

SESSION_TTL_S = 24 * 3600


class RedisNodeSessions:
    def __init__(self, client: Redis, prefix: str) -> None:
        self._client = client
        self._prefix = prefix

    @classmethod
    def connect(cls, url: str, prefix: str) -> Self:
        return cls(aioredis.Redis.from_url(url), prefix)

    def _key(self, key: str) -> str:
        return f"{self._prefix}:audio:lavalink_session:{key}"

    async def get(self, key: str) -> str | None:
        value = await self._client.get(self._key(key))
        return value.decode() if isinstance(value, bytes) else value

    async def set(self, key: str, session_id: str) -> None:
        await self._client.set(self._key(key), session_id, ex=SESSION_TTL_S)

    async def close(self) -> None:
        await self._client.aclose()
