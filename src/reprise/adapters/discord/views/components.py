"""Buttons and select menus, built for display only.

Clicks are routed by custom id in `RepriseBot.on_interaction` (see `components`), not through
nextcord's view store, so a guild's panel costs no per-message listener. Callers `stop()` a
view once the message is sent so nextcord forgets it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nextcord

from reprise.adapters.discord.views.tracks import short

if TYPE_CHECKING:
    from reprise.adapters.discord.views.panel_render import PanelContent
    from reprise.domain.commands import TrackData

PANEL = "panel"
QUEUE_PAGE = "queue"
PICK = "pick"
_LOOP_NEXT = {"off": "track", "track": "queue", "queue": "off"}


def next_loop_mode(current: str) -> str:
    return _LOOP_NEXT.get(current, "off")


def _button(
    view: nextcord.ui.View,
    label: str,
    custom_id: str,
    *,
    disabled: bool = False,
    primary: bool = False,
) -> None:
    style = nextcord.ButtonStyle.primary if primary else nextcord.ButtonStyle.secondary
    button: nextcord.ui.Button[Any] = nextcord.ui.Button(
        label=label, custom_id=custom_id, style=style, disabled=disabled
    )
    view.add_item(button)


def panel_buttons(content: PanelContent) -> nextcord.ui.View:
    """pause/resume, skip, previous, loop, shuffle, stop."""
    view = nextcord.ui.View(timeout=None)
    off = not content.playing
    _button(
        view, "Resume" if content.paused else "Pause", f"{PANEL}:pause", disabled=off, primary=True
    )
    _button(view, "Skip", f"{PANEL}:skip", disabled=off)
    _button(view, "Previous", f"{PANEL}:previous")
    _button(view, f"Loop: {content.loop}", f"{PANEL}:loop")
    _button(view, "Shuffle", f"{PANEL}:shuffle")
    _button(view, "Stop", f"{PANEL}:stop", disabled=off)
    return view


def queue_pager(page: int, pages: int) -> nextcord.ui.View:
    view = nextcord.ui.View(timeout=None)
    _button(view, "◀ Previous page", f"{QUEUE_PAGE}:{page - 1}:prev", disabled=page <= 0)
    _button(view, "Next page ▶", f"{QUEUE_PAGE}:{page + 1}:next", disabled=page >= pages - 1)
    return view


def search_menu(token: str, tracks: list[TrackData]) -> nextcord.ui.View:
    view = nextcord.ui.View(timeout=None)
    options = [
        nextcord.SelectOption(
            label=short(track.title, 100),
            description=short(track.author or "unknown artist", 100),
            value=str(index),
        )
        for index, track in enumerate(tracks)
    ]
    menu: nextcord.ui.StringSelect[Any] = nextcord.ui.StringSelect(
        custom_id=f"{PICK}:{token}", placeholder="Pick a result to queue", options=options
    )
    view.add_item(menu)
    return view
