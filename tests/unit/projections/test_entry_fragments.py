"""Entry fragments are cached per entry id, but a hit is always the entry asked for."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import orjson

from reprise.domain.values import QueueEntry, Track
from reprise.projections.entry_fragments import entry_fragment


def _entry(entry_id: UUID, title: str) -> QueueEntry:
    track = Track(f"enc:{title}", f"id:{title}", title, "A", 1_000, is_stream=False)
    return QueueEntry(entry_id, track, "user:42", datetime(2026, 1, 1, tzinfo=UTC))


def _title(entry: QueueEntry) -> str:
    title: str = orjson.loads(orjson.dumps(entry_fragment(entry)))["title"]
    return title


def test_another_store_s_entry_with_the_same_id_gets_its_own_fragment() -> None:
    shared = uuid4()  # seeded ids repeat across stores in one process (the tests do it)
    assert _title(_entry(shared, "first store")) == "first store"
    assert _title(_entry(shared, "second store")) == "second store"


def test_the_same_entry_again_is_served_from_the_cache() -> None:
    entry = _entry(uuid4(), "again")
    assert entry_fragment(entry) is entry_fragment(entry)
    assert entry_fragment(_entry(entry.entry_id, "again")) is entry_fragment(entry)  # equal
