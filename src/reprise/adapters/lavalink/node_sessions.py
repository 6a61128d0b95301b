"""Where an audio process keeps its Lavalink session ids, so a restart can resume them."""

from __future__ import annotations

from typing import Protocol


class NodeSessions(Protocol):
    """Session id per (audio instance, node label); Lavalink keeps a session for 60 s."""

    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, session_id: str) -> None: ...

    async def close(self) -> None: ...


class InMemoryNodeSessions:
    """For the embedded default and for restarts inside one Python process (tests)."""

    def __init__(self) -> None:
        self._sessions: dict[str, str] = {}

    async def get(self, key: str) -> str | None:
        return self._sessions.get(key)

    async def set(self, key: str, session_id: str) -> None:
        self._sessions[key] = session_id

    async def close(self) -> None:
        """Nothing to release."""
