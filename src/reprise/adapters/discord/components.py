"""Clicks and picks, routed by the custom id's prefix (see `views.components`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reprise.adapters.discord import controls
from reprise.adapters.discord.views.components import PANEL, PICK, QUEUE_PAGE

if TYPE_CHECKING:
    from reprise.adapters.discord.cogs.play import Play
    from reprise.adapters.discord.cogs.queue import Queue
    from reprise.adapters.discord.edge import Edge, Interaction

_PANEL_ACTIONS = {
    "pause": controls.toggle_pause,
    "skip": controls.skip,
    "previous": controls.previous,
    "shuffle": controls.shuffle,
    "stop": controls.stop,
}


class ComponentRouter:
    def __init__(self, edge: Edge, play: Play, queue: Queue) -> None:
        self._edge = edge
        self._play = play
        self._queue = queue

    async def route(self, interaction: Interaction, custom_id: str) -> bool:
        """Handles the component if it is ours; returns whether it was."""
        prefix, _, rest = custom_id.partition(":")
        if prefix == PANEL:
            await self._panel(interaction, rest)
        elif prefix == QUEUE_PAGE:
            await self._queue.turn_page(interaction, int(rest.partition(":")[0]))
        elif prefix == PICK:
            await self._play.picked(interaction, rest)
        else:
            return False
        return True

    async def _panel(self, interaction: Interaction, action: str) -> None:
        """A panel button: the same control, checks and text as the slash command."""
        async with self._edge.replying(interaction):
            if action == "loop":
                text = await controls.loop(self._edge, interaction, None)
            else:
                text = await _PANEL_ACTIONS[action](self._edge, interaction)
            await self._edge.reply(interaction, text, ephemeral=True)
