"""The GuildQueue aggregate: one per guild, everything that decides what plays next."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import Aggregate

from reprise.domain import errors
from reprise.domain.entitlements import ABSOLUTE_MAX_VOLUME, Limits
from reprise.domain.ids import queue_id
from reprise.domain.queue_events import (
    HISTORY_LIMIT,
    AlwaysOnToggled,
    AutoplayToggled,
    DjRoleChanged,
    EntryMoved,
    EntryRemoved,
    FiltersChanged,
    LoopModeChanged,
    Paused,
    QueueCleared,
    QueueCreated,
    QueueShuffled,
    Resumed,
    Seeked,
    Skipped,
    SkippedTo,
    Stopped,
    TrackFailed,
    TrackFinished,
    TracksEnqueued,
    TrackStarted,
    VoiceChannelJoined,
    VoiceChannelLeft,
    VolumeChanged,
    WentBack,
)
from reprise.domain.values import FilterPreset, LoopMode, QueueEntry, QueuePlacement, Track

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime
    from random import Random
from typing import Any

DEFAULT_VOLUME = 100


def random_uuid(rng: Random) -> UUID:
    """A version-4 UUID drawn from the given generator, so tests can seed it."""
    return UUID(int=rng.getrandbits(128), version=4)


class GuildQueue(Aggregate):
    """A guild's queue, current entry, history and playback settings."""

    class_version = 3

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Version 2 remembers when the current track started and its position was set."""
        state["started_at"] = None
        state["position_at"] = None

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """Version 3 holds the guild's DJ role (ADR 0009)."""
        state["dj_role_id"] = None

    @staticmethod
    def create_id(guild_id: int) -> UUID:
        return queue_id(guild_id)

    @classmethod
    def create(cls, guild_id: int) -> GuildQueue:
        return cls._create(QueueCreated, guild_id=guild_id)

    def __init__(self, guild_id: int) -> None:
        self.guild_id = guild_id
        self.upcoming: list[QueueEntry] = []
        self.current: QueueEntry | None = None
        self.position_ms = 0
        self.history: list[QueueEntry] = []
        self.loop_mode = LoopMode.OFF
        self.paused = False
        self.volume = DEFAULT_VOLUME
        self.filters = FilterPreset.OFF
        self.autoplay = False
        self.always_on = False
        self.voice_channel_id: int | None = None
        self.started_at: datetime | None = None
        self.position_at: datetime | None = None
        self.dj_role_id: int | None = None

    # --- adding and arranging -------------------------------------------------------------

    def enqueue(
        self,
        tracks: Sequence[Track],
        *,
        requested_by: str,
        requested_at: datetime,
        placement: QueuePlacement,
        limits: Limits,
        rng: Random,
    ) -> None:
        if len(self.upcoming) + len(tracks) > limits.max_queue_length:
            raise errors.QueueFull(limits.max_queue_length, len(self.upcoming), len(tracks))
        entries = [
            QueueEntry(entry_id, t, requested_by, requested_at)
            for entry_id, t in zip(self._fresh_entry_ids(len(tracks), rng), tracks, strict=True)
        ]
        self.trigger_event(TracksEnqueued, entries=entries, placement=placement)
        self._start_next_if_idle()

    def remove(self, entry_id: UUID) -> QueueEntry:
        entry = self._upcoming_entry(entry_id)
        self.trigger_event(EntryRemoved, entry_id=entry_id)
        return entry

    def move(self, entry_id: UUID, to_index: int) -> None:
        self._upcoming_entry(entry_id)
        to_index = max(0, min(to_index, len(self.upcoming) - 1))
        self.trigger_event(EntryMoved, entry_id=entry_id, to_index=to_index)

    def shuffle(self, rng: Random) -> None:
        if len(self.upcoming) < 2:
            raise errors.NothingToShuffle(len(self.upcoming))
        order = [entry.entry_id for entry in self.upcoming]
        rng.shuffle(order)
        self.trigger_event(QueueShuffled, order=order)

    def clear(self) -> None:
        if not self.upcoming:
            raise errors.QueueEmpty(self.guild_id)
        self.trigger_event(QueueCleared, removed=len(self.upcoming))

    # --- moving through the queue ----------------------------------------------------------

    def advance(self, expected_entry: UUID, failure: str | None = None) -> None:
        """Record that the current entry ended (as the audio process saw it) and go on."""
        current = self._current_entry(expected_entry)
        if failure is not None:
            self.trigger_event(TrackFailed, entry_id=current.entry_id, reason=failure)
        else:
            requeue = {LoopMode.TRACK: QueuePlacement.NEXT, LoopMode.QUEUE: QueuePlacement.END}
            self.trigger_event(
                TrackFinished, entry_id=current.entry_id, requeued=requeue.get(self.loop_mode)
            )
        self._start_next_if_idle()

    def skip(self, expected_entry: UUID | None = None) -> None:
        current = self._current_entry(expected_entry)
        requeued = QueuePlacement.END if self.loop_mode is LoopMode.QUEUE else None
        self.trigger_event(Skipped, entry_id=current.entry_id, requeued=requeued)
        self._start_next_if_idle()

    def skip_to(self, entry_id: UUID) -> None:
        target = self._upcoming_entry(entry_id)
        index = self.upcoming.index(target)
        dropped = [entry.entry_id for entry in self.upcoming[:index]]
        self.trigger_event(
            SkippedTo, entry_id=entry_id, dropped=dropped, requeued=self.loop_mode is LoopMode.QUEUE
        )
        self._start_next_if_idle()

    def previous(self) -> None:
        if not self.history:
            raise errors.NoPreviousTrack(self.guild_id)
        self.trigger_event(WentBack, entry_id=self.history[-1].entry_id)
        self._start_next_if_idle()

    def stop(self) -> None:
        if self.current is None and not self.upcoming:
            raise errors.NothingPlaying(self.guild_id)
        self.trigger_event(Stopped, cleared=len(self.upcoming))

    # --- playback controls -----------------------------------------------------------------

    def pause(self) -> None:
        self._current_entry()
        if self.paused:
            raise errors.AlreadyInState("paused")
        self.trigger_event(Paused)

    def resume(self) -> None:
        self._current_entry()
        if not self.paused:
            raise errors.AlreadyInState("playing")
        self.trigger_event(Resumed)

    def seek(self, position_ms: int) -> None:
        track = self._current_entry().track
        if track.is_stream:
            raise errors.SeekOnStream(track.title)
        if position_ms > track.length_ms:
            raise errors.SeekBeyondTrack(position_ms, track.length_ms)
        self.trigger_event(Seeked, position_ms=max(0, position_ms))

    def set_loop_mode(self, mode: LoopMode) -> None:
        if mode is self.loop_mode:
            raise errors.AlreadyInState(f"looping: {mode.value}")
        self.trigger_event(LoopModeChanged, mode=mode)

    def set_volume(self, volume: int, limits: Limits) -> None:
        if not 0 <= volume <= ABSOLUTE_MAX_VOLUME:
            raise errors.VolumeOutOfRange(volume, 0, ABSOLUTE_MAX_VOLUME)
        if volume > limits.max_volume:
            raise errors.PremiumRequired(f"Volume above {limits.max_volume}%")
        self.trigger_event(VolumeChanged, volume=volume)

    def set_filters(self, preset: FilterPreset, limits: Limits) -> None:
        if preset is not FilterPreset.OFF and not limits.filters:
            raise errors.PremiumRequired("Audio filters")
        if preset is self.filters:
            raise errors.AlreadyInState(f"using filter {preset.value}")
        self.trigger_event(FiltersChanged, preset=preset)

    def set_autoplay(self, enabled: bool, limits: Limits) -> None:
        if enabled and not limits.autoplay:
            raise errors.PremiumRequired("Autoplay")
        if enabled is self.autoplay:
            raise errors.AlreadyInState(f"autoplay {'on' if enabled else 'off'}")
        self.trigger_event(AutoplayToggled, enabled=enabled)

    def set_always_on(self, enabled: bool, limits: Limits) -> None:
        if enabled and not limits.always_on:
            raise errors.PremiumRequired("24/7 mode")
        if enabled is self.always_on:
            raise errors.AlreadyInState(f"24/7 {'on' if enabled else 'off'}")
        self.trigger_event(AlwaysOnToggled, enabled=enabled)

    def set_dj_role(self, role_id: int | None) -> None:
        """Choose the role destructive actions need (ADR 0009); None removes the need."""
        if role_id == self.dj_role_id:
            raise errors.AlreadyInState("using that DJ role" if role_id else "without a DJ role")
        self.trigger_event(DjRoleChanged, role_id=role_id)

    # --- voice -----------------------------------------------------------------------------

    def join_voice(self, channel_id: int) -> None:
        if channel_id == self.voice_channel_id:
            raise errors.AlreadyInState("in that voice channel")
        self.trigger_event(VoiceChannelJoined, channel_id=channel_id)

    def leave_voice(self) -> None:
        if self.voice_channel_id is None:
            raise errors.AlreadyInState("out of voice")
        self.trigger_event(VoiceChannelLeft, channel_id=self.voice_channel_id)

    # --- queries ---------------------------------------------------------------------------

    def invariant_violations(self) -> list[str]:
        """What is wrong with this state, if anything (the deploy-time replay check)."""
        problems = []
        ids = [entry.entry_id for entry in self.upcoming]
        if self.current is not None:
            ids.append(self.current.entry_id)
        if len(ids) != len(set(ids)):
            problems.append("an entry id appears twice among the current and queued entries")
        if not 0 <= self.volume <= ABSOLUTE_MAX_VOLUME:
            problems.append(f"volume {self.volume} is out of range")
        if len(self.history) > HISTORY_LIMIT:
            problems.append(f"history holds {len(self.history)} entries")
        if self.current is None and (self.paused or self.position_ms):
            problems.append("paused or positioned with nothing playing")
        if self.current is not None and self.position_ms > self.current.track.length_ms:
            problems.append("position beyond the end of the current track")
        return problems

    def _current_entry(self, expected: UUID | None = None) -> QueueEntry:
        if self.current is None:
            if expected is not None:
                raise errors.StaleTrackReport(expected, None)
            raise errors.NothingPlaying(self.guild_id)
        if expected is not None and expected != self.current.entry_id:
            raise errors.StaleTrackReport(expected, self.current.entry_id)
        return self.current

    def _upcoming_entry(self, entry_id: UUID) -> QueueEntry:
        for entry in self.upcoming:
            if entry.entry_id == entry_id:
                return entry
        raise errors.EntryNotFound(entry_id)

    def _fresh_entry_ids(self, count: int, rng: Random) -> list[UUID]:
        """Ids drawn from `rng` that no entry in the queue already has."""
        taken = {entry.entry_id for entry in [*self.upcoming, *self.history]}
        if self.current is not None:
            taken.add(self.current.entry_id)
        fresh: list[UUID] = []
        while len(fresh) < count:
            entry_id = random_uuid(rng)
            if entry_id not in taken:
                taken.add(entry_id)
                fresh.append(entry_id)
        return fresh

    def _start_next_if_idle(self) -> None:
        if self.current is None and self.upcoming:
            self.trigger_event(TrackStarted, entry=self.upcoming[0])
