"""The `reprise` command line.

Each command imports what it runs when it runs, so `reprise events list` starts fast: this
module and the command groups' modules import little more than typer (ADR 0012).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reprise.adapters.cli.events import events_app
from reprise.adapters.cli.projections import projections_app
from reprise.adapters.cli.replay import replay_app
from reprise.adapters.cli.runtime import err, out, run, settings
from reprise.adapters.collector import tune_collector

if TYPE_CHECKING:
    from reprise.adapters.bootstrap import Core
    from reprise.settings import Settings

app = typer.Typer(no_args_is_help=True, help="Reprise, an event-sourced Discord music bot.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
run_app = typer.Typer(no_args_is_help=True, help="Run one process of a scaled-out deployment.")
rabbitmq_app = typer.Typer(no_args_is_help=True, help="RabbitMQ topology.")
app.add_typer(db_app, name="db")
app.add_typer(run_app, name="run")
app.add_typer(rabbitmq_app, name="rabbitmq")
app.add_typer(events_app, name="events")
app.add_typer(replay_app, name="replay")
app.add_typer(projections_app, name="projections")


async def _with_core(config: Settings, work: Callable[[Core], Awaitable[int]]) -> int:
    from reprise.adapters.bootstrap import bootstrap_core

    core = await bootstrap_core(config)
    try:
        return await work(core)
    finally:
        await core.close()


def _settings_with_broker() -> Settings:
    config = settings()
    if not config.amqp_url:
        err.print("[red]AMQP_URL is not set:[/] this process talks to RabbitMQ.")
        raise typer.Exit(2)
    return config


@app.command()
def up() -> None:
    """Run every Reprise process in this one (embedded default: SQLite, in-process bus)."""
    from reprise.adapters.cli import processes

    run(processes.run_everything(settings(), out))


@run_app.command("core")
def run_core() -> None:
    """Consume commands from RabbitMQ, decide, append events (needs AMQP_URL)."""
    from reprise.adapters.cli import processes

    run(processes.run_core(_settings_with_broker(), out))


@run_app.command("relay")
def run_relay() -> None:
    """Publish stored events to RabbitMQ in order; one relay leads at a time (needs AMQP_URL)."""
    from reprise.adapters.cli import processes

    run(processes.run_relay(_settings_with_broker(), out))


@run_app.command("audio")
def run_audio() -> None:
    """Drive Lavalink nodes from the queue's events (needs AMQP_URL and LAVALINK_NODES)."""
    from reprise.adapters.cli import audio_processes

    run(audio_processes.run_audio(_settings_with_broker(), out))


@run_app.command("projector")
def run_projector() -> None:
    """Keep the read models from RabbitMQ's events, catching up from the store when behind."""
    from reprise.adapters.cli import processes

    run(processes.run_projector(_settings_with_broker(), out))


@run_app.command("gateway")
def run_gateway() -> None:
    """The Discord gateway: slash commands, panel, voice (DISCORD_TOKEN, AMQP_URL, REDIS_URL)."""
    from reprise.adapters.cli import processes

    run(processes.run_gateway(_settings_with_broker(), out))


@rabbitmq_app.command("definitions")
def rabbitmq_definitions(
    partitions: Annotated[
        int | None, typer.Option(help="partition queues per stream [default: PARTITIONS]")
    ] = None,
) -> None:
    """Print the RabbitMQ topology as a definitions file (infra/rabbitmq/definitions.json)."""
    from reprise.adapters.rabbitmq.topology import definitions, full_topology

    count = settings().partitions if partitions is None else partitions
    print(json.dumps(definitions(full_topology(count)), indent=2))


@app.command("dev-lavalink")
def dev_lavalink(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 2333,
    password: Annotated[str, typer.Option(help="the Authorization password")] = "youshallnotpass",  # noqa: S107 - Lavalink's documented default
    catalogue: Annotated[Path | None, typer.Option(help="JSON tracks and playlists")] = None,
    audio_dir: Annotated[Path | None, typer.Option(help="folder of audio files")] = None,
    time_scale: Annotated[float, typer.Option(help="speed-up over real time")] = 1.0,
) -> None:
    """Run the development Lavalink v4 server on its own."""
    from reprise.adapters.lavalink.dev_server import main as run_dev_lavalink

    out.print(f"Development Lavalink v4 server on http://{host}:{port} (Ctrl+C stops it).")
    run_dev_lavalink(host, port, password, catalogue, audio_dir, time_scale)


@app.command()
def console(
    guild: Annotated[int, typer.Option(help="the guild (Discord server) id to act in")] = 1,
    user: Annotated[int, typer.Option(help="the Discord user id to act as")] = 1,
) -> None:
    """Issue queue and subscription commands for a guild; see the events and the state."""

    from reprise.adapters.cli.console import ConsoleSession

    async def session(core: Core) -> int:
        mistakes = await ConsoleSession(core, guild, user, out).run()
        return 1 if mistakes else 0

    run(_with_core(settings(), session))


@db_app.command("migrate")
def migrate() -> None:
    """Create or update the PostgreSQL schema (idempotent). SQLite migrates itself on open."""
    config = settings()
    if not config.database_url:
        out.print("DATABASE_URL is not set: the embedded SQLite store migrates itself on open.")
        raise typer.Exit(0)
    dsn, schema = config.database_url, config.database_schema
    from reprise.adapters.postgres.connection import migrate_database

    async def apply() -> int:
        applied = await migrate_database(dsn, schema)
        out.print(f"Schema {schema}: applied migrations {applied or 'none'}.")
        return 0

    run(apply())


def main() -> None:
    tune_collector()
    app()
