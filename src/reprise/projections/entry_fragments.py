"""Queue entries as ready-made JSON fragments, shared by the documents that list them.

A queue view lists every upcoming entry, and a rebuild renders it again after each batch, so
each entry is serialised once and reused. Entries are immutable and an entry id names one entry
forever in one store, so the id is the cache key. The cache is the process's, and two stores in
one process (the tests, with seeded ids) may reuse an id: a hit must be the same entry, which is
an identity check in a rebuild (the same object again) and an equality check otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

if TYPE_CHECKING:
    from uuid import UUID

    from reprise.domain.values import QueueEntry

LIMIT = 100_000  # entries kept (a few hundred bytes each); the cache starts over past it

_fragments: dict[UUID, tuple[QueueEntry, orjson.Fragment]] = {}


def entry_fragment(entry: QueueEntry) -> orjson.Fragment:
    """The entry as `views.EntryView` JSON."""
    cached = _fragments.get(entry.entry_id)
    if cached is not None and (cached[0] is entry or cached[0] == entry):
        return cached[1]
    if len(_fragments) >= LIMIT:
        _fragments.clear()
    track = entry.track
    fragment = orjson.Fragment(
        orjson.dumps(
            {
                "entry_id": str(entry.entry_id),
                "title": track.title,
                "author": track.author,
                "length_ms": track.length_ms,
                "is_stream": track.is_stream,
                "uri": track.uri,
                "artwork_url": track.artwork_url,
                "requested_by": entry.requested_by,
            }
        )
    )
    _fragments[entry.entry_id] = (entry, fragment)
    return fragment
