"""/pause /resume /skip /skipto /previous /stop /seek."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import nextcord
from nextcord import SlashOption

from reprise.adapters.discord import controls
from reprise.adapters.discord.cogs.topic import Topic
from reprise.adapters.discord.edge import Interaction, by
from reprise.adapters.discord.parsing import duration, entry_at, seek_target
from reprise.adapters.discord.permissions import listener, require_dj
from reprise.adapters.discord.playback_position import position_now
from reprise.adapters.discord.views.queue_pages import entry_choices
from reprise.adapters.discord.views.tracks import short
from reprise.domain import commands as c


class Playback(Topic):
    @nextcord.slash_command(description="Pause the music")
    async def pause(self, interaction: Interaction) -> None:
        async with self.edge.replying(interaction):
            await self.edge.reply(interaction, await controls.pause(self.edge, interaction))

    @nextcord.slash_command(description="Resume the music")
    async def resume(self, interaction: Interaction) -> None:
        async with self.edge.replying(interaction):
            await self.edge.reply(interaction, await controls.resume(self.edge, interaction))

    @nextcord.slash_command(description="Skip the current track (others vote, or a DJ decides)")
    async def skip(self, interaction: Interaction) -> None:
        async with self.edge.replying(interaction):
            await self.edge.reply(interaction, await controls.skip(self.edge, interaction))

    @nextcord.slash_command(description="Go back to the previous track")
    async def previous(self, interaction: Interaction) -> None:
        async with self.edge.replying(interaction):
            await self.edge.reply(interaction, await controls.previous(self.edge, interaction))

    @nextcord.slash_command(description="Stop the music and clear the queue")
    async def stop(self, interaction: Interaction) -> None:
        async with self.edge.replying(interaction):
            await self.edge.reply(interaction, await controls.stop(self.edge, interaction))

    @nextcord.slash_command(description="Skip ahead to a track in the queue")
    async def skipto(
        self,
        interaction: Interaction,
        position: int = SlashOption(
            description="Its number in /queue", min_value=1, autocomplete=True
        ),
    ) -> None:
        async with self.edge.replying(interaction):
            who = listener(interaction)
            view = await self.edge.reads.queue(who.guild.id)
            require_dj(who, view, "skip ahead in the queue")
            entry = entry_at(view, position)
            await self.edge.send(
                interaction, c.SkipTo(entry_id=UUID(entry.entry_id), **by(who.member))
            )
            await self.edge.reply(interaction, f"⏭️ Skipped to **{short(entry.title)}**.")

    @skipto.on_autocomplete("position")
    async def _skipto_positions(self, interaction: Interaction, position: Any) -> None:
        view = await self.edge.reads.queue(interaction.guild_id or 0)
        await interaction.response.send_autocomplete(entry_choices(view, str(position or "")))

    @nextcord.slash_command(description="Jump within the track: 1:23, +30 or -10")
    async def seek(
        self,
        interaction: Interaction,
        to: str = SlashOption(description="A time like 1:23, or +30 / -10 seconds", max_length=12),
    ) -> None:
        async with self.edge.replying(interaction):
            who = listener(interaction)
            playing = await self.edge.reads.now_playing(who.guild.id)
            now = position_now(playing, self.edge.panel.progress_of(who.guild.id))
            target = seek_target(to, now)
            await self.edge.send(interaction, c.Seek(position_ms=target, **by(who.member)))
            await self.edge.reply(interaction, f"⏩ Jumped to {duration(target)}.")
