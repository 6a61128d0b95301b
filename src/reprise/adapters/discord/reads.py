"""The read models the gateway shows: queue view, now playing, entitlements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reprise.projections import entitlements, now_playing, queue_view
from reprise.projections.views import EntitlementsView, NowPlaying, QueueView

if TYPE_CHECKING:
    from reprise.projections.ports import ReadCache


class ReadModels:
    """Typed reads of the Redis (or in-memory) read caches, one guild at a time."""

    def __init__(self, cache: ReadCache) -> None:
        self._cache = cache

    async def queue(self, guild_id: int) -> QueueView | None:
        document = await self._cache.document(queue_view.NAME, queue_view.key(guild_id))
        return None if document is None else QueueView.model_validate_json(document)

    async def now_playing(self, guild_id: int) -> NowPlaying | None:
        document = await self._cache.document(now_playing.NAME, now_playing.key(guild_id))
        return None if document is None else NowPlaying.model_validate_json(document)

    async def entitlements(self, guild_id: int) -> EntitlementsView | None:
        document = await self._cache.document(entitlements.NAME, entitlements.key(guild_id))
        return None if document is None else EntitlementsView.model_validate_json(document)
