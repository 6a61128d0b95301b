"""Per-key asyncio locks that disappear when nobody holds or waits for them."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Hashable, Iterable


class KeyedLocks:
    """Serialises work per key (a guild) while different keys run concurrently."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class KeyedTurns:
    """Work on several keys at once, in arrival order per key.

    `hold_all(keys)` takes its turn on every key as soon as it is entered (before any
    suspension), then waits for the work that arrived earlier on any of those keys. Work on
    disjoint keys runs concurrently; no two holders can wait for each other."""

    def __init__(self) -> None:
        self._last: dict[Hashable, asyncio.Future[None]] = {}

    @asynccontextmanager
    async def hold_all(self, keys: Iterable[Hashable]) -> AsyncIterator[None]:
        mine = asyncio.get_running_loop().create_future()
        held = list(dict.fromkeys(keys))
        earlier = {self._last[key] for key in held if key in self._last}
        for key in held:
            self._last[key] = mine
        try:
            for turn in earlier:
                await asyncio.shield(turn)
            yield
        finally:
            mine.set_result(None)
            for key in held:
                if self._last.get(key) is mine:
                    del self._last[key]

    def __len__(self) -> int:
        return len(self._last)
