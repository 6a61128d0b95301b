"""The audio process: mafic on an offline Discord client, driven by the queue's events.

It follows the `events` stream (`handle_event`) and the forwarded voice updates
(`handle_voice`), serves track resolution (`resolve`), reports track ends and failures as
commands, asks the gateway to join or leave on `ui`, and moves players between nodes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reprise.adapters.lavalink.event_driver import drive
from reprise.adapters.lavalink.lavalink_events import LavalinkEvents
from reprise.adapters.lavalink.node_failover import NodeFailover
from reprise.adapters.lavalink.node_sessions import NodeSessions
from reprise.adapters.lavalink.node_specs import NodeSpec
from reprise.adapters.lavalink.nodes import LavalinkNodes
from reprise.adapters.lavalink.offline_client import OfflineDiscordClient
from reprise.adapters.lavalink.players import Players
from reprise.adapters.lavalink.resolver import LavalinkTrackResolver
from reprise.adapters.lavalink.restore import Restorer
from reprise.adapters.lavalink.track_reports import TrackReports
from reprise.adapters.lavalink.watchdog import STALL_AFTER_S, watch
from reprise.application.messaging import CommandBus, GuildPositions
from reprise.application.voice_messages import VoiceConnectRequested, VoiceStateForwarded
from reprise.application.voice_ports import UiChannel
from reprise.domain.queue_events import TrackStarted
from reprise.projections.ports import ReadCache

if TYPE_CHECKING:
    from reprise.application.ports import Notification
    from reprise.application.voice_messages import Resolution, VoiceMessage


@dataclass(frozen=True)
class AudioConfig:
    """`instance` names this process's Lavalink sessions (one set per audio process)."""

    bot_user_id: int
    nodes: Sequence[NodeSpec]
    instance: str = "audio"
    stall_after: float = STALL_AFTER_S
    watchdog_every: float = 1.0
    rejoin_lost: bool = True


@dataclass(frozen=True)
class AudioPorts:
    commands: CommandBus
    ui: UiChannel
    cache: ReadCache
    positions: GuildPositions
    sessions: NodeSessions


class AudioProcess:
    def __init__(self, config: AudioConfig, ports: AudioPorts) -> None:
        self.config = config
        self.client = OfflineDiscordClient(
            config.bot_user_id, on_voice_request=self._voice_request, on_event=self._on_event
        )
        self.nodes = LavalinkNodes(self.client, config.nodes, ports.sessions, config.instance)
        self.players = Players(self.client, self.nodes, TrackReports(ports.commands), ports.ui)
        self.restorer = Restorer(self.players, ports.cache, ports.positions)
        self.failover = NodeFailover(self.players, self.restorer.adopt)
        self._lavalink_events = LavalinkEvents(self.players, self.failover)
        self._resolver = LavalinkTrackResolver(self.nodes)
        self._watchdog: asyncio.Task[None] | None = None

    async def start(self, *, connect_within: float = 10.0) -> None:
        """Connect (resuming) the nodes, take over kept players, rejoin lost ones, watch."""
        await self.nodes.connect(self.failover.node_ready, answer_within=connect_within)
        if self.config.rejoin_lost:
            await self.restorer.rejoin_lost()
        self._watchdog = asyncio.create_task(
            watch(
                self.players,
                stall_after=self.config.stall_after,
                every=self.config.watchdog_every,
            ),
            name="audio watchdog",
        )

    async def handle_event(self, notification: Notification) -> None:
        if isinstance(notification.event, TrackStarted):
            await self.restorer.find_channel(notification.guild_id)
        await drive(self.players, notification)

    async def handle_voice(self, message: VoiceMessage) -> None:
        if isinstance(message, VoiceStateForwarded):
            await self.players.voice_state(message)
        else:
            await self.players.voice_server(message)

    async def resolve(self, query: str) -> Resolution:
        return await self._resolver.resolve(query)

    async def stop(self) -> None:
        """Stop without destroying players: Lavalink keeps the sessions for a restart."""
        if self._watchdog is not None:
            self._watchdog.cancel()
            with suppress(asyncio.CancelledError):
                await self._watchdog
        await self.players.close()
        await self.nodes.close()
        await self.client.close()

    async def _voice_request(self, guild_id: int, channel_id: int | None, self_deaf: bool) -> None:
        request = VoiceConnectRequested(
            guild_id=guild_id, channel_id=channel_id, self_deaf=self_deaf
        )
        await self.players.ui.publish(request)

    def _on_event(self, name: str, args: tuple[Any, ...]) -> None:
        self._lavalink_events.on_event(name, args)
