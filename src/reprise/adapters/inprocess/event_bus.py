"""InProcessEventBus: the events exchange of the embedded default.

Each subscribed group gets every published event in order, applies each once (per-guild
positions), retries a failing handler in place and then dead-letters it with the reason.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reprise.application.messaging import GuildPositions, NotificationHandler
from reprise.application.ports import Notification, RecordedEvent

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reprise.adapters.event_store.rows import RowMapper

_log = logging.getLogger(__name__)
HANDLER_ATTEMPTS = 5


@dataclass(frozen=True)
class DeadLetter:
    notification: Notification
    reason: str


@dataclass
class _Group:
    name: str
    handler: NotificationHandler
    positions: GuildPositions
    inbox: asyncio.Queue[Notification] = field(default_factory=asyncio.Queue)
    dead: list[DeadLetter] = field(default_factory=list)
    worker: asyncio.Task[None] | None = None


class InProcessEventBus:
    """The EventPublisher port for one process, with consumer groups like RabbitMQ's."""

    def __init__(self, rows: RowMapper) -> None:
        self._rows = rows
        self._groups: dict[str, _Group] = {}

    def subscribe(
        self, group: str, handler: NotificationHandler, positions: GuildPositions
    ) -> None:
        entry = _Group(group, handler, positions)
        entry.worker = asyncio.create_task(self._work(entry), name=f"events.{group}")
        self._groups[group] = entry

    async def publish(self, records: Sequence[RecordedEvent]) -> None:
        notifications = [self._rows.notification(record) for record in records]
        for group in self._groups.values():
            for notification in notifications:
                group.inbox.put_nowait(notification)

    def dead_letters(self, group: str) -> list[DeadLetter]:
        return self._groups[group].dead

    async def drain(self) -> None:
        """Wait until every group has handled everything published so far."""
        for group in self._groups.values():
            await group.inbox.join()

    async def close(self) -> None:
        for group in self._groups.values():
            if group.worker is not None:
                group.worker.cancel()
                with suppress(asyncio.CancelledError):
                    await group.worker

    async def _work(self, group: _Group) -> None:
        while True:
            notification = await group.inbox.get()
            try:
                await self._apply(group, notification)
            finally:
                group.inbox.task_done()

    async def _apply(self, group: _Group, notification: Notification) -> None:
        if notification.position <= await group.positions.get(notification.guild_id):
            return
        for attempt in range(HANDLER_ATTEMPTS):
            try:
                await group.handler(notification)
                break
            except Exception as error:
                _log.warning("%s: handler failed (%s), attempt %s", group.name, error, attempt)
                if attempt == HANDLER_ATTEMPTS - 1:
                    group.dead.append(DeadLetter(notification, f"handler_failed: {error!r}"))
                    return
                await asyncio.sleep(0.05 * 2**attempt)
        await group.positions.set_many({notification.guild_id: notification.position})
