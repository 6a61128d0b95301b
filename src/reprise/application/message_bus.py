"""Dispatches commands to their handlers: decided one at a time per guild, stored in order."""

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
    from uuid import UUID

    from reprise.domain.commands import CommandBase

Handler = Callable[[Any, UnitOfWork], Awaitable[None]]
MAX_ATTEMPTS = 8
_BACKOFF_SECONDS = 0.002


class UnknownCommand(Exception):
    """No handler is registered for this command type."""


class MessageBus:
    """Runs each command through its handler and stores the outcome atomically.

    Commands of one guild are decided one at a time, in arrival order; a guild's next command
    is decided as soon as the previous one is queued for writing, on the state that one left
    (its commit expects that state, so it is refused and decided again if the previous one is
    not stored). Commands of different guilds run concurrently. So a group commit can carry
    many commands of one busy guild, and a guild's throughput is not one command per write.
    """

    def __init__(self, deps: Dependencies, handlers: Mapping[type[CommandBase], Handler]) -> None:
        self._deps = deps
        self._handlers = handlers
        self._guilds = KeyedLocks()
        # per guild, the last command whose events are queued but not yet known stored
        self._unsettled: dict[int, UUID] = {}

    async def handle(self, command: CommandBase) -> CommandResult:
        handler = self._handlers.get(type(command))
        if handler is None:
            raise UnknownCommand(type(command).__name__)
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
        guild_id, command_id = command.guild_id, command.command_id
        async with self._guilds.hold(guild_id):
            uow = UnitOfWork(self._deps, command, after=self._unsettled.get(guild_id))
            try:
                await handler(command, uow)
            except DomainError as error:
                result = CommandResult.rejected(command.command_id, error)
                commit = uow.rejected(result)
            except BaseException:
                uow.discard()
                raise
            else:
                commit, result = uow.accepted()
            stored = self._deps.store.append(commit)  # queued in decision order
            if commit.events:
                self._unsettled[guild_id] = command_id
        try:
            outcome = await stored
        except BaseException:
            uow.discard()
            raise
        finally:
            if self._unsettled.get(guild_id) == command_id:
                del self._unsettled[guild_id]
        if isinstance(outcome, AlreadyHandled):
            uow.discard()
            return outcome.result
        return result
