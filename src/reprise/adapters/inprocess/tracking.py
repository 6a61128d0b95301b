"""Tracking, consumer positions and leadership inside one process."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping


class InMemoryTracking:
    def __init__(self) -> None:
        self._positions: dict[str, int] = {}

    async def position(self, name: str) -> int:
        return self._positions.get(name, 0)

    async def save(self, name: str, position: int) -> None:
        self._positions[name] = max(position, self._positions.get(name, 0))

    async def close(self) -> None:
        return None


class InMemoryGuildPositions:
    def __init__(self) -> None:
        self._positions: dict[int, int] = {}

    async def get(self, guild_id: int) -> int:
        return self._positions.get(guild_id, 0)

    async def set_many(self, positions: Mapping[int, int]) -> None:
        for guild_id, position in positions.items():
            self._positions[guild_id] = max(position, self._positions.get(guild_id, 0))


class LocalLeadership:
    """Leadership among the tasks of one process."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        async with self._lock:
            yield
