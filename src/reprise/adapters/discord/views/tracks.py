"""How tracks and queue entries read in replies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reprise.adapters.discord.parsing import duration

if TYPE_CHECKING:
    from reprise.application.voice_messages import Resolution
    from reprise.domain.commands import TrackData
    from reprise.projections.views import EntryView

MAX_TITLE = 80


def short(title: str, limit: int = MAX_TITLE) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def track_line(track: TrackData | EntryView) -> str:
    length = "live" if track.is_stream else duration(track.length_ms)
    return f"**{short(track.title)}** by {short(track.author, 40)} ({length})"


def requester(entry: EntryView) -> str:
    kind, _, ident = entry.requested_by.partition(":")
    return f"<@{ident}>" if kind == "user" else kind


def queued_text(found: Resolution, tracks: list[TrackData], play_next: bool) -> str:
    where = " to play next" if play_next else ""
    if found.kind == "playlist":
        name = short(found.playlist_name or "a playlist")
        return f"Queued {len(tracks)} tracks from **{name}**{where}."
    return f"Queued {track_line(tracks[0])}{where}."
