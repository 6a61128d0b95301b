"""Read model: each guild's plan, limits and features, and until when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reprise.domain.subscription import Subscription
from reprise.projections.views import EntitlementsView
from reprise.projections.writes import SetDocument, Write

if TYPE_CHECKING:
    from datetime import datetime

NAME = "entitlements"
STATE_DERIVED = True


def key(guild_id: int) -> str:
    return f"guild:{guild_id}"


def process_event(event: Any, state: Any, position: int) -> list[Write]:
    match state:
        case Subscription():
            view = render(state, position, event.timestamp)
            return [SetDocument(key(state.guild_id), view.model_dump_json())]
        case _:
            return []


def render(subscription: Subscription, position: int, now: datetime) -> EntitlementsView:
    """As of the last change; readers re-check `until` against their clock."""
    granted = subscription.entitlements_at(now)
    limits = granted.limits
    return EntitlementsView(
        guild_id=subscription.guild_id,
        version=subscription.version,
        position=position,
        plan=granted.plan.value,
        status=subscription.status.value,
        until=granted.until,
        max_queue_length=limits.max_queue_length,
        max_volume=limits.max_volume,
        filters=limits.filters,
        autoplay=limits.autoplay,
        always_on=limits.always_on,
        trial_available=not subscription.trial_used,
        cancel_at_period_end=subscription.cancel_at_period_end,
    )
