"""Batches: several messages of one partition travelling as one AMQP message (ADR 0011).

A batch is a JSON array of its items with the AMQP `type` "batch"; each item is what would
otherwise be a message body of its own. Publishers coalesce: while one batch of a partition
waits for the broker's confirm, what is submitted for that partition gathers into the next,
so an idle publisher sends at once and a busy one sends fewer, fuller messages.
"""

from __future__ import annotations

import asyncio
import json
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from reprise.adapters.rabbitmq.wire import MAX_MESSAGE_BYTES

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

BATCH_TYPE = "batch"
BATCH_LIMIT_BYTES = MAX_MESSAGE_BYTES - 1_024  # room for the brackets and commas


class UnusableItem(NamedTuple):
    """An item of a batch that can never be applied: what to dead-letter alone, and why."""

    raw: bytes
    reason: str


def join(items: Sequence[bytes]) -> bytes:
    return b"[" + b",".join(items) + b"]"


def split(body: bytes) -> list[Any]:
    """The items of a batch body; ValueError when it is not a JSON array."""
    items = json.loads(body)
    if not isinstance(items, list):
        raise ValueError(f"a batch is a JSON array, not {type(items).__name__}")
    return items


def pack[T](
    entries: Sequence[T], body: Callable[[T], bytes], limit: int = BATCH_LIMIT_BYTES
) -> list[list[T]]:
    """The entries, in order, in groups whose joined bodies stay within `limit` bytes; an
    entry larger than the limit travels alone (its consumer refuses it as oversized)."""
    groups: list[list[T]] = []
    size = limit + 1
    for entry in entries:
        length = len(body(entry)) + 1
        if size + length > limit:
            groups.append([])
            size = 1
        groups[-1].append(entry)
        size += length
    return groups


class Coalescer:
    """Publishes items per partition with at most one batch in flight per partition.

    `submit` returns once the batch holding the item is confirmed, and raises what publishing
    it raised (a ConnectionError when the publisher closed first)."""

    def __init__(self, publish: Callable[[int, list[bytes]], Awaitable[None]]) -> None:
        self._publish = publish
        self._pending: dict[int, list[tuple[bytes, asyncio.Future[None]]]] = {}
        self._flushers: dict[int, asyncio.Task[None]] = {}

    async def submit(self, partition: int, item: bytes) -> None:
        future = asyncio.get_running_loop().create_future()
        self._pending.setdefault(partition, []).append((item, future))
        if partition not in self._flushers:
            flusher = asyncio.create_task(self._flush(partition))
            if not flusher.done():  # an eager task may have ended already (ADR 0015)
                self._flushers[partition] = flusher
        await future

    async def close(self) -> None:
        """Stop publishing; whoever still waits gets a ConnectionError."""
        flushers = list(self._flushers.values())
        for task in flushers:
            task.cancel()
        await asyncio.gather(*flushers, return_exceptions=True)
        for pending in self._pending.values():  # a flusher cancelled before it ever ran
            _fail([future for _, future in pending], ConnectionError("the publisher closed"))
        self._pending.clear()
        self._flushers.clear()

    async def _flush(self, partition: int) -> None:
        pending: list[tuple[bytes, asyncio.Future[None]]] = []
        try:
            while pending := self._pending.pop(partition, []):
                for group in pack(pending, itemgetter(0)):
                    await self._publish_group(partition, group)
        finally:
            self._flushers.pop(partition, None)
            unsent = pending + self._pending.pop(partition, [])
            _fail([future for _, future in unsent], ConnectionError("the publisher closed"))

    async def _publish_group(
        self, partition: int, group: list[tuple[bytes, asyncio.Future[None]]]
    ) -> None:
        futures = [future for _, future in group]
        try:
            await self._publish(partition, [item for item, _ in group])
        except asyncio.CancelledError:  # closing, or aiormq giving up on a closed channel
            _fail(futures, ConnectionError("publishing was interrupted"))
            raise
        except Exception as error:  # the submitters get it; the flusher goes on
            _fail(futures, error)
        else:
            for future in futures:
                if not future.done():
                    future.set_result(None)


def _fail(futures: list[asyncio.Future[None]], error: Exception) -> None:
    """Not cancelled: a submitter must not take the publisher's end for its own cancellation."""
    for future in futures:
        if not future.done():
            future.set_exception(error)
