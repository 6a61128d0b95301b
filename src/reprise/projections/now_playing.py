"""Read model: what is playing in each guild (`views.NowPlaying` documents), for the panel
and for the audio process on restart."""

from __future__ import annotations

from typing import Any

import orjson

from reprise.domain.queue import GuildQueue
from reprise.projections.entry_fragments import entry_fragment
from reprise.projections.writes import SetDocument, Write

NAME = "now_playing"
STATE_DERIVED = True


def key(guild_id: int) -> str:
    return f"guild:{guild_id}"


def process_event(event: Any, state: Any, position: int) -> list[Write]:
    match state:
        case GuildQueue():
            return [SetDocument(key(state.guild_id), render(state, position))]
        case _:
            return []


def render(queue: GuildQueue, position: int) -> str:
    """The `NowPlaying` JSON document."""
    current = queue.current
    return orjson.dumps(
        {
            "guild_id": queue.guild_id,
            "version": queue.version,
            "position": position,
            "entry": entry_fragment(current) if current else None,
            "encoded": current.track.encoded if current else None,
            "started_at": queue.started_at,
            "position_ms": queue.position_ms,
            "position_at": queue.position_at,
            "paused": queue.paused,
            "loop": queue.loop_mode.value,
            "volume": queue.volume,
            "filters": queue.filters.value,
            "voice_channel_id": queue.voice_channel_id,
            "next_title": queue.upcoming[0].track.title if queue.upcoming else None,
        },
        option=orjson.OPT_UTC_Z,
    ).decode()
