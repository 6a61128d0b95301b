"""Read model: the audit log, one row per event: who did what to which guild, and when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from reprise.domain import queue_events as q
from reprise.domain import subscription_events as s

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from reprise.application.ports import Notification

NAME = "audit_log"


class AuditEntry(NamedTuple):
    """One audit row, its fields in the table's column order (a rebuild makes a million, and a
    tuple is also what the INSERT takes); actor and correlation id come from the command."""

    position: int
    event_id: str
    guild_id: int
    aggregate: str
    aggregate_id: UUID
    version: int
    action: str
    summary: str
    command_id: UUID
    occurred_at: datetime


def process_event(notification: Notification) -> AuditEntry:
    event = notification.event
    aggregate = (
        "subscription" if isinstance(event, s.SubscriptionEvent | s.SubscriptionOpened) else "queue"
    )
    return AuditEntry(
        notification.position,
        f"{event.originator_id}:{event.originator_version}",
        notification.guild_id,
        aggregate,
        event.originator_id,
        event.originator_version,
        type(event).__name__,
        summary(event),
        notification.command_id,
        event.timestamp,
    )


def _titles(entries: list[Any]) -> str:
    names = ", ".join(f"'{entry.track.title}'" for entry in entries[:3])
    return names + (f" and {len(entries) - 3} more" if len(entries) > 3 else "")


def summary(event: Any) -> str:  # noqa: C901, PLR0911, PLR0912 - one line per event type
    match event:
        case q.TracksEnqueued(entries=entries, placement=placement):
            where = " to play next" if placement.value == "next" else ""
            return f"queued {_titles(entries)}{where}"
        case q.TrackStarted(entry=entry):
            return f"started '{entry.track.title}'"
        case q.TrackFinished():
            return "track finished" + (" (looping)" if event.requeued else "")
        case q.TrackFailed(reason=reason):
            return f"track failed: {reason}"
        case q.Skipped():
            return "skipped the current track"
        case q.SkippedTo(dropped=dropped):
            return f"skipped ahead past {len(dropped)} tracks"
        case q.WentBack():
            return "went back to the previous track"
        case q.QueueShuffled(order=order):
            return f"shuffled {len(order)} tracks"
        case q.QueueCleared(removed=removed):
            return f"cleared {removed} tracks"
        case q.Stopped(cleared=cleared):
            return f"stopped playback and cleared {cleared} tracks"
        case q.Seeked(position_ms=position):
            return f"seeked to {position // 60_000}:{position // 1000 % 60:02}"
        case q.LoopModeChanged(mode=mode):
            return f"loop {mode.value}"
        case q.VolumeChanged(volume=volume):
            return f"volume {volume}%"
        case q.FiltersChanged(preset=preset):
            return f"filter {preset.value}"
        case q.AutoplayToggled(enabled=on) | q.AlwaysOnToggled(enabled=on):
            feature = "autoplay" if isinstance(event, q.AutoplayToggled) else "24/7"
            return f"{feature} {'on' if on else 'off'}"
        case q.DjRoleChanged(role_id=role):
            return f"DJ role set to {role}" if role else "DJ role removed"
        case q.VoiceChannelJoined(channel_id=channel):
            return f"joined voice channel {channel}"
        case s.TrialStarted(ends_at=ends):
            return f"started a trial until {ends:%Y-%m-%d}"
        case s.PremiumActivated(period_end=end) | s.SubscriptionRenewed(period_end=end):
            return f"premium until {end:%Y-%m-%d}"
        case s.PaymentFailed(grace_until=grace):
            return f"payment failed; grace until {grace:%Y-%m-%d}"
        case _:
            return _words(type(event).__name__)


def _words(name: str) -> str:
    return "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()
