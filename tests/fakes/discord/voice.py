"""The bot's voice requests (gateway op 4) and Discord's answers to them.

Per Voice_Connections.md and Gateway_Events.md, after op 4 Discord sends
VOICE_STATE_UPDATE for the bot to the guild and, when joining, VOICE_SERVER_UPDATE
(token, guild_id, endpoint) to the session that asked.
"""

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tests.fakes.discord.entities import Payload
from tests.fakes.discord.signals import ChangeSignal
from tests.fakes.discord.state import World

if TYPE_CHECKING:
    from tests.fakes.discord.gateway_sessions import GatewaySession


@dataclass(frozen=True)
class VoiceRequest:
    """One op 4 VOICE_STATE_UPDATE the bot sent."""

    guild_id: int
    channel_id: int | None
    self_mute: bool
    self_deaf: bool
    shard_id: int | None
    session_id: str


@dataclass(frozen=True)
class VoiceServer:
    """A VOICE_SERVER_UPDATE the stand-in handed out."""

    guild_id: int
    token: str
    endpoint: str


@dataclass
class VoiceDesk:
    """Records voice requests, moves the bot and answers with voice server details."""

    world: World
    signal: ChangeSignal
    endpoint: str = "voice.fake-discord.invalid:443"
    requests: list[VoiceRequest] = field(default_factory=list)
    servers: list[VoiceServer] = field(default_factory=list)
    held: list[tuple["GatewaySession", VoiceRequest]] | None = None  # answers not yet sent

    def hold_answers(self) -> None:
        """Record voice requests but answer none until `release_answers` (a slow Discord)."""
        self.held = []

    def release_answers(self) -> None:
        """Answer the held requests, in order, and every later one at once."""
        held, self.held = self.held or [], None
        for session, request in held:
            self._answer(session, request)
        self.signal.notify()

    def request(self, session: "GatewaySession", data: Payload) -> None:
        channel_id = None if data.get("channel_id") is None else int(data["channel_id"])
        request = VoiceRequest(
            guild_id=int(data["guild_id"]),
            channel_id=channel_id,
            self_mute=bool(data.get("self_mute")),
            self_deaf=bool(data.get("self_deaf")),
            shard_id=session.shard_id,
            session_id=session.session_id,
        )
        self.requests.append(request)
        if self.held is not None:
            self.held.append((session, request))
        else:
            self._answer(session, request)

    def _answer(self, session: "GatewaySession", request: VoiceRequest) -> None:
        guild_id, channel_id = request.guild_id, request.channel_id
        guild = self.world.guilds.get(guild_id)
        if guild is None or (channel_id is not None and channel_id not in guild.channels):
            return
        guild.set_voice_state(
            self.world.bot.id,
            channel_id,
            session.session_id,
            self_mute=request.self_mute,
            self_deaf=request.self_deaf,
        )
        if channel_id is not None:
            server = VoiceServer(guild_id, secrets.token_hex(8), self.endpoint)
            self.servers.append(server)
            update = {"token": server.token, "guild_id": str(guild_id), "endpoint": self.endpoint}
            session.dispatch("VOICE_SERVER_UPDATE", update)

    async def wait_for_request(
        self,
        *,
        guild_id: int | None = None,
        channel_id: int | None = None,
        leave: bool = False,
        within: float = 5.0,
    ) -> VoiceRequest:
        """The latest op 4 for `guild_id` joining `channel_id` (any if None), or leaving."""

        def matches(request: VoiceRequest) -> bool:
            if guild_id not in (None, request.guild_id):
                return False
            if leave:
                return request.channel_id is None
            return request.channel_id is not None and channel_id in (None, request.channel_id)

        def latest() -> VoiceRequest | None:
            return next((r for r in reversed(self.requests) if matches(r)), None)

        what = f"a voice request for guild {guild_id} channel {channel_id}"
        return await self.signal.wait_for(latest, within=within, what=what)
