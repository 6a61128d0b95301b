"""The read models the gateway shows: queue view, now playing, entitlements."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from reprise.projections import entitlements, now_playing, queue_view
from reprise.projections.views import EntitlementsView, NowPlaying, QueueView

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from reprise.projections.ports import ReadCache

READ_YOUR_WRITES_WAIT = 1.0
_POLL = 0.01


class ReadModels:
    """Typed reads of the Redis (or in-memory) read caches, one guild at a time.

    Reads wait (briefly) for the queue's read models to reflect the last command this gateway
    saw accepted for the guild, so a user reads their own writes.
    """

    def __init__(self, cache: ReadCache, patience: float = READ_YOUR_WRITES_WAIT) -> None:
        self._cache = cache
        self._patience = patience
        self._written: dict[int, int] = {}

    def wrote(self, guild_id: int, version: int) -> None:
        """The queue of `guild_id` reached `version` through a command we sent."""
        if version > self._written.get(guild_id, 0):
            self._written[guild_id] = version

    async def _fresh[V: QueueView | NowPlaying](
        self, guild_id: int, read: Callable[[int], Awaitable[V | None]]
    ) -> V | None:
        wanted = self._written.get(guild_id, 0)
        deadline = asyncio.get_running_loop().time() + self._patience
        while True:
            found = await read(guild_id)
            if found is not None and found.version >= wanted:
                return found
            if wanted == 0 or asyncio.get_running_loop().time() >= deadline:
                return found
            await asyncio.sleep(_POLL)

    async def queue(self, guild_id: int) -> QueueView | None:
        return await self._fresh(guild_id, self._queue)

    async def now_playing(self, guild_id: int) -> NowPlaying | None:
        return await self._fresh(guild_id, self._now_playing)

    async def _queue(self, guild_id: int) -> QueueView | None:
        document = await self._cache.document(queue_view.NAME, queue_view.key(guild_id))
        return None if document is None else QueueView.model_validate_json(document)

    async def _now_playing(self, guild_id: int) -> NowPlaying | None:
        document = await self._cache.document(now_playing.NAME, now_playing.key(guild_id))
        return None if document is None else NowPlaying.model_validate_json(document)

    async def entitlements(self, guild_id: int) -> EntitlementsView | None:
        document = await self._cache.document(entitlements.NAME, entitlements.key(guild_id))
        return None if document is None else EntitlementsView.model_validate_json(document)
