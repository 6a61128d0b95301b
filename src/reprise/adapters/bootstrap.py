"""The composition root: the one place that builds adapters from settings.

Every adapter is imported where it is first built, so a command loads only what it runs:
`reprise events list` opens a store without loading the message bus, the handlers, the
projector, RabbitMQ, Redis or aiohttp. Only the two SQL event stores are imported here, since
the builders below tell them apart.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from random import Random
from typing import TYPE_CHECKING, NamedTuple

from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.adapters.postgres.event_store import PostgresEventStore
from reprise.adapters.sqlite.event_store import SqliteEventStore
from reprise.application.messaging import BrokerUnavailable
from reprise.application.ports import Clock, EventStore

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from contextlib import AsyncExitStack

    from aio_pika.abc import AbstractRobustConnection

    from reprise.adapters.discord.gateway import Gateway, GatewayPorts
    from reprise.adapters.inprocess.event_bus import InProcessEventBus
    from reprise.adapters.inprocess.event_store import InMemoryEventStore
    from reprise.adapters.inprocess.track_resolver import InProcessTrackResolver
    from reprise.adapters.inprocess.voice_streams import InProcessStream
    from reprise.adapters.lavalink.audio_process import AudioPorts, AudioProcess
    from reprise.adapters.lavalink.node_sessions import NodeSessions
    from reprise.adapters.lavalink.node_specs import NodeSpec
    from reprise.adapters.rabbitmq.command_bus import RabbitCommandBus
    from reprise.adapters.rabbitmq.command_consumer import CommandConsumer
    from reprise.adapters.rabbitmq.event_consumer import EventConsumer
    from reprise.adapters.rabbitmq.event_publisher import RabbitEventPublisher
    from reprise.adapters.rabbitmq.track_resolution import RabbitTrackResolver
    from reprise.adapters.rabbitmq.voice_streams import RabbitStreamPublisher
    from reprise.application.history import EventHistory

    # An annotation of `Core`, which dataclasses do not evaluate: importing the message bus at
    # run time would load the handlers and the aggregates for every command.
    from reprise.application.message_bus import MessageBus  # noqa: TC004
    from reprise.application.messaging import (
        CommandBus,
        EventPublisher,
        GuildPositions,
        Leadership,
        Tracking,
    )
    from reprise.application.relay import Relay
    from reprise.application.voice_messages import UiMessage, VoiceMessage
    from reprise.projections.ports import AuditLog, ReadCache
    from reprise.projections.projector import Projector
    from reprise.settings import Settings


@dataclass(frozen=True)
class Core:
    """The running core: the message bus over an event store."""

    bus: MessageBus
    store: EventStore
    clock: Clock
    description: str

    async def close(self) -> None:
        await self.store.close()


async def open_event_store(settings: Settings, *, connections: int = 10) -> tuple[EventStore, str]:
    """The configured store, migrated if MIGRATE_ON_START; `connections` caps the PostgreSQL
    pool (a CLI command that reads needs one)."""
    rows = RowMapper(build_mapper())
    if settings.database_url:
        store = await PostgresEventStore.connect(
            settings.database_url,
            settings.database_schema,
            rows,
            connections,
            migrated=settings.migrate_on_start,
        )
        return store, f"PostgreSQL (schema {settings.database_schema})"
    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return await SqliteEventStore.open(str(settings.sqlite_path), rows), (
        f"SQLite at {settings.sqlite_path}"
    )


def assemble_core(
    store: EventStore,
    settings: Settings,
    *,
    clock: Clock | None = None,
    rng: Random | None = None,
    description: str = "memory",
) -> Core:
    """Wire the message bus around an already opened event store."""
    from reprise.adapters.inprocess.clock import SystemClock
    from reprise.application.aggregate_cache import AggregateCache
    from reprise.application.handlers import HANDLERS
    from reprise.application.message_bus import MessageBus
    from reprise.application.unit_of_work import Dependencies

    clock = clock or SystemClock()
    deps = Dependencies(
        store=store,
        clock=clock,
        rng=rng or Random(),  # noqa: S311 - entry ids and shuffles need no cryptographic strength
        cache=AggregateCache(settings.aggregate_cache_size),
        snapshot_interval=settings.snapshot_interval,
    )
    return Core(MessageBus(deps, HANDLERS), store, clock, description)


def in_memory_event_store() -> InMemoryEventStore:
    from reprise.adapters.inprocess.event_store import InMemoryEventStore

    return InMemoryEventStore(RowMapper(build_mapper()))


async def bootstrap_core(
    settings: Settings, *, clock: Clock | None = None, rng: Random | None = None
) -> Core:
    """Open the configured event store and wire the core around it."""
    store, description = await open_event_store(settings)
    return assemble_core(store, settings, clock=clock, rng=rng, description=description)


async def open_broker(settings: Settings) -> AbstractRobustConnection:
    """Connect to RabbitMQ (reconnecting by itself) and declare the whole topology."""
    import aio_pika
    from aiormq.exceptions import AMQPConnectionError

    from reprise.adapters.rabbitmq.declare import declare
    from reprise.adapters.rabbitmq.topology import full_topology

    if not settings.amqp_url:
        raise ValueError("AMQP_URL is not set")
    try:
        connection = await aio_pika.connect_robust(settings.amqp_url)
    except (AMQPConnectionError, OSError) as error:
        raise BrokerUnavailable(f"{error}") from error
    channel = await connection.channel()
    # Every known consumer group's queues too: events relayed before a group first starts wait
    await declare(channel, full_topology(settings.partitions))
    await channel.close()
    return connection


async def open_tracking(store: EventStore) -> Tracking:
    """Tracking positions kept beside the events, in the same database."""
    if isinstance(store, PostgresEventStore):
        from reprise.adapters.postgres.tracking import PostgresTracking

        return PostgresTracking(store.pool, store.schema)
    if isinstance(store, SqliteEventStore):
        from reprise.adapters.sqlite.tracking import SqliteTracking

        return await SqliteTracking.open(store.path)
    from reprise.adapters.inprocess.tracking import InMemoryTracking

    return InMemoryTracking()


def relay_leadership(store: EventStore) -> Leadership:
    """Across processes on PostgreSQL; within this process otherwise."""
    if isinstance(store, PostgresEventStore):
        from reprise.adapters.postgres.leadership import PostgresLeadership

        key = int.from_bytes(hashlib.sha256(f"relay:{store.schema}".encode()).digest()[:7])
        return PostgresLeadership(store.dsn, key)
    from reprise.adapters.inprocess.tracking import LocalLeadership

    return LocalLeadership()


def guild_positions(store: EventStore, group: str) -> GuildPositions:
    if isinstance(store, PostgresEventStore):
        from reprise.adapters.postgres.tracking import PostgresGuildPositions

        return PostgresGuildPositions(store.pool, store.schema, group)
    from reprise.adapters.inprocess.tracking import InMemoryGuildPositions

    return InMemoryGuildPositions()


async def build_relay(settings: Settings, store: EventStore, publisher: EventPublisher) -> Relay:
    from reprise.application.relay import Relay

    return Relay(store, publisher, await open_tracking(store), batch_size=settings.relay_batch_size)


def event_bus() -> InProcessEventBus:
    from reprise.adapters.inprocess.event_bus import InProcessEventBus

    return InProcessEventBus(RowMapper(build_mapper()))


async def open_event_publisher(
    settings: Settings, connection: AbstractRobustConnection
) -> RabbitEventPublisher:
    from reprise.adapters.rabbitmq.event_publisher import RabbitEventPublisher

    return await RabbitEventPublisher.open(connection, partitions=settings.partitions)


async def start_command_consumer(
    settings: Settings, core: Core, connection: AbstractRobustConnection
) -> CommandConsumer:
    from reprise.adapters.rabbitmq.command_consumer import CommandConsumer

    return await CommandConsumer.start(connection, core.bus, settings.owned_partitions)


async def open_command_bus(settings: Settings, core: Core | None) -> CommandBus:
    """RabbitMQ when AMQP_URL is set, otherwise straight into this process's core."""
    if settings.amqp_url:
        connection = await open_broker(settings)  # the bus's own: closed with it
        try:
            return await open_rabbit_command_bus(settings, connection, owns_connection=True)
        except BaseException:
            await connection.close()
            raise
    if core is None:
        raise ValueError("without AMQP_URL the command bus needs the core in this process")
    from reprise.adapters.inprocess.command_bus import InProcessCommandBus

    return InProcessCommandBus(core.bus)


