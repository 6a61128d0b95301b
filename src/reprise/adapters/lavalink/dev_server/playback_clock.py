"""The position of a playing track as a function of wall-clock time."""

import time
from collections.abc import Callable


class PlaybackClock:
    """Tracks a position in milliseconds that advances at `rate` track-ms per real ms.

    Pausing or freezing (a stuck track) stops the advance; seeking moves the anchor.
    """

    def __init__(
        self,
        position_ms: float = 0.0,
        *,
        rate: float = 1.0,
        paused: bool = False,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._now = now
        self._anchor_position = position_ms
        self._anchor_time = now()
        self._rate = rate
        self._paused = paused
        self._frozen = False

    @property
    def paused(self) -> bool:
        """Whether the clock is paused."""
        return self._paused

    @property
    def frozen(self) -> bool:
        """Whether the clock is frozen, as a stuck track is."""
        return self._frozen

    @property
    def rate(self) -> float:
        """Track milliseconds per real millisecond while running."""
        return self._rate

    def position_ms(self) -> float:
        """The current position."""
        if not self._running():
            return self._anchor_position
        elapsed_ms = (self._now() - self._anchor_time) * 1000.0
        return self._anchor_position + elapsed_ms * self._rate

    def seek(self, position_ms: float) -> None:
        """Jump to a position."""
        self._rebase(position_ms)

    def set_paused(self, paused: bool) -> None:
        """Pause or resume the advance."""
        self._rebase(self.position_ms())
        self._paused = paused

    def set_rate(self, rate: float) -> None:
        """Change the speed of the advance from now on."""
        self._rebase(self.position_ms())
        self._rate = rate

    def freeze(self, at_ms: float | None = None) -> None:
        """Stop the advance for good, as when a track gets stuck: at `at_ms`, or where it is."""
        self._rebase(self.position_ms() if at_ms is None else at_ms)
        self._frozen = True

    def seconds_until(self, position_ms: float) -> float | None:
        """Real seconds until the position is reached, or None if it never will be."""
        if not self._running() or self._rate <= 0:
            return None
        remaining_ms = max(0.0, position_ms - self.position_ms())
        return remaining_ms / self._rate / 1000.0

    def _running(self) -> bool:
        return not (self._paused or self._frozen)

    def _rebase(self, position_ms: float) -> None:
        self._anchor_position = position_ms
        self._anchor_time = self._now()
