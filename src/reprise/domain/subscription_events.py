"""Events of the Subscription aggregate; each records the cause of the transition."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from eventsourcing.domain import Aggregate

from reprise.domain.entitlements import SubscriptionStatus
from reprise.domain.values import Cause


class SubscriptionState(Protocol):
    guild_id: int
    status: SubscriptionStatus
    trial_used: bool
    trial_ends_at: datetime | None
    current_period_end: datetime | None
    grace_until: datetime | None
    cancel_at_period_end: bool
    stripe_customer_id: str | None
    stripe_subscription_id: str | None


class SubscriptionOpened(Aggregate.Created):
    guild_id: int


class SubscriptionEvent(Aggregate.Event):
    cause: Cause

    def apply(self, aggregate: Any) -> None:
        self.change(aggregate)

    def change(self, subscription: SubscriptionState) -> None:
        raise NotImplementedError


class TrialStarted(SubscriptionEvent):
    ends_at: datetime

    def change(self, subscription: SubscriptionState) -> None:
        subscription.status = SubscriptionStatus.TRIALING
        subscription.trial_used = True
        subscription.trial_ends_at = self.ends_at


class PremiumActivated(SubscriptionEvent):
    period_end: datetime
    stripe_customer_id: str | None
    stripe_subscription_id: str | None

    def change(self, subscription: SubscriptionState) -> None:
        subscription.status = SubscriptionStatus.ACTIVE
        subscription.current_period_end = self.period_end
        subscription.stripe_customer_id = self.stripe_customer_id
        subscription.stripe_subscription_id = self.stripe_subscription_id
        subscription.cancel_at_period_end = False
        subscription.grace_until = None


class SubscriptionRenewed(SubscriptionEvent):
    period_end: datetime

    def change(self, subscription: SubscriptionState) -> None:
        subscription.status = SubscriptionStatus.ACTIVE
        subscription.current_period_end = self.period_end
        subscription.grace_until = None


class PaymentFailed(SubscriptionEvent):
    grace_until: datetime

    def change(self, subscription: SubscriptionState) -> None:
        subscription.status = SubscriptionStatus.PAST_DUE
        subscription.grace_until = self.grace_until


class CancellationScheduled(SubscriptionEvent):
    """Premium continues until the end of the paid period, then the subscription expires."""

    def change(self, subscription: SubscriptionState) -> None:
        subscription.cancel_at_period_end = True


class SubscriptionCanceled(SubscriptionEvent):
    def change(self, subscription: SubscriptionState) -> None:
        subscription.status = SubscriptionStatus.CANCELED
        subscription.cancel_at_period_end = False


class SubscriptionExpired(SubscriptionEvent):
    def change(self, subscription: SubscriptionState) -> None:
        subscription.status = SubscriptionStatus.EXPIRED
        subscription.cancel_at_period_end = False
