"""InProcessCommandBus: the CommandBus port calling the message bus directly."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from reprise.application.messaging import DEFAULT_REPLY_TIMEOUT, CommandTimeout

if TYPE_CHECKING:
    from reprise.application.message_bus import MessageBus
    from reprise.application.results import CommandResult
    from reprise.domain.commands import CommandBase


class InProcessCommandBus:
    """Same contract as the RabbitMQ bus: a timed-out command still completes later."""

    def __init__(self, bus: MessageBus) -> None:
        self._bus = bus
        self._running: set[asyncio.Task[CommandResult]] = set()

    async def send(
        self, command: CommandBase, *, reply_within: float = DEFAULT_REPLY_TIMEOUT
    ) -> CommandResult:
        task = self._start(command)
        try:
            return await asyncio.wait_for(asyncio.shield(task), reply_within)
        except TimeoutError:
            raise CommandTimeout(f"no result for {type(command).__name__}") from None

    async def post(self, command: CommandBase) -> None:
        self._start(command)

    async def close(self) -> None:
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    def _start(self, command: CommandBase) -> asyncio.Task[CommandResult]:
        task = asyncio.create_task(self._bus.handle(command))
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return task
