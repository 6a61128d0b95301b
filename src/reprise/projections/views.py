"""The documents the read models hold, as the gateway and the audio process read them.

These models are the documents' schema: readers parse with them (`model_validate_json`), and
unknown fields are refused so a renderer and its schema cannot drift apart unnoticed. The
queue-derived documents are rendered straight to JSON (`queue_view`, `now_playing`) because a
rebuild renders them hundreds of thousands of times.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class EntryView(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    entry_id: str
    title: str
    author: str
    length_ms: int
    is_stream: bool
    uri: str | None
    artwork_url: str | None
    requested_by: str


class QueueView(BaseModel):
    """What `/queue` shows: the current entry, settings and the upcoming entries."""

    model_config = ConfigDict(frozen=True, extra="forbid")
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

    model_config = ConfigDict(frozen=True, extra="forbid")
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
    model_config = ConfigDict(frozen=True, extra="forbid")
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
