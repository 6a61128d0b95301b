"""Waking readers (the relay, catch-up projections) as soon as a store appends."""

from __future__ import annotations

import asyncio
from contextlib import suppress


class AppendSignal:
    """Tracks the last stored position seen in this process and wakes whoever waits past it."""

    def __init__(self) -> None:
        self.last_position = 0
        self._changed = asyncio.Event()

    def notify(self, position: int) -> None:
        if position > self.last_position:
            self.last_position = position
            self._changed.set()
            self._changed = asyncio.Event()

    async def wait(self, after: int, max_wait: float) -> None:
        if self.last_position > after:
            return
        changed = self._changed
        with suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), max_wait)
