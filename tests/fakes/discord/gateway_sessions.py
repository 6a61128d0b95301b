"""Gateway sessions and the websocket connections that carry them.

A session (Gateway.md, Resuming) outlives its websocket: dispatches get sequence
numbers and are kept, so a client that RESUMEs receives what it missed.
"""

import asyncio
import zlib
from dataclasses import dataclass, field
from enum import IntEnum

import orjson
from aiohttp import web

from tests.fakes.discord.entities import Payload
from tests.fakes.discord.state import Guild


class Op(IntEnum):
    """Gateway opcodes (Opcodes_and_Status_Codes.md)."""

    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    PRESENCE_UPDATE = 3
    VOICE_STATE_UPDATE = 4
    RESUME = 6
    RECONNECT = 7
    REQUEST_GUILD_MEMBERS = 8
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


class Intent(IntEnum):
    """The gateway intents whose events the stand-in sends (Gateway.md, List of Intents)."""

    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_VOICE_STATES = 1 << 7
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9


EVENT_INTENTS: dict[str, Intent] = {
    "GUILD_CREATE": Intent.GUILDS,
    "GUILD_ROLE_CREATE": Intent.GUILDS,
    "CHANNEL_CREATE": Intent.GUILDS,
    "GUILD_MEMBER_ADD": Intent.GUILD_MEMBERS,
    "VOICE_STATE_UPDATE": Intent.GUILD_VOICE_STATES,
    "MESSAGE_CREATE": Intent.GUILD_MESSAGES,
    "MESSAGE_UPDATE": Intent.GUILD_MESSAGES,
    "MESSAGE_DELETE": Intent.GUILD_MESSAGES,
}


@dataclass
class CloseWith:
    """Queued in an outbox: close the websocket with this code once earlier frames are out."""

    code: int
    reason: str = ""


class GatewayConnection:
    """One websocket; frames leave in order through an outbox, zlib-stream compressed if asked."""

    def __init__(self, ws: web.WebSocketResponse, *, path: str, zlib_stream: bool) -> None:
        self.ws = ws
        self.path = path
        self.zlib_stream = zlib_stream
        self.session: GatewaySession | None = None
        self._compressor = zlib.compressobj() if zlib_stream else None
        self._outbox: asyncio.Queue[bytes | CloseWith | None] = asyncio.Queue()

    def send(self, op: Op, data: object) -> None:
        """Sends a non-dispatch frame; those carry null `s` and `t`."""
        self.send_raw(orjson.dumps({"op": op, "d": data, "s": None, "t": None}))

    def send_raw(self, frame: bytes) -> None:
        """Queues one frame, JSON encoded as UTF-8."""
        self._outbox.put_nowait(frame)

    def close(self, code: int, reason: str = "") -> None:
        self._outbox.put_nowait(CloseWith(code, reason))

    def finish(self) -> None:
        self._outbox.put_nowait(None)

    async def write_loop(self) -> None:
        """Sends queued frames until the outbox says stop or close."""
        while (item := await self._outbox.get()) is not None:
            if isinstance(item, CloseWith):
                await self.ws.close(code=item.code, message=item.reason.encode())
                return
            if self.ws.closed:
                continue
            if self._compressor is None:
                await self.ws.send_str(item.decode())
            else:
                data = self._compressor.compress(item)
                await self.ws.send_bytes(data + self._compressor.flush(zlib.Z_SYNC_FLUSH))


@dataclass
class GatewaySession:
    """An identified session: its shard, intents, sequence and backlog of dispatches."""

    session_id: str
    shard: tuple[int, int] | None
    intents: int
    large_threshold: int
    sequence: int = 0
    backlog: list[tuple[int, bytes]] = field(default_factory=list)
    connection: GatewayConnection | None = None
    invalidated: bool = False
    dispatched: list[tuple[str, Payload]] = field(default_factory=list)

    @property
    def live(self) -> bool:
        """Connected, and not invalidated."""
        return self.connection is not None and not self.invalidated

    @property
    def shard_id(self) -> int | None:
        return None if self.shard is None else self.shard[0]

    def carries(self, guild: Guild) -> bool:
        return self.shard is None or guild.shard_id(self.shard[1]) == self.shard[0]

    def wants(self, event: str) -> bool:
        intent = EVENT_INTENTS.get(event)
        return intent is None or bool(self.intents & intent)

    def dispatch(self, event: str, data: Payload) -> None:
        """Numbers the event, keeps it for RESUME and sends it if connected."""
        self.sequence += 1
        frame = orjson.dumps({"op": Op.DISPATCH, "t": event, "s": self.sequence, "d": data})
        self.backlog.append((self.sequence, frame))
        self.dispatched.append((event, data))
        if self.connection is not None:
            self.connection.send_raw(frame)

    def replay_after(self, sequence: int, connection: GatewayConnection) -> None:
        for number, frame in self.backlog:
            if number > sequence:
                connection.send_raw(frame)
