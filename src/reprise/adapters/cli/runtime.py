"""What every CLI command shares: the consoles, the settings, running a coroutine.

Imported by every command's module, so it imports what it uses when it is used.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from reprise.adapters.cli.store_session import StoreSession
    from reprise.settings import Settings

out = Console()
err = Console(stderr=True)


def settings() -> Settings:
    from pydantic import ValidationError

    from reprise.settings import Settings

    try:
        return Settings()
    except ValidationError as error:
        err.print(f"[red]Invalid configuration:[/]\n{error}")
        raise typer.Exit(2) from None


def run(work: Coroutine[Any, Any, int]) -> None:
    """Run a command's coroutine; infrastructure failures become clear messages."""
    from reprise.adapters.cli.history_views import UndecodableEvent
    from reprise.adapters.event_loop import new_event_loop
    from reprise.application.messaging import BrokerUnavailable
    from reprise.application.ports import EventStoreUnavailable

    try:
        code = asyncio.run(work, loop_factory=new_event_loop)
    except EventStoreUnavailable as error:
        err.print(f"[red]The event store is unavailable:[/] {error}")
        raise typer.Exit(3) from None
    except BrokerUnavailable as error:
        err.print(f"[red]RabbitMQ is unavailable:[/] {error}")
        raise typer.Exit(3) from None
    except UndecodableEvent as error:
        err.print(f"[red]An event could not be decoded:[/] {error}")
        raise typer.Exit(1) from None
    raise typer.Exit(code)


async def with_store(work: Callable[[StoreSession], Awaitable[int]]) -> int:
    from reprise.adapters.cli.store_session import opened

    async with opened(settings()) as session:
        return await work(session)
