"""Read model: events per type, tracks played, and the guilds playing right now."""

from __future__ import annotations

from typing import Any

from reprise.domain.queue import GuildQueue
from reprise.domain.queue_events import TrackStarted
from reprise.projections.writes import AddMember, Increment, RemoveMember, Write

NAME = "stats"
STATE_DERIVED = False
EVENTS_BY_TYPE = "events_by_type"
TOTALS = "totals"
PLAYING_GUILDS = "playing_guilds"


def process_event(event: Any, state: Any, position: int) -> list[Write]:
    """Counts every event; `state` (the aggregate after a batch, given with the batch's last
    event of that aggregate, else None) says whether the guild is playing."""
    writes: list[Write] = [Increment(EVENTS_BY_TYPE, type(event).__name__)]
    match event:
        case TrackStarted():
            writes.append(Increment(TOTALS, "tracks_played"))
    # `is not None` first: aggregates' isinstance goes through ABCMeta, and most events have
    # no state (only a batch's last event of each aggregate has)
    if state is not None and isinstance(state, GuildQueue):
        guild = str(state.guild_id)
        if state.current is not None:
            writes.append(AddMember(PLAYING_GUILDS, guild))
        else:
            writes.append(RemoveMember(PLAYING_GUILDS, guild))
    return writes
