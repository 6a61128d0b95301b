"""Read model: the queue view per guild (`views.QueueView` documents)."""

from __future__ import annotations

from typing import Any

import orjson

from reprise.domain.queue import GuildQueue
from reprise.projections.entry_fragments import entry_fragment
from reprise.projections.writes import SetDocument, Write

NAME = "queue_view"
STATE_DERIVED = True
HISTORY_SHOWN = 10


def key(guild_id: int) -> str:
    return f"guild:{guild_id}"


def process_event(event: Any, state: Any, position: int) -> list[Write]:
    match state:
        case GuildQueue():
            return [SetDocument(key(state.guild_id), render(state, position))]
        case _:
            return []


def render(queue: GuildQueue, position: int) -> str:
    """The `QueueView` JSON document, built from cached entry fragments (no model objects)."""
    upcoming = queue.upcoming
    return orjson.dumps(
        {
            "guild_id": queue.guild_id,
            "version": queue.version,
            "position": position,
            "current": entry_fragment(queue.current) if queue.current else None,
            "paused": queue.paused,
            "loop": queue.loop_mode.value,
            "volume": queue.volume,
            "filters": queue.filters.value,
            "autoplay": queue.autoplay,
            "always_on": queue.always_on,
            "voice_channel_id": queue.voice_channel_id,
            "dj_role_id": queue.dj_role_id,
            "upcoming": [entry_fragment(entry) for entry in upcoming],
            "upcoming_total_ms": sum(e.track.length_ms for e in upcoming if not e.track.is_stream),
            "history": [entry_fragment(e) for e in reversed(queue.history[-HISTORY_SHOWN:])],
        }
    ).decode()
