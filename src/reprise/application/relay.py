"""The outbox relay: publishes every stored event, in order, exactly where it left off."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import TYPE_CHECKING

from reprise.application.messaging import BrokerUnavailable
from reprise.application.ports import EventStoreUnavailable

if TYPE_CHECKING:
    from reprise.application.messaging import EventPublisher, Leadership, Tracking
    from reprise.application.ports import EventStore

_log = logging.getLogger(__name__)
RELAY_TRACKING_NAME = "relay"
_MAX_BACKOFF = 5.0
_SAVE_RETRY = 1.0


class Relay:
    """Reads the notification log after its tracked position and publishes in batches.

    The position is saved only after the broker confirmed the batch, so a crash republishes
    (at least once); consumers deduplicate on the event id. Saving runs beside publishing
    (`run`), at most once per `save_every` seconds, and holds publishing up only when it lags
    a whole batch behind, so a crash republishes at most two batches. Under steady traffic
    the relay publishes a small batch per commit; saving after each one would cost the
    database a transaction per batch for nothing. For the same reason a short batch (the
    relay caught up) is followed by waiting for the next append, which returns at once when
    one came meanwhile, rather than by a read that would find nothing.
    """

    def __init__(
        self,
        store: EventStore,
        publisher: EventPublisher,
        tracking: Tracking,
        *,
        batch_size: int = 500,
        idle_wait: float = 0.5,
        save_every: float = 0.05,
    ) -> None:
        self._store = store
        self._publisher = publisher
        self._tracking = tracking
        self._batch_size = batch_size
        self._idle_wait = idle_wait
        self._save_every = save_every
        self._position: int | None = None
        self._saved: int | None = None
        self._published = asyncio.Event()  # set when the position moved
        self.published = 0

    async def relay_once(self) -> int:
        """Publish the next batch; returns how many events it published."""
        position = await self._current_position()
        if position - (self._saved or 0) >= self._batch_size:
            await self.save()  # saving lags a whole batch behind: catch up before going on
        records = await self._store.read_recorded(position, self._batch_size)
        if not records:
            return 0
        await self._publisher.publish(records)
        self._position = records[-1].position
        self._published.set()
        self.published += len(records)
        return len(records)

    async def run(self, leadership: Leadership) -> None:
        """Relay forever while holding the lease; a second relay waits for it."""
        async with leadership.hold():
            self._position = None  # another relay may have moved it while this one waited
            _log.info("relay: leading from position %s", await self._current_position())
            saver = asyncio.create_task(self._save_published(), name="relay-tracking")
            try:
                await self._publish_forever()
            finally:
                saver.cancel()
                await self._save_last()

    async def save(self) -> None:
        """Save the position published so far (`run` does this on its own)."""
        position = self._position  # publishing may move it on while this is saved
        if position is not None and position != self._saved:
            await self._tracking.save(RELAY_TRACKING_NAME, position)
            self._saved = position

    async def _publish_forever(self) -> None:
        failures = 0
        while True:
            try:
                published = await self.relay_once()
            except (BrokerUnavailable, EventStoreUnavailable) as error:
                failures += 1
                delay = min(_MAX_BACKOFF, 0.2 * 2 ** min(failures, 6))
                _log.warning("relay: %s; retrying in %.1f s from %s", error, delay, self._position)
                await asyncio.sleep(delay)
                continue
            failures = 0
            if published < self._batch_size:  # caught up: the next read waits for an append
                await self._store.wait_for_append(self._position or 0, self._idle_wait)

    async def _save_published(self) -> None:
        while True:
            await self._published.wait()
            self._published.clear()
            try:
                await self.save()
            except EventStoreUnavailable as error:
                _log.warning("relay: saving the position failed (%s); retrying", error)
                await asyncio.sleep(_SAVE_RETRY)
                self._published.set()
                continue
            await asyncio.sleep(self._save_every)  # what is published meanwhile: next save

    async def _save_last(self) -> None:
        """Best effort on the way out, so that a clean stop republishes nothing."""
        with suppress(EventStoreUnavailable, TimeoutError):
            await asyncio.wait_for(self.save(), _SAVE_RETRY)

    async def close(self) -> None:
        await self._tracking.close()

    async def _current_position(self) -> int:
        if self._position is None:
            self._position = await self._tracking.position(RELAY_TRACKING_NAME)
            self._saved = self._position
        return self._position
