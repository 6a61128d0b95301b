"""Dispatches commands to their handlers: one guild at a time, retrying on conflicts."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from reprise.application.keyed_locks import KeyedLocks
from reprise.application.ports import AlreadyHandled, ConcurrencyConflict
from reprise.application.results import CommandResult
from reprise.application.unit_of_work import Dependencies, UnitOfWork
from reprise.domain.errors import DomainError

if TYPE_CHECKING:
    from reprise.domain.commands import CommandBase

Handler = Callable[[Any, UnitOfWork], Awaitable[None]]
MAX_ATTEMPTS = 8
_BACKOFF_SECONDS = 0.002


class UnknownCommand(Exception):
    """No handler is registered for this command type."""


class MessageBus:
    """Runs each command through its handler and stores the outcome atomically.

    Commands of one guild are handled in arrival order; commands of different guilds run
    concurrently, which lets the event store commit them together.
    """

    def __init__(self, deps: Dependencies, handlers: Mapping[type[CommandBase], Handler]) -> None:
        self._deps = deps
        self._handlers = handlers
        self._guilds = KeyedLocks()

    async def handle(self, command: CommandBase) -> CommandResult:
        handler = self._handlers.get(type(command))
        if handler is None:
            raise UnknownCommand(type(command).__name__)
        async with self._guilds.hold(command.guild_id):
            for attempt in range(1, MAX_ATTEMPTS + 1):
                try:
                    return await self._handle_once(command, handler)
                except ConcurrencyConflict:
                    if attempt == MAX_ATTEMPTS:
                        raise
                    backoff = _BACKOFF_SECONDS * 2**attempt
                    await asyncio.sleep(backoff * (0.5 + self._deps.rng.random()))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _handle_once(self, command: CommandBase, handler: Handler) -> CommandResult:
        uow = UnitOfWork(self._deps, command)
        try:
            await handler(command, uow)
        except DomainError as error:
            result = CommandResult.rejected(command.command_id, error)
            commit = uow.rejected(result)
        else:
            commit, result = uow.accepted()
        try:
            outcome = await self._deps.store.append(commit)
        except BaseException:
            uow.discard()
            raise
        if isinstance(outcome, AlreadyHandled):
            uow.discard()
            return outcome.result
        uow.committed()
        return result
