"""Random subscription histories keep the life-cycle rules and replay to the same state."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from reprise.adapters.event_store.mapping import build_mapper
from reprise.domain.entitlements import Plan, SubscriptionStatus
from reprise.domain.errors import DomainError
from reprise.domain.subscription import Subscription
from reprise.domain.values import Cause, CauseKind
from tests.unit.domain.builders import NOW

if TYPE_CHECKING:
    from uuid import UUID

    from eventsourcing.domain import CanMutateAggregate

MAPPER = build_mapper()
CAUSE = Cause(CauseKind.STRIPE, "evt_x")


class SubscriptionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.subscription = Subscription.open(3)
        self.now = NOW
        self.trials = 0
        self.recorded: list[CanMutateAggregate[UUID]] = list(self.subscription.collect_events())

    def _attempt(self, action: Any, *args: Any, **kwargs: Any) -> None:
        before = copy.deepcopy(vars(self.subscription))
        try:
            action(*args, **kwargs)
        except DomainError:
            assert vars(self.subscription) == before
        events = self.subscription.collect_events()
        self.trials += sum(type(event).__name__ == "TrialStarted" for event in events)
        self.recorded.extend(events)

    @rule(days=st.integers(0, 40))
    def time_passes(self, days: int) -> None:
        self.now += timedelta(days=days)

    @rule()
    def start_trial(self) -> None:
        self._attempt(self.subscription.start_trial, self.now, CAUSE)

    @rule(days=st.integers(-5, 60))
    def activate(self, days: int) -> None:
        self._attempt(self.subscription.activate, self.now + timedelta(days=days), CAUSE)

    @rule(days=st.integers(-5, 60))
    def renew(self, days: int) -> None:
        self._attempt(self.subscription.renew, self.now + timedelta(days=days), CAUSE)

    @rule()
    def payment_fails(self) -> None:
        self._attempt(self.subscription.record_payment_failure, self.now, CAUSE)

    @rule(at_period_end=st.booleans())
    def cancel(self, at_period_end: bool) -> None:
        self._attempt(self.subscription.cancel, CAUSE, at_period_end=at_period_end)

    @rule()
    def expire(self) -> None:
        self._attempt(self.subscription.expire, self.now, CAUSE)

    @invariant()
    def one_trial_ever(self) -> None:
        assert self.trials <= 1
        assert self.subscription.trial_used == (self.trials == 1)

    @invariant()
    def lapsed_subscriptions_grant_nothing(self) -> None:
        subscription = self.subscription
        lapsed = {SubscriptionStatus.NONE, SubscriptionStatus.CANCELED, SubscriptionStatus.EXPIRED}
        if subscription.status in lapsed:
            assert subscription.entitlements_at(self.now).plan is Plan.FREE

    def teardown(self) -> None:
        replayed: Any = None
        for event in self.recorded:
            stored = MAPPER.to_stored_event(event)
            replayed = MAPPER.to_domain_event(stored).mutate(replayed)  # type: ignore[attr-defined]
        assert replayed == self.subscription


SubscriptionMachine.TestCase.settings = settings(max_examples=100, deadline=None)
TestSubscriptionProperties = SubscriptionMachine.TestCase
