"""InProcessEventBus: the events exchange of the embedded default.

Each subscribed group gets every published event in order, applies each once (per-guild
positions), retries a failing handler in place and then dead-letters it with the reason.
A group may take what has queued up as one batch (the projector does: one read-cache write per
model and aggregate instead of one per event); a batch that fails is retried one event at a
time, so only the event that keeps failing is dead-lettered.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reprise.application.messaging import BatchHandler, GuildPositions, NotificationHandler
from reprise.application.ports import Notification, RecordedEvent

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reprise.adapters.event_store.rows import RowMapper

_log = logging.getLogger(__name__)
HANDLER_ATTEMPTS = 5
MAX_BATCH = 100  # a batch runs without a pause (in-memory reads): keep it short


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

    def subscribe_batches(
        self, group: str, handler: BatchHandler, positions: GuildPositions
    ) -> None:
        """Like `subscribe`, with what has queued up (in order) handed over at once."""

        async def one(notification: Notification) -> None:
            await handler([notification])

        entry = _Group(group, one, positions)
        entry.worker = asyncio.create_task(
            self._work_batches(entry, handler), name=f"events.{group}"
        )
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

    async def _work_batches(self, group: _Group, handler: BatchHandler) -> None:
        inbox = group.inbox
        while True:
            batch = [await inbox.get()]
            while not inbox.empty() and len(batch) < MAX_BATCH:
                batch.append(inbox.get_nowait())
            try:
                await self._apply_batch(group, handler, batch)
            finally:
                for _ in batch:
                    inbox.task_done()

    async def _apply_batch(
        self, group: _Group, handler: BatchHandler, batch: list[Notification]
    ) -> None:
        reached: dict[int, int] = {}  # per guild, the last position this batch applies
        fresh: list[Notification] = []
        for notification in batch:
            guild_id = notification.guild_id
            if guild_id not in reached:
                reached[guild_id] = await group.positions.get(guild_id)
            if notification.position > reached[guild_id]:
                reached[guild_id] = notification.position
                fresh.append(notification)
        if not fresh:
            return
        try:
            await handler(fresh)
        except Exception as error:  # retried one event at a time, which dead-letters
            _log.warning("%s: a batch failed (%s), one event at a time", group.name, error)
            for notification in fresh:
                await self._apply(group, notification)
            return
        await group.positions.set_many(reached)

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
