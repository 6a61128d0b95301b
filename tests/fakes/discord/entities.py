"""Users, roles, channels, members and voice states, each rendered in Discord's wire format.

Field sets follow docs/resources/*.md of discord-api-docs.
"""

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from tests.fakes.discord.snowflakes import iso_now

type Payload = dict[str, Any]

ADMINISTRATOR = 1 << 3
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
CONNECT = 1 << 20
SPEAK = 1 << 21
USE_APPLICATION_COMMANDS = 1 << 31
ALL_PERMISSIONS = (1 << 53) - 1
EVERYONE_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | READ_MESSAGE_HISTORY
    | CONNECT
    | SPEAK
    | USE_APPLICATION_COMMANDS
)


class ChannelKind(IntEnum):
    """Discord channel types the stand-in models."""

    TEXT = 0
    VOICE = 2


@dataclass
class User:
    """A Discord user account (a person or the bot)."""

    id: int
    username: str
    bot: bool = False

    def payload(self) -> Payload:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": None if self.bot else self.username,
            "avatar": None,
            "bot": self.bot,
            "system": False,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
        }


@dataclass
class Role:
    """A guild role; the @everyone role shares the guild's id."""

    id: int
    name: str
    permissions: int
    position: int = 0
    managed: bool = False

    def payload(self) -> Payload:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }


@dataclass
class Channel:
    """A text or voice channel of a guild."""

    id: int
    guild_id: int
    name: str
    kind: ChannelKind
    position: int = 0

    def payload(self) -> Payload:
        data: Payload = {
            "id": str(self.id),
            "type": int(self.kind),
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [],
            "parent_id": None,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        if self.kind is ChannelKind.VOICE:
            data |= {"bitrate": 64000, "user_limit": 0, "rtc_region": None}
        else:
            data["topic"] = None
        return data


@dataclass
class Member:
    """A user's membership of one guild."""

    user: User
    role_ids: list[int] = field(default_factory=list)
    joined_at: str = field(default_factory=iso_now)

    @property
    def id(self) -> int:
        return self.user.id

    def payload(self) -> Payload:
        return {
            "user": self.user.payload(),
            "nick": None,
            "avatar": None,
            "banner": None,
            "roles": [str(role_id) for role_id in self.role_ids],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }


@dataclass
class VoiceState:
    """Where a member sits in voice; `session_id` is the gateway session for the bot."""

    user_id: int
    channel_id: int
    session_id: str
    self_mute: bool = False
    self_deaf: bool = False

    def payload(self, guild_id: int | None, member: Member | None) -> Payload:
        data: Payload = {
            "channel_id": str(self.channel_id),
            "user_id": str(self.user_id),
            "session_id": self.session_id,
            "deaf": False,
            "mute": False,
            "self_deaf": self.self_deaf,
            "self_mute": self.self_mute,
            "self_stream": False,
            "self_video": False,
            "suppress": False,
            "request_to_speak_timestamp": None,
        }
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        if member is not None:
            data["member"] = member.payload()
        return data
