"""Readable ways to build domain objects in tests."""

from __future__ import annotations

from datetime import UTC, datetime
from random import Random

from reprise.domain.entitlements import PLAN_LIMITS, Limits, Plan
from reprise.domain.queue import GuildQueue
from reprise.domain.values import QueuePlacement, Track

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
FREE: Limits = PLAN_LIMITS[Plan.FREE]
PREMIUM: Limits = PLAN_LIMITS[Plan.PREMIUM]


def track(title: str, length_ms: int = 180_000, *, stream: bool = False) -> Track:
    return Track(
        encoded=f"enc:{title}",
        identifier=f"id:{title}",
        title=title,
        author="Artist",
        length_ms=length_ms,
        is_stream=stream,
    )


def queue_with(*titles: str, limits: Limits = FREE, seed: int = 1) -> GuildQueue:
    """A guild queue that was asked to play `titles` in order; the first one is playing."""
    queue = GuildQueue.create(guild_id=1)
    if titles:
        enqueue(queue, *titles, limits=limits, seed=seed)
    queue.collect_events()
    return queue


def enqueue(
    queue: GuildQueue,
    *titles: str,
    limits: Limits = FREE,
    placement: QueuePlacement = QueuePlacement.END,
    seed: int = 1,
) -> None:
    queue.enqueue(
        [track(title) for title in titles],
        requested_by="user:42",
        requested_at=NOW,
        placement=placement,
        limits=limits,
        rng=Random(seed),
    )


def titles(queue: GuildQueue) -> list[str]:
    """The queue as a person reads it: the current title first, then the upcoming ones."""
    now_playing = [queue.current.track.title] if queue.current else []
    return now_playing + [entry.track.title for entry in queue.upcoming]


def event_names(queue: GuildQueue) -> list[str]:
    return [type(event).__name__ for event in queue.collect_events()]
