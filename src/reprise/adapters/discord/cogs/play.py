"""/play: a link (track or playlist) is queued at once; words offer the top results to pick."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import nextcord
from nextcord import SlashOption

from reprise.adapters.discord.cogs.topic import Topic
from reprise.adapters.discord.edge import Interaction, component_values
from reprise.adapters.discord.permissions import listener
from reprise.adapters.discord.views.components import search_menu
from reprise.adapters.discord.views.tracks import queued_text, short

if TYPE_CHECKING:
    from reprise.adapters.discord.edge import Edge
    from reprise.adapters.discord.enqueueing import Enqueueing


class Play(Topic):
    def __init__(self, edge: Edge, enqueueing: Enqueueing) -> None:
        super().__init__(edge)
        self.enqueueing = enqueueing

    @nextcord.slash_command(description="Play a song or a playlist: a link, or words to search for")
    async def play(
        self,
        interaction: Interaction,
        query: str = SlashOption(
            description="A link, or words to search for", max_length=500, autocomplete=True
        ),
        play_next: bool = SlashOption(
            name="next",
            description="Play it right after the current track",
            required=False,
            default=False,
        ),
    ) -> None:
        async with self.edge.replying(interaction):
            who = listener(interaction)
            await interaction.response.defer(ephemeral=True)
            found = await self.enqueueing.find(query)
            if found.kind == "search":
                token = self.enqueueing.offer(who, found, play_next, _now())
                menu = search_menu(token, list(found.tracks[: self.edge.options.search_results]))
                await self.edge.reply(
                    interaction, f"🔎 Results for “{short(query, 100)}”:", view=menu
                )
                return
            await self.enqueueing.enqueue(interaction, who, list(found.tracks), play_next)
            await self.edge.reply(interaction, queued_text(found, list(found.tracks), play_next))

    async def picked(self, interaction: Interaction, token: str) -> None:
        """A pick in the search results' select menu."""
        async with self.edge.replying(interaction):
            who = listener(interaction)
            values = component_values(interaction)
            tracks, play_next = self.enqueueing.take(token, who.member.id, values)
            await interaction.response.defer()
            await self.enqueueing.enqueue(interaction, who, tracks, play_next)
            text = f"Queued {', '.join(f'**{short(t.title)}**' for t in tracks)}."
            await interaction.edit_original_message(content=text, view=None)

    @play.on_autocomplete("query")
    async def _recent_titles(self, interaction: Interaction, query: Any) -> None:
        """Recently played titles that match what is typed (no Lavalink call per keystroke)."""
        view = await self.edge.reads.queue(interaction.guild_id or 0)
        typed = str(query or "").lower()
        seen = [e.title for e in (view.history if view else []) if typed in e.title.lower()]
        await interaction.response.send_autocomplete(list(dict.fromkeys(seen))[:25])


def _now() -> float:
    return asyncio.get_running_loop().time()
