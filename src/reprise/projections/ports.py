"""Ports of the read side: the read cache (Redis or memory) and the audit log (SQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reprise.projections.audit_log import AuditEntry
    from reprise.projections.writes import ModelUpdate


class ReadCache(Protocol):
    """Key spaces per read model, each in generations so a rebuild can be swapped in.

    `generation=None` means the model's current generation, resolved atomically with the
    operation itself.
    """

    async def apply(
        self, model: str, updates: Sequence[ModelUpdate], generation: str | None = None
    ) -> None: ...

    async def versions(
        self, model: str, aggregate_ids: Sequence[UUID], generation: str | None = None
    ) -> dict[UUID, int]: ...

    async def position(self, model: str, generation: str | None = None) -> int: ...

    async def document(self, model: str, key: str) -> str | None: ...

    async def due(self, model: str, key: str, until: float, limit: int) -> list[tuple[str, float]]:
        """Members of a sorted set scheduled at or before `until`, earliest first."""
        ...

    async def counters(self, model: str, key: str) -> dict[str, int]: ...

    async def members(self, model: str, key: str) -> set[str]: ...

    async def current_generation(self, model: str) -> str: ...

    async def new_generation(self, model: str) -> str: ...

    async def swap(self, model: str, generation: str) -> str | None:
        """Make `generation` current; returns the one it replaced."""
        ...

    async def drop(self, model: str, generation: str) -> None: ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class AuditFilter:
    guild_id: int | None = None
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditRow:
    position: int
    guild_id: int
    actor: str
    action: str
    summary: str
    occurred_at: datetime
    aggregate_id: UUID
    version: int
    correlation_id: UUID | None
    command_type: str | None


class AuditLog(Protocol):
    """One row per event, newest first, filtered and paged by position (keyset)."""

    async def record(self, entries: Sequence[AuditEntry]) -> None:
        """Idempotent: an event already recorded is left as it is."""
        ...

    async def position(self) -> int: ...

    async def query(
        self, filters: AuditFilter, before_position: int | None, limit: int
    ) -> list[AuditRow]: ...

    async def close(self) -> None: ...
