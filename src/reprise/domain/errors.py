"""Typed domain errors. Each carries the fields a caller needs to explain the refusal."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


class DomainError(Exception):
    """A command was refused by the domain; `code` is stable, `message` is for people."""

    code: str = "domain_error"

    @property
    def message(self) -> str:
        return str(self)

    def details(self) -> dict[str, object]:
        """The structured fields of the error, for replies and logs."""
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}


@dataclass
class NothingPlaying(DomainError):
    guild_id: int
    code = "nothing_playing"

    def __str__(self) -> str:
        return "Nothing is playing right now."


@dataclass
class QueueEmpty(DomainError):
    guild_id: int
    code = "queue_empty"

    def __str__(self) -> str:
        return "The queue is empty."


@dataclass
class EntryNotFound(DomainError):
    entry_id: UUID
    code = "entry_not_found"

    def __str__(self) -> str:
        return "That track is not in the queue (it may have been played or removed)."


@dataclass
class NoPreviousTrack(DomainError):
    guild_id: int
    code = "no_previous_track"

    def __str__(self) -> str:
        return "There is no previous track to go back to."


@dataclass
class SeekBeyondTrack(DomainError):
    position_ms: int
    length_ms: int
    code = "seek_beyond_track"

    def __str__(self) -> str:
        return f"Cannot seek to {self.position_ms} ms: the track is {self.length_ms} ms long."


@dataclass
class SeekOnStream(DomainError):
    title: str
    code = "seek_on_stream"

    def __str__(self) -> str:
        return f"'{self.title}' is a live stream and cannot be seeked."


@dataclass
class VolumeOutOfRange(DomainError):
    volume: int
    minimum: int
    maximum: int
    code = "volume_out_of_range"

    def __str__(self) -> str:
        return f"Volume must be between {self.minimum} and {self.maximum}, not {self.volume}."


@dataclass
class QueueFull(DomainError):
    limit: int
    queued: int
    requested: int
    code = "queue_full"

    def __str__(self) -> str:
        return (
            f"The queue holds at most {self.limit} tracks; it has {self.queued} "
            f"and {self.requested} more were requested."
        )


@dataclass
class PremiumRequired(DomainError):
    feature: str
    code = "premium_required"

    def __str__(self) -> str:
        return f"{self.feature} needs Reprise Premium (a 14-day trial is available)."


@dataclass
class AlreadyInState(DomainError):
    """The command would change nothing (pause while paused, resume while playing...)."""

    state: str
    code = "already_in_state"

    def __str__(self) -> str:
        return f"Already {self.state}."


@dataclass
class StaleTrackReport(DomainError):
    """A track-end report names an entry that is no longer current (late or duplicated)."""

    expected_entry: UUID
    current_entry: UUID | None
    code = "stale_track_report"

    def __str__(self) -> str:
        return "That track is no longer playing; the report was ignored."


@dataclass
class InvalidTransition(DomainError):
    """A subscription command that its current status does not allow."""

    status: str
    action: str
    code = "invalid_transition"

    def __str__(self) -> str:
        return f"Cannot {self.action} a subscription that is {self.status}."


@dataclass
class TrialAlreadyUsed(DomainError):
    guild_id: int
    code = "trial_already_used"

    def __str__(self) -> str:
        return "This server has already used its free trial."


@dataclass
class NothingToShuffle(DomainError):
    queued: int
    code = "nothing_to_shuffle"

    def __str__(self) -> str:
        return f"Shuffling needs at least two queued tracks; there are {self.queued}."
