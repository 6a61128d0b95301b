"""The nextcord client: auto-sharded, our cogs, clicks routed by custom id, voice events."""

from __future__ import annotations

from contextlib import suppress
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


def release(interaction: nextcord.Interaction[Any]) -> None:
    """Breaks the two reference cycles nextcord leaves in every interaction once it is handled.

    Its cached `response` points back at it, and `attached` is its own `__dict__`: without this,
    each interaction (with its member, user and payload) stays until the cyclic collector runs,
    and at a thousand interactions a second those collections pause every reply in flight.
    """
    interaction.attached.__dict__ = {}
    with suppress(AttributeError):
        delattr(interaction, "_cs_response")  # nextcord's cache of `response`


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
        try:
            if interaction.type is nextcord.InteractionType.component and self.router is not None:
                custom_id = str(dict(interaction.data or {}).get("custom_id", ""))
                if await self.router.route(interaction, custom_id):
                    return
            await self.process_application_commands(interaction)
        finally:
            release(interaction)

    async def on_voice_state_update(
        self, member: nextcord.Member, before: nextcord.VoiceState, after: nextcord.VoiceState
    ) -> None:
        if self.voice_bridge is not None:
            await self.voice_bridge.seen(member, after)
