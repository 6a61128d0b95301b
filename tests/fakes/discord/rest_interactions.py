"""REST routes for application command sync, interaction callbacks and interaction webhooks."""

from typing import TYPE_CHECKING

from aiohttp import web

from tests.fakes.discord.commands import Scope
from tests.fakes.discord.interaction_records import UserInteraction
from tests.fakes.discord.rest import announce
from tests.fakes.discord.rest_protocol import DiscordError, json_response, no_content, read_body

if TYPE_CHECKING:
    from tests.fakes.discord.server import FakeDiscord

COMMANDS = "/applications/{application_id:\\d+}/commands"
GUILD_COMMANDS = "/applications/{application_id:\\d+}/guilds/{guild_id:\\d+}/commands"
WEBHOOK = "/webhooks/{application_id:\\d+}/{token}"


class CommandRoutes:
    """`/applications/{app}/commands` and its per-guild twin (Application_Commands.md)."""

    def __init__(self, discord: "FakeDiscord") -> None:
        self.discord = discord
        self.registry = discord.commands

    def scope_of(self, request: web.Request) -> Scope:
        if int(request.match_info["application_id"]) != self.discord.world.bot.id:
            raise DiscordError(404, "Unknown Application", 10002)
        if "guild_id" not in request.match_info:
            return None
        guild_id = int(request.match_info["guild_id"])
        if guild_id not in self.discord.world.guilds:
            raise DiscordError(403, "Missing Access", 50001)
        return guild_id

    async def listing(self, request: web.Request) -> web.Response:
        return json_response(self.registry.listing(self.scope_of(request)))

    async def overwrite(self, request: web.Request) -> web.Response:
        scope = self.scope_of(request)
        body, _ = await read_body(request)
        return json_response(self.registry.overwrite(scope, list(body.get("items", []))))

    async def upsert(self, request: web.Request) -> web.Response:
        scope = self.scope_of(request)
        body, _ = await read_body(request)
        stored, created = self.registry.upsert(scope, body)
        return json_response(stored, 201 if created else 200)

    async def fetch(self, request: web.Request) -> web.Response:
        stored = self.registry.get(self.scope_of(request), _command_id(request))
        if stored is None:
            raise DiscordError(404, "Unknown application command", 10063)
        return json_response(stored)

    async def edit(self, request: web.Request) -> web.Response:
        scope = self.scope_of(request)
        body, _ = await read_body(request)
        stored = self.registry.edit(scope, _command_id(request), body)
        if stored is None:
            raise DiscordError(404, "Unknown application command", 10063)
        return json_response(stored)

    async def delete(self, request: web.Request) -> web.Response:
        if not self.registry.delete(self.scope_of(request), _command_id(request)):
            raise DiscordError(404, "Unknown application command", 10063)
        return no_content()

    def routes(self) -> list[web.RouteDef]:
        routes: list[web.RouteDef] = []
        for base in (COMMANDS, GUILD_COMMANDS):
            one = base + "/{command_id:\\d+}"
            routes += [web.get(base, self.listing), web.put(base, self.overwrite)]
            routes += [web.post(base, self.upsert), web.get(one, self.fetch)]
            routes += [web.patch(one, self.edit), web.delete(one, self.delete)]
        return routes


def _command_id(request: web.Request) -> int:
    return int(request.match_info["command_id"])


class InteractionRoutes:
    """Callbacks, follow-ups and edits of interaction responses (Receiving_and_Responding.md)."""

    def __init__(self, discord: "FakeDiscord") -> None:
        self.discord = discord
        self.desk = discord.interactions

    def interaction_of(self, request: web.Request) -> UserInteraction:
        application_id = int(request.match_info["application_id"])
        return self.desk.by_token(application_id, request.match_info["token"])

    async def callback(self, request: web.Request) -> web.Response:
        body, filenames = await read_body(request)
        interaction_id = int(request.match_info["interaction_id"])
        token = request.match_info["token"]
        message, created = self.desk.respond(interaction_id, token, body, filenames)
        if message is not None:
            announce(self.discord, "MESSAGE_CREATE" if created else "MESSAGE_UPDATE", message)
        return no_content()

    async def followup(self, request: web.Request) -> web.Response:
        interaction = self.interaction_of(request)
        body, filenames = await read_body(request)
        message, created = self.desk.followup(interaction, body)
        message.attachments += filenames
        announce(self.discord, "MESSAGE_CREATE" if created else "MESSAGE_UPDATE", message)
        return json_response(message.payload())

    async def get_message(self, request: web.Request) -> web.Response:
        message = self.desk.message_of(self.interaction_of(request), request.match_info["message"])
        return json_response(message.payload())

    async def edit_message(self, request: web.Request) -> web.Response:
        message = self.desk.message_of(self.interaction_of(request), request.match_info["message"])
        body, filenames = await read_body(request)
        message.apply(body, edit=True)
        message.attachments += filenames
        self.discord.messages.changed()
        announce(self.discord, "MESSAGE_UPDATE", message)
        return json_response(message.payload())

    async def delete_message(self, request: web.Request) -> web.Response:
        message = self.desk.message_of(self.interaction_of(request), request.match_info["message"])
        message.deleted = True
        self.discord.messages.changed()
        announce(self.discord, "MESSAGE_DELETE", message)
        return no_content()

    def routes(self) -> list[web.RouteDef]:
        one = WEBHOOK + "/messages/{message}"
        return [
            web.post("/interactions/{interaction_id:\\d+}/{token}/callback", self.callback),
            web.post(WEBHOOK, self.followup),
            web.get(one, self.get_message),
            web.patch(one, self.edit_message),
            web.delete(one, self.delete_message),
        ]
