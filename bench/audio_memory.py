"""Memory of the audio process per guild: idle (in voice, nothing playing) and playing.

Measured with tracemalloc over everything this process allocates while N guilds are added
(the audio process alone lives here; Lavalink is a child process). Baseline: bare mafic
players on the same offline client (what any mafic bot holds per guild), in the same run.
"""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast
from uuid import uuid4

from bench.audio_system import InMemoryQueues, baseline_audio, bench_track
from reprise.adapters.lavalink.guild_player import Playing
from reprise.adapters.lavalink.mafic_import import mafic
from reprise.domain.values import QueueEntry

if TYPE_CHECKING:
    from nextcord.types.voice import GuildVoiceState, VoiceServerUpdate

    from reprise.adapters.lavalink.audio_process import AudioProcess
    from reprise.adapters.lavalink.node_specs import NodeSpec

CHANNEL = 7
HOUR_MS = 3_600_000


@dataclass(frozen=True, slots=True)
class Memory:
    idle_bytes: float
    playing_bytes: float


def _traced() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


async def reprise_memory(node: NodeSpec, guilds: int) -> Memory:
    queues = InMemoryQueues()
    async with baseline_audio(node, queues) as process:
        tracemalloc.start()
        try:
            start = _traced()
            for guild in range(1, guilds + 1):
                await process.players.join(guild, CHANNEL)
            await _until(lambda: _voice_ready(process, guilds))
            idle = _traced()
            track = bench_track(0, HOUR_MS).to_track()
            for guild in range(1, guilds + 1):
                entry = QueueEntry(uuid4(), track, "user:42", datetime.now(UTC))
                await process.players.start(guild, entry)
            await asyncio.sleep(6)  # one playerUpdate for every player (every 5 s)
            playing = _traced()
        finally:
            tracemalloc.stop()
        for guild in range(1, guilds + 1):
            await process.players.leave(guild)
    return Memory((idle - start) / guilds, (playing - start) / guilds)


def _voice_ready(process: AudioProcess, guilds: int) -> bool:
    ready = [a for a in process.players.guilds.values() if a.player is not None and a.pushed]
    return len(ready) >= guilds


async def _until(check: object, within: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not check():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            raise RuntimeError("guilds did not get their voice in time")
        await asyncio.sleep(0.05)


async def mafic_memory(node: NodeSpec, guilds: int) -> Memory:
    """Bare mafic players: built, given voice, then given a track, nothing else kept."""
    queues = InMemoryQueues()
    async with baseline_audio(node, queues) as process:
        client = process.client
        [lavalink] = process.nodes.nodes.values()
        base = 1_000_000
        tracemalloc.start()
        try:
            start = _traced()
            players = []
            for guild in range(base, base + guilds):
                player = mafic.Player(client, client.voice_channel(guild, CHANNEL), node=lavalink)
                lavalink.add_player(guild, player)
                # What mafic's voice handlers store and send (they would ask mafic's global
                # NodePool for a node, which this process does not use).
                player._session_id = _state(CHANNEL)["session_id"]
                player._server_state = _server(guild)
                await player._dispatch_player_update()
                players.append(player)
            idle = _traced()
            encoded = Playing(uuid4(), bench_track(0, HOUR_MS).encoded, HOUR_MS, False)
            for player in players:
                await lavalink.update(guild_id=player.guild.id, track=encoded.mafic_track())
            await asyncio.sleep(6)
            playing = _traced()
        finally:
            tracemalloc.stop()
        for player in players:
            lavalink.remove_player(player.guild.id)
            await lavalink.destroy(player.guild.id)
    return Memory((idle - start) / guilds, (playing - start) / guilds)


def _state(channel: int) -> GuildVoiceState:
    return cast("GuildVoiceState", {"session_id": "bench", "channel_id": str(channel)})


def _server(guild: int) -> VoiceServerUpdate:
    return cast(
        "VoiceServerUpdate",
        {"token": "t", "endpoint": "voice.bench.invalid", "guild_id": str(guild)},
    )
