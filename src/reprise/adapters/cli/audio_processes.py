"""`reprise run audio`, and the audio process inside `reprise up`."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reprise.adapters import bootstrap
from reprise.adapters.inprocess.command_bus import InProcessCommandBus
from reprise.adapters.inprocess.loopback_voice import LoopbackVoice
from reprise.adapters.inprocess.track_resolver import InProcessTrackResolver
from reprise.adapters.inprocess.tracking import InMemoryGuildPositions
from reprise.adapters.inprocess.voice_streams import InProcessStream
from reprise.adapters.lavalink.audio_process import AudioPorts, AudioProcess
from reprise.application.voice_messages import UiMessage, VoiceMessage

if TYPE_CHECKING:
    from aio_pika.abc import AbstractRobustConnection
    from rich.console import Console

    from reprise.adapters.inprocess.event_bus import InProcessEventBus
    from reprise.adapters.lavalink.node_specs import NodeSpec
    from reprise.application.ports import EventStore
    from reprise.projections.ports import ReadCache
    from reprise.settings import Settings


async def run_audio(settings: Settings, out: Console) -> int:
    from reprise.adapters.cli.processes import serve_metrics, serve_until_stopped

    serve_metrics(settings, out)
    async with AsyncExitStack() as stack:
        store, _ = await bootstrap.open_event_store(settings)
        stack.push_async_callback(store.close)
        connection = await bootstrap.open_broker(settings)
        stack.push_async_callback(connection.close)
        cache = bootstrap.open_read_cache(settings)
        stack.push_async_callback(cache.close)
        audio = await start_audio_over_rabbitmq(
            settings, bootstrap.lavalink_node_specs(settings), connection, cache, stack, store
        )
        out.print(
            f"{describe(audio)} Serving partitions {settings.audio_owned_partitions} "
            f"of {settings.partitions}."
        )
        await serve_until_stopped()
    return 0


def describe(audio: AudioProcess) -> str:
    nodes = audio.nodes
    return f"Audio: {len(nodes.available())} of {len(nodes.nodes)} Lavalink nodes up."


async def start_loopback_over_rabbitmq(
    settings: Settings, connection: AbstractRobustConnection, stack: AsyncExitStack
) -> None:
    """Without Discord: answer the audio process's voice requests (see LoopbackVoice)."""
    from reprise.adapters.rabbitmq.voice_streams import start_ui_consumer

    voice = await bootstrap.open_stream_publisher(settings, connection, "voice")
    stack.push_async_callback(voice.close)
    loopback = LoopbackVoice(voice)
    consumer = await start_ui_consumer(connection, loopback.handle, range(settings.partitions))
    stack.push_async_callback(consumer.stop)


async def start_audio_over_rabbitmq(
    settings: Settings,
    specs: list[NodeSpec],
    connection: AbstractRobustConnection,
    cache: ReadCache,
    stack: AsyncExitStack,
    store: EventStore,
) -> AudioProcess:
    """The audio process on RabbitMQ: commands, ui, events, voice and resolve."""
    # on the process's one connection
    commands = await bootstrap.open_rabbit_command_bus(settings, connection)
    stack.push_async_callback(commands.close)
    ui = await bootstrap.open_stream_publisher(settings, connection, "ui")
    stack.push_async_callback(ui.close)
    positions = bootstrap.guild_positions(store, "audio")
    sessions = bootstrap.open_node_sessions(settings)
    stack.push_async_callback(sessions.close)
    ports = AudioPorts(commands, ui, cache, positions, sessions)
    audio = bootstrap.build_audio(settings, specs, ports)
    await audio.start()
    stack.push_async_callback(audio.stop)
    for stop in await bootstrap.start_audio_consumers(settings, audio, connection, positions):
        stack.push_async_callback(stop)
    return audio


@dataclass(frozen=True)
class InProcessAudio:
    """The audio process of `reprise up` and its three links to a gateway in the same
    process: publish forwarded voice updates to `voice`, subscribe to `ui` (taken by the
    loopback when there is no DISCORD_TOKEN), resolve tracks with `resolver`."""

    process: AudioProcess
    voice: InProcessStream[VoiceMessage]
    ui: InProcessStream[UiMessage]
    resolver: InProcessTrackResolver


async def start_audio_in_process(
    settings: Settings,
    core: bootstrap.Core,
    events: InProcessEventBus,
    cache: ReadCache,
    dev_url: str | None,
    stack: AsyncExitStack,
) -> InProcessAudio:
    """The audio process inside `reprise up` on the in-process bus. Without Discord, the
    loopback answers its voice requests so the development Lavalink server plays."""
    ui: InProcessStream[UiMessage] = InProcessStream("ui")
    stack.push_async_callback(ui.close)
    voice: InProcessStream[VoiceMessage] = InProcessStream("voice")
    stack.push_async_callback(voice.close)
    commands = InProcessCommandBus(core.bus)
    stack.push_async_callback(commands.close)
    positions = InMemoryGuildPositions()
    sessions = bootstrap.open_node_sessions(settings)
    stack.push_async_callback(sessions.close)
    ports = AudioPorts(commands, ui, cache, positions, sessions)
    audio = bootstrap.build_audio(settings, bootstrap.lavalink_node_specs(settings, dev_url), ports)
    await audio.start()
    stack.push_async_callback(audio.stop)
    voice.subscribe(audio.handle_voice)
    if not settings.discord_token:
        ui.subscribe(LoopbackVoice(voice).handle)
    events.subscribe("audio", audio.handle_event, positions)
    resolver = InProcessTrackResolver()
    resolver.bind(audio.resolve)
    return InProcessAudio(audio, voice, ui, resolver)
