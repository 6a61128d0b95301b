"""Starting and stopping the stand-in, and the test-facing `FakeDiscord` that owns it all."""

from collections.abc import Callable
from types import TracebackType
from typing import Self

from aiohttp import web

from tests.fakes.discord.commands import CommandRegistry, Scope
from tests.fakes.discord.entities import Channel, Payload, User
from tests.fakes.discord.gateway import GatewayHub
from tests.fakes.discord.interactions import InteractionDesk
from tests.fakes.discord.messages import MessageLog, RecordedMessage
from tests.fakes.discord.rest import CoreRoutes
from tests.fakes.discord.rest_interactions import CommandRoutes, InteractionRoutes
from tests.fakes.discord.rest_protocol import RateLimits, RestCall, json_response, rest_middleware
from tests.fakes.discord.signals import ChangeSignal
from tests.fakes.discord.snowflakes import SnowflakeMint
from tests.fakes.discord.state import World
from tests.fakes.discord.users import FakeGuild
from tests.fakes.discord.voice import VoiceRequest

API_PREFIX = "/api/v10"


class FakeDiscord:
    """Discord's REST API and gateway on 127.0.0.1, for an unmodified nextcord client.

    Point nextcord at `api_base` (see `nextcord_pointed_at`), log in with `token`, and
    drive it through the guilds and users this object creates.
    """

    def __init__(
        self,
        token: str,
        *,
        bot_id: int | None = None,
        bot_name: str = "Reprise",
        heartbeat_interval: float = 0.5,
        recommended_shards: int = 1,
        application_flags: int = 0,
    ) -> None:
        self.token = token
        self.signal = ChangeSignal()
        mint = SnowflakeMint()
        self.world = World(User(bot_id or mint.next(), bot_name, bot=True), mint)
        self.messages = MessageLog(self.signal)
        self.commands = CommandRegistry(self.world.bot.id, mint, self.signal)
        self.interactions = InteractionDesk(self.world, self.messages, self.signal)
        self.gateway = GatewayHub(self.world, token, application_flags, self.signal)
        self.gateway.heartbeat_interval_ms = int(heartbeat_interval * 1000)
        self.world.sink = self.gateway
        self.recommended_shards = recommended_shards
        self.rate_limits = RateLimits()
        self.rest_calls: list[RestCall] = []
        self.unknown_routes: list[str] = []
        self.answer_timeout = 5.0
        self.port = 0
        self._runner: web.AppRunner | None = None

    # Lifecycle.

    async def start(self) -> None:
        api = web.Application(
            middlewares=[rest_middleware(self.token, API_PREFIX, self.rest_calls, self.rate_limits)]
        )
        for routes in (CoreRoutes(self), CommandRoutes(self), InteractionRoutes(self)):
            api.add_routes(routes.routes())
        api.router.add_route("*", "/{tail:.*}", self._unknown_route)
        app = web.Application()
        app.add_subapp(API_PREFIX, api)
        app.router.add_get("/gateway", self.gateway.serve)
        app.router.add_get("/gateway-resume", self.gateway.serve)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.gateway.resume_gateway_url = f"ws://127.0.0.1:{self.port}/gateway-resume"

    async def stop(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def bot(self) -> User:
        return self.world.bot

    # Setting up the world.

    def add_guild(self, guild_id: int | None = None, name: str = "Guild") -> FakeGuild:
        """A guild the bot is in, with a text and a voice channel; announced to a connected bot."""
        return FakeGuild(self, self.world.add_guild(name, guild_id))

    def guild(self, guild_id: int) -> FakeGuild:
        return FakeGuild(self, self.world.guilds[guild_id])

    def application_payload(self) -> Payload:
        bot = self.world.bot
        return {
            "id": str(bot.id),
            "name": bot.username,
            "icon": None,
            "description": "",
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "bot": bot.payload(),
            "owner": bot.payload(),
            "summary": "",
            "verify_key": "00" * 32,
            "team": None,
            "flags": self.gateway.application_flags,
        }

    # What the bot did.

    @property
    def voice_requests(self) -> list[VoiceRequest]:
        return self.gateway.voice.requests

    def registered_commands(self, guild_id: Scope = None) -> list[Payload]:
        return self.commands.listing(guild_id)

    def messages_in(self, channel: Channel) -> list[RecordedMessage]:
        return self.messages.in_channel(channel.id)

    async def wait_for_commands(
        self, *names: str, guild_id: Scope = None, within: float = 5.0
    ) -> list[Payload]:
        """Waits until the bot registered (at least) `names` in the scope."""

        def registered() -> list[Payload] | None:
            return (
                self.commands.listing(guild_id)
                if set(names) <= self.commands.names(guild_id)
                else None
            )

        return await self.signal.wait_for(registered, within=within, what=f"commands {names}")

    async def wait_for_message(
        self,
        channel: Channel | None = None,
        where: Callable[[RecordedMessage], bool] = lambda _message: True,
        within: float = 5.0,
    ) -> RecordedMessage:
        """The newest message in `channel` (or anywhere) matching `where`, once there is one."""
        channel_id = None if channel is None else channel.id
        return await self.messages.wait_for(channel_id=channel_id, where=where, within=within)

    async def wait_for_voice_request(
        self,
        guild_id: int | None = None,
        channel_id: int | None = None,
        *,
        leave: bool = False,
        within: float = 5.0,
    ) -> VoiceRequest:
        return await self.gateway.voice.wait_for_request(
            guild_id=guild_id, channel_id=channel_id, leave=leave, within=within
        )

    async def wait_for_sessions(self, count: int = 1, within: float = 5.0) -> None:
        """Waits until `count` gateway sessions are identified and connected."""

        def enough() -> bool | None:
            return True if len(self.gateway.live_sessions) >= count else None

        await self.signal.wait_for(enough, within=within, what=f"{count} gateway sessions")

    # Misbehaving on purpose.

    def drop_gateway(self, code: int = 4000) -> None:
        self.gateway.drop_connections(code)

    def request_reconnect(self) -> None:
        self.gateway.request_reconnect()

    def invalidate_sessions(self) -> None:
        self.gateway.invalidate_sessions()

    async def _unknown_route(self, request: web.Request) -> web.Response:
        self.unknown_routes.append(f"{request.method} {request.path.removeprefix(API_PREFIX)}")
        return json_response({"message": "404: Not Found", "code": 0}, 404)
