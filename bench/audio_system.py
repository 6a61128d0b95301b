"""The audio benchmark's systems: the real pipeline, and an in-memory queue as the baseline.

Both drive the same development Lavalink server (a child process, `reprise dev-lavalink`)
through the same audio driver; they differ in who decides the next track. Reprise: the audio
process sends `AdvanceQueue` over RabbitMQ to a core (child process, PostgreSQL), the relay
(child process) publishes the events, the audio process consumes `TrackStarted` and plays.
Baseline: a plain bot's in-memory list, popped the moment Lavalink says a track ended.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from bench.pipeline_env import (
    PARTITIONS,
    run_id,
    start_child,
    start_core_and_relay,
    throwaway_vhost,
)
from bench.postgres import throwaway_schema
from reprise.adapters import bootstrap
from reprise.adapters.cli.audio_processes import (
    start_audio_over_rabbitmq,
    start_loopback_over_rabbitmq,
)
from reprise.adapters.inprocess.loopback_voice import LoopbackVoice
from reprise.adapters.inprocess.read_cache import InMemoryReadCache
from reprise.adapters.inprocess.tracking import InMemoryGuildPositions
from reprise.adapters.inprocess.voice_streams import InProcessStream
from reprise.adapters.lavalink.audio_process import AudioConfig, AudioPorts, AudioProcess
from reprise.adapters.lavalink.dev_server.track_codec import encode_track
from reprise.adapters.lavalink.dev_server.track_payloads import TrackInfo
from reprise.adapters.lavalink.node_sessions import InMemoryNodeSessions
from reprise.adapters.lavalink.node_specs import NodeSpec
from reprise.application.results import CommandResult
from reprise.domain import commands as c
from reprise.domain.values import QueueEntry
from reprise.settings import Settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from random import Random
    from uuid import UUID

    from reprise.adapters.lavalink.guild_player import GuildAudio
    from reprise.application.voice_messages import UiMessage, VoiceMessage

PASSWORD = "bench-password"  # noqa: S105 - a throwaway password for a local child process
USER = c.Actor(kind=c.ActorKind.USER, id="42")
CHANNEL_BASE = 900_000_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def bench_track(index: int, length_ms: int) -> c.TrackData:
    info = TrackInfo(
        identifier=f"bench{index}", author="Bench", length=length_ms, title=f"T{index}"
    )
    return c.TrackData(
        encoded=encode_track(info),
        identifier=f"bench{index}",
        title=f"T{index}",
        author="Bench",
        length_ms=length_ms,
    )


@asynccontextmanager
async def dev_lavalink(stack: AsyncExitStack) -> AsyncIterator[NodeSpec]:
    reprise = str(Path(sys.executable).parent / "reprise")
    port = free_port()
    args = [reprise, "dev-lavalink", "--port", str(port), "--password", PASSWORD]
    child = await start_child("dev-lavalink", args, {}, "Development Lavalink")
    stack.push_async_callback(child.stop)
    await asyncio.sleep(0.5)  # the line is printed just before the server binds
    yield NodeSpec("dev", "127.0.0.1", port, PASSWORD, secure=False)


@dataclass
class Latencies:
    """Lavalink's track end (as the audio process receives it) to the next play request."""

    ended_at: dict[int, float] = field(default_factory=dict)
    samples: list[float] = field(default_factory=list)
    decided: list[float] = field(default_factory=list)  # track end → AdvanceQueue's reply
    recording: bool = False
    disturbances: list[str] = field(default_factory=list)  # seen during the measured window

    def watch(self, process: AudioProcess) -> None:
        events, players = process._lavalink_events, process.players
        on_event, push, ended = events.on_event, players.push, players.reports.ended

        async def timed_report(audio: GuildAudio, entry_id: UUID) -> None:
            await ended(audio, entry_id)
            started = self.ended_at.get(audio.guild_id)
            if started is not None and self.recording:
                self.decided.append(time.perf_counter() - started)

        def timed_event(name: str, args: tuple[Any, ...]) -> None:
            if name == "track_end" and args:
                self.ended_at[args[0].player.guild.id] = time.perf_counter()
            on_event(name, args)

        async def timed_push(audio: GuildAudio, position: int) -> None:
            await push(audio, position)
            ended = self.ended_at.pop(audio.guild_id, None)
            if ended is not None and audio.playing is not None and self.recording:
                self.samples.append(time.perf_counter() - ended)

        events.on_event = timed_event  # type: ignore[method-assign]
        players.reports.ended = timed_report  # type: ignore[method-assign]
        players.push = timed_push  # type: ignore[method-assign]


