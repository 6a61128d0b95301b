"""Assembling the gateway from its ports, and feeding it the `ui` stream."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reprise.adapters.discord.bot import RepriseBot
from reprise.adapters.discord.cogs.play import Play
from reprise.adapters.discord.cogs.playback import Playback
from reprise.adapters.discord.cogs.premium import Premium
from reprise.adapters.discord.cogs.queue import Queue
from reprise.adapters.discord.cogs.settings import Settings
from reprise.adapters.discord.components import ComponentRouter
from reprise.adapters.discord.edge import Edge
from reprise.adapters.discord.enqueueing import Enqueueing
from reprise.adapters.discord.panel import PanelKeeper
from reprise.adapters.discord.reads import ReadModels
from reprise.adapters.discord.voice import VoiceBridge
from reprise.adapters.discord.votes import SkipVotes
from reprise.application.messaging import CommandBus
from reprise.application.voice_messages import PlaybackProgress, VoiceConnectRequested
from reprise.application.voice_ports import TrackResolver, VoiceChannel
from reprise.projections.ports import ReadCache

if TYPE_CHECKING:
    from reprise.adapters.discord.options import GatewayOptions
    from reprise.application.voice_messages import UiMessage


@dataclass(frozen=True, slots=True)
class GatewayPorts:
    commands: CommandBus
    cache: ReadCache
    resolver: TrackResolver
    voice: VoiceChannel


class Gateway:
    """The bot and everything around it; `on_ui` is the `ui` stream's handler."""

    def __init__(
        self,
        ports: GatewayPorts,
        options: GatewayOptions,
        bot_class: type[RepriseBot] = RepriseBot,
        **client_options: Any,
    ) -> None:
        self.bot = bot_class(**client_options)
        reads = ReadModels(ports.cache)
        self.panel = PanelKeeper(self.bot, reads, options)
        self.edge = Edge(ports.commands, reads, ports.resolver, self.panel, SkipVotes(), options)
        self.voice = VoiceBridge(
            self.bot, ports.voice, ports.commands, reads, options.idle_leave_after
        )
        play = Play(self.edge, Enqueueing(self.edge, self.voice))
        queue = Queue(self.edge)
        for cog in (play, queue, Playback(self.edge), Settings(self.edge), Premium(self.edge)):
            self.bot.add_cog(cog)
        self.bot.router = ComponentRouter(self.edge, play, queue)
        self.bot.voice_bridge = self.voice

    async def on_ui(self, message: UiMessage) -> None:
        match message:
            case VoiceConnectRequested():
                await self.voice.connect(message)
            case PlaybackProgress():
                self.panel.on_progress(message)

    async def run(self, token: str) -> None:
        """Logs in and serves until cancelled."""
        try:
            await self.bot.start(token)
        finally:
            await self.close()

    async def start(self, token: str) -> asyncio.Task[None]:
        """Starts the bot in the background and waits until every shard is ready."""
        running = asyncio.create_task(self.bot.start(token))
        ready = asyncio.create_task(self.bot.wait_until_ready())
        await asyncio.wait({running, ready}, return_when=asyncio.FIRST_COMPLETED)
        if running.done():
            ready.cancel()
            running.result()
        return running

    async def close(self) -> None:
        try:
            await self.panel.close()
            await self.voice.close()
        finally:
            if not self.bot.is_closed():
                await self.bot.close()
