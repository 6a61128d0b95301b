"""/queue /nowplaying /history /remove /move /clear /shuffle /loop."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import nextcord
from nextcord import SlashOption

from reprise.adapters.discord import controls
from reprise.adapters.discord.cogs.topic import Topic
from reprise.adapters.discord.edge import Interaction, by
from reprise.adapters.discord.parsing import entry_at
from reprise.adapters.discord.permissions import listener, member_of, require_dj
from reprise.adapters.discord.playback_position import position_now
from reprise.adapters.discord.views.components import queue_pager
from reprise.adapters.discord.views.panel_render import panel_content
from reprise.adapters.discord.views.queue_pages import (
    entry_choices,
    history_text,
    page_count,
    queue_embed,
)
from reprise.adapters.discord.views.tracks import short
from reprise.domain import commands as c

LOOP_MODES = {"off": "off", "track": "track", "queue": "queue"}


class Queue(Topic):
    @nextcord.slash_command(description="Show the queue")
    async def queue(self, interaction: Interaction) -> None:
        async with self.edge.replying(interaction):
            view = await self.edge.reads.queue(member_of(interaction).guild.id)
            pager = queue_pager(0, page_count(view))
            await self.edge.reply(interaction, "", embed=queue_embed(view, 0), view=pager)

    async def turn_page(self, interaction: Interaction, page: int) -> None:
        """The ◀ / ▶ buttons under `/queue`."""
        async with self.edge.replying(interaction):
            view = await self.edge.reads.queue(member_of(interaction).guild.id)
            pages = page_count(view)
            page = max(0, min(page, pages - 1))
            pager = queue_pager(page, pages)
            await interaction.response.edit_message(embed=queue_embed(view, page), view=pager)
            pager.stop()

    @nextcord.slash_command(description="Show what is playing")
    async def nowplaying(self, interaction: Interaction) -> None:
        async with self.edge.replying(interaction):
            guild_id = member_of(interaction).guild.id
            playing = await self.edge.reads.now_playing(guild_id)
            position = position_now(playing, self.edge.panel.progress_of(guild_id))
            await self.edge.reply(interaction, "", embed=panel_content(playing, position).embed())

    @nextcord.slash_command(description="Show the tracks played recently")
    async def history(self, interaction: Interaction) -> None:
        async with self.edge.replying(interaction):
            view = await self.edge.reads.queue(member_of(interaction).guild.id)
            await self.edge.reply(interaction, history_text(view), ephemeral=True)

    @nextcord.slash_command(description="Remove a track from the queue")
    async def remove(
        self,
        interaction: Interaction,
        position: int = SlashOption(
            description="Its number in /queue", min_value=1, autocomplete=True
        ),
    ) -> None:
        async with self.edge.replying(interaction):
            who = listener(interaction)
            view = await self.edge.reads.queue(who.guild.id)
            entry = entry_at(view, position)
            if entry.requested_by != f"user:{who.member.id}":
                require_dj(who, view, "remove someone else's track")
            await self.edge.send(
                interaction, c.RemoveEntry(entry_id=UUID(entry.entry_id), **by(who.member))
            )
            await self.edge.reply(interaction, f"🗑️ Removed **{short(entry.title)}**.")

    @nextcord.slash_command(description="Move a track to another place in the queue")
    async def move(
        self,
        interaction: Interaction,
        position: int = SlashOption(
            description="Its number in /queue", min_value=1, autocomplete=True
        ),
        to: int = SlashOption(description="Its new number", min_value=1),
    ) -> None:
        async with self.edge.replying(interaction):
            who = listener(interaction)
            entry = entry_at(await self.edge.reads.queue(who.guild.id), position)
            command = c.MoveEntry(entry_id=UUID(entry.entry_id), to_index=to - 1, **by(who.member))
            await self.edge.send(interaction, command)
            await self.edge.reply(interaction, f"↕️ Moved **{short(entry.title)}** to #{to}.")

    @remove.on_autocomplete("position")
    async def _remove_positions(self, interaction: Interaction, position: Any) -> None:
        await self._positions(interaction, position)

    @move.on_autocomplete("position")
    async def _move_positions(self, interaction: Interaction, position: Any) -> None:
        await self._positions(interaction, position)

    async def _positions(self, interaction: Interaction, typed: Any) -> None:
        view = await self.edge.reads.queue(interaction.guild_id or 0)
        await interaction.response.send_autocomplete(entry_choices(view, str(typed or "")))

    @nextcord.slash_command(description="Remove every upcoming track")
    async def clear(self, interaction: Interaction) -> None:
        async with self.edge.replying(interaction):
            who = listener(interaction)
            require_dj(who, await self.edge.reads.queue(who.guild.id), "clear the queue")
            await self.edge.send(interaction, c.ClearQueue(**by(who.member)))
            await self.edge.reply(interaction, "🧹 Cleared the queue.")

    @nextcord.slash_command(description="Shuffle the upcoming tracks")
    async def shuffle(self, interaction: Interaction) -> None:
        async with self.edge.replying(interaction):
            await self.edge.reply(interaction, await controls.shuffle(self.edge, interaction))

    @nextcord.slash_command(description="Loop the track, the queue, or nothing")
    async def loop(
        self,
        interaction: Interaction,
        mode: str = SlashOption(description="What to loop", choices=LOOP_MODES),
    ) -> None:
        async with self.edge.replying(interaction):
            await self.edge.reply(interaction, await controls.loop(self.edge, interaction, mode))