async def open_rabbit_command_bus(
    settings: Settings, connection: AbstractRobustConnection, *, owns_connection: bool = False
) -> RabbitCommandBus:
    from reprise.adapters.rabbitmq.command_bus import RabbitCommandBus

    return await RabbitCommandBus.open(
        connection, partitions=settings.partitions, owns_connection=owns_connection
    )


def open_read_cache(settings: Settings) -> ReadCache:
    if settings.redis_url:
        from reprise.adapters.redis.read_cache import RedisReadCache

        return RedisReadCache.connect(settings.redis_url, settings.redis_prefix)
    from reprise.adapters.inprocess.read_cache import InMemoryReadCache

    return InMemoryReadCache()


async def open_audit_log(store: EventStore) -> AuditLog | None:
    """The audit log lives beside the events; the in-memory store keeps none."""
    if isinstance(store, PostgresEventStore):
        from reprise.adapters.postgres.audit_log import PostgresAuditLog

        return PostgresAuditLog(store.pool, store.schema)
    if isinstance(store, SqliteEventStore):
        from reprise.adapters.sqlite.audit_log import SqliteAuditLog

        return await SqliteAuditLog.open(store.path)
    return None


async def build_projector(
    store: EventStore, cache: ReadCache, models: list[str] | None = None
) -> Projector:
    from reprise.projections.aggregate_states import AggregateStates
    from reprise.projections.projector import Projector
    from reprise.projections.registry import read_models

    return Projector(
        store=store,
        cache=cache,
        audit=await open_audit_log(store),
        models=read_models(models),
        states=AggregateStates(store),
    )


