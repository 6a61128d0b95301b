"""Ports for moving commands and events between processes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from reprise.application.ports import Notification, RecordedEvent

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager

    from reprise.application.results import CommandResult
    from reprise.domain.commands import CommandBase

DEFAULT_REPLY_TIMEOUT = 2.5


class CommandTimeout(Exception):
    """No result arrived in time. The command may still be applied later; sending it again
    with the same command id is safe, it is applied at most once."""


class BrokerUnavailable(Exception):
    """The message broker cannot be reached."""


class CommandBus(Protocol):
    """Sends a command to the core and waits for its result."""

    async def send(
        self, command: CommandBase, *, reply_within: float = DEFAULT_REPLY_TIMEOUT
    ) -> CommandResult: ...


class EventPublisher(Protocol):
    """Publishes stored events; returns once the broker has confirmed all of them."""

    async def publish(self, records: Sequence[RecordedEvent]) -> None: ...


class Tracking(Protocol):
    """Named positions in the global event order (the relay's, the projections')."""

    async def position(self, name: str) -> int: ...

    async def save(self, name: str, position: int) -> None: ...

    async def close(self) -> None: ...


class Leadership(Protocol):
    """At most one holder at a time; `hold()` waits for the lease and keeps it while entered."""

    def hold(self) -> AbstractAsyncContextManager[None]: ...


class GuildPositions(Protocol):
    """The last position a consumer group applied for each guild (per-guild order holds)."""

    async def get(self, guild_id: int) -> int: ...

    async def set_many(self, positions: Mapping[int, int]) -> None:
        """Record guilds' positions; a position never moves back."""


NotificationHandler = Callable[[Notification], Awaitable[None]]
# Applies notifications in their order (several guilds at once); must be idempotent.
BatchHandler = Callable[[Sequence[Notification]], Awaitable[None]]
