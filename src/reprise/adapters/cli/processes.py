"""The long-running processes: `reprise run core|relay` and `reprise up`."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Coroutine
from contextlib import AsyncExitStack, suppress
from typing import TYPE_CHECKING, Any

import prometheus_client
from rich.console import Console

from reprise.adapters import bootstrap
from reprise.adapters.cli import audio_processes
from reprise.adapters.inprocess.tracking import InMemoryGuildPositions
from reprise.adapters.lavalink.dev_server import DevLavalinkServer, DevServerConfig
from reprise.projections import stats
from reprise.projections.projector import Projector
from reprise.settings import Settings

if TYPE_CHECKING:
    from reprise.adapters.discord.gateway import Gateway


async def serve_until_stopped(*work: Coroutine[Any, Any, None]) -> None:
    """Run `work` until SIGINT/SIGTERM, or until one of them ends (its error propagates)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    tasks = [asyncio.create_task(item) for item in work]
    stopper = asyncio.create_task(stop.wait())
    try:
        done, _ = await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task is not stopper:
                task.result()
    finally:
        for task in [*tasks, stopper]:
            task.cancel()
        for task in [*tasks, stopper]:
            with suppress(asyncio.CancelledError):
                await task


def serve_metrics(settings: Settings, out: Console) -> None:
    if settings.metrics_port is not None:
        prometheus_client.start_http_server(settings.metrics_port, addr="127.0.0.1")
        out.print(f"metrics on http://127.0.0.1:{settings.metrics_port}/metrics")


async def run_core(settings: Settings, out: Console) -> int:
    serve_metrics(settings, out)
    async with AsyncExitStack() as stack:
        core = await bootstrap.bootstrap_core(settings)
        stack.push_async_callback(core.close)
        connection = await bootstrap.open_broker(settings)
        stack.push_async_callback(connection.close)
        consumer = await bootstrap.start_command_consumer(settings, core, connection)
        stack.push_async_callback(consumer.stop)
        out.print(
            f"core: event store on {core.description}; consuming command partitions "
            f"{settings.owned_partitions} of {settings.partitions}."
        )
        await serve_until_stopped()
    return 0


async def run_relay(settings: Settings, out: Console) -> int:
    serve_metrics(settings, out)
    async with AsyncExitStack() as stack:
        store, description = await bootstrap.open_event_store(settings)
        stack.push_async_callback(store.close)
        connection = await bootstrap.open_broker(settings)
        stack.push_async_callback(connection.close)
        publisher = await bootstrap.open_event_publisher(settings, connection)
        relay = await bootstrap.build_relay(settings, store, publisher)
        stack.push_async_callback(relay.close)
        out.print(f"relay: publishing events from {description}; waiting for the lease.")
        await serve_until_stopped(relay.run(bootstrap.relay_leadership(store)))
    return 0


async def report_projections(projector: Projector, out: Console, every: float = 2.0) -> None:
    """Say what the read models hold whenever they move, so `reprise up` shows them working."""
    shown = -1
    while True:
        position = await projector.low_watermark()
        if position != shown:
            playing = await projector.cache.members("stats", stats.PLAYING_GUILDS)
            played = (await projector.cache.counters("stats", stats.TOTALS)).get("tracks_played", 0)
            out.print(
                f"projections: at position {position}; {len(playing)} guilds playing; "
                f"{played} tracks played so far."
            )
            shown = position
        await asyncio.sleep(every)


async def run_projector(settings: Settings, out: Console) -> int:
    serve_metrics(settings, out)
    async with AsyncExitStack() as stack:
        store, description = await bootstrap.open_event_store(settings)
        stack.push_async_callback(store.close)
        cache = bootstrap.open_read_cache(settings)
        stack.push_async_callback(cache.close)
        projector = await bootstrap.build_projector(store, cache)
        stack.push_async_callback(projector.close)
        await _catch_up_if_behind(settings, projector, out)
        connection = await bootstrap.open_broker(settings)
        stack.push_async_callback(connection.close)
        consumer = await bootstrap.start_projector_consumer(settings, projector, connection)
        stack.push_async_callback(consumer.stop)
        out.print(f"projector: read models from {description}, following RabbitMQ.")
        await serve_until_stopped()
    return 0


async def _catch_up_if_behind(settings: Settings, projector: Projector, out: Console) -> None:
    start = await projector.low_watermark()
    lag = await projector.store.max_position() - start
    if lag > settings.projector_catch_up_threshold:
        out.print(f"projector: {lag} events behind; catching up from the event store.")
        reached = await projector.catch_up(start)
        out.print(f"projector: caught up to position {reached}.")


