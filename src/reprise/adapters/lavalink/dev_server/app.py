"""The embeddable dev Lavalink server and the coroutine that runs it standalone."""

import asyncio
import logging
from pathlib import Path

import yarl
from aiohttp import web

from reprise.adapters.event_loop import new_event_loop
from reprise.adapters.lavalink.dev_server import control_routes, player_routes, rest, websocket
from reprise.adapters.lavalink.dev_server.catalogue import Catalogue
from reprise.adapters.lavalink.dev_server.config import DEFAULT_PASSWORD, DevServerConfig
from reprise.adapters.lavalink.dev_server.faults import Faults, VoiceCloseRequest
from reprise.adapters.lavalink.dev_server.middlewares import (
    availability_faults,
    lavalink_errors,
    password_check,
)
from reprise.adapters.lavalink.dev_server.player_state import DevPlayer, PlaybackSettings
from reprise.adapters.lavalink.dev_server.server_state import STATE_KEY, ServerState
from reprise.adapters.lavalink.dev_server.session import Session
from reprise.adapters.lavalink.dev_server.session_registry import SessionRegistry
from reprise.adapters.lavalink.dev_server.stats import NodeStats

_log = logging.getLogger(__name__)


def build_catalogue(config: DevServerConfig) -> Catalogue:
    """The built-in catalogue, extended by the configured JSON file and audio folder."""
    if config.catalogue_path is None:
        catalogue = Catalogue.default()
    else:
        catalogue = Catalogue.from_file(config.catalogue_path)
    if config.audio_dir is not None:
        catalogue.add_audio_folder(config.audio_dir)
    return catalogue


class DevLavalinkServer:
    """A Lavalink v4 stand-in for development and tests, served by aiohttp in this process.

    `faults` holds the fault switches; `sessions` and `players()` expose the live state.
    """

    def __init__(
        self, config: DevServerConfig | None = None, *, catalogue: Catalogue | None = None
    ) -> None:
        self.config = config or DevServerConfig()
        settings = PlaybackSettings(
            time_scale=self.config.time_scale,
            update_interval=self.config.player_update_interval,
            stuck_threshold_ms=self.config.stuck_threshold_ms,
        )
        stats = NodeStats()
        registry = SessionRegistry(settings, stats, stats_interval=self.config.stats_interval)
        self._state = ServerState(
            config=self.config,
            catalogue=catalogue or build_catalogue(self.config),
            faults=Faults(),
            sessions=registry,
            stats=stats,
            die=self.die,
        )
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._url: yarl.URL | None = None

    @property
    def catalogue(self) -> Catalogue:
        """The tracks and playlists the server can load."""
        return self._state.catalogue

    @property
    def faults(self) -> Faults:
        """The fault switches."""
        return self._state.faults

    @property
    def sessions(self) -> SessionRegistry:
        """Live and resumable sessions."""
        return self._state.sessions

    @property
    def url(self) -> yarl.URL:
        """The base HTTP URL, once started."""
        if self._url is None:
            raise RuntimeError("The dev Lavalink server is not running")
        return self._url

    @property
    def port(self) -> int:
        """The bound TCP port, once started."""
        port = self.url.port
        assert port is not None  # noqa: S101 - an http URL built with a port always has one
        return port

    def build_app(self) -> web.Application:
        """The aiohttp application, for embedding in another server or a test client."""
        app = web.Application(middlewares=[availability_faults, lavalink_errors, password_check])
        app[STATE_KEY] = self._state
        for table in (rest.routes, player_routes.routes, websocket.routes, control_routes.routes):
            app.add_routes(table)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> yarl.URL:
        """Listen on host:port (0 picks a free port) and return the base URL."""
        self._runner = web.AppRunner(self.build_app(), handle_signals=False, access_log=None)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, host, port)
        await self._site.start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self._url = yarl.URL.build(scheme="http", host=bound_host, port=bound_port)
        _log.info("Dev Lavalink server listening on %s", self._url)
        return self._url

    async def stop(self) -> None:
        """Close every websocket (code 1001) and stop the server."""
        if self._runner is not None:
            await self._runner.cleanup()
        self._state.sessions.shutdown()
        self._runner = self._site = None
        self._url = None

    def players(self) -> list[DevPlayer]:
        """Every player of every session."""
        return self._state.sessions.players()

    def find_session(self, session_id: str) -> Session | None:
        """A live session by id."""
        return self._state.sessions.find(session_id)

    def drop_websockets(self) -> int:
        """Cut every client websocket without a close frame; returns how many."""
        return self._state.drop_websockets()

    def close_voice(self, guild_id: int, code: int = 4006, reason: str = "") -> int:
        """Emit WebSocketClosedEvent for the guild's players, as if Discord dropped them."""
        request = VoiceCloseRequest(guild_id=str(guild_id), code=code, reason=reason)
        return control_routes.close_voice(self._state, request)

    async def die(self) -> None:
        """Die abruptly: stop listening, cut every connection, forget every session."""
        self._state.dead = True
        if self._site is not None:
            await self._site.stop()
        server = None if self._runner is None else self._runner.server
        for connection in [] if server is None else server.connections:
            connection.force_close()
        self._state.sessions.shutdown()

    async def _on_shutdown(self, _app: web.Application) -> None:
        for socket in list(self._state.sockets):
            await socket.close(code=1001, message=b"Server shutting down")


async def serve(config: DevServerConfig, host: str = "127.0.0.1", port: int = 2333) -> None:
    """Run the server until cancelled."""
    server = DevLavalinkServer(config)
    await server.start(host, port)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


def main(
    host: str = "127.0.0.1",
    port: int = 2333,
    password: str = DEFAULT_PASSWORD,
    catalogue_path: Path | None = None,
    audio_dir: Path | None = None,
    time_scale: float = 1.0,
) -> None:
    """Run the dev server in the foreground until interrupted (for a CLI command)."""
    config = DevServerConfig(
        password=password,
        catalogue_path=catalogue_path,
        audio_dir=audio_dir,
        time_scale=time_scale,
    )
    try:
        asyncio.run(serve(config, host, port), loop_factory=new_event_loop)
    except KeyboardInterrupt:
        _log.info("Dev Lavalink server stopped")
