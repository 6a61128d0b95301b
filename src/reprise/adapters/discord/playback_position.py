"""Where the current track is now, from the player's last report or the read model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reprise.application.voice_messages import PlaybackProgress
    from reprise.projections.views import NowPlaying


def position_now(
    playing: NowPlaying | None, progress: PlaybackProgress | None, now: datetime | None = None
) -> int:
    """Milliseconds into the current entry, counting the time since the last report."""
    if playing is None or playing.entry is None:
        return 0
    now = now or datetime.now(UTC)
    reported_for_entry = (
        progress is not None
        and progress.entry_id is not None
        and str(progress.entry_id) == playing.entry.entry_id
    )
    since: datetime | None
    if progress is not None and reported_for_entry:
        base, since, paused = progress.position_ms, progress.sent_at, progress.paused
    else:
        base, paused = playing.position_ms, playing.paused
        since = playing.position_at or playing.started_at
    elapsed = 0 if paused or since is None else int((now - since).total_seconds() * 1000)
    return max(0, min(base + elapsed, playing.entry.length_ms or base + elapsed))
