"""The whole path of a track, assembled in the test process on the real services.

core (commands over RabbitMQ, events in PostgreSQL) → relay → `events` → projector (Redis
read caches) and the audio process (mafic) → development Lavalink servers; the audio
process's voice requests are answered by the loopback stand-in for the gateway.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aio_pika.abc import AbstractRobustConnection

from reprise.adapters import bootstrap
from reprise.adapters.cli.audio_processes import start_audio_over_rabbitmq
from reprise.adapters.inprocess.loopback_voice import LoopbackVoice
from reprise.adapters.lavalink.audio_process import AudioProcess
from reprise.adapters.lavalink.dev_server import DevLavalinkServer, DevServerConfig
from reprise.adapters.lavalink.dev_server.track_codec import encode_track
from reprise.adapters.lavalink.dev_server.track_payloads import TrackInfo
from reprise.adapters.lavalink.node_specs import NodeSpec
from reprise.adapters.rabbitmq.voice_streams import RabbitStreamPublisher, start_ui_consumer
from reprise.application.messaging import CommandBus
from reprise.application.ports import EventStore
from reprise.application.voice_messages import UiMessage
from reprise.domain.commands import Actor, ActorKind, CommandBase, TrackData
from reprise.projections.ports import ReadCache
from reprise.settings import Settings
from tests.integration.backbone.waiting import until

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable
    from uuid import UUID

    from reprise.adapters.lavalink.dev_server import DevPlayer
    from reprise.application.results import CommandResult
    from reprise.domain.queue import GuildQueue

PARTITIONS = 2
USER = Actor(kind=ActorKind.USER, id="42")
PASSWORD = "audio-test-password"  # noqa: S105 - a throwaway test password


def dev_config(time_scale: float = 1.0, stuck_threshold_ms: int = 10_000) -> DevServerConfig:
    return DevServerConfig(
        password=PASSWORD,
        time_scale=time_scale,
        player_update_interval=0.1,
        stats_interval=0.5,
        stuck_threshold_ms=stuck_threshold_ms,
    )


def spec_of(server: DevLavalinkServer, label: str) -> NodeSpec:
    return NodeSpec(
        label=label, host="127.0.0.1", port=server.port, password=PASSWORD, secure=False
    )


def track(title: str, length_ms: int) -> TrackData:
    """A track any development server can play (its encoded form carries its info)."""
    identifier = title.lower().replace(" ", "-")
    info = TrackInfo(identifier=identifier, author="Reprise Tests", length=length_ms, title=title)
    return TrackData(
        encoded=encode_track(info),
        identifier=identifier,
        title=title,
        author="Reprise Tests",
        length_ms=length_ms,
    )


def rig_settings(database_url: str, schema: str, amqp_url: str, redis_prefix: str) -> Settings:
    from tests.services import redis_url  # noqa: PLC0415 - only where Redis is used

    return Settings(
        database_url=database_url,
        database_schema=schema,
        amqp_url=amqp_url,
        redis_url=redis_url(),
        redis_prefix=redis_prefix,
        partitions=PARTITIONS,
        audio_stall_seconds=15.0,
    )


@dataclass
class Backbone:
    settings: Settings
    connection: AbstractRobustConnection
    commands: CommandBus
    store: EventStore
    cache: ReadCache
    stack: AsyncExitStack

    async def send(
        self, guild_id: int, command: type[CommandBase], **fields: object
    ) -> CommandResult:
        sent = command(guild_id=guild_id, actor=USER, **fields)  # type: ignore[arg-type]
        return await self.commands.send(sent, reply_within=10)

    async def queue(self, guild_id: int) -> GuildQueue:
        from reprise.domain.ids import queue_id  # noqa: PLC0415

        stream = await self.store.load_events(queue_id(guild_id))
        queue: GuildQueue | None = None
        for event in stream:
            queue = event.mutate(queue)
        assert queue is not None
        return queue


@asynccontextmanager
async def backbone(settings: Settings) -> AsyncIterator[Backbone]:
    async with AsyncExitStack() as stack:
        core = await bootstrap.bootstrap_core(settings)
        stack.push_async_callback(core.close)
        started = await bootstrap.start_rabbit_backbone(settings, core, stack)
        connection, cache = started.connection, started.cache
        relay_task = asyncio.create_task(started.relay.run(bootstrap.relay_leadership(core.store)))
        stack.push_async_callback(_cancel, relay_task)
        commands = await bootstrap.open_command_bus(settings, None)
        stack.push_async_callback(commands.close)  # type: ignore[attr-defined]
        yield Backbone(settings, connection, commands, core.store, cache, stack)


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


@dataclass
class Audio:
    process: AudioProcess
    loopback: LoopbackVoice
    voice: RabbitStreamPublisher
    ui_seen: list[UiMessage] = field(default_factory=list)

    async def on_ui(self, message: UiMessage) -> None:
        """What the gateway would get on `ui`: recorded, then answered by the loopback."""
        self.ui_seen.append(message)
        await self.loopback.handle(message)


@asynccontextmanager
async def audio_process(
    bone: Backbone, specs: list[NodeSpec], *, settings: Settings | None = None
) -> AsyncIterator[Audio]:
    """The audio process on RabbitMQ, with the loopback answering its voice requests."""
    async with AsyncExitStack() as stack:
        settings = settings or bone.settings
        voice = await bootstrap.open_stream_publisher(settings, bone.connection, "voice")
        stack.push_async_callback(voice.close)
        audio = Audio(None, LoopbackVoice(voice), voice)  # type: ignore[arg-type] # set below
        ui = await start_ui_consumer(bone.connection, audio.on_ui, range(PARTITIONS))
        stack.push_async_callback(ui.stop)
        audio.process = await start_audio_over_rabbitmq(
            settings, specs, bone.connection, bone.cache, stack, bone.store
        )
        yield audio


def dev_player(server: DevLavalinkServer, guild_id: int) -> DevPlayer | None:
    return next((p for p in server.players() if p.guild_id == guild_id), None)


def playing_title(server: DevLavalinkServer, guild_id: int) -> str | None:
    player = dev_player(server, guild_id)
    if player is None or player.playing is None:
        return None
    return player.playing.track.info.title


async def current_title(bone: Backbone, guild_id: int) -> str | None:
    queue = await bone.queue(guild_id)
    return None if queue.current is None else queue.current.track.title


async def wait_for(check: Callable[[], object], what: str, within: float = 10.0) -> None:
    await until(lambda: bool(check()), within=within, what=what)


def entry_ids(queue: GuildQueue) -> list[UUID]:
    return [entry.entry_id for entry in queue.history]
