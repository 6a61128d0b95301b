"""What a user reads when the core refuses a command: the reason, never a stack trace."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reprise.application.results import Rejection
    from reprise.projections.views import EntitlementsView

_REASONS = {
    "already_in_state": "Nothing to change: {message}",
    "stale_track_report": "That track has already finished.",
}


def rejection_text(rejection: Rejection, plan: EntitlementsView | None) -> str:
    """The domain's own message, plus which plan unlocks a premium feature."""
    if rejection.code == "premium_required":
        return premium_text(rejection.details.get("feature", "That"), plan)
    template = _REASONS.get(rejection.code)
    return template.format(message=rejection.message) if template else rejection.message


def premium_text(feature: str, plan: EntitlementsView | None) -> str:
    """Names the plan that unlocks `feature` and how to get it, from the guild's entitlements."""
    if plan is None or plan.trial_available:
        how = "Start a free 14-day trial with `/premium trial`."
    elif plan.plan == "trial":
        how = "It is part of your trial; if you still see this, try again in a moment."
    else:
        how = "This server's trial is used up; upgrade to Premium to unlock it."
    return f"🔒 {feature} needs **Reprise Premium** (or a trial). {how}"


TIMEOUT_TEXT = (
    "Reprise is slower than usual right now; your request is on its way and will still be "
    "carried out once. Check `/queue` in a moment."
)
BROKER_DOWN_TEXT = "Reprise cannot reach its music service right now. Please try again shortly."
RESOLVER_DOWN_TEXT = "The audio service did not answer in time. Please try again in a moment."
UNEXPECTED_TEXT = "Something went wrong on our side; it has been logged. Please try again."