async def start_projector_consumer(
    settings: Settings, projector: Projector, connection: AbstractRobustConnection
) -> EventConsumer:
    from reprise.adapters.rabbitmq.event_consumer import EventConsumer

    return await EventConsumer.start(
        connection,
        "projector",
        projector.handle,
        RowMapper(build_mapper()),
        guild_positions(projector.store, "projector"),
        partition_count=settings.partitions,
        batch_handler=projector.apply_batch,
    )


class RabbitBackbone(NamedTuple):
    """The core's side of RabbitMQ, started: what a caller still has to run or read."""

    connection: AbstractRobustConnection
    relay: Relay
    cache: ReadCache
    projector: Projector


async def start_rabbit_backbone(
    settings: Settings, core: Core, stack: AsyncExitStack
) -> RabbitBackbone:
    """Command consumer, relay (not yet running), projector caught up and consuming; each
    closed by `stack`."""
    connection = await open_broker(settings)
    stack.push_async_callback(connection.close)
    consumer = await start_command_consumer(settings, core, connection)
    stack.push_async_callback(consumer.stop)
    relay = await build_relay(
        settings, core.store, await open_event_publisher(settings, connection)
    )
    stack.push_async_callback(relay.close)
    cache = open_read_cache(settings)
    stack.push_async_callback(cache.close)
    projector = await build_projector(core.store, cache)
    stack.push_async_callback(projector.close)
    await projector.catch_up(await projector.low_watermark())
    projector_consumer = await start_projector_consumer(settings, projector, connection)
    stack.push_async_callback(projector_consumer.stop)
    return RabbitBackbone(connection, relay, cache, projector)


async def open_event_history(store: EventStore) -> EventHistory:
    if isinstance(store, PostgresEventStore):
        from reprise.adapters.postgres.history import PostgresEventHistory

        return PostgresEventHistory(store.pool, store.schema)
    if isinstance(store, SqliteEventStore):
        from reprise.adapters.sqlite.history import SqliteEventHistory

        return await SqliteEventHistory.open(store.path)
    raise ValueError("the in-memory store keeps no history to query")


# --- the gateway ↔ audio streams and track resolution (ADR 0007) ----------------------------


async def open_stream_publisher(
    settings: Settings, connection: AbstractRobustConnection, stream: str
) -> RabbitStreamPublisher:
    """A publisher on `voice` (the gateway's VoiceChannel) or `ui` (the audio's UiChannel)."""
    from reprise.adapters.rabbitmq.voice_streams import RabbitStreamPublisher

    return await RabbitStreamPublisher.open(connection, stream, partitions=settings.partitions)


async def open_track_resolver(connection: AbstractRobustConnection) -> RabbitTrackResolver:
    """The gateway's TrackResolver: asks any audio process over the `resolve` queue."""
    from reprise.adapters.rabbitmq.track_resolution import RabbitTrackResolver

    return await RabbitTrackResolver.open(connection)


# --- the audio process (issue 5) -----------------------------------------------------------


def lavalink_node_specs(settings: Settings, dev_url: str | None = None) -> list[NodeSpec]:
    """LAVALINK_NODES, or the development server this process started at `dev_url`."""
    from reprise.adapters.lavalink.node_specs import parse_nodes

    if settings.lavalink_nodes:
        return parse_nodes(settings.lavalink_nodes)
    if dev_url is None:
        raise ValueError("LAVALINK_NODES is not set and no development server runs here")
    from reprise.adapters.lavalink.dev_server.config import DEFAULT_PASSWORD

    host_port = dev_url.split("://", 1)[-1]
    return parse_nodes(f"dev=http://{DEFAULT_PASSWORD}@{host_port}")


