"""What the audio process does for the gateway, until issue 5's audio process is merged.

- answers resolve requests from the development Lavalink server's REST `loadtracks`;
- follows `VoiceChannelJoined`/`Left` events and asks the gateway to connect (`ui`);
- reports a forwarded voice state with no channel (an admin kicked the bot) with `LeaveVoice`;
- records every forwarded voice update, and can publish `PlaybackProgress`.
It plays nothing: journeys that need a track to end wait for the real audio process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp

from reprise.adapters import bootstrap
from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.adapters.inprocess.tracking import InMemoryGuildPositions
from reprise.adapters.rabbitmq.event_consumer import EventConsumer
from reprise.adapters.rabbitmq.track_resolution import ResolveServer
from reprise.adapters.rabbitmq.voice_streams import start_voice_consumer
from reprise.application.voice_messages import (
    Resolution,
    VoiceConnectRequested,
    VoiceMessage,
    VoiceStateForwarded,
)
from reprise.domain import queue_events as q
from reprise.domain.commands import Actor, ActorKind, LeaveVoice, TrackData

if TYPE_CHECKING:
    from contextlib import AsyncExitStack

    from aio_pika.abc import AbstractRobustConnection

    from reprise.application.messaging import CommandBus
    from reprise.application.ports import Notification
    from reprise.application.voice_ports import UiChannel
    from reprise.settings import Settings

AUDIO = Actor(kind=ActorKind.SYSTEM, id="audio-standin")
SEARCH_PREFIX = "ytsearch:"


class AudioStandIn:
    def __init__(
        self, lavalink_url: str, password: str, ui: UiChannel, commands: CommandBus
    ) -> None:
        self._lavalink = lavalink_url
        self._password = password
        self._ui = ui
        self._commands = commands
        self.forwarded: list[VoiceMessage] = []
        self._http: aiohttp.ClientSession | None = None

    async def start(
        self, connection: AbstractRobustConnection, partitions: int, stack: AsyncExitStack
    ) -> None:
        self._http = aiohttp.ClientSession(headers={"Authorization": self._password})
        stack.push_async_callback(self._http.close)
        server = await ResolveServer.start(connection, self.resolve)
        stack.push_async_callback(server.stop)
        voice = await start_voice_consumer(connection, self.on_voice, range(partitions))
        stack.push_async_callback(voice.stop)
        events = await EventConsumer.start(
            connection,
            "audio",
            self.on_event,
            RowMapper(build_mapper()),
            InMemoryGuildPositions(),
            partition_count=partitions,
        )
        stack.push_async_callback(events.stop)

    async def resolve(self, query: str) -> Resolution:
        assert self._http is not None
        identifier = query if query.startswith(("http://", "https://")) else SEARCH_PREFIX + query
        url = f"{self._lavalink}/v4/loadtracks"
        async with self._http.get(url, params={"identifier": identifier}) as response:
            body = await response.json()
        return _resolution(body)

    async def on_voice(self, message: VoiceMessage) -> None:
        self.forwarded.append(message)
        if isinstance(message, VoiceStateForwarded) and message.channel_id is None:
            await self._commands.send(LeaveVoice(guild_id=message.guild_id, actor=AUDIO))

    async def on_event(self, notification: Notification) -> None:
        event = notification.event
        if isinstance(event, q.VoiceChannelJoined):
            await self._ui.publish(
                VoiceConnectRequested(guild_id=notification.guild_id, channel_id=event.channel_id)
            )
        elif isinstance(event, q.VoiceChannelLeft):
            await self._ui.publish(
                VoiceConnectRequested(guild_id=notification.guild_id, channel_id=None)
            )


def _resolution(body: dict[str, Any]) -> Resolution:
    kind, data = body["loadType"], body.get("data") or {}
    if kind == "track":
        return Resolution(kind="track", tracks=(_track(data),))
    if kind == "playlist":
        tracks = tuple(_track(t) for t in data["tracks"])
        return Resolution(kind="playlist", tracks=tracks, playlist_name=data["info"]["name"])
    if kind == "search":
        return Resolution(kind="search", tracks=tuple(_track(t) for t in data))
    if kind == "error":
        return Resolution(kind="error", error=data["message"])
    return Resolution(kind="empty")


def _track(data: dict[str, Any]) -> TrackData:
    info = data["info"]
    return TrackData(
        encoded=data["encoded"],
        identifier=info["identifier"],
        title=info["title"],
        author=info["author"],
        length_ms=info["length"],
        is_stream=info["isStream"],
        uri=info.get("uri"),
        source_name=info.get("sourceName", "unknown"),
        artwork_url=info.get("artworkUrl"),
    )


async def open_ui_publisher(settings: Settings, connection: AbstractRobustConnection) -> UiChannel:
    return await bootstrap.open_stream_publisher(settings, connection, "ui")
