"""A Lavalink session: one client's players and the ordered stream of messages it receives."""

import asyncio
import contextlib
from collections.abc import Callable

from aiohttp import web

from reprise.adapters.lavalink.dev_server import events
from reprise.adapters.lavalink.dev_server.player_state import DevPlayer, PlaybackSettings
from reprise.adapters.lavalink.dev_server.track_payloads import JsonObject

DEFAULT_RESUME_TIMEOUT_S = 60

type StatsSource = Callable[[], JsonObject]


class Session:
    """A client session; while its websocket is down and resuming is on, messages are held."""

    def __init__(
        self,
        session_id: str,
        *,
        user_id: str,
        client_name: str | None,
        settings: PlaybackSettings,
        stats: StatsSource,
        stats_interval: float,
    ) -> None:
        self.id = session_id
        self.user_id = user_id
        self.client_name = client_name
        self.resuming = False
        self.timeout = DEFAULT_RESUME_TIMEOUT_S
        self.players: dict[int, DevPlayer] = {}
        self._settings = settings
        self._stats = stats
        self._stats_interval = stats_interval
        self._held: list[JsonObject] = []
        self._outbox: asyncio.Queue[JsonObject] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._expiry: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        """Whether a websocket is attached."""
        return self._outbox is not None

    def send(self, message: JsonObject) -> None:
        """Send over the websocket, or hold the message for a resume, or drop it."""
        if self._outbox is not None:
            self._outbox.put_nowait(message)
        elif self.resuming:
            self._held.append(message)

    def player(self, guild_id: int) -> DevPlayer:
        """The guild's player, created on first use."""
        if guild_id not in self.players:
            self.players[guild_id] = DevPlayer(guild_id, self.send, self._settings)
        return self.players[guild_id]

    def destroy_player(self, guild_id: int) -> None:
        """Stop and forget a guild's player."""
        player = self.players.pop(guild_id, None)
        if player is not None:
            player.stop("stopped")
            player.shutdown()

    def attach(self, socket: web.WebSocketResponse, *, resumed: bool) -> None:
        """Start sending to a websocket: ready, then held messages and player states."""
        self._cancel_expiry()
        outbox: asyncio.Queue[JsonObject] = asyncio.Queue()
        self._outbox = outbox
        self.send(events.ready(self.id, resumed=resumed))
        held, self._held = self._held, []
        for message in held:
            self.send(message)
        if resumed:
            for player in self.players.values():
                player.send_update()
        # started last: an eager task (ADR 0015) sends its first stats as it is created
        self._tasks = [
            asyncio.create_task(self._write(socket, outbox)),
            asyncio.create_task(self._send_stats()),
        ]

    async def detach(self) -> None:
        """Stop sending; unsent messages are held if the session may be resumed."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        outbox, self._outbox = self._outbox, None
        while outbox is not None and not outbox.empty():
            self.send(outbox.get_nowait())

    def expire_after_timeout(self, on_expiry: Callable[["Session"], None]) -> None:
        """Call `on_expiry` unless a client resumes within `timeout` seconds."""
        self._cancel_expiry()
        self._expiry = asyncio.create_task(self._expire(on_expiry))

    def shutdown(self) -> None:
        """Destroy every player silently and stop all background work."""
        self._cancel_expiry()
        for task in self._tasks:
            task.cancel()
        for player in self.players.values():
            player.shutdown()
        self.players.clear()
        self._held.clear()

    async def _write(
        self, socket: web.WebSocketResponse, outbox: asyncio.Queue[JsonObject]
    ) -> None:
        while True:
            message = await outbox.get()
            try:
                await socket.send_json(message)
            except ConnectionResetError:
                if self.resuming:
                    self._held.append(message)
                return

    async def _send_stats(self) -> None:
        while True:
            self.send({"op": "stats", **self._stats()})
            await asyncio.sleep(self._stats_interval)

    async def _expire(self, on_expiry: Callable[["Session"], None]) -> None:
        await asyncio.sleep(self.timeout)
        on_expiry(self)

    def _cancel_expiry(self) -> None:
        if self._expiry is not None and self._expiry is not asyncio.current_task():
            self._expiry.cancel()
        self._expiry = None
