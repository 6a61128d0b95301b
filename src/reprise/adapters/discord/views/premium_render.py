"""`/premium status`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reprise.projections.views import EntitlementsView


def _yes(flag: bool) -> str:
    return "✅" if flag else "🔒"


def status_text(plan: EntitlementsView | None) -> str:
    if plan is None:
        return (
            "**Plan: Free** · queue up to 100 tracks, volume up to 100%.\n"
            "🔒 filters · 🔒 autoplay · 🔒 24/7 — start a free 14-day trial with `/premium trial`."
        )
    until = f" until {plan.until:%Y-%m-%d}" if plan.until else ""
    lines = [
        f"**Plan: {plan.plan.title()}**{until} (subscription {plan.status.replace('_', ' ')})",
        f"Queue up to {plan.max_queue_length} tracks · volume up to {plan.max_volume}%",
        f"{_yes(plan.filters)} filters · {_yes(plan.autoplay)} autoplay · "
        f"{_yes(plan.always_on)} 24/7",
    ]
    if plan.plan == "free":
        lines.append(
            "Start a free 14-day trial with `/premium trial`."
            if plan.trial_available
            else "The free trial has been used; upgrade to Premium to unlock these."
        )
    if plan.cancel_at_period_end:
        lines.append("Premium ends at the end of this period.")
    return "\n".join(lines)
