"""The stand-in's world: the guilds the bot is in and everything inside them.

Changes made after a bot connected are announced through an `EventSink`, which the
gateway implements.
"""

from typing import Protocol

from tests.fakes.discord.entities import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    EVERYONE_PERMISSIONS,
    Channel,
    ChannelKind,
    Member,
    Payload,
    Role,
    User,
    VoiceState,
)
from tests.fakes.discord.snowflakes import SnowflakeMint


class EventSink(Protocol):
    """Receives the world's changes so connected bots can be told about them."""

    def dispatch_to_guild(self, event: str, guild_id: int, data: Payload) -> None: ...

    def guild_joined(self, guild: "Guild") -> None: ...


class Guild:
    """A guild with its roles, channels, members and voice states."""

    def __init__(self, world: "World", guild_id: int, name: str) -> None:
        self.world = world
        self.id = guild_id
        self.name = name
        self.owner_id = world.bot.id
        self.roles: dict[int, Role] = {guild_id: Role(guild_id, "@everyone", EVERYONE_PERMISSIONS)}
        self.channels: dict[int, Channel] = {}
        self.members: dict[int, Member] = {}
        self.voice_states: dict[int, VoiceState] = {}
        self.announced = False

    def shard_id(self, shard_count: int) -> int:
        """The shard that carries this guild (Gateway.md, Sharding)."""
        return (self.id >> 22) % shard_count

    def add_role(self, name: str, permissions: int = 0, *, role_id: int | None = None) -> Role:
        role = Role(role_id or self.world.mint.next(), name, permissions, len(self.roles))
        self.roles[role.id] = role
        self._emit("GUILD_ROLE_CREATE", {"guild_id": str(self.id), "role": role.payload()})
        return role

    def add_channel(
        self, name: str, kind: ChannelKind, *, channel_id: int | None = None
    ) -> Channel:
        channel = Channel(
            channel_id or self.world.mint.next(), self.id, name, kind, len(self.channels)
        )
        self.channels[channel.id] = channel
        self.world.channels[channel.id] = channel
        self._emit("CHANNEL_CREATE", channel.payload())
        return channel

    def add_member(self, user: User, roles: list[Role] | None = None) -> Member:
        member = Member(user, [role.id for role in roles or []])
        self.members[user.id] = member
        self._emit("GUILD_MEMBER_ADD", member.payload() | {"guild_id": str(self.id)})
        return member

    def first_channel(self, kind: ChannelKind) -> Channel:
        for channel in self.channels.values():
            if channel.kind is kind:
                return channel
        raise LookupError(f"guild {self.id} has no {kind.name.lower()} channel")

    def permissions_of(self, user_id: int) -> int:
        """Guild-level permissions (channel overwrites are not modelled)."""
        member = self.members[user_id]
        granted = self.roles[self.id].permissions
        for role_id in member.role_ids:
            granted |= self.roles[role_id].permissions
        if granted & ADMINISTRATOR or user_id == self.owner_id:
            return ALL_PERMISSIONS
        return granted

    def set_voice_state(
        self, user_id: int, channel_id: int | None, session_id: str, **flags: bool
    ) -> Payload:
        """Moves a member into `channel_id` (None leaves voice); returns the update sent."""
        if channel_id is None:
            state = self.voice_states.pop(user_id, None)
            left = state or VoiceState(user_id, 0, session_id)
            data = left.payload(self.id, self.members.get(user_id)) | {"channel_id": None}
        else:
            state = VoiceState(user_id, channel_id, session_id, **flags)
            self.voice_states[user_id] = state
            data = state.payload(self.id, self.members.get(user_id))
        self._emit("VOICE_STATE_UPDATE", data)
        return data

    def create_payload(self, *, all_members: bool, large_threshold: int) -> Payload:
        """The GUILD_CREATE body (Gateway_Events.md, Guild Create)."""
        shown = self._visible_members(all_members and len(self.members) <= large_threshold)
        return self.base_payload() | {
            "joined_at": self.members[self.world.bot.id].joined_at,
            "large": len(self.members) > large_threshold,
            "unavailable": False,
            "member_count": len(self.members),
            "voice_states": [state.payload(None, None) for state in self.voice_states.values()],
            "members": [member.payload() for member in shown],
            "channels": [channel.payload() for channel in self.channels.values()],
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def base_payload(self) -> Payload:
        """The guild object of REST `GET /guilds/{id}`."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [role.payload() for role in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
        }

    def _visible_members(self, everyone: bool) -> list[Member]:
        if everyone:
            return list(self.members.values())
        wanted = {self.world.bot.id, *self.voice_states}
        return [member for user_id, member in self.members.items() if user_id in wanted]

    def _emit(self, event: str, data: Payload) -> None:
        if self.announced and self.world.sink is not None:
            self.world.sink.dispatch_to_guild(event, self.id, data)


class World:
    """Everything that exists on the stand-in, independent of who is connected."""

    def __init__(self, bot: User, mint: SnowflakeMint) -> None:
        self.bot = bot
        self.mint = mint
        self.users: dict[int, User] = {bot.id: bot}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}  # of every guild, by id
        self.sink: EventSink | None = None

    def add_guild(self, name: str, guild_id: int | None = None) -> Guild:
        guild = Guild(self, guild_id or self.mint.next(), name)
        self.guilds[guild.id] = guild
        bot_role = Role(self.mint.next(), self.bot.username, EVERYONE_PERMISSIONS, 1, managed=True)
        guild.roles[bot_role.id] = bot_role
        guild.members[self.bot.id] = Member(self.bot, [bot_role.id])
        guild.add_channel("general", ChannelKind.TEXT)
        guild.add_channel("General", ChannelKind.VOICE)
        guild.announced = True
        if self.sink is not None:
            self.sink.guild_joined(guild)
        return guild

    def user(self, user_id: int, username: str) -> User:
        known = self.users.get(user_id)
        if known is None:
            known = self.users[user_id] = User(user_id, username)
        return known

    def channel(self, channel_id: int) -> Channel | None:
        return self.channels.get(channel_id)
