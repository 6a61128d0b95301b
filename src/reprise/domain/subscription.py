"""The Subscription aggregate: a guild's premium life cycle, one trial per guild, ever."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.domain import Aggregate

from reprise.domain import errors
from reprise.domain.entitlements import (
    PAYMENT_GRACE,
    TRIAL_LENGTH,
    Entitlements,
    SubscriptionStatus,
    SubscriptionTerms,
    entitlements_at,
)
from reprise.domain.ids import subscription_id
from reprise.domain.subscription_events import (
    CancellationScheduled,
    PaymentFailed,
    PremiumActivated,
    SubscriptionCanceled,
    SubscriptionExpired,
    SubscriptionOpened,
    SubscriptionRenewed,
    TrialStarted,
)

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from reprise.domain.values import Cause

_Status = SubscriptionStatus
_PAYING = frozenset({_Status.ACTIVE, _Status.PAST_DUE})
_LAPSED = frozenset({_Status.NONE, _Status.CANCELED, _Status.EXPIRED})


class Subscription(Aggregate):
    """none -> trialing -> active -> past_due -> canceled / expired."""

    @staticmethod
    def create_id(guild_id: int) -> UUID:
        return subscription_id(guild_id)

    @classmethod
    def open(cls, guild_id: int) -> Subscription:
        return cls._create(SubscriptionOpened, guild_id=guild_id)

    def __init__(self, guild_id: int) -> None:
        self.guild_id = guild_id
        self.status = _Status.NONE
        self.trial_used = False
        self.trial_ends_at: datetime | None = None
        self.current_period_end: datetime | None = None
        self.grace_until: datetime | None = None
        self.cancel_at_period_end = False
        self.stripe_customer_id: str | None = None
        self.stripe_subscription_id: str | None = None

    @property
    def terms(self) -> SubscriptionTerms:
        return SubscriptionTerms(
            self.status, self.trial_ends_at, self.current_period_end, self.grace_until
        )

    def entitlements_at(self, now: datetime) -> Entitlements:
        return entitlements_at(self.terms, now)

    def start_trial(self, now: datetime, cause: Cause) -> None:
        if self.trial_used:
            raise errors.TrialAlreadyUsed(self.guild_id)
        self._require(_LAPSED, "start a trial on")
        self.trigger_event(TrialStarted, cause=cause, ends_at=now + TRIAL_LENGTH)

    def activate(
        self,
        period_end: datetime,
        cause: Cause,
        stripe_customer_id: str | None = None,
        stripe_subscription_id: str | None = None,
    ) -> None:
        self._require(_LAPSED | {_Status.TRIALING}, "activate")
        self.trigger_event(
            PremiumActivated,
            cause=cause,
            period_end=period_end,
            stripe_customer_id=stripe_customer_id,
            stripe_subscription_id=stripe_subscription_id,
        )

    def renew(self, period_end: datetime, cause: Cause) -> None:
        self._require(_PAYING, "renew")
        if self.current_period_end is not None and period_end <= self.current_period_end:
            raise errors.InvalidTransition(self.status.value, "renew backwards in time")
        self.trigger_event(SubscriptionRenewed, cause=cause, period_end=period_end)

    def record_payment_failure(self, now: datetime, cause: Cause) -> None:
        self._require(_PAYING, "record a failed payment for")
        grace = self.grace_until if self.status is _Status.PAST_DUE else now + PAYMENT_GRACE
        self.trigger_event(PaymentFailed, cause=cause, grace_until=grace)

    def cancel(self, cause: Cause, *, at_period_end: bool) -> None:
        self._require(_PAYING | {_Status.TRIALING}, "cancel")
        if at_period_end and self.status is _Status.ACTIVE:
            if self.cancel_at_period_end:
                raise errors.AlreadyInState("set to cancel at the end of the period")
            self.trigger_event(CancellationScheduled, cause=cause)
        else:
            self.trigger_event(SubscriptionCanceled, cause=cause)

    def expire(self, now: datetime, cause: Cause) -> None:
        """Close a trial, period or grace time that has run out (the worker's timers call it)."""
        self._require(_PAYING | {_Status.TRIALING}, "expire")
        if self.entitlements_at(now).until is not None:
            raise errors.InvalidTransition(self.status.value, "expire before its end")
        self.trigger_event(SubscriptionExpired, cause=cause)

    def invariant_violations(self) -> list[str]:
        problems = []
        if self.status is not _Status.NONE and not self.trial_used and self.trial_ends_at:
            problems.append("a trial end without a trial")
        if self.status is _Status.TRIALING and self.trial_ends_at is None:
            problems.append("trialing without a trial end")
        if self.status is _Status.ACTIVE and self.current_period_end is None:
            problems.append("active without a period end")
        if self.status is _Status.PAST_DUE and self.grace_until is None:
            problems.append("past due without a grace period")
        return problems

    def _require(self, allowed: frozenset[SubscriptionStatus], action: str) -> None:
        if self.status not in allowed:
            raise errors.InvalidTransition(self.status.value, action)
