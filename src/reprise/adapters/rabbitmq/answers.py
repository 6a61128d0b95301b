"""Answers: the core's replies, gathered per turn of the event loop (ADR 0011).

A group commit settles many commands at once, and their handlers resume in the same turn of
the loop. Replies added in that turn leave together, one message per sender, on the next: a
reply waits for its own commit, never for the rest of its batch.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

_log = logging.getLogger(__name__)


class Answers:
    """Replies per `reply_to`, published in one batch each turn by `publish`.

    Replies are transient (direct reply-to, no confirms): one lost with the connection costs
    its sender the timeout, as a dead core would, so a failed publish is logged, not retried.
    """

    def __init__(self, publish: Callable[[str, list[bytes]], Awaitable[None]]) -> None:
        self._publish = publish
        self._pending: dict[str, list[bytes]] = {}
        self._sending: set[asyncio.Task[None]] = set()

    def add(self, reply_to: str, answer: bytes) -> None:
        pending = self._pending.get(reply_to)
        if pending is not None:
            pending.append(answer)
            return
        self._pending[reply_to] = [answer]
        asyncio.get_running_loop().call_soon(self._send, reply_to)

    async def close(self) -> None:
        """Send what is pending now and wait until everything is handed over."""
        for reply_to in list(self._pending):
            self._send(reply_to)
        await asyncio.gather(*self._sending, return_exceptions=True)

    def _send(self, reply_to: str) -> None:
        answers = self._pending.pop(reply_to, None)
        if not answers:
            return  # sent at close
        task = asyncio.create_task(self._sent(reply_to, answers))
        if not task.done():  # an eager task may have ended already (ADR 0015)
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _sent(self, reply_to: str, answers: list[bytes]) -> None:
        try:
            await self._publish(reply_to, answers)
        except Exception:
            _log.warning("%d replies to %s were lost", len(answers), reply_to, exc_info=True)
