"""Read model: the queue view per guild."""

from __future__ import annotations

from typing import Any

from reprise.domain.queue import GuildQueue
from reprise.projections.views import EntryView, QueueView
from reprise.projections.writes import SetDocument, Write

NAME = "queue_view"
STATE_DERIVED = True
HISTORY_SHOWN = 10


def key(guild_id: int) -> str:
    return f"guild:{guild_id}"


def process_event(event: Any, state: Any, position: int) -> list[Write]:
    match state:
        case GuildQueue():
            return [SetDocument(key(state.guild_id), render(state, position).model_dump_json())]
        case _:
            return []


def render(queue: GuildQueue, position: int) -> QueueView:
    return QueueView(
        guild_id=queue.guild_id,
        version=queue.version,
        position=position,
        current=EntryView.of(queue.current) if queue.current else None,
        paused=queue.paused,
        loop=queue.loop_mode.value,
        volume=queue.volume,
        filters=queue.filters.value,
        autoplay=queue.autoplay,
        always_on=queue.always_on,
        voice_channel_id=queue.voice_channel_id,
        dj_role_id=queue.dj_role_id,
        upcoming=[EntryView.of(entry) for entry in queue.upcoming],
        upcoming_total_ms=sum(e.track.length_ms for e in queue.upcoming if not e.track.is_stream),
        history=[EntryView.of(entry) for entry in reversed(queue.history[-HISTORY_SHOWN:])],
    )
