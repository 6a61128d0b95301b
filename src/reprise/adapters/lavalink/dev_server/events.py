"""Builders for the websocket messages a Lavalink v4 node sends."""

from typing import Literal

from reprise.adapters.lavalink.dev_server.player_payloads import PlayerState
from reprise.adapters.lavalink.dev_server.track_payloads import (
    JsonObject,
    LavalinkException,
    Track,
)

TrackEndReason = Literal["finished", "loadFailed", "stopped", "replaced", "cleanup"]


def ready(session_id: str, *, resumed: bool) -> JsonObject:
    """The `ready` op."""
    return {"op": "ready", "resumed": resumed, "sessionId": session_id}


def player_update(guild_id: int, state: PlayerState) -> JsonObject:
    """The `playerUpdate` op."""
    return {"op": "playerUpdate", "guildId": str(guild_id), "state": state.to_wire()}


def _event(kind: str, guild_id: int, **fields: object) -> JsonObject:
    return {"op": "event", "type": kind, "guildId": str(guild_id), **fields}


def track_start(guild_id: int, track: Track) -> JsonObject:
    """TrackStartEvent."""
    return _event("TrackStartEvent", guild_id, track=track.to_wire())


def track_end(guild_id: int, track: Track, reason: TrackEndReason) -> JsonObject:
    """TrackEndEvent."""
    return _event("TrackEndEvent", guild_id, track=track.to_wire(), reason=reason)


def track_exception(guild_id: int, track: Track, exception: LavalinkException) -> JsonObject:
    """TrackExceptionEvent."""
    return _event(
        "TrackExceptionEvent", guild_id, track=track.to_wire(), exception=exception.to_wire()
    )


def track_stuck(guild_id: int, track: Track, threshold_ms: int) -> JsonObject:
    """TrackStuckEvent."""
    return _event("TrackStuckEvent", guild_id, track=track.to_wire(), thresholdMs=threshold_ms)


def websocket_closed(guild_id: int, code: int, reason: str, *, by_remote: bool) -> JsonObject:
    """WebSocketClosedEvent: the voice connection to Discord closed."""
    return _event("WebSocketClosedEvent", guild_id, code=code, reason=reason, byRemote=by_remote)
