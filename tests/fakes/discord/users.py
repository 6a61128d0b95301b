"""What tests hold: guilds they set up and simulated users who act in them.

Reads as sentences: `await alice.join_voice(guild.voice_channel)`,
`reply = await alice.run_slash(guild, "play", query="foo")`,
`await alice.click(reply.message, "skip")`.
"""

import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING

from tests.fakes.discord.commands import invocation_options
from tests.fakes.discord.entities import Channel, ChannelKind, Member, Payload, Role
from tests.fakes.discord.interaction_records import InteractionType, UserInteraction
from tests.fakes.discord.messages import MessageKind, RecordedMessage
from tests.fakes.discord.resolved import resolver_for
from tests.fakes.discord.state import Guild

if TYPE_CHECKING:
    from tests.fakes.discord.server import FakeDiscord

BUTTON = 2
SELECT_TYPES = frozenset({3, 5, 6, 7, 8})


class FakeGuild:
    """A guild the test set up; where simulated users act."""

    def __init__(self, discord: "FakeDiscord", state: Guild) -> None:
        self.discord = discord
        self.state = state

    @property
    def id(self) -> int:
        return self.state.id

    @property
    def name(self) -> str:
        return self.state.name

    @property
    def text_channel(self) -> Channel:
        return self.state.first_channel(ChannelKind.TEXT)

    @property
    def voice_channel(self) -> Channel:
        return self.state.first_channel(ChannelKind.VOICE)

    def add_text_channel(self, name: str) -> Channel:
        return self.state.add_channel(name, ChannelKind.TEXT)

    def add_voice_channel(self, name: str) -> Channel:
        return self.state.add_channel(name, ChannelKind.VOICE)

    def add_role(self, name: str, permissions: int = 0) -> Role:
        return self.state.add_role(name, permissions)

    def add_member(self, user_id: int, name: str, roles: list[Role] | None = None) -> "FakeUser":
        member = self.state.add_member(self.discord.world.user(user_id, name), roles)
        return FakeUser(self, member)

    def member(self, user_id: int) -> "FakeUser":
        return FakeUser(self, self.state.members[user_id])

    def bot_voice_channel_id(self) -> int | None:
        """Where the bot sits in voice, as Discord sees it."""
        state = self.state.voice_states.get(self.discord.world.bot.id)
        return None if state is None else state.channel_id

    def voice_members(self, channel: Channel) -> set[int]:
        return {s.user_id for s in self.state.voice_states.values() if s.channel_id == channel.id}


