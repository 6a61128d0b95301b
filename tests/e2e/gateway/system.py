"""The whole system in the test process, on real PostgreSQL, RabbitMQ and Redis.

core + relay + projector as `reprise up` runs them over RabbitMQ, the development Lavalink
server, the audio stand-in, and the gateway: a real nextcord client logged in to the Discord
stand-in.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reprise.adapters import bootstrap
from reprise.adapters.cli.audio_processes import start_audio_over_rabbitmq
from reprise.adapters.discord.gateway import Gateway
from reprise.adapters.discord.reads import ReadModels
from reprise.adapters.lavalink.dev_server import DevLavalinkServer, DevServerConfig
from reprise.adapters.rabbitmq.command_bus import RabbitCommandBus
from reprise.application.voice_ports import UiChannel
from reprise.settings import Settings
from tests.e2e.gateway.audio_standin import AudioStandIn, open_ui_publisher
from tests.services import redis_url

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from aio_pika.abc import AbstractRobustConnection

    from reprise.application.ports import EventStore
    from tests.fakes.discord import FakeDiscord

TOKEN = "fake-token-for-reprise-gateway-tests"  # noqa: S105 - only the stand-in checks it
PARTITIONS = 2
COMMANDS = ("play", "pause", "skip", "queue", "premium", "dj", "247")


@dataclass(frozen=True)
class Services:
    database_url: str
    schema: str
    amqp_url: str
    redis_prefix: str

    def settings(self, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "database_url": self.database_url,
            "database_schema": self.schema,
            "amqp_url": self.amqp_url,
            "redis_url": redis_url(),
            "redis_prefix": self.redis_prefix,
            "partitions": PARTITIONS,
            "discord_token": TOKEN,
            "panel_edit_interval": 0.2,
        }
        return Settings.model_validate(values | overrides)


@dataclass(frozen=True)
class System:
    gateway: Gateway
    standin: AudioStandIn | None
    reads: ReadModels
    ui: UiChannel

    @property
    def audio(self) -> AudioStandIn:
        """The audio stand-in (journeys that run the real audio process have none)."""
        assert self.standin is not None, "this journey runs the real audio process"
        return self.standin


@asynccontextmanager
async def running_system(
    discord: FakeDiscord, services: Services, *, real_audio: bool = False, **overrides: object
) -> AsyncIterator[System]:
    """With `real_audio`, the audio process of issue 5 (mafic against the development Lavalink
    server) instead of the stand-in."""
    settings = services.settings(bot_user_id=discord.bot.id, **overrides)
    async with AsyncExitStack() as stack:
        connection, store = await _backbone(settings, stack)
        cache = bootstrap.open_read_cache(settings)
        stack.push_async_callback(cache.close)
        lavalink = DevLavalinkServer(DevServerConfig())
        lavalink_url = str(await lavalink.start("127.0.0.1", 0))
        stack.push_async_callback(lavalink.stop)
        ui = await open_ui_publisher(settings, connection)
        standin = None
        if real_audio:
            specs = bootstrap.lavalink_node_specs(settings, lavalink_url)
            await start_audio_over_rabbitmq(settings, specs, connection, cache, stack, store)
        else:
            audio_commands = await RabbitCommandBus.open(connection, partitions=PARTITIONS)
            stack.push_async_callback(audio_commands.close)
            standin = AudioStandIn(lavalink_url, DevServerConfig().password, ui, audio_commands)
            await standin.start(connection, PARTITIONS, stack)
        gateway = await bootstrap.open_gateway_over_rabbitmq(settings, connection, cache, stack)
        running = await gateway.start(TOKEN)
        await discord.wait_for_commands(*COMMANDS)
        try:
            yield System(gateway, standin, ReadModels(cache), ui)
        finally:
            await gateway.close()
            with suppress(asyncio.CancelledError):
                await asyncio.wait_for(running, 5.0)


async def _backbone(
    settings: Settings, stack: AsyncExitStack
) -> tuple[AbstractRobustConnection, EventStore]:
    core = await bootstrap.bootstrap_core(settings)
    stack.push_async_callback(core.close)
    connection = await bootstrap.open_broker(settings)
    stack.push_async_callback(connection.close)
    consumer = await bootstrap.start_command_consumer(settings, core, connection)
    stack.push_async_callback(consumer.stop)
    publisher = await bootstrap.open_event_publisher(settings, connection)
    relay = await bootstrap.build_relay(settings, core.store, publisher)
    stack.push_async_callback(relay.close)
    relaying = asyncio.create_task(relay.run(bootstrap.relay_leadership(core.store)))
    stack.push_async_callback(_cancel, relaying)
    cache = bootstrap.open_read_cache(settings)
    stack.push_async_callback(cache.close)
    projector = await bootstrap.build_projector(core.store, cache)
    stack.push_async_callback(projector.close)
    projecting = await bootstrap.start_projector_consumer(settings, projector, connection)
    stack.push_async_callback(projecting.stop)
    return connection, core.store


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task
