"""A sender that does what the CommandTimeout contract allows: resend the same command."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import UUID

from aiormq.exceptions import AMQPError, ChannelInvalidStateError

from reprise.application.messaging import BrokerUnavailable, CommandTimeout
from reprise.application.results import CommandResult

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reprise.application.messaging import CommandBus
    from reprise.domain.commands import CommandBase

# What a sender may see while the core or the broker is down: no reply in time, or the
# channel/connection failing under the publish. Resending the same command id is safe.
RETRYABLE = (
    CommandTimeout,
    BrokerUnavailable,
    AMQPError,
    ChannelInvalidStateError,
    ConnectionError,
)


@dataclass
class Outcomes:
    """The results the senders got, and how many sends each command needed."""

    results: dict[UUID, CommandResult] = field(default_factory=dict)
    attempts: dict[UUID, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def retried(self) -> int:
        return sum(1 for count in self.attempts.values() if count > 1)


async def send_until_answered(
    bus: CommandBus,
    command: CommandBase,
    outcomes: Outcomes,
    *,
    reply_within: float = 2.5,
    longest_wait: float = 8.0,
    give_up_after: float = 90.0,
    pause: float = 0.2,
) -> CommandResult:
    """Send `command` until a result comes back, always with the same command id.

    Each timeout doubles the wait for the next reply (up to `longest_wait`): resending at a
    fixed short interval to a core that is merely busy only adds copies to its queue.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + give_up_after
    wait = reply_within
    while True:
        outcomes.attempts[command.command_id] = outcomes.attempts.get(command.command_id, 0) + 1
        try:
            result = await bus.send(command, reply_within=wait)
        except asyncio.CancelledError as error:
            if _this_task_is_cancelled():
                raise
            failure: BaseException = error  # aiormq lets a closed channel's CancelledError out
        except RETRYABLE as error:
            failure = error
        else:
            outcomes.results[command.command_id] = result
            return result
        outcomes.failures.append(f"{type(failure).__name__}: {failure}")
        if loop.time() > deadline:
            raise AssertionError(
                f"no result for {command.command_id} in {give_up_after} s; last: {failure!r}"
            ) from failure
        if isinstance(failure, CommandTimeout):
            wait = min(wait * 2, longest_wait)
        else:
            await asyncio.sleep(pause)


def _this_task_is_cancelled() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def send_in_order(
    bus: CommandBus, commands: Sequence[CommandBase], outcomes: Outcomes, **options: float
) -> None:
    """One guild's commands, each sent only after the previous one got its result."""
    for command in commands:
        await send_until_answered(bus, command, outcomes, **options)
