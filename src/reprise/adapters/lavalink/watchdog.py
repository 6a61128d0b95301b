"""The watchdog: a track whose position has not moved for a while, while not paused, failed.

Lavalink reports a stuck track itself when its audio source stalls; this catches the cases
it does not (a node that keeps its websocket but stopped playing). It also keeps the
player gauges and the node gauges of the metrics current.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from reprise.adapters.lavalink.metrics import NODE_LOAD, NODE_PLAYERS, NODE_UP, PLAYERS, PLAYING
from reprise.adapters.lavalink.nodes import node_load

if TYPE_CHECKING:
    from reprise.adapters.lavalink.guild_player import GuildAudio
    from reprise.adapters.lavalink.players import Players

STALL_AFTER_S = 15.0


async def watch(
    players: Players, *, stall_after: float = STALL_AFTER_S, every: float = 1.0
) -> None:
    """Run until cancelled."""
    while True:
        await asyncio.sleep(every)
        await check_once(players, stall_after=stall_after)


async def check_once(players: Players, *, stall_after: float) -> None:
    now = time.monotonic()
    playing = 0
    for audio in list(players.guilds.values()):
        if not _should_move(audio):
            continue
        playing += 1
        assert audio.player is not None  # noqa: S101 - _should_move checked it
        assert audio.playing is not None  # noqa: S101
        position = audio.player.reported_position
        if position != audio.last_position:
            audio.last_position, audio.position_moved_at = position, now
        elif now - audio.position_moved_at > stall_after:
            detail = f"position stayed at {position} ms for {stall_after:.0f} s"
            await players.reports.failed(audio, audio.playing.entry_id, "no_progress", detail)
    PLAYING.set(playing)
    PLAYERS.set(sum(1 for audio in players.guilds.values() if audio.player is not None))
    for label, node in players.nodes.nodes.items():
        NODE_UP.labels(label).set(1 if node.available else 0)
        NODE_LOAD.labels(label).set(node_load(node))
        NODE_PLAYERS.labels(label).set(len(node.players))


def _should_move(audio: GuildAudio) -> bool:
    return (
        audio.playing is not None
        and not audio.playing.is_stream
        and audio.player is not None
        and audio.pushed
        and not audio.paused
        and audio.reported != audio.playing.entry_id
    )