@dataclass
class Pipeline:
    settings: Settings
    commands: Any
    process: AudioProcess


@asynccontextmanager
async def reprise_pipeline(
    dsn: str, node: NodeSpec, partitions: int = PARTITIONS
) -> AsyncIterator[Pipeline]:
    """Core and relay as child processes; the audio process here, on RabbitMQ."""
    async with AsyncExitStack() as stack:
        schema = await stack.enter_async_context(throwaway_schema(dsn))
        vhost = f"audio_{run_id()}_p{partitions}"
        amqp = await stack.enter_async_context(throwaway_vhost(vhost))
        settings = Settings(
            database_url=dsn,
            database_schema=schema,
            amqp_url=amqp,
            partitions=partitions,
            migrate_on_start=False,
        )
        await start_core_and_relay(settings, stack)
        store, _ = await bootstrap.open_event_store(settings)
        stack.push_async_callback(store.close)
        connection = await bootstrap.open_broker(settings)
        stack.push_async_callback(connection.close)
        await start_loopback_over_rabbitmq(settings, connection, stack)
        process = await start_audio_over_rabbitmq(
            settings, [node], connection, InMemoryReadCache(), stack, store
        )
        commands = await bootstrap.open_command_bus(settings, None)
        stack.push_async_callback(commands.close)  # type: ignore[attr-defined]
        yield Pipeline(settings, commands, process)


class InMemoryQueues:
    """The baseline's CommandBus: a plain bot's queue, one list per guild, in memory."""

    def __init__(self) -> None:
        self.upcoming: dict[int, list[c.TrackData]] = {}
        self.process: AudioProcess | None = None

    async def send(self, command: c.CommandBase, *, reply_within: float = 2.5) -> CommandResult:
        del reply_within
        assert self.process is not None
        if isinstance(command, c.AdvanceQueue) and self.upcoming.get(command.guild_id):
            await self.play_next(command.guild_id)
        return CommandResult(command_id=command.command_id, accepted=True)

    async def play_next(self, guild_id: int) -> None:
        assert self.process is not None
        data = self.upcoming[guild_id].pop(0)
        entry = QueueEntry(uuid4(), data.to_track(), "user:42", datetime.now(UTC))
        await self.process.players.start(guild_id, entry)


class NullUi:
    """Progress and voice requests go nowhere (the memory phase has no gateway)."""

    async def publish(self, message: UiMessage) -> None:
        del message


@asynccontextmanager
async def baseline_audio(node: NodeSpec, queues: InMemoryQueues) -> AsyncIterator[AudioProcess]:
    """The same audio driver with in-process voice (loopback) and the in-memory queues."""
    async with AsyncExitStack() as stack:
        ui: InProcessStream[UiMessage] = InProcessStream("ui")
        stack.push_async_callback(ui.close)
        voice: InProcessStream[VoiceMessage] = InProcessStream("voice")
        stack.push_async_callback(voice.close)
        ports = AudioPorts(
            queues, ui, InMemoryReadCache(), InMemoryGuildPositions(), InMemoryNodeSessions()
        )
        process = AudioProcess(AudioConfig(bot_user_id=1, nodes=[node], rejoin_lost=False), ports)
        await process.start()
        stack.push_async_callback(process.stop)
        voice.subscribe(process.handle_voice)
        ui.subscribe(LoopbackVoice(voice).handle)
        queues.process = process
        yield process


def track_lengths(rng: Random, count: int, low_ms: int, high_ms: int) -> list[int]:
    return [rng.randrange(low_ms, high_ms) for _ in range(count)]
