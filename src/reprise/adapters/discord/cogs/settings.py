"""/volume /filter /autoplay /247 /dj."""

from __future__ import annotations

import nextcord
from nextcord import SlashOption

from reprise.adapters.discord.cogs.topic import Topic
from reprise.adapters.discord.edge import Interaction, by
from reprise.adapters.discord.permissions import listener, member_of, require_admin
from reprise.domain import commands as c
from reprise.domain.entitlements import ABSOLUTE_MAX_VOLUME
from reprise.domain.values import FilterPreset

FILTERS = {preset.value: preset.value for preset in FilterPreset}


def _on_off(enabled: bool) -> str:
    return "on" if enabled else "off"


class Settings(Topic):
    @nextcord.slash_command(description="Set the volume (above 100% needs Premium)")
    async def volume(
        self,
        interaction: Interaction,
        percent: int = SlashOption(
            description="0 to 200", min_value=0, max_value=ABSOLUTE_MAX_VOLUME
        ),
    ) -> None:
        async with self.edge.replying(interaction):
            who = listener(interaction)
            await self.edge.send(interaction, c.SetVolume(volume=percent, **by(who.member)))
            await self.edge.reply(interaction, f"🔊 Volume {percent}%.")

    @nextcord.slash_command(name="filter", description="Apply an audio filter (Premium)")
    async def audio_filter(
        self,
        interaction: Interaction,
        preset: str = SlashOption(description="The filter", choices=FILTERS),
    ) -> None:
        async with self.edge.replying(interaction):
            who = listener(interaction)
            chosen = FilterPreset(preset)
            await self.edge.send(interaction, c.SetFilters(preset=chosen, **by(who.member)))
            await self.edge.reply(interaction, f"🎛️ Filter: {chosen.value}.")

    @nextcord.slash_command(description="Keep playing similar tracks when the queue ends (Premium)")
    async def autoplay(
        self, interaction: Interaction, enabled: bool = SlashOption(description="On or off")
    ) -> None:
        async with self.edge.replying(interaction):
            who = listener(interaction)
            await self.edge.send(interaction, c.SetAutoplay(enabled=enabled, **by(who.member)))
            await self.edge.reply(interaction, f"♾️ Autoplay {_on_off(enabled)}.")

    @nextcord.slash_command(name="247", description="Stay in voice even when alone (Premium)")
    async def always_on(
        self, interaction: Interaction, enabled: bool = SlashOption(description="On or off")
    ) -> None:
        async with self.edge.replying(interaction):
            who = listener(interaction)
            await self.edge.send(interaction, c.SetAlwaysOn(enabled=enabled, **by(who.member)))
            await self.edge.reply(interaction, f"🌙 24/7 mode {_on_off(enabled)}.")

    @nextcord.slash_command(description="The DJ role destructive actions need")
    async def dj(self, interaction: Interaction) -> None:
        """Parent of /dj set and /dj clear; never invoked itself."""

    @dj.subcommand(name="set", description="Require a role for clear, stop and skipping others")
    async def dj_set(
        self,
        interaction: Interaction,
        role: nextcord.Role = SlashOption(description="The DJ role"),
    ) -> None:
        async with self.edge.replying(interaction):
            member = member_of(interaction)
            require_admin(member)
            await self.edge.send(interaction, c.SetDjRole(role_id=role.id, **by(member)))
            await self.edge.reply(interaction, f"🎧 DJ role: {role.mention}.", ephemeral=True)

    @dj.subcommand(name="clear", description="Let everyone in voice use every control")
    async def dj_clear(self, interaction: Interaction) -> None:
        async with self.edge.replying(interaction):
            member = member_of(interaction)
            require_admin(member)
            await self.edge.send(interaction, c.SetDjRole(role_id=None, **by(member)))
            await self.edge.reply(interaction, "🎧 No DJ role any more.", ephemeral=True)
