"""InMemoryReadCache: the ReadCache port in memory, for the embedded default."""

from __future__ import annotations

import bisect
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import UUID

from reprise.projections.writes import (
    AddMember,
    DeleteKey,
    Increment,
    ModelUpdate,
    RemoveMember,
    Schedule,
    SetDocument,
    Unschedule,
    Write,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

FIRST_GENERATION = "g0"


@dataclass
class _Space:
    versions: dict[UUID, int] = field(default_factory=dict)
    position: int = 0
    documents: dict[str, str] = field(default_factory=dict)
    schedules: dict[str, dict[str, float]] = field(default_factory=dict)
    counters: dict[str, dict[str, int]] = field(default_factory=dict)
    sets: dict[str, set[str]] = field(default_factory=dict)

    def write(self, write: Write) -> None:
        match write:
            case SetDocument(key=key, document=document):
                self.documents[key] = document
            case DeleteKey(key=key):
                self.documents.pop(key, None)
            case Schedule(key=key, member=member, due=due):
                self.schedules.setdefault(key, {})[member] = due
            case Unschedule(key=key, member=member):
                self.schedules.get(key, {}).pop(member, None)
            case Increment(key=key, field=name, amount=amount):
                counters = self.counters.setdefault(key, {})
                counters[name] = counters.get(name, 0) + amount
            case AddMember(key=key, member=member):
                self.sets.setdefault(key, set()).add(member)
            case RemoveMember(key=key, member=member):
                self.sets.get(key, set()).discard(member)


class InMemoryReadCache:
    def __init__(self) -> None:
        self._current: dict[str, str] = {}
        self._spaces: dict[tuple[str, str], _Space] = {}
        self._retired: set[tuple[str, str]] = set()

    def _space(self, model: str, generation: str | None) -> _Space:
        generation = generation or self._current.get(model, FIRST_GENERATION)
        if (model, generation) in self._retired:
            return _Space()  # dropped: reads see nothing, writes are refused
        return self._spaces.setdefault((model, generation), _Space())

    async def apply(
        self, model: str, updates: Sequence[ModelUpdate], generation: str | None = None
    ) -> None:
        if generation is not None and (model, generation) in self._retired:
            return
        space = self._space(model, generation)
        for update in updates:
            current = space.versions.get(update.aggregate_id, 0)
            for versioned in update.writes:
                if versioned.version > current:
                    space.write(versioned.write)
            space.versions[update.aggregate_id] = max(current, update.version)
            space.position = max(space.position, update.position)

    async def versions(
        self, model: str, aggregate_ids: Sequence[UUID], generation: str | None = None
    ) -> dict[UUID, int]:
        known = self._space(model, generation).versions
        return {a: known[a] for a in aggregate_ids if a in known}

    async def position(self, model: str, generation: str | None = None) -> int:
        return self._space(model, generation).position

    async def document(self, model: str, key: str) -> str | None:
        return self._space(model, None).documents.get(key)

    async def due(self, model: str, key: str, until: float, limit: int) -> list[tuple[str, float]]:
        scheduled = self._space(model, None).schedules.get(key, {})
        ordered = sorted((due, member) for member, due in scheduled.items())
        cut = bisect.bisect_right([due for due, _ in ordered], until)
        return [(member, due) for due, member in ordered[:cut][:limit]]

    async def counters(self, model: str, key: str) -> dict[str, int]:
        return dict(self._space(model, None).counters.get(key, {}))

    async def members(self, model: str, key: str) -> set[str]:
        return set(self._space(model, None).sets.get(key, set()))

    async def current_generation(self, model: str) -> str:
        return self._current.get(model, FIRST_GENERATION)

    async def new_generation(self, model: str) -> str:
        generation = uuid.uuid4().hex[:12]
        self._spaces[(model, generation)] = _Space()
        return generation

    async def swap(self, model: str, generation: str) -> str | None:
        previous = self._current.get(model, FIRST_GENERATION)
        self._current[model] = generation
        return previous

    async def drop(self, model: str, generation: str) -> None:
        self._retired.add((model, generation))
        self._spaces.pop((model, generation), None)

    async def close(self) -> None:
        return None
