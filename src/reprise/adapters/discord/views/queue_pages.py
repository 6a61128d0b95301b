"""`/queue` and `/history`: the upcoming entries ten to a page, and what played before."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import nextcord

from reprise.adapters.discord.parsing import duration
from reprise.adapters.discord.views.tracks import requester, short, track_line

if TYPE_CHECKING:
    from reprise.projections.views import QueueView

PAGE_SIZE = 10
QUEUE_COLOUR = 0x5865F2


def page_count(view: QueueView | None) -> int:
    return max(1, math.ceil(len(view.upcoming) / PAGE_SIZE)) if view else 1


def queue_embed(view: QueueView | None, page: int) -> nextcord.Embed:
    """Page `page` (0-based, clamped) of the queue."""
    embed = nextcord.Embed(title="Queue", colour=QUEUE_COLOUR)
    if view is None or (view.current is None and not view.upcoming):
        embed.description = "The queue is empty. Add something with `/play`."
        return embed
    pages = page_count(view)
    page = max(0, min(page, pages - 1))
    if view.current is not None:
        state = "⏸️ Paused" if view.paused else "▶️ Now playing"
        embed.add_field(name=state, value=track_line(view.current), inline=False)
    start = page * PAGE_SIZE
    lines = [
        f"`{start + number}.` {track_line(entry)} · {requester(entry)}"
        for number, entry in enumerate(view.upcoming[start : start + PAGE_SIZE], start=1)
    ]
    embed.add_field(name="Up next", value="\n".join(lines) or "Nothing queued.", inline=False)
    total = duration(view.upcoming_total_ms)
    embed.set_footer(
        text=f"Page {page + 1}/{pages} · {len(view.upcoming)} tracks · {total} · "
        f"loop {view.loop} · volume {view.volume}%"
    )
    return embed


def history_text(view: QueueView | None) -> str:
    if view is None or not view.history:
        return "Nothing has played here yet."
    lines = [f"`{n}.` {track_line(entry)}" for n, entry in enumerate(view.history, start=1)]
    return "🕘 **Recently played**\n" + "\n".join(lines)


def entry_choices(view: QueueView | None, typed: str) -> dict[str, int]:
    """Autocomplete choices for a queue position: `3. Title` → 3 (at most 25, Discord's cap)."""
    if view is None:
        return {}
    wanted = typed.strip().lower()
    choices: dict[str, int] = {}
    for number, entry in enumerate(view.upcoming, start=1):
        label = f"{number}. {short(entry.title, 90)}"
        if wanted in label.lower() and len(choices) < 25:
            choices[label] = number
    return choices
