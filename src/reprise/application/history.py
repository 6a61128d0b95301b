"""Reading the event history for people: filters, one aggregate, every aggregate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from reprise.application.ports import RecordedEvent


@dataclass(frozen=True, slots=True)
class EventFilter:
    guild_id: int | None = None
    event_type: str | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    aggregate_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """A stored event with the command that caused it."""

    record: RecordedEvent
    actor: str
    command_type: str
    correlation_id: UUID

    @property
    def event_type(self) -> str:
        return self.record.topic.rsplit(":", 1)[-1]


class EventHistory(Protocol):
    async def list_events(
        self, filters: EventFilter, limit: int, before_position: int | None = None
    ) -> list[HistoryEntry]:
        """Matching events, newest first."""
        ...

    async def aggregate_ids(self) -> list[UUID]: ...

    async def close(self) -> None: ...
