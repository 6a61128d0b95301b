"""The outbox relay: publishes every stored event, in order, exactly where it left off."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from reprise.application.messaging import BrokerUnavailable
from reprise.application.ports import EventStoreUnavailable

if TYPE_CHECKING:
    from reprise.application.messaging import EventPublisher, Leadership, Tracking
    from reprise.application.ports import EventStore

_log = logging.getLogger(__name__)
RELAY_TRACKING_NAME = "relay"
_MAX_BACKOFF = 5.0


class Relay:
    """Reads the notification log after its tracked position and publishes in batches.

    The position is saved only after the broker confirmed the batch, so a crash republishes
    (at least once); consumers deduplicate on the event id.
    """

    def __init__(
        self,
        store: EventStore,
        publisher: EventPublisher,
        tracking: Tracking,
        *,
        batch_size: int = 500,
        idle_wait: float = 0.5,
    ) -> None:
        self._store = store
        self._publisher = publisher
        self._tracking = tracking
        self._batch_size = batch_size
        self._idle_wait = idle_wait
        self._position: int | None = None
        self.published = 0

    async def relay_once(self) -> int:
        """Publish the next batch; returns how many events it published."""
        position = await self._current_position()
        records = await self._store.read_recorded(position, self._batch_size)
        if not records:
            return 0
        await self._publisher.publish(records)
        await self._tracking.save(RELAY_TRACKING_NAME, records[-1].position)
        self._position = records[-1].position
        self.published += len(records)
        return len(records)

    async def run(self, leadership: Leadership) -> None:
        """Relay forever while holding the lease; a second relay waits for it."""
        async with leadership.hold():
            self._position = None  # another relay may have moved it while this one waited
            _log.info("relay: leading from position %s", await self._current_position())
            failures = 0
            while True:
                try:
                    published = await self.relay_once()
                except (BrokerUnavailable, EventStoreUnavailable) as error:
                    failures += 1
                    delay = min(_MAX_BACKOFF, 0.2 * 2 ** min(failures, 6))
                    _log.warning(
                        "relay: %s; retrying in %.1f s from %s", error, delay, self._position
                    )
                    await asyncio.sleep(delay)
                    continue
                failures = 0
                if published == 0:
                    await self._store.wait_for_append(self._position or 0, self._idle_wait)

    async def close(self) -> None:
        await self._tracking.close()

    async def _current_position(self) -> int:
        if self._position is None:
            self._position = await self._tracking.position(RELAY_TRACKING_NAME)
        return self._position
