"""The `reprise` command line."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError
from rich.console import Console

from reprise.adapters.bootstrap import Core, bootstrap_core
from reprise.adapters.cli.console import ConsoleSession
from reprise.adapters.lavalink.dev_server import DevLavalinkServer, DevServerConfig
from reprise.adapters.lavalink.dev_server import main as run_dev_lavalink
from reprise.adapters.lavalink.dev_server.config import DEFAULT_PASSWORD
from reprise.adapters.postgres.connection import migrate_database
from reprise.application.ports import EventStoreUnavailable
from reprise.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine
from typing import Annotated, Any

app = typer.Typer(no_args_is_help=True, help="Reprise, an event-sourced Discord music bot.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
app.add_typer(db_app, name="db")
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
    raise typer.Exit(code)


async def _with_core(settings: Settings, work: Callable[[Core], Awaitable[int]]) -> int:
    core = await bootstrap_core(settings)
    try:
        return await work(core)
    finally:
        await core.close()


async def _wait_for_stop_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


@app.command()
def up() -> None:
    """Run every Reprise process in this one (embedded default: SQLite, in-process bus)."""
    settings = _settings()

    async def serve(core: Core) -> int:
        lavalink = None
        if not settings.lavalink_nodes:
            lavalink = DevLavalinkServer(DevServerConfig())
            url = await lavalink.start("127.0.0.1", settings.dev_lavalink_port)
            out.print(f"Development Lavalink server on {url} (no LAVALINK_NODES set).")
        out.print(f"[bold green]Reprise is up.[/] Core: event store on {core.description}.")
        out.print("Commands: in-process bus. Try `reprise console` in another terminal.")
        if not settings.discord_token:
            out.print("No DISCORD_TOKEN: the Discord gateway is not started.")
        out.print("Press Ctrl+C to stop.")
        try:
            await _wait_for_stop_signal()
        finally:
            if lavalink is not None:
                await lavalink.stop()
        out.print("Stopped.")
        return 0

    _run(_with_core(settings, serve))


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
