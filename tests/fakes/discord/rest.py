"""REST routes for the bot's identity, the gateway URL, guilds, channels and messages."""

from typing import TYPE_CHECKING

from aiohttp import web

from tests.fakes.discord.entities import Channel, Payload
from tests.fakes.discord.messages import MessageKind, RecordedMessage
from tests.fakes.discord.rest_protocol import DiscordError, json_response, no_content, read_body
from tests.fakes.discord.state import Guild

if TYPE_CHECKING:
    from tests.fakes.discord.server import FakeDiscord


def announce(discord: "FakeDiscord", event: str, message: RecordedMessage) -> None:
    """Tells the gateway about a message change, as Discord does for non-ephemeral ones."""
    if message.ephemeral or message.guild_id is None:
        return
    if not discord.gateway.listens(event, message.guild_id):
        discord.signal.notify()
        return
    if event == "MESSAGE_DELETE":
        data: Payload = {"id": str(message.id), "channel_id": str(message.channel_id)}
        discord.gateway.dispatch_to_guild(
            event, message.guild_id, data | {"guild_id": str(message.guild_id)}
        )
        return
    discord.gateway.dispatch_to_guild(event, message.guild_id, message.payload())


class CoreRoutes:
    """Routes nextcord calls while logging in and running a normal session."""

    def __init__(self, discord: "FakeDiscord") -> None:
        self.discord = discord
        self.world = discord.world

    def guild_of(self, request: web.Request) -> Guild:
        guild = self.world.guilds.get(int(request.match_info["guild_id"]))
        if guild is None:
            raise DiscordError(404, "Unknown Guild", 10004)
        return guild

    def channel_of(self, request: web.Request) -> Channel:
        channel = self.world.channel(int(request.match_info["channel_id"]))
        if channel is None:
            raise DiscordError(404, "Unknown Channel", 10003)
        return channel

    def message_of(self, request: web.Request) -> RecordedMessage:
        message = self.discord.messages.by_id.get(int(request.match_info["message_id"]))
        if message is None or message.deleted or message.channel_id != self.channel_of(request).id:
            raise DiscordError(404, "Unknown Message", 10008)
        return message

    async def current_user(self, _request: web.Request) -> web.Response:
        extra = {"verified": True, "mfa_enabled": False, "locale": "en-US", "email": None}
        return json_response(self.world.bot.payload() | extra | {"premium_type": 0})

    async def user(self, request: web.Request) -> web.Response:
        found = self.world.users.get(int(request.match_info["user_id"]))
        if found is None:
            raise DiscordError(404, "Unknown User", 10013)
        return json_response(found.payload())

    async def gateway(self, _request: web.Request) -> web.Response:
        return json_response({"url": self.discord.gateway_url})

    async def gateway_bot(self, _request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
        shards = self.discord.recommended_shards
        return json_response(
            {"url": self.discord.gateway_url, "shards": shards, "session_start_limit": limit}
        )

    async def application(self, _request: web.Request) -> web.Response:
        return json_response(self.discord.application_payload())

    async def guild(self, request: web.Request) -> web.Response:
        found = self.guild_of(request)
        counts = {"approximate_member_count": len(found.members), "approximate_presence_count": 0}
        return json_response(found.base_payload() | counts)

    async def guild_channels(self, request: web.Request) -> web.Response:
        return json_response([c.payload() for c in self.guild_of(request).channels.values()])

    async def guild_roles(self, request: web.Request) -> web.Response:
        return json_response([r.payload() for r in self.guild_of(request).roles.values()])

    async def guild_members(self, request: web.Request) -> web.Response:
        limit = int(request.query.get("limit", "1"))
        members = list(self.guild_of(request).members.values())[:limit]
        return json_response([member.payload() for member in members])

    async def guild_member(self, request: web.Request) -> web.Response:
        member = self.guild_of(request).members.get(int(request.match_info["user_id"]))
        if member is None:
            raise DiscordError(404, "Unknown Member", 10007)
        return json_response(member.payload())

    async def channel(self, request: web.Request) -> web.Response:
        return json_response(self.channel_of(request).payload())

    async def list_messages(self, request: web.Request) -> web.Response:
        limit = int(request.query.get("limit", "50"))
        found = self.discord.messages.in_channel(self.channel_of(request).id)
        return json_response([message.payload() for message in reversed(found)][:limit])

    async def create_message(self, request: web.Request) -> web.Response:
        target = self.channel_of(request)
        body, filenames = await read_body(request)
        message = RecordedMessage(
            id=self.world.mint.next(),
            channel_id=target.id,
            guild_id=target.guild_id,
            author=self.world.bot,
            kind=MessageKind.CHANNEL,
            attachments=filenames,
        )
        message.apply(body, edit=False)
        self.discord.messages.record(message)
        announce(self.discord, "MESSAGE_CREATE", message)
        return json_response(message.payload())

    async def get_message(self, request: web.Request) -> web.Response:
        return json_response(self.message_of(request).payload())

    async def edit_message(self, request: web.Request) -> web.Response:
        message = self.message_of(request)
        body, _filenames = await read_body(request)
        message.apply(body, edit=True)
        self.discord.messages.changed()
        announce(self.discord, "MESSAGE_UPDATE", message)
        return json_response(message.payload())

    async def delete_message(self, request: web.Request) -> web.Response:
        message = self.message_of(request)
        message.deleted = True
        self.discord.messages.changed()
        announce(self.discord, "MESSAGE_DELETE", message)
        return no_content()

    async def typing(self, request: web.Request) -> web.Response:
        self.channel_of(request)
        return no_content()

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/users/@me", self.current_user),
            web.get("/users/{user_id:\\d+}", self.user),
            web.get("/gateway", self.gateway),
            web.get("/gateway/bot", self.gateway_bot),
            web.get("/oauth2/applications/@me", self.application),
            web.get("/applications/@me", self.application),
            web.get("/guilds/{guild_id:\\d+}", self.guild),
            web.get("/guilds/{guild_id:\\d+}/channels", self.guild_channels),
            web.get("/guilds/{guild_id:\\d+}/roles", self.guild_roles),
            web.get("/guilds/{guild_id:\\d+}/members", self.guild_members),
            web.get("/guilds/{guild_id:\\d+}/members/{user_id:\\d+}", self.guild_member),
            web.get("/channels/{channel_id:\\d+}", self.channel),
            web.get("/channels/{channel_id:\\d+}/messages", self.list_messages),
            web.post("/channels/{channel_id:\\d+}/messages", self.create_message),
            web.get("/channels/{channel_id:\\d+}/messages/{message_id:\\d+}", self.get_message),
            web.patch("/channels/{channel_id:\\d+}/messages/{message_id:\\d+}", self.edit_message),
            web.delete(
                "/channels/{channel_id:\\d+}/messages/{message_id:\\d+}", self.delete_message
            ),
            web.post("/channels/{channel_id:\\d+}/typing", self.typing),
        ]
