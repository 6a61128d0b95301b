"""Everything the request handlers share, stored on the aiohttp application."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from reprise.adapters.lavalink.dev_server.catalogue import Catalogue
from reprise.adapters.lavalink.dev_server.config import DevServerConfig
from reprise.adapters.lavalink.dev_server.faults import Faults
from reprise.adapters.lavalink.dev_server.session_registry import SessionRegistry
from reprise.adapters.lavalink.dev_server.stats import NodeStats


async def _no_death() -> None:
    return None


@dataclass
class ServerState:
    """The catalogue, fault switches, sessions and open websockets of one server."""

    config: DevServerConfig
    catalogue: Catalogue
    faults: Faults
    sessions: SessionRegistry
    stats: NodeStats
    sockets: dict[web.WebSocketResponse, asyncio.BaseTransport] = field(default_factory=dict)
    dead: bool = False
    die: Callable[[], Awaitable[None]] = _no_death

    def drop_websockets(self) -> int:
        """Cut every websocket's TCP connection without a close frame."""
        transports = list(self.sockets.values())
        for transport in transports:
            transport.close()
        return len(transports)


STATE_KEY = web.AppKey("dev_lavalink_state", ServerState)
