"""The projector: applies events to every read model and the audit log, idempotently.

It is used three ways: live (events from the bus: one at a time over RabbitMQ, what has queued
up in process), catching up from the event store's notification order (batches), and
rebuilding a model into a fresh generation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reprise.application.ports import EventStore, Notification
from reprise.projections import audit_log
from reprise.projections.aggregate_states import AggregateStates
from reprise.projections.ports import AuditLog, ReadCache
from reprise.projections.registry import ReadModel
from reprise.projections.writes import ModelUpdate, VersionedWrite

if TYPE_CHECKING:
    from uuid import UUID

    from eventsourcing.domain import Aggregate

CATCH_UP_BATCH = 5_000
REBUILD_BATCH = 50_000  # a rebuild renders each aggregate once per batch: bigger is cheaper
Progress = Callable[[int, int], None]


@dataclass
class Projector:
    store: EventStore
    cache: ReadCache
    audit: AuditLog | None
    models: Sequence[ReadModel]
    states: AggregateStates

    async def handle(self, notification: Notification) -> None:
        """The live path over RabbitMQ: one event from the bus."""
        await self.apply_batch([notification])

    async def apply_batch(
        self, notifications: Sequence[Notification], generations: dict[str, str] | None = None
    ) -> None:
        by_aggregate: dict[UUID, list[Notification]] = {}
        for notification in notifications:
            by_aggregate.setdefault(notification.event.originator_id, []).append(notification)
        states = {
            aggregate_id: await self.states.after(aggregate_id, notes)
            for aggregate_id, notes in by_aggregate.items()
        }
        await asyncio.gather(
            *(self._apply_model(model, by_aggregate, states, generations) for model in self.models),
            self._record_audit(notifications),
        )

    async def _apply_model(
        self,
        model: ReadModel,
        by_aggregate: dict[UUID, list[Notification]],
        states: dict[UUID, Aggregate | None],
        generations: dict[str, str] | None,
    ) -> None:
        # One generation for the read and the write: a swap in between must not make an
        # update computed against the old generation land in the new one.
        generation = (generations or {}).get(model.name)
        if generation is None:
            generation = await self.cache.current_generation(model.name)
        updates = await self._updates(model, by_aggregate, states, generation)
        if updates:
            await self.cache.apply(model.name, updates, generation)

    async def _record_audit(self, notifications: Sequence[Notification]) -> None:
        if self.audit is not None:
            await self.audit.record([audit_log.process_event(n) for n in notifications])

    async def close(self) -> None:
        """Close what the projector owns (its audit log connection); not the store or cache."""
        if self.audit is not None:
            await self.audit.close()

    async def low_watermark(self) -> int:
        """The smallest position any model is known to have reached (catch-up starts here)."""
        positions = [await self.cache.position(model.name) for model in self.models]
        if self.audit is not None:
            positions.append(await self.audit.position())
        return min(positions, default=0)

    async def catch_up(
        self,
        after: int,
        generations: dict[str, str] | None = None,
        progress: Progress | None = None,
        batch_size: int = CATCH_UP_BATCH,
    ) -> int:
        """Apply the store's events after `after` up to its head; returns the last position.

        The next batch is read while the current one is applied (the database works meanwhile).
        """
        position = after
        reading = asyncio.ensure_future(self.store.read_notifications(position, batch_size))
        while batch := await reading:
            position = batch[-1].position
            reading = asyncio.ensure_future(self.store.read_notifications(position, batch_size))
            try:
                await self.apply_batch(batch, generations)
            except BaseException:
                reading.cancel()
                raise
            if progress is not None:
                progress(len(batch), position)
        return position

    async def _updates(
        self,
        model: ReadModel,
        by_aggregate: dict[UUID, list[Notification]],
        states: dict[UUID, Aggregate | None],
        generation: str | None,
    ) -> list[ModelUpdate]:
        known = await self.cache.versions(model.name, list(by_aggregate), generation)
        updates = []
        for aggregate_id, notes in by_aggregate.items():
            current = known.get(aggregate_id, 0)
            new = [n for n in notes if n.event.originator_version > current]
            if not new:
                continue
            state = states[aggregate_id]
            if model.state_derived:
                updates.append(self._render(model, new[-1], state))
            else:
                if new[0].event.originator_version > current + 1:
                    new = await self._with_missing(aggregate_id, current, new)
                updates.append(self._count(model, new, state))
        return updates

    @staticmethod
    def _render(model: ReadModel, last: Notification, state: Aggregate | None) -> ModelUpdate:
        version = max(last.event.originator_version, state.version if state else 0)
        writes = model.process_event(last.event, state, last.position)
        return ModelUpdate(
            last.event.originator_id,
            version,
            last.position,
            [VersionedWrite(version, write) for write in writes],
        )

    @staticmethod
    def _count(
        model: ReadModel, new: Sequence[Notification], state: Aggregate | None
    ) -> ModelUpdate:
        last = new[-1]
        update = ModelUpdate(last.event.originator_id, last.event.originator_version, last.position)
        writes = update.writes
        for note in new:
            # The state is the aggregate's after the last event: only that event sees it.
            seen = state if note is last else None
            version = note.event.originator_version
            for write in model.process_event(note.event, seen, note.position):
                writes.append(VersionedWrite(version, write))
        return update

    async def _with_missing(
        self, aggregate_id: UUID, current: int, new: list[Notification]
    ) -> list[Notification]:
        """Fill a gap in an aggregate's versions from the store (after a crash or a swap)."""
        first = new[0]
        missing = await self.store.load_events(
            aggregate_id, after_version=current, up_to_version=first.event.originator_version - 1
        )
        filled = [
            Notification(first.position, first.guild_id, first.command_id, event)
            for event in missing
        ]
        return filled + new
