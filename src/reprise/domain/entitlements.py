"""What free, trial and premium guilds may do, and the rule that decides a guild's plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

TRIAL_LENGTH = timedelta(days=14)
PAYMENT_GRACE = timedelta(days=7)
ABSOLUTE_MAX_VOLUME = 200


class Plan(Enum):
    FREE = "free"
    TRIAL = "trial"
    PREMIUM = "premium"


class SubscriptionStatus(Enum):
    NONE = "none"
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits and features of one plan."""

    max_queue_length: int
    max_volume: int
    filters: bool
    autoplay: bool
    always_on: bool


PLAN_LIMITS: dict[Plan, Limits] = {
    Plan.FREE: Limits(
        max_queue_length=100, max_volume=100, filters=False, autoplay=False, always_on=False
    ),
    Plan.TRIAL: Limits(
        max_queue_length=1_000,
        max_volume=ABSOLUTE_MAX_VOLUME,
        filters=True,
        autoplay=True,
        always_on=True,
    ),
    Plan.PREMIUM: Limits(
        max_queue_length=5_000,
        max_volume=ABSOLUTE_MAX_VOLUME,
        filters=True,
        autoplay=True,
        always_on=True,
    ),
}
MAX_QUEUE_LENGTH_OF_ANY_PLAN = max(limits.max_queue_length for limits in PLAN_LIMITS.values())


@dataclass(frozen=True, slots=True)
class Entitlements:
    """A guild's plan at a moment, the limits it grants and until when."""

    plan: Plan
    limits: Limits
    until: datetime | None

    @classmethod
    def free(cls) -> Entitlements:
        return cls(Plan.FREE, PLAN_LIMITS[Plan.FREE], None)


@dataclass(frozen=True, slots=True)
class SubscriptionTerms:
    """The dates a subscription's status depends on; read from the aggregate or a projection."""

    status: SubscriptionStatus
    trial_ends_at: datetime | None
    current_period_end: datetime | None
    grace_until: datetime | None


def entitlements_at(terms: SubscriptionTerms, now: datetime) -> Entitlements:
    """Decide the plan from the subscription terms and the current time.

    A lapsed trial or period counts as free even before the timer that records its expiry fires.
    """
    paid_until = _paid_until(terms)
    if paid_until is None or now >= paid_until:
        return Entitlements.free()
    plan = Plan.TRIAL if terms.status is SubscriptionStatus.TRIALING else Plan.PREMIUM
    return Entitlements(plan, PLAN_LIMITS[plan], paid_until)


def _paid_until(terms: SubscriptionTerms) -> datetime | None:
    match terms.status:
        case SubscriptionStatus.TRIALING:
            return terms.trial_ends_at
        case SubscriptionStatus.ACTIVE:
            return terms.current_period_end
        case SubscriptionStatus.PAST_DUE:
            return terms.grace_until
        case _:
            return None
