"""The now-playing panel and `/nowplaying`: track, progress, requester, loop, volume."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import nextcord

from reprise.adapters.discord.parsing import duration
from reprise.adapters.discord.views.tracks import requester, short

if TYPE_CHECKING:
    from reprise.projections.views import NowPlaying

BAR_WIDTH = 16
PANEL_COLOUR = 0x1DB954
LOOP_ICONS = {"off": "➡️", "track": "🔂", "queue": "🔁"}


@dataclass(frozen=True, slots=True)
class PanelContent:
    """What the panel shows; equal contents need no edit."""

    title: str
    description: str
    footer: str
    paused: bool
    playing: bool
    loop: str

    def embed(self) -> nextcord.Embed:
        embed = nextcord.Embed(title=self.title, description=self.description, colour=PANEL_COLOUR)
        embed.set_footer(text=self.footer)
        return embed


def progress_bar(position_ms: int, length_ms: int) -> str:
    if length_ms <= 0:
        return "🔴 live"
    filled = min(BAR_WIDTH, round(BAR_WIDTH * position_ms / length_ms))
    bar = "▬" * filled + "🔘" + "▬" * (BAR_WIDTH - filled)
    return f"{bar} {duration(position_ms)} / {duration(length_ms)}"


def panel_content(playing: NowPlaying | None, position_ms: int) -> PanelContent:
    if playing is None or playing.entry is None:
        return PanelContent(
            "⏹️ Nothing playing", "Add music with `/play`.", "Reprise", False, False, "off"
        )
    entry = playing.entry
    state = "⏸️ Paused" if playing.paused else "▶️ Now playing"
    length = 0 if entry.is_stream else entry.length_ms
    lines = [
        f"**{short(entry.title)}** by {short(entry.author, 40)}",
        progress_bar(min(position_ms, length) if length else 0, length),
        f"Requested by {requester(entry)}",
    ]
    if playing.next_title:
        lines.append(f"Next: {short(playing.next_title)}")
    footer = (
        f"{LOOP_ICONS.get(playing.loop, '')} loop {playing.loop} · volume {playing.volume}% "
        f"· filter {playing.filters}"
    )
    return PanelContent(state, "\n".join(lines), footer, playing.paused, True, playing.loop)
