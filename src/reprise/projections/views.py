"""The documents the read models hold, as the gateway and the audio process read them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from reprise.domain.values import QueueEntry


class EntryView(BaseModel):
    model_config = ConfigDict(frozen=True)
    entry_id: str
    title: str
    author: str
    length_ms: int
    is_stream: bool
    uri: str | None
    artwork_url: str | None
    requested_by: str

    @classmethod
    def of(cls, entry: QueueEntry) -> EntryView:
        track = entry.track
        return cls(
            entry_id=str(entry.entry_id),
            title=track.title,
            author=track.author,
            length_ms=track.length_ms,
            is_stream=track.is_stream,
            uri=track.uri,
            artwork_url=track.artwork_url,
            requested_by=entry.requested_by,
        )


class QueueView(BaseModel):
    """What `/queue` shows: the current entry, settings and the upcoming entries."""

    model_config = ConfigDict(frozen=True)
    guild_id: int
    version: int
    position: int
    current: EntryView | None
    paused: bool
    loop: str
    volume: int
    filters: str
    autoplay: bool
    always_on: bool
    voice_channel_id: int | None
    dj_role_id: int | None = None
    upcoming: list[EntryView]
    upcoming_total_ms: int
    history: list[EntryView]


class NowPlaying(BaseModel):
    """What the now-playing panel and the audio process need about the current track."""

    model_config = ConfigDict(frozen=True)
    guild_id: int
    version: int
    position: int
    entry: EntryView | None
    encoded: str | None
    started_at: datetime | None
    position_ms: int
    position_at: datetime | None
    paused: bool
    loop: str
    volume: int
    filters: str
    voice_channel_id: int | None
    next_title: str | None


class EntitlementsView(BaseModel):
    model_config = ConfigDict(frozen=True)
    guild_id: int
    version: int
    position: int
    plan: str
    status: str
    until: datetime | None
    max_queue_length: int
    max_volume: int
    filters: bool
    autoplay: bool
    always_on: bool
    trial_available: bool
    cancel_at_period_end: bool
