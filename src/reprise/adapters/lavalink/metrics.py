"""Prometheus metrics of the audio process."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

PLAYERS = Gauge("reprise_audio_players", "Guilds with a Lavalink player in this process")
PLAYING = Gauge("reprise_audio_playing_players", "Players with a track that is not paused")
NODE_UP = Gauge("reprise_lavalink_node_up", "1 when the node's websocket is ready", ["node"])
NODE_LOAD = Gauge("reprise_lavalink_node_load", "The node's load (mafic's weight)", ["node"])
NODE_PLAYERS = Gauge("reprise_lavalink_node_players", "Our players on the node", ["node"])
TRACK_FAILURES = Counter("reprise_audio_track_failures", "Tracks reported as failed", ["reason"])
TRACK_ENDS = Counter("reprise_audio_track_ends", "Tracks reported as finished")
FAILOVERS = Counter("reprise_audio_failovers", "Players moved off a node that went away")
