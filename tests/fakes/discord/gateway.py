"""The gateway websocket: HELLO, IDENTIFY/READY, heartbeats, RESUME, sharding and dispatch.

Follows Gateway.md and Opcodes_and_Status_Codes.md of discord-api-docs. The hub
also implements `EventSink`, so changes to the world reach every session whose
shard carries the guild and whose intents ask for the event.
"""

import asyncio
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from aiohttp import WSMsgType, web

from tests.fakes.discord.entities import Payload
from tests.fakes.discord.gateway_sessions import GatewayConnection, GatewaySession, Intent, Op
from tests.fakes.discord.signals import ChangeSignal
from tests.fakes.discord.state import Guild, World
from tests.fakes.discord.voice import VoiceDesk

CLOSE_UNKNOWN_OPCODE = 4001
CLOSE_DECODE_ERROR = 4002
CLOSE_NOT_AUTHENTICATED = 4003
CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_ALREADY_AUTHENTICATED = 4005
CLOSE_INVALID_SHARD = 4010


@dataclass
class GatewayHandshake:
    """How a websocket began: the path and query it used and what it sent first."""

    path: str
    zlib_stream: bool
    op: Op
    shard: tuple[int, int] | None
    session_id: str | None


class GatewayHub:
    """All gateway sessions of the stand-in and the websocket endpoint that serves them."""

    def __init__(
        self, world: World, token: str, application_flags: int, signal: ChangeSignal
    ) -> None:
        self.world = world
        self.token = token
        self.application_flags = application_flags
        self.signal = signal
        self.heartbeat_interval_ms = 41_250
        self.resume_gateway_url = ""
        self.resumable = True
        self.sessions: dict[str, GatewaySession] = {}
        self.handshakes: list[GatewayHandshake] = []
        self.received: list[Payload] = []
        self.voice = VoiceDesk(world, signal)
        self._connections: set[GatewayConnection] = set()

    @property
    def live_sessions(self) -> list[GatewaySession]:
        return [session for session in self.sessions.values() if session.live]

    async def serve(self, request: web.Request) -> web.WebSocketResponse:
        """The aiohttp handler for the gateway (and the resume gateway) URL."""
        ws = web.WebSocketResponse(timeout=0.5, max_msg_size=0)
        await ws.prepare(request)
        zlib_stream = request.query.get("compress") == "zlib-stream"
        connection = GatewayConnection(ws, path=request.path, zlib_stream=zlib_stream)
        self._connections.add(connection)
        writer = asyncio.create_task(connection.write_loop())
        connection.send(Op.HELLO, {"heartbeat_interval": self.heartbeat_interval_ms})
        try:
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    self._receive(connection, str(message.data))
        finally:
            self._detach(connection)
            connection.finish()
            await writer
        return ws

    def _receive(self, connection: GatewayConnection, text: str) -> None:
        try:
            frame = json.loads(text)
            op = Op(frame["op"])
        except (ValueError, KeyError):
            connection.close(CLOSE_DECODE_ERROR, "Decode error.")
            return
        self.received.append(frame)
        data = frame.get("d")
        if op is Op.HEARTBEAT:
            connection.send(Op.HEARTBEAT_ACK, None)
        elif op is Op.IDENTIFY:
            self._identify(connection, data)
        elif op is Op.RESUME:
            self._resume(connection, data)
        elif connection.session is None:
            connection.close(CLOSE_NOT_AUTHENTICATED, "Not authenticated.")
        elif op is Op.VOICE_STATE_UPDATE:
            self.voice.request(connection.session, data)
        elif op is Op.REQUEST_GUILD_MEMBERS:
            self._send_members_chunk(connection.session, data)
        elif op is not Op.PRESENCE_UPDATE:
            connection.close(CLOSE_UNKNOWN_OPCODE, "Unknown opcode.")
        self.signal.notify()

    def _identify(self, connection: GatewayConnection, data: Payload) -> None:
        raw_shard = data.get("shard")
        shard = (int(raw_shard[0]), int(raw_shard[1])) if raw_shard else None
        self._record_handshake(connection, Op.IDENTIFY, shard, None)
        if connection.session is not None:
            connection.close(CLOSE_ALREADY_AUTHENTICATED, "Already authenticated.")
            return
        if data.get("token") != self.token:
            connection.close(CLOSE_AUTHENTICATION_FAILED, "Authentication failed.")
            return
        if shard is not None and not 0 <= shard[0] < shard[1]:
            connection.close(CLOSE_INVALID_SHARD, "Invalid shard.")
            return
        session = GatewaySession(
            session_id=uuid.uuid4().hex,
            shard=shard,
            intents=int(data.get("intents", 0)),
            large_threshold=int(data.get("large_threshold", 50)),
        )
        self.sessions[session.session_id] = session
        self._attach(connection, session)
        session.dispatch("READY", self._ready_payload(session))
        for guild in self.world.guilds.values():
            if session.carries(guild):
                session.dispatch("GUILD_CREATE", self._guild_create(session, guild))

    def _resume(self, connection: GatewayConnection, data: Payload) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        shard = session.shard if session is not None else None
        self._record_handshake(connection, Op.RESUME, shard, str(data.get("session_id")))
        usable = session is not None and not session.invalidated and self.resumable
        if session is None or not usable or data.get("token") != self.token:
            connection.send(Op.INVALID_SESSION, False)
            return
        if session.connection is not None:
            session.connection.close(4000, "Session resumed elsewhere.")
        self._attach(connection, session)
        session.replay_after(int(data.get("seq") or 0), connection)
        session.dispatch("RESUMED", {"_trace": ["fake-discord-resume"]})

    def _record_handshake(
        self, connection: GatewayConnection, op: Op, shard: tuple[int, int] | None, sid: str | None
    ) -> None:
        handshake = GatewayHandshake(connection.path, connection.zlib_stream, op, shard, sid)
        self.handshakes.append(handshake)

    def _attach(self, connection: GatewayConnection, session: GatewaySession) -> None:
        connection.session = session
        session.connection = connection

    def _detach(self, connection: GatewayConnection) -> None:
        self._connections.discard(connection)
        session = connection.session
        if session is not None and session.connection is connection:
            session.connection = None
        self.signal.notify()

    def _ready_payload(self, session: GatewaySession) -> Payload:
        user = self.world.bot.payload() | {"verified": True, "mfa_enabled": False, "email": None}
        carried = [g for g in self.world.guilds.values() if session.carries(g)]
        ready: Payload = {
            "v": 10,
            "user": user,
            "guilds": [{"id": str(guild.id), "unavailable": True} for guild in carried],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "application": {"id": str(self.world.bot.id), "flags": self.application_flags},
            "private_channels": [],
            "presences": [],
            "relationships": [],
            "_trace": ["fake-discord"],
        }
        if session.shard is not None:
            ready["shard"] = list(session.shard)
        return ready

    def _guild_create(self, session: GatewaySession, guild: Guild) -> Payload:
        with_presences = bool(session.intents & Intent.GUILD_PRESENCES)
        return guild.create_payload(
            all_members=with_presences, large_threshold=session.large_threshold
        )

    def _send_members_chunk(self, session: GatewaySession, data: Payload) -> None:
        guild = self.world.guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        query = str(data.get("query") or "").lower()
        wanted = {int(user_id) for user_id in data.get("user_ids") or []}
        members = [
            member.payload()
            for user_id, member in guild.members.items()
            if (user_id in wanted if wanted else member.user.username.lower().startswith(query))
        ]
        limit = int(data.get("limit") or 0)
        chunk: Payload = {
            "guild_id": str(guild.id),
            "members": members[:limit] if limit else members,
        }
        chunk |= {"chunk_index": 0, "chunk_count": 1, "not_found": [], "nonce": data.get("nonce")}
        session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    # EventSink: how world changes reach connected bots.

    def dispatch_to_guild(self, event: str, guild_id: int, data: Payload) -> None:
        for session in self._listeners(event, guild_id):
            session.dispatch(event, data)
        self.signal.notify()

    def listens(self, event: str, guild_id: int) -> bool:
        """Whether any session would receive `event` in this guild (its intents ask for it)."""
        return any(True for _ in self._listeners(event, guild_id))

    def _listeners(self, event: str, guild_id: int) -> Iterator[GatewaySession]:
        guild = self.world.guilds[guild_id]
        for session in self.sessions.values():
            if not session.invalidated and session.carries(guild) and session.wants(event):
                yield session

    def guild_joined(self, guild: Guild) -> None:
        for session in self.sessions.values():
            if not session.invalidated and session.carries(guild):
                session.dispatch("GUILD_CREATE", self._guild_create(session, guild))
        self.signal.notify()

    def session_for_guild(self, guild_id: int) -> GatewaySession:
        """The live session that receives this guild's interactions."""
        guild = self.world.guilds[guild_id]
        for session in self.sessions.values():
            if session.live and session.carries(guild):
                return session
        raise LookupError(f"no bot is connected to the shard of guild {guild_id}")

    # Test controls.

    def drop_connections(self, code: int = 4000) -> None:
        """Closes every websocket as Discord does when it fails; the sessions stay resumable."""
        for connection in list(self._connections):
            connection.close(code, "Dropped by the fake.")

    def request_reconnect(self) -> None:
        """Sends op 7 RECONNECT to every connection."""
        for connection in list(self._connections):
            connection.send(Op.RECONNECT, None)

    def invalidate_sessions(self) -> None:
        """Sends op 9 INVALID_SESSION (not resumable) and forgets the sessions."""
        for session in self.live_sessions:
            session.invalidated = True
            if session.connection is not None:
                session.connection.send(Op.INVALID_SESSION, False)

    async def close(self) -> None:
        for connection in list(self._connections):
            connection.close(1001, "Fake Discord shutting down.")