async def run_everything(settings: Settings, out: Console) -> int:
    """`reprise up`: every process in this one."""
    async with AsyncExitStack() as stack:
        core = await bootstrap.bootstrap_core(settings)
        stack.push_async_callback(core.close)
        dev_url = None
        gateway_runs: list[Gateway] = []
        if not settings.lavalink_nodes:
            lavalink = DevLavalinkServer(DevServerConfig())
            dev_url = str(await lavalink.start("127.0.0.1", settings.dev_lavalink_port))
            stack.push_async_callback(lavalink.stop)
            out.print(f"Development Lavalink server on {dev_url} (no LAVALINK_NODES set).")
        if settings.amqp_url:
            work = await _over_rabbitmq(settings, core, stack, out, dev_url, gateway_runs)
            out.print("Commands and events: RabbitMQ.")
        else:
            work = await _in_process(settings, core, stack, out, dev_url, gateway_runs)
            out.print("Commands and events: in-process bus.")
        out.print(f"[bold green]Reprise is up.[/] Event store: {core.description}.")
        if settings.discord_token:
            work.append(gateway_runs.pop().run(settings.discord_token))
            out.print("Discord gateway: connecting with DISCORD_TOKEN.")
        else:
            out.print("No DISCORD_TOKEN: the Discord gateway is not started.")
        out.print("Try `reprise console` in another terminal. Ctrl+C stops.")
        await serve_until_stopped(*work)
    out.print("Stopped.")
    return 0


async def _in_process(
    settings: Settings,
    core: bootstrap.Core,
    stack: AsyncExitStack,
    out: Console,
    dev_url: str | None,
    gateways: list[Gateway],
) -> list[Coroutine[Any, Any, None]]:
    events = bootstrap.event_bus()
    stack.push_async_callback(events.close)
    cache = bootstrap.open_read_cache(settings)
    stack.push_async_callback(cache.close)
    projector = await bootstrap.build_projector(core.store, cache)
    stack.push_async_callback(projector.close)
    await projector.catch_up(await projector.low_watermark())
    events.subscribe_batches("projector", projector.apply_batch, InMemoryGuildPositions())
    audio = await audio_processes.start_audio_in_process(
        settings, core, events, cache, dev_url, stack
    )
    out.print(audio_processes.describe(audio.process))
    relay = await bootstrap.build_relay(settings, core.store, events)
    stack.push_async_callback(relay.close)
    if settings.discord_token:
        gateways.append(
            bootstrap.open_gateway_in_process(
                settings, core, cache, audio.voice, audio.ui, audio.resolver, stack
            )
        )
    return [relay.run(bootstrap.relay_leadership(core.store)), report_projections(projector, out)]


async def _over_rabbitmq(
    settings: Settings,
    core: bootstrap.Core,
    stack: AsyncExitStack,
    out: Console,
    dev_url: str | None,
    gateways: list[Gateway],
) -> list[Coroutine[Any, Any, None]]:
    connection, relay, cache, projector = await bootstrap.start_rabbit_backbone(
        settings, core, stack
    )
    specs = bootstrap.lavalink_node_specs(settings, dev_url)
    audio = await audio_processes.start_audio_over_rabbitmq(
        settings, specs, connection, cache, stack, core.store
    )
    if settings.discord_token:
        gateways.append(
            await bootstrap.open_gateway_over_rabbitmq(settings, connection, cache, stack)
        )
    else:
        await audio_processes.start_loopback_over_rabbitmq(settings, connection, stack)
    out.print(audio_processes.describe(audio))
    return [relay.run(bootstrap.relay_leadership(core.store)), report_projections(projector, out)]


async def run_gateway(settings: Settings, out: Console) -> int:
    """`reprise run gateway`: the Discord gateway on RabbitMQ and Redis."""
    if not settings.discord_token:
        out.print("[red]DISCORD_TOKEN is not set:[/] the gateway has nothing to connect with.")
        return 2
    if not settings.redis_url:
        out.print("[red]REDIS_URL is not set:[/] the gateway reads the projector's read models.")
        return 2
    async with AsyncExitStack() as stack:
        cache = bootstrap.open_read_cache(settings)
        stack.push_async_callback(cache.close)
        connection = await bootstrap.open_broker(settings)
        stack.push_async_callback(connection.close)
        gateway = await bootstrap.open_gateway_over_rabbitmq(settings, connection, cache, stack)
        shards = settings.shard_ids if settings.shard_ids is not None else "all"
        count = settings.discord_shard_count or "the recommended number"
        out.print(f"gateway: connecting to Discord; shards {shards} of {count}.")
        await serve_until_stopped(gateway.run(settings.discord_token))
    return 0
