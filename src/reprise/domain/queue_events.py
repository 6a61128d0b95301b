"""Events of the GuildQueue aggregate. Each `apply` is the only place that state changes.

Topics are the module path and class name: never rename or move a class here without
registering the old topic, or stored streams stop replaying.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate

from reprise.domain.values import FilterPreset, LoopMode, QueueEntry, QueuePlacement

if TYPE_CHECKING:
    from datetime import datetime

HISTORY_LIMIT = 50


class QueueState(Protocol):
    """The mutable state the events change; GuildQueue provides it."""

    guild_id: int
    upcoming: list[QueueEntry]
    current: QueueEntry | None
    position_ms: int
    history: list[QueueEntry]
    loop_mode: LoopMode
    paused: bool
    volume: int
    filters: FilterPreset
    autoplay: bool
    always_on: bool
    voice_channel_id: int | None
    started_at: datetime | None
    position_at: datetime | None
    dj_role_id: int | None


class QueueCreated(Aggregate.Created):
    guild_id: int


class QueueEvent(Aggregate.Event):
    """Base of every GuildQueue change after creation."""

    def apply(self, aggregate: Any) -> None:
        self.change(aggregate)

    def change(self, queue: QueueState) -> None:
        raise NotImplementedError


def _retire_current(queue: QueueState, requeue: QueuePlacement | None) -> None:
    """Move the current entry to history, and back into the queue when looping."""
    entry = queue.current
    if entry is None:
        return
    queue.history.append(entry)
    del queue.history[:-HISTORY_LIMIT]
    if requeue is QueuePlacement.NEXT:
        queue.upcoming.insert(0, entry)
    elif requeue is QueuePlacement.END:
        queue.upcoming.append(entry)
    queue.current = None
    queue.position_ms = 0
    queue.paused = False
    queue.started_at = None
    queue.position_at = None


class TracksEnqueued(QueueEvent):
    """One track or a playlist was added, at the end or right after the current entry."""

    class_version = 2
    entries: list[QueueEntry]
    placement: QueuePlacement

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Version 1 could only append at the end."""
        state["placement"] = QueuePlacement.END

    def change(self, queue: QueueState) -> None:
        if self.placement is QueuePlacement.NEXT:
            queue.upcoming[0:0] = self.entries
        else:
            queue.upcoming.extend(self.entries)


class TrackStarted(QueueEvent):
    """The entry at the front of the queue became the current entry."""

    entry: QueueEntry

    def change(self, queue: QueueState) -> None:
        started = self.entry.entry_id.int  # UUID equality is int equality, without __eq__ calls
        queue.upcoming = [e for e in queue.upcoming if e.entry_id.int != started]
        queue.current = self.entry
        queue.position_ms = 0
        queue.paused = False
        queue.started_at = self.timestamp
        queue.position_at = self.timestamp


class TrackFinished(QueueEvent):
    """The current entry played to its end; `requeued` says where looping put it back."""

    entry_id: UUID
    requeued: QueuePlacement | None

    def change(self, queue: QueueState) -> None:
        _retire_current(queue, self.requeued)


class TrackFailed(QueueEvent):
    """The current entry could not be played; it goes to history and is never looped."""

    entry_id: UUID
    reason: str

    def change(self, queue: QueueState) -> None:
        _retire_current(queue, None)


class Skipped(QueueEvent):
    entry_id: UUID
    requeued: QueuePlacement | None

    def change(self, queue: QueueState) -> None:
        _retire_current(queue, self.requeued)


class SkippedTo(QueueEvent):
    """Entries before the target were dropped (or moved to the end when looping the queue)."""

    entry_id: UUID
    dropped: list[UUID]
    requeued: bool

    def change(self, queue: QueueState) -> None:
        dropped_ids = set(self.dropped)
        dropped = [e for e in queue.upcoming if e.entry_id in dropped_ids]
        queue.upcoming = [e for e in queue.upcoming if e.entry_id not in dropped_ids]
        _retire_current(queue, QueuePlacement.END if self.requeued else None)
        queue.history.extend(dropped)
        del queue.history[:-HISTORY_LIMIT]
        if self.requeued:
            queue.upcoming.extend(dropped)


class WentBack(QueueEvent):
    """The last entry of history was put back at the front, before the interrupted current."""

    entry_id: UUID

    def change(self, queue: QueueState) -> None:
        previous = queue.history.pop()
        queue.upcoming = [e for e in queue.upcoming if e.entry_id != previous.entry_id]
        if queue.current is not None:
            queue.upcoming.insert(0, queue.current)
        queue.upcoming.insert(0, previous)
        queue.current = None
        queue.position_ms = 0
        queue.started_at = None
        queue.position_at = None


class EntryRemoved(QueueEvent):
    entry_id: UUID

    def change(self, queue: QueueState) -> None:
        queue.upcoming = [e for e in queue.upcoming if e.entry_id != self.entry_id]


class EntryMoved(QueueEvent):
    entry_id: UUID
    to_index: int

    def change(self, queue: QueueState) -> None:
        entry = next(e for e in queue.upcoming if e.entry_id == self.entry_id)
        queue.upcoming.remove(entry)
        queue.upcoming.insert(self.to_index, entry)


class QueueShuffled(QueueEvent):
    """The upcoming entries were put in the recorded order; replay never draws at random."""

    order: list[UUID]

    def change(self, queue: QueueState) -> None:
        by_id = {e.entry_id: e for e in queue.upcoming}
        queue.upcoming = [by_id[entry_id] for entry_id in self.order]


class QueueCleared(QueueEvent):
    removed: int

    def change(self, queue: QueueState) -> None:
        queue.upcoming = []


class Paused(QueueEvent):
    def change(self, queue: QueueState) -> None:
        queue.paused = True


class Resumed(QueueEvent):
    def change(self, queue: QueueState) -> None:
        queue.paused = False


class Stopped(QueueEvent):
    """Playback stopped and the queue was emptied; the bot stays in its voice channel."""

    cleared: int

    def change(self, queue: QueueState) -> None:
        _retire_current(queue, None)
        queue.upcoming = []


class Seeked(QueueEvent):
    position_ms: int

    def change(self, queue: QueueState) -> None:
        queue.position_ms = self.position_ms
        queue.position_at = self.timestamp


class LoopModeChanged(QueueEvent):
    mode: LoopMode

    def change(self, queue: QueueState) -> None:
        queue.loop_mode = self.mode


class VolumeChanged(QueueEvent):
    volume: int

    def change(self, queue: QueueState) -> None:
        queue.volume = self.volume


class FiltersChanged(QueueEvent):
    preset: FilterPreset

    def change(self, queue: QueueState) -> None:
        queue.filters = self.preset


class AutoplayToggled(QueueEvent):
    enabled: bool

    def change(self, queue: QueueState) -> None:
        queue.autoplay = self.enabled


class AlwaysOnToggled(QueueEvent):
    """24/7 mode: stay in the voice channel when the queue is empty or everyone left."""

    enabled: bool

    def change(self, queue: QueueState) -> None:
        queue.always_on = self.enabled


class VoiceChannelJoined(QueueEvent):
    channel_id: int

    def change(self, queue: QueueState) -> None:
        queue.voice_channel_id = self.channel_id


class VoiceChannelLeft(QueueEvent):
    channel_id: int

    def change(self, queue: QueueState) -> None:
        queue.voice_channel_id = None
        queue.paused = False


class DjRoleChanged(QueueEvent):
    """The role a guild admin chose for destructive actions; None means no DJ role."""

    role_id: int | None

    def change(self, queue: QueueState) -> None:
        queue.dj_role_id = self.role_id