def open_node_sessions(settings: Settings) -> NodeSessions:
    """Where the audio process keeps its Lavalink session ids: Redis, or this process."""
    from reprise.adapters.lavalink.node_sessions import InMemoryNodeSessions

    if settings.redis_url:
        from reprise.adapters.redis.node_sessions import RedisNodeSessions

        return RedisNodeSessions.connect(settings.redis_url, settings.redis_prefix)
    return InMemoryNodeSessions()


def build_audio(
    settings: Settings, specs: list[NodeSpec], ports: AudioPorts, *, instance: str | None = None
) -> AudioProcess:
    from reprise.adapters.lavalink.audio_process import AudioConfig, AudioProcess

    partitions = ",".join(str(p) for p in settings.audio_owned_partitions)
    config = AudioConfig(
        bot_user_id=settings.bot_id,
        nodes=specs,
        instance=instance or f"audio:{partitions}",
        stall_after=settings.audio_stall_seconds,
        rejoin_lost=len(settings.audio_owned_partitions) == settings.partitions,
    )
    return AudioProcess(config, ports)


async def start_audio_consumers(
    settings: Settings,
    audio: AudioProcess,
    connection: AbstractRobustConnection,
    positions: GuildPositions,
) -> list[Callable[[], Awaitable[None]]]:
    """The audio process's consumers: its event partitions, its voice partitions, resolve.
    Returns their stop functions."""
    from reprise.adapters.rabbitmq.event_consumer import EventConsumer
    from reprise.adapters.rabbitmq.track_resolution import ResolveServer
    from reprise.adapters.rabbitmq.voice_streams import start_voice_consumer

    partitions = settings.audio_owned_partitions
    events = await EventConsumer.start(
        connection,
        "audio",
        audio.handle_event,
        RowMapper(build_mapper()),
        positions,
        partition_count=settings.partitions,
        partitions=partitions,
    )
    voice = await start_voice_consumer(connection, audio.handle_voice, partitions)
    resolve = await ResolveServer.start(connection, audio.resolve)
    return [events.stop, voice.stop, resolve.stop]


# --- the Discord gateway (issue 6) -------------------------------------------------------------


def build_gateway(settings: Settings, ports: GatewayPorts) -> Gateway:
    """The nextcord client and everything around it; shards from DISCORD_SHARD_IDS/COUNT."""
    from reprise.adapters.discord.gateway import Gateway
    from reprise.adapters.discord.options import GatewayOptions

    options = GatewayOptions(
        idle_leave_after=settings.voice_idle_timeout,
        panel_edit_interval=settings.panel_edit_interval,
        panel_edits_per_second=settings.panel_edits_per_second,
    )
    return Gateway(
        ports, options, shard_ids=settings.shard_ids, shard_count=settings.discord_shard_count
    )


async def open_gateway_over_rabbitmq(
    settings: Settings,
    connection: AbstractRobustConnection,
    cache: ReadCache,
    stack: AsyncExitStack,
) -> Gateway:
    """The gateway on RabbitMQ: commands, `voice` out, `ui` in, resolve RPC; closed by `stack`."""
    from reprise.adapters.discord.gateway import GatewayPorts
    from reprise.adapters.rabbitmq.voice_streams import start_ui_consumer

    commands = await open_rabbit_command_bus(settings, connection)
    stack.push_async_callback(commands.close)
    voice = await open_stream_publisher(settings, connection, "voice")
    stack.push_async_callback(voice.close)
    resolver = await open_track_resolver(connection)
    stack.push_async_callback(resolver.close)
    gateway = build_gateway(settings, GatewayPorts(commands, cache, resolver, voice))
    stack.push_async_callback(gateway.close)
    ui = await start_ui_consumer(connection, gateway.on_ui, range(settings.partitions))
    stack.push_async_callback(ui.stop)
    return gateway


def open_gateway_in_process(
    settings: Settings,
    core: Core,
    cache: ReadCache,
    voice: InProcessStream[VoiceMessage],
    ui: InProcessStream[UiMessage],
    resolver: InProcessTrackResolver,
    stack: AsyncExitStack,
) -> Gateway:
    """The gateway beside the core and the audio process in one process (`reprise up`): it
    publishes on the audio process's `voice`, reads its `ui` and resolves through it."""
    from reprise.adapters.discord.gateway import GatewayPorts
    from reprise.adapters.inprocess.command_bus import InProcessCommandBus

    ports = GatewayPorts(InProcessCommandBus(core.bus), cache, resolver, voice)
    gateway = build_gateway(settings, ports)
    ui.subscribe(gateway.on_ui)
    stack.push_async_callback(gateway.close)
    return gateway
