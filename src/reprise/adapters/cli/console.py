"""`reprise console`: issue commands for one guild and watch the events and state."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from reprise.adapters.cli import views
from reprise.adapters.cli.console_grammar import HELP, ConsoleContext, ConsoleInputError, parse_line
from reprise.application.queries import load_queue, load_subscription
from reprise.domain.commands import Actor, ActorKind, CommandBase
from reprise.domain.ids import queue_id, subscription_id

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    from rich.console import Console

    from reprise.adapters.bootstrap import Core


def _lines(out: Console) -> Iterator[str]:
    interactive = sys.stdin.isatty()
    while True:
        try:
            line = out.input("[bold cyan]reprise>[/] ") if interactive else sys.stdin.readline()
        except EOFError:
            return
        if not interactive and not line:
            return
        yield line


class ConsoleSession:
    """One person at the console, acting as a Discord user in one guild."""

    def __init__(self, core: Core, guild_id: int, user_id: int, out: Console) -> None:
        self._core = core
        self._guild_id = guild_id
        self._actor = Actor(kind=ActorKind.USER, id=str(user_id))
        self._out = out

    async def run(self) -> int:
        """Handle every line; returns the number of lines that were refused as input."""
        self._out.print(f"Guild {self._guild_id}, acting as {self._actor}. Type `help`.")
        mistakes = 0
        for line in _lines(self._out):
            try:
                if not await self.handle_line(line):
                    break
            except ConsoleInputError as error:
                mistakes += 1
                self._out.print(f"[red]error:[/] {error}")
        return mistakes

    async def handle_line(self, line: str) -> bool:
        """Returns False when the person asked to quit."""
        parsed = parse_line(line, await self._context())
        if parsed is None:
            return True
        if isinstance(parsed, CommandBase):
            result = await self._core.bus.handle(parsed)
            self._out.print(views.result_line(result))
            return True
        return await self._action(parsed)

    async def _action(self, action: str) -> bool:
        if action in ("quit", "exit"):
            return False
        if action == "help":
            self._out.print(HELP, highlight=False)
        elif action == "state":
            await self.show_state()
        elif action == "events":
            await self.show_events()
        return True

    async def show_state(self) -> None:
        store = self._core.store
        self._out.print(views.queue_view(await load_queue(store, self._guild_id)))
        subscription = await load_subscription(store, self._guild_id)
        self._out.print(views.subscription_view(subscription, self._now()))

    async def show_events(self) -> None:
        store = self._core.store
        for title, aggregate_id in (
            ("queue events", queue_id(self._guild_id)),
            ("subscription events", subscription_id(self._guild_id)),
        ):
            events = await store.load_events(aggregate_id)
            self._out.print(views.events_table(events[-20:], f"Guild {self._guild_id} {title}"))

    async def _context(self) -> ConsoleContext:
        queue = await load_queue(self._core.store, self._guild_id)
        return ConsoleContext(
            guild_id=self._guild_id,
            actor=self._actor,
            now=self._now(),
            upcoming=[entry.entry_id for entry in queue.upcoming] if queue else [],
            current=queue.current.entry_id if queue and queue.current else None,
        )

    def _now(self) -> datetime:
        return self._core.clock.now()
