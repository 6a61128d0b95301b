"""The nextcord client: auto-sharded, our cogs, clicks routed by custom id, voice events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nextcord

if TYPE_CHECKING:
    from reprise.adapters.discord.components import ComponentRouter
    from reprise.adapters.discord.voice import VoiceBridge


def intents() -> nextcord.Intents:
    """Guilds (channels, roles) and voice states; no privileged intents."""
    wanted = nextcord.Intents.none()
    wanted.guilds = True
    wanted.voice_states = True
    return wanted


class RepriseBot(nextcord.AutoShardedClient):
    """`shard_ids`/`shard_count` None means every shard Discord recommends."""

    def __init__(
        self,
        *,
        shard_ids: list[int] | None = None,
        shard_count: int | None = None,
        **options: Any,
    ) -> None:
        super().__init__(
            intents=intents(),
            shard_ids=shard_ids,
            shard_count=shard_count,
            chunk_guilds_at_startup=False,
            max_messages=None,  # no message cache: the panel is edited by id
            **options,
        )
        self.router: ComponentRouter | None = None
        self.voice_bridge: VoiceBridge | None = None

    async def on_interaction(self, interaction: nextcord.Interaction[Any]) -> None:
        if interaction.type is nextcord.InteractionType.component and self.router is not None:
            custom_id = str(dict(interaction.data or {}).get("custom_id", ""))
            if await self.router.route(interaction, custom_id):
                return
        await self.process_application_commands(interaction)

    async def on_voice_state_update(
        self, member: nextcord.Member, before: nextcord.VoiceState, after: nextcord.VoiceState
    ) -> None:
        if self.voice_bridge is not None:
            await self.voice_bridge.seen(member, after)
