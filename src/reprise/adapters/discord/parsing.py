"""Turning what users type into command fields; a mistake is a `Refusal` they can read."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from reprise.adapters.discord.refusals import Refusal

if TYPE_CHECKING:
    from reprise.projections.views import EntryView, QueueView

_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})$")
_RELATIVE = re.compile(r"^([+-])(\d+)$")
_SECONDS = re.compile(r"^\d+$")


def seek_target(text: str, position_ms: int) -> int:
    """`1:23` or `1:02:03` (absolute), `+30` / `-10` (seconds from `position_ms`), or `45`."""
    typed = text.strip()
    if clock := _CLOCK.match(typed):
        hours, minutes, seconds = (int(part or 0) for part in clock.groups())
        if seconds >= 60 or (hours and minutes >= 60):
            raise Refusal(f"`{typed}` is not a time: use 1:23, +30 or -10.")
        return ((hours * 60 + minutes) * 60 + seconds) * 1000
    if relative := _RELATIVE.match(typed):
        sign, amount = relative.groups()
        delta = int(amount) * 1000 * (1 if sign == "+" else -1)
        return max(0, position_ms + delta)
    if _SECONDS.match(typed):
        return int(typed) * 1000
    raise Refusal(f"`{typed}` is not a time: use 1:23, +30 or -10.")


def is_url(query: str) -> bool:
    parsed = urlparse(query.strip())
    return parsed.scheme in {"http", "https"} and bool(parsed.netloc)


def looks_like_url(query: str) -> bool:
    """Something the user meant as a link (so a failure is "invalid URL", not "no results")."""
    stripped = query.strip()
    return is_url(stripped) or stripped.startswith(("http:", "https:", "www."))


def duration(milliseconds: int) -> str:
    """`3:07`, or `1:02:03` past an hour."""
    seconds = milliseconds // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def entry_at(view: QueueView | None, position: int) -> EntryView:
    """The upcoming entry at 1-based `position`, as `/queue` numbers them."""
    upcoming = view.upcoming if view else []
    if not 1 <= position <= len(upcoming):
        raise Refusal(f"There is no track #{position} in the queue (it has {len(upcoming)}).")
    return upcoming[position - 1]
