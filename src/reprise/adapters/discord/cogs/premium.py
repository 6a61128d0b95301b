"""/premium status and /premium trial (upgrade and cancel arrive with the Stripe work)."""

from __future__ import annotations

import nextcord

from reprise.adapters.discord.cogs.topic import Topic
from reprise.adapters.discord.edge import Interaction, by
from reprise.adapters.discord.permissions import member_of, require_admin
from reprise.adapters.discord.views.premium_render import status_text
from reprise.domain import commands as c


class Premium(Topic):
    @nextcord.slash_command(description="Reprise Premium")
    async def premium(self, interaction: Interaction) -> None:
        """Parent of the premium subcommands; never invoked itself."""

    @premium.subcommand(description="This server's plan and what it includes")
    async def status(self, interaction: Interaction) -> None:
        async with self.edge.replying(interaction):
            plan = await self.edge.reads.entitlements(member_of(interaction).guild.id)
            await self.edge.reply(interaction, status_text(plan), ephemeral=True)

    @premium.subcommand(description="Start this server's free 14-day trial (once per server)")
    async def trial(self, interaction: Interaction) -> None:
        async with self.edge.replying(interaction):
            member = member_of(interaction)
            require_admin(member)
            await self.edge.send(interaction, c.StartTrial(**by(member)))
            await self.edge.reply(
                interaction, "✨ Your 14-day Premium trial has started: filters, autoplay, 24/7."
            )