class FakeUser:
    """A simulated Discord user in one guild who joins voice, runs commands and clicks."""

    def __init__(self, guild: FakeGuild, member: Member) -> None:
        self.guild = guild
        self.member = member
        self._voice_session = secrets.token_hex(16)

    @property
    def id(self) -> int:
        return self.member.id

    @property
    def name(self) -> str:
        return self.member.user.username

    @property
    def discord(self) -> "FakeDiscord":
        return self.guild.discord

    async def join_voice(self, channel: Channel | None = None) -> None:
        target = channel or self.guild.voice_channel
        self.guild.state.set_voice_state(self.id, target.id, self._voice_session)

    async def leave_voice(self) -> None:
        self.guild.state.set_voice_state(self.id, None, self._voice_session)

    async def say(self, channel: Channel, content: str) -> RecordedMessage:
        """Posts a message in `channel`; the bot gets MESSAGE_CREATE if it asked for messages."""
        message = RecordedMessage(
            id=self.discord.world.mint.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=self.member.user,
            kind=MessageKind.USER,
            content=content,
        )
        self.discord.messages.record(message)
        payload = message.payload() | {"member": self.member.payload()}
        self.discord.gateway.dispatch_to_guild("MESSAGE_CREATE", channel.guild_id, payload)
        return message

    async def run_slash(
        self,
        place: FakeGuild | Channel,
        command: str,
        options: Mapping[str, object] | None = None,
        /,
        **named: object,
    ) -> UserInteraction:
        """Runs `/command [sub...] name:value...` and waits for the bot's callback."""
        interaction = self.start_slash(place, command, options, **named)
        await interaction.wait_for_callback(self.discord.answer_timeout)
        return interaction

    def start_slash(
        self,
        place: FakeGuild | Channel,
        command: str,
        options: Mapping[str, object] | None = None,
        /,
        **named: object,
    ) -> UserInteraction:
        """Sends the command without waiting for an answer."""
        data = self._command_data(command, dict(options or {}) | named, focused=None)
        return self._send(InteractionType.APPLICATION_COMMAND, place, data)

    async def autocomplete(
        self, place: FakeGuild | Channel, command: str, focused: str, typed: str, /, **named: object
    ) -> UserInteraction:
        """Types `typed` into option `focused` of `/command` and waits for the suggestions."""
        data = self._command_data(command, named | {focused: typed}, focused=focused)
        interaction = self._send(InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE, place, data)
        await interaction.wait_for_callback(self.discord.answer_timeout)
        return interaction

    async def click(self, message: RecordedMessage, custom_id: str) -> UserInteraction:
        """Clicks the button `custom_id` on `message` and waits for the bot's callback."""
        component = self._component(message, custom_id)
        if component.get("type") != BUTTON or component.get("disabled"):
            raise AssertionError(f"{custom_id!r} on message {message.id} is not a clickable button")
        data = {"custom_id": custom_id, "component_type": BUTTON}
        return await self._send_component(message, data)

    async def select(
        self, message: RecordedMessage, custom_id: str, values: list[str]
    ) -> UserInteraction:
        """Picks `values` in the select menu `custom_id` and waits for the bot's callback."""
        component = self._component(message, custom_id)
        if component.get("type") not in SELECT_TYPES or component.get("disabled"):
            raise AssertionError(
                f"{custom_id!r} on message {message.id} is not a usable select menu"
            )
        offered = {str(option["value"]) for option in component.get("options", [])}
        if offered and not set(values) <= offered:
            raise AssertionError(f"select {custom_id!r} offers {sorted(offered)}, not {values}")
        data = {"custom_id": custom_id, "component_type": component["type"], "values": values}
        return await self._send_component(message, data)

    def _command_data(
        self, command: str, values: dict[str, object], focused: str | None
    ) -> Payload:
        name, *path = command.removeprefix("/").split()
        registered = self.discord.commands.find(self.guild.id, name)
        resolved: Payload = {}
        resolve = resolver_for(self.guild.state, resolved)
        options = invocation_options(registered, path, values, resolve, focused)
        data: Payload = {"id": registered["id"], "name": name, "type": 1, "options": options}
        if "guild_id" in registered:
            data["guild_id"] = registered["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    def _component(self, message: RecordedMessage, custom_id: str) -> Payload:
        if message.deleted:
            raise AssertionError(f"message {message.id} was deleted")
        component = message.find_component(custom_id)
        if component is None:
            raise AssertionError(
                f"message {message.id} has no {custom_id!r}; it has {message.custom_ids}"
            )
        return component

    async def _send_component(self, message: RecordedMessage, data: Payload) -> UserInteraction:
        channel = self.discord.world.channel(message.channel_id)
        if channel is None:
            raise AssertionError(f"message {message.id} is in no known channel")
        interaction = self._send(InteractionType.MESSAGE_COMPONENT, channel, data, message)
        await interaction.wait_for_callback(self.discord.answer_timeout)
        return interaction

    def _send(
        self,
        kind: InteractionType,
        place: FakeGuild | Channel,
        data: Payload,
        source: RecordedMessage | None = None,
    ) -> UserInteraction:
        channel = place.text_channel if isinstance(place, FakeGuild) else place
        interaction = self.discord.interactions.open(kind, channel, self.member, data, source)
        session = self.discord.gateway.session_for_guild(channel.guild_id)
        session.dispatch("INTERACTION_CREATE", interaction.payload)
        return interaction
