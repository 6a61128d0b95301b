"""The node statistics a Lavalink v4 node reports, with plausible numbers for a dev box."""

import os
import resource
import time

from reprise.adapters.lavalink.dev_server.player_state import DevPlayer
from reprise.adapters.lavalink.dev_server.track_payloads import JsonObject

_RESERVABLE_BYTES = 2 * 1024**3
_FRAMES_PER_MINUTE = 3000


class NodeStats:
    """Measures uptime from its creation and reports the stats object."""

    def __init__(self) -> None:
        self._started = time.monotonic()

    def snapshot(self, players: list[DevPlayer], *, with_frames: bool) -> JsonObject:
        """The stats object; frameStats is only part of the websocket `stats` op."""
        playing = sum(1 for p in players if p.playing is not None and not p.paused)
        stats: JsonObject = {
            "players": len(players),
            "playingPlayers": playing,
            "uptime": int((time.monotonic() - self._started) * 1000),
            "memory": _memory(),
            "cpu": _cpu(),
        }
        if with_frames:
            stats["frameStats"] = (
                {"sent": playing * _FRAMES_PER_MINUTE, "nulled": 0, "deficit": 0}
                if players
                else None
            )
        return stats


def _memory() -> JsonObject:
    # ru_maxrss is in kibibytes on Linux.
    used = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    allocated = max(used * 2, 64 * 1024**2)
    return {
        "free": allocated - used,
        "used": used,
        "allocated": allocated,
        "reservable": _RESERVABLE_BYTES,
    }


def _cpu() -> JsonObject:
    cores = os.cpu_count() or 1
    return {"cores": cores, "systemLoad": min(1.0, os.getloadavg()[0] / cores), "lavalinkLoad": 0.0}
