"""Read model: timers the worker fires (trial ends, period ends, grace ends, idle voice)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from reprise.domain.entitlements import SubscriptionStatus
from reprise.domain.queue import GuildQueue
from reprise.domain.subscription import Subscription
from reprise.projections.writes import Schedule, Unschedule, Write

NAME = "due_timers"
STATE_DERIVED = True
TIMERS_KEY = "timers"
IDLE_DISCONNECT_AFTER = timedelta(minutes=5)
SUBSCRIPTION_TIMERS = ("trial_end", "period_end", "grace_end")


def member(kind: str, guild_id: int) -> str:
    return f"{kind}:{guild_id}"


def process_event(event: Any, state: Any, position: int) -> list[Write]:
    match state:
        case Subscription():
            return _subscription_timers(state)
        case GuildQueue():
            return [_idle_timer(state)]
        case _:
            return []


def _subscription_timers(subscription: Subscription) -> list[Write]:
    due = {
        SubscriptionStatus.TRIALING: ("trial_end", subscription.trial_ends_at),
        SubscriptionStatus.ACTIVE: ("period_end", subscription.current_period_end),
        SubscriptionStatus.PAST_DUE: ("grace_end", subscription.grace_until),
    }.get(subscription.status)
    writes: list[Write] = []
    for kind in SUBSCRIPTION_TIMERS:
        name = member(kind, subscription.guild_id)
        if due is not None and due[0] == kind and due[1] is not None:
            writes.append(Schedule(TIMERS_KEY, name, due[1].timestamp()))
        else:
            writes.append(Unschedule(TIMERS_KEY, name))
    return writes


def _idle_timer(queue: GuildQueue) -> Write:
    name = member("idle", queue.guild_id)
    idle = queue.voice_channel_id is not None and queue.current is None and not queue.always_on
    if not idle:
        return Unschedule(TIMERS_KEY, name)
    since: datetime = queue.modified_on
    return Schedule(TIMERS_KEY, name, (since + IDLE_DISCONNECT_AFTER).timestamp())
