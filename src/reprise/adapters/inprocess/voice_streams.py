"""The `voice` and `ui` streams of the embedded default: one ordered inbox per stream.

`InProcessStream` is the VoiceChannel or the UiChannel port for a gateway and an audio process
that share one Python process. Messages reach the subscribed handler in publication order (so
in order per guild); a handler that fails is logged and its message kept as a dead letter with
the reason, and the stream goes on with the next one.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from reprise.application.voice_messages import UiMessage, VoiceMessage

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StreamDeadLetter[M]:
    message: M
    reason: str


class InProcessStream[M: VoiceMessage | UiMessage]:
    """Publish returns at once; messages published before a subscriber appears wait for it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.dead: list[StreamDeadLetter[M]] = []
        self._inbox: asyncio.Queue[M] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None

    def subscribe(self, handler: Callable[[M], Awaitable[None]]) -> None:
        if self._worker is not None:
            raise RuntimeError(f"the {self.name} stream already has a subscriber")
        self._worker = asyncio.create_task(self._work(handler), name=f"stream.{self.name}")

    async def publish(self, message: M) -> None:
        self._inbox.put_nowait(message)

    async def drain(self) -> None:
        """Wait until the subscriber has handled everything published so far."""
        await self._inbox.join()

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None

    async def _work(self, handler: Callable[[M], Awaitable[None]]) -> None:
        while True:
            message = await self._inbox.get()
            try:
                await handler(message)
            except Exception as error:  # the stream outlives one bad message
                _log.warning("%s: handler failed on %s: %r", self.name, message.type, error)
                self.dead.append(StreamDeadLetter(message, f"handler_failed: {error!r}"))
            finally:
                self._inbox.task_done()
