"""What the gateway benchmark drives: the stand-in's guilds, Reprise's gateway, a baseline bot.

Reprise's gateway runs on the embedded default (in-memory event store, in-process bus,
relay and projector, in-memory read cache), so the figures are the gateway's and not the
backbone's (the command pipeline has its own benchmark). Track resolution answers one fixed
track at once, standing in for the audio process.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import nextcord
from tests.fakes.discord import FakeGuild, FakeUser

from reprise.adapters import bootstrap
from reprise.adapters.discord.bot import intents
from reprise.adapters.discord.gateway import Gateway, GatewayPorts
from reprise.adapters.discord.options import GatewayOptions
from reprise.adapters.inprocess.command_bus import InProcessCommandBus
from reprise.adapters.inprocess.track_resolver import InProcessTrackResolver
from reprise.adapters.inprocess.tracking import InMemoryGuildPositions, LocalLeadership
from reprise.adapters.inprocess.voice_streams import InProcessStream
from reprise.application.voice_messages import Resolution, VoiceMessage
from reprise.domain.commands import TrackData
from reprise.settings import Settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from tests.fakes.discord import FakeDiscord

TOKEN = "bench-token"  # noqa: S105 - only the stand-in checks it
TRACK = TrackData(
    encoded="QAAAbench", identifier="bench", title="Bench Tone", author="Reprise", length_ms=600_000
)
REPLIES = {"pause": "⏸️ Paused.", "resume": "▶️ Resumed."}


@dataclass(frozen=True)
class Listener:
    user: FakeUser
    guild: FakeGuild


def populate(discord: FakeDiscord, guilds: int) -> list[Listener]:
    """`guilds` guilds, each with one member sitting in its voice channel."""
    listeners = []
    for index in range(guilds):
        guild = discord.add_guild((index + 1) << 22, name=f"Guild {index}")
        user = guild.add_member(10_000 + index, f"listener{index}")
        guild.state.set_voice_state(user.id, guild.voice_channel.id, f"session{index}")
        listeners.append(Listener(user, guild))
    return listeners


async def _resolve(_query: str) -> Resolution:
    return Resolution(kind="track", tracks=(TRACK,))


@asynccontextmanager
async def reprise_gateway(panel_edit_interval: float) -> AsyncIterator[nextcord.Client]:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    async with AsyncExitStack() as stack:
        core = bootstrap.assemble_core(bootstrap.in_memory_event_store(), settings)
        stack.push_async_callback(core.close)
        events = bootstrap.event_bus()
        stack.push_async_callback(events.close)
        cache = bootstrap.open_read_cache(settings)
        projector = await bootstrap.build_projector(core.store, cache)
        events.subscribe_batches("projector", projector.apply_batch, InMemoryGuildPositions())
        relay = await bootstrap.build_relay(settings, core.store, events)
        relaying = asyncio.create_task(relay.run(LocalLeadership()))
        resolver = InProcessTrackResolver()
        resolver.bind(_resolve)
        voice: InProcessStream[VoiceMessage] = InProcessStream("voice")
        ports = GatewayPorts(InProcessCommandBus(core.bus), cache, resolver, voice)
        options = GatewayOptions(panel_edit_interval=panel_edit_interval)
        gateway = Gateway(ports, options, guild_ready_timeout=0.05)
        stack.push_async_callback(gateway.close)
        try:
            await gateway.start(TOKEN)
            yield gateway.bot
        finally:
            relaying.cancel()
            with suppress(asyncio.CancelledError):
                await relaying


class _Answers(nextcord.ClientCog):
    """The least a bot can do: answer each command at once with a constant."""

    @nextcord.slash_command(description="Pause")  # type: ignore[untyped-decorator]
    async def pause(self, interaction: nextcord.Interaction[Any]) -> None:
        await interaction.response.send_message(REPLIES["pause"])

    @nextcord.slash_command(description="Resume")  # type: ignore[untyped-decorator]
    async def resume(self, interaction: nextcord.Interaction[Any]) -> None:
        await interaction.response.send_message(REPLIES["resume"])

    @nextcord.slash_command(description="Play")  # type: ignore[untyped-decorator]
    async def play(
        self, interaction: nextcord.Interaction[Any], query: str, play_next: bool = False
    ) -> None:
        await interaction.response.defer(ephemeral=True)
        await interaction.followup.send(f"Queued {query}")


@asynccontextmanager
async def baseline_bot() -> AsyncIterator[nextcord.Client]:
    """A plain nextcord auto-sharded client, configured as Reprise's, with constant answers."""
    bot = nextcord.AutoShardedClient(
        intents=intents(),
        chunk_guilds_at_startup=False,
        max_messages=None,
        guild_ready_timeout=0.05,
    )
    bot.add_cog(_Answers())
    running = asyncio.create_task(bot.start(TOKEN))
    ready = asyncio.create_task(bot.wait_until_ready())
    await asyncio.wait({running, ready}, return_when=asyncio.FIRST_COMPLETED)
    try:
        yield bot
    finally:
        await bot.close()
        with suppress(asyncio.CancelledError):
            await running
