"""The `reprise` command line."""

from __future__ import annotations

import asyncio
import signal
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError
from rich.console import Console

from reprise.adapters.bootstrap import Core, bootstrap_core
from reprise.adapters.cli.console import ConsoleSession
from reprise.adapters.postgres.connection import migrate_database
from reprise.application.ports import EventStoreUnavailable
from reprise.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

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

    async def serve(core: Core) -> int:
        out.print(f"[bold green]Reprise is up.[/] Core: event store on {core.description}.")
        out.print("Commands: in-process bus. Try `reprise console` in another terminal.")
        out.print("Press Ctrl+C to stop.")
        await _wait_for_stop_signal()
        out.print("Stopping.")
        return 0

    _run(_with_core(_settings(), serve))


@app.command()
def console(
    guild: int = typer.Option(1, help="the guild (Discord server) id to act in"),
    user: int = typer.Option(1, help="the Discord user id to act as"),
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
