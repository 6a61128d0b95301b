"""Running a consumer's handler a few times before its message is dead-lettered."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from reprise.adapters.rabbitmq.metrics import FAILED

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

_log = logging.getLogger(__name__)


async def handle_with_retries[T](
    handler: Callable[[T], Awaitable[None]], item: T, *, group: str, attempts: int
) -> Exception | None:
    """None once `handler(item)` succeeds; the last error after `attempts` failures (each
    counted, with a short backoff between them), for the caller to dead-letter."""
    for attempt in range(attempts):
        try:
            await handler(item)
        except Exception as error:  # retried, then dead-lettered with the reason
            FAILED.labels(group).inc()
            _log.warning("%s: handler failed (%r), attempt %s", group, error, attempt)
            if attempt == attempts - 1:
                return error
            await asyncio.sleep(0.05 * 2**attempt)
        else:
            return None
    return None
