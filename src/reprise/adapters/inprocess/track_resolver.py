"""Track resolution in one process: a direct call to the audio process's resolver."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from reprise.application.voice_ports import ResolverUnavailable

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from reprise.application.voice_messages import Resolution


class InProcessTrackResolver:
    """The TrackResolver port; `bind` names the audio process's resolver once it runs.

    Until then, and when it does not answer within `reply_within`, `resolve` raises
    `ResolverUnavailable`, as the RabbitMQ adapter does when no audio process answers.
    """

    def __init__(self) -> None:
        self._resolve: Callable[[str], Awaitable[Resolution]] | None = None

    def bind(self, resolve: Callable[[str], Awaitable[Resolution]] | None) -> None:
        self._resolve = resolve

    async def resolve(self, query: str, *, reply_within: float = 2.0) -> Resolution:
        if self._resolve is None:
            raise ResolverUnavailable("no audio process is running in this process")
        try:
            return await asyncio.wait_for(self._resolve(query), reply_within)
        except TimeoutError:
            raise ResolverUnavailable(f"no resolution within {reply_within} s") from None
