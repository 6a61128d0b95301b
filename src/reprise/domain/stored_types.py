"""Every value type that appears inside stored events and snapshots.

The event store registers a transcoding for each, by the stable name given here; renaming
a name would make stored streams unreadable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reprise.domain.entitlements import Plan, SubscriptionStatus
from reprise.domain.values import (
    Cause,
    CauseKind,
    FilterPreset,
    LoopMode,
    QueueEntry,
    QueuePlacement,
    Track,
)

if TYPE_CHECKING:
    from enum import Enum

STORED_VALUES: dict[str, type] = {
    "track": Track,
    "queue_entry": QueueEntry,
    "cause": Cause,
}
STORED_ENUMS: dict[str, type[Enum]] = {
    "loop_mode": LoopMode,
    "filter_preset": FilterPreset,
    "queue_placement": QueuePlacement,
    "cause_kind": CauseKind,
    "plan": Plan,
    "subscription_status": SubscriptionStatus,
}
