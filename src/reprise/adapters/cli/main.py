"""The `reprise` command line."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError
from rich.console import Console

from reprise.adapters.bootstrap import Core, bootstrap_core
from reprise.adapters.cli import processes
from reprise.adapters.cli.console import ConsoleSession
from reprise.adapters.lavalink.dev_server import main as run_dev_lavalink
from reprise.adapters.lavalink.dev_server.config import DEFAULT_PASSWORD
from reprise.adapters.postgres.connection import migrate_database
from reprise.adapters.rabbitmq.topology import definitions, full_topology
from reprise.application.messaging import BrokerUnavailable
from reprise.application.ports import EventStoreUnavailable
from reprise.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine
from typing import Annotated, Any

app = typer.Typer(no_args_is_help=True, help="Reprise, an event-sourced Discord music bot.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
app.add_typer(db_app, name="db")
run_app = typer.Typer(no_args_is_help=True, help="Run one process of a scaled-out deployment.")
app.add_typer(run_app, name="run")
rabbitmq_app = typer.Typer(no_args_is_help=True, help="RabbitMQ topology.")
app.add_typer(rabbitmq_app, name="rabbitmq")
out = Console()
err = Console(stderr=True)


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        err.print(f"[red]Invalid configuration:[/]\n{error}")
        raise typer.Exit(2) from None


def _run(work: Coroutine[Any, Any, int]) -> None:
    try:
        code = asyncio.run(work)
    except EventStoreUnavailable as error:
        err.print(f"[red]The event store is unavailable:[/] {error}")
        raise typer.Exit(3) from None
    except BrokerUnavailable as error:
        err.print(f"[red]RabbitMQ is unavailable:[/] {error}")
        raise typer.Exit(3) from None
    raise typer.Exit(code)


async def _with_core(settings: Settings, work: Callable[[Core], Awaitable[int]]) -> int:
    core = await bootstrap_core(settings)
    try:
        return await work(core)
    finally:
        await core.close()


@app.command()
def up() -> None:
    """Run every Reprise process in this one (embedded default: SQLite, in-process bus)."""
    _run(processes.run_everything(_settings(), out))


@run_app.command("core")
def run_core() -> None:
    """Consume commands from RabbitMQ, decide, append events (needs AMQP_URL)."""
    settings = _settings_with_broker()
    _run(processes.run_core(settings, out))


@run_app.command("relay")
def run_relay() -> None:
    """Publish stored events to RabbitMQ in order; one relay leads at a time (needs AMQP_URL)."""
    settings = _settings_with_broker()
    _run(processes.run_relay(settings, out))


@run_app.command("projector")
def run_projector() -> None:
    """Keep the read models from RabbitMQ's events, catching up from the store when behind."""
    settings = _settings_with_broker()
    _run(processes.run_projector(settings, out))


@rabbitmq_app.command("definitions")
def rabbitmq_definitions(
    partitions: Annotated[int, typer.Option(help="partition queues per stream")] = 4,
) -> None:
    """Print the RabbitMQ topology as a definitions file (infra/rabbitmq/definitions.json)."""
    print(json.dumps(definitions(full_topology(partitions)), indent=2))


def _settings_with_broker() -> Settings:
    settings = _settings()
    if not settings.amqp_url:
        err.print("[red]AMQP_URL is not set:[/] this process talks to RabbitMQ.")
        raise typer.Exit(2)
    return settings


@app.command("dev-lavalink")
def dev_lavalink(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 2333,
    password: Annotated[str, typer.Option(help="the Authorization password")] = DEFAULT_PASSWORD,
    catalogue: Annotated[Path | None, typer.Option(help="JSON tracks and playlists")] = None,
    audio_dir: Annotated[Path | None, typer.Option(help="folder of audio files")] = None,
    time_scale: Annotated[float, typer.Option(help="speed-up over real time")] = 1.0,
) -> None:
    """Run the development Lavalink v4 server on its own."""
    out.print(f"Development Lavalink v4 server on http://{host}:{port} (Ctrl+C stops it).")
    run_dev_lavalink(host, port, password, catalogue, audio_dir, time_scale)


@app.command()
def console(
    guild: Annotated[int, typer.Option(help="the guild (Discord server) id to act in")] = 1,
    user: Annotated[int, typer.Option(help="the Discord user id to act as")] = 1,
) -> None:
    """Issue queue and subscription commands for a guild; see the events and the state."""

    async def session(core: Core) -> int:
        mistakes = await ConsoleSession(core, guild, user, out).run()
        return 1 if mistakes else 0

    _run(_with_core(_settings(), session))


@db_app.command("migrate")
def migrate() -> None:
    """Create or update the PostgreSQL schema (idempotent). SQLite migrates itself on open."""
    settings = _settings()
    if not settings.database_url:
        out.print("DATABASE_URL is not set: the embedded SQLite store migrates itself on open.")
        raise typer.Exit(0)

    dsn = settings.database_url

    async def apply() -> int:
        applied = await migrate_database(dsn, settings.database_schema)
        out.print(f"Schema {settings.database_schema}: applied migrations {applied or 'none'}.")
        return 0

    _run(apply())


def main() -> None:
    app()
