"""Snowflake ids minted the way Discord mints them: milliseconds since 2015 in the top bits."""

import itertools
import time
from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeMint:
    """Issues increasing snowflakes stamped with the current time.

    nextcord derives `created_at` (and interaction expiry) from the id, so ids must carry
    a real timestamp rather than being small counters.
    """

    def __init__(self) -> None:
        self._sequence = itertools.count()

    def next(self) -> int:
        elapsed_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (elapsed_ms << 22) | (next(self._sequence) & 0x3FFFFF)


def iso_now() -> str:
    """An ISO8601 timestamp as Discord writes them."""
    return datetime.now(UTC).isoformat()
