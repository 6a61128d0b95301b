"""Subscription life cycle: none -> trialing -> active -> past_due -> canceled / expired."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reprise.domain import errors
from reprise.domain.entitlements import PAYMENT_GRACE, TRIAL_LENGTH, Plan, SubscriptionStatus
from reprise.domain.subscription import Subscription
from reprise.domain.values import Cause, CauseKind
from tests.unit.domain.builders import NOW

ALICE = Cause(CauseKind.USER, "42")
STRIPE = Cause(CauseKind.STRIPE, "evt_1")
TIMER = Cause(CauseKind.TIMER, "trial-end")
MONTH = timedelta(days=30)


def test_a_new_subscription_is_free() -> None:
    assert Subscription.open(1).entitlements_at(NOW).plan is Plan.FREE


def test_a_trial_lasts_fourteen_days_and_records_who_started_it() -> None:
    subscription = Subscription.open(1)
    subscription.start_trial(NOW, ALICE)
    *_, started = subscription.collect_events()
    assert started.cause == ALICE  # type: ignore[attr-defined]
    assert subscription.entitlements_at(NOW).plan is Plan.TRIAL
    assert subscription.entitlements_at(NOW + TRIAL_LENGTH).plan is Plan.FREE


def test_a_guild_gets_one_trial_ever() -> None:
    subscription = Subscription.open(1)
    subscription.start_trial(NOW, ALICE)
    subscription.expire(NOW + TRIAL_LENGTH, TIMER)
    with pytest.raises(errors.TrialAlreadyUsed):
        subscription.start_trial(NOW + TRIAL_LENGTH, ALICE)


def test_premium_can_start_from_free_or_from_a_trial() -> None:
    direct, after_trial = Subscription.open(1), Subscription.open(2)
    direct.activate(NOW + MONTH, STRIPE, "cus_1", "sub_1")
    after_trial.start_trial(NOW, ALICE)
    after_trial.activate(NOW + MONTH, STRIPE)
    for subscription in (direct, after_trial):
        assert subscription.status is SubscriptionStatus.ACTIVE
        assert subscription.entitlements_at(NOW).plan is Plan.PREMIUM
    assert direct.stripe_subscription_id == "sub_1"


def test_activating_an_active_subscription_is_an_invalid_transition() -> None:
    subscription = Subscription.open(1)
    subscription.activate(NOW + MONTH, STRIPE)
    with pytest.raises(errors.InvalidTransition):
        subscription.activate(NOW + MONTH, STRIPE)


def test_renewal_extends_the_period_and_never_goes_backwards() -> None:
    subscription = Subscription.open(1)
    subscription.activate(NOW + MONTH, STRIPE)
    subscription.renew(NOW + 2 * MONTH, STRIPE)
    assert subscription.entitlements_at(NOW + MONTH + timedelta(days=1)).plan is Plan.PREMIUM
    with pytest.raises(errors.InvalidTransition):
        subscription.renew(NOW + MONTH, STRIPE)


def test_a_failed_payment_keeps_premium_through_the_grace_period() -> None:
    subscription = Subscription.open(1)
    subscription.activate(NOW + MONTH, STRIPE)
    subscription.record_payment_failure(NOW + MONTH, STRIPE)
    assert subscription.status is SubscriptionStatus.PAST_DUE
    assert subscription.entitlements_at(NOW + MONTH + timedelta(days=1)).plan is Plan.PREMIUM
    assert subscription.entitlements_at(NOW + MONTH + PAYMENT_GRACE).plan is Plan.FREE


def test_a_second_failed_payment_does_not_extend_the_grace_period() -> None:
    subscription = Subscription.open(1)
    subscription.activate(NOW + MONTH, STRIPE)
    subscription.record_payment_failure(NOW, STRIPE)
    first_grace = subscription.grace_until
    subscription.record_payment_failure(NOW + timedelta(days=3), STRIPE)
    assert subscription.grace_until == first_grace


def test_a_renewal_after_a_failed_payment_makes_it_active_again() -> None:
    subscription = Subscription.open(1)
    subscription.activate(NOW + MONTH, STRIPE)
    subscription.record_payment_failure(NOW + MONTH, STRIPE)
    subscription.renew(NOW + 2 * MONTH, STRIPE)
    assert subscription.status is SubscriptionStatus.ACTIVE
    assert subscription.grace_until is None


def test_cancel_at_period_end_keeps_premium_until_then() -> None:
    subscription = Subscription.open(1)
    subscription.activate(NOW + MONTH, STRIPE)
    subscription.cancel(ALICE, at_period_end=True)
    assert subscription.cancel_at_period_end
    assert subscription.entitlements_at(NOW).plan is Plan.PREMIUM
    with pytest.raises(errors.AlreadyInState):
        subscription.cancel(ALICE, at_period_end=True)
    subscription.expire(NOW + MONTH, TIMER)
    assert subscription.status is SubscriptionStatus.EXPIRED


def test_cancel_now_ends_premium_at_once() -> None:
    subscription = Subscription.open(1)
    subscription.activate(NOW + MONTH, STRIPE)
    subscription.cancel(ALICE, at_period_end=False)
    assert subscription.status is SubscriptionStatus.CANCELED
    assert subscription.entitlements_at(NOW).plan is Plan.FREE


def test_expiring_before_the_end_is_refused() -> None:
    subscription = Subscription.open(1)
    subscription.start_trial(NOW, ALICE)
    with pytest.raises(errors.InvalidTransition):
        subscription.expire(NOW + timedelta(days=1), TIMER)


def test_a_free_guild_cannot_cancel_or_renew() -> None:
    subscription = Subscription.open(1)
    with pytest.raises(errors.InvalidTransition):
        subscription.cancel(ALICE, at_period_end=True)
    with pytest.raises(errors.InvalidTransition):
        subscription.renew(NOW + MONTH, STRIPE)
