"""Waiting, with a deadline, until something the stand-in recorded satisfies a test."""

import asyncio
import contextlib
from collections.abc import Callable


class ChangeSignal:
    """Wakes waiters whenever the stand-in records something new."""

    def __init__(self) -> None:
        self._changed: asyncio.Event | None = None  # made when someone first waits

    def notify(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def wait_for[T](self, probe: Callable[[], T | None], *, within: float, what: str) -> T:
        """Returns the first non-None result of `probe`, re-checking after every change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while (found := probe()) is None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"fake Discord: waited {within}s for {what}")
            if self._changed is None:
                self._changed = asyncio.Event()
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
        return found
