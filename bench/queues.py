"""Guild queues and commits of them, built the way the unit of work builds them."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from random import Random
from typing import TYPE_CHECKING
from uuid import uuid4

from eventsourcing.domain import Snapshot

from reprise.adapters.event_store.mapping import build_mapper
from reprise.application.ports import CommandRecord, Commit
from reprise.application.results import CommandResult
from reprise.domain import commands as c
from reprise.domain.entitlements import PLAN_LIMITS, Plan
from reprise.domain.queue import GuildQueue
from reprise.domain.values import QueuePlacement, Track

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from eventsourcing.domain import CanMutateAggregate

ACTOR = c.Actor(kind=c.ActorKind.USER, id="42")
PREMIUM = PLAN_LIMITS[Plan.PREMIUM]
SNAPSHOT_INTERVAL = 100


def track(title: str, length_ms: int = 180_000) -> Track:
    """A track shaped like a resolved YouTube one; `encoded` as long as Lavalink's handle."""
    handle = base64.b64encode(hashlib.sha512(title.encode()).digest() * 2).decode()
    return Track(
        encoded=f"QAAA{handle}",
        identifier=f"id:{title}",
        title=title,
        author="Artist",
        length_ms=length_ms,
        is_stream=False,
        uri=f"https://example.invalid/{title}",
        source_name="youtube",
    )


def enqueue(queue: GuildQueue, titles: Sequence[str], rng: Random) -> None:
    queue.enqueue(
        [track(title) for title in titles],
        requested_by=str(ACTOR),
        requested_at=datetime.now(UTC),
        placement=QueuePlacement.END,
        limits=PREMIUM,
        rng=rng,
    )


def playing_queue(guild_id: int, tracks: int = 3) -> GuildQueue:
    """A new queue with `tracks` enqueued, the first one playing; its events still pending."""
    queue = GuildQueue.create(guild_id)
    enqueue(queue, [f"Song {n}" for n in range(tracks)], Random(guild_id))
    return queue


def play_command(guild_id: int, tracks: int = 3) -> c.EnqueueTracks:
    return c.EnqueueTracks(
        guild_id=guild_id,
        actor=ACTOR,
        tracks=[
            c.TrackData(
                encoded=f"enc:{n}",
                identifier=f"id:{n}",
                title=f"Song {n}",
                author="A",
                length_ms=180_000,
            )
            for n in range(tracks)
        ],
    )


def commit_of(
    queue: GuildQueue,
    command_type: str,
    loaded_version: int,
    snapshot_interval: int = SNAPSHOT_INTERVAL,
) -> Commit:
    """A commit of the queue's pending events, with a snapshot when `UnitOfWork` takes one."""
    events: list[CanMutateAggregate[UUID]] = list(queue.collect_events())
    snapshots = []
    if queue.version // snapshot_interval > loaded_version // snapshot_interval:
        snapshots.append(Snapshot.take(queue))
    command_id = uuid4()
    record = CommandRecord(
        command_id, command_type, queue.guild_id, uuid4(), str(ACTOR), datetime.now(UTC)
    )
    result = CommandResult(
        command_id=command_id,
        accepted=True,
        events=[type(event).__name__ for event in events],
        versions={str(queue.id): queue.version},
    )
    return Commit(record, events, snapshots, result)


def stored_paused_event() -> tuple[str, bytes]:
    """The topic and state of a stored `Paused` event: the row shape the baselines write."""
    queue = playing_queue(1)
    queue.pause()
    stored = build_mapper().to_stored_event(queue.collect_events()[-1])
    return stored.topic, stored.state
