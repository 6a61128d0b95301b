"""The `resolved` map of a command interaction: the users, roles and channels its options name."""

from tests.fakes.discord.commands import (
    CHANNEL,
    MENTIONABLE,
    ROLE,
    USER,
    EntityResolver,
    UnregisteredCommandError,
)
from tests.fakes.discord.entities import Payload
from tests.fakes.discord.state import Guild


def entity_id(value: object) -> int:
    """An id from an int or anything with an `id` (users, members, roles, channels, handles)."""
    if isinstance(value, int):
        return value
    found = getattr(value, "id", None)
    if not isinstance(found, int):
        raise TypeError(f"cannot use {value!r} as a user, role or channel option")
    return found


def resolver_for(guild: Guild, resolved: Payload) -> EntityResolver:
    """Resolves option values against `guild`, filling `resolved` as Discord does."""

    def resolve(kind: int, value: object) -> str:
        wanted = entity_id(value)
        if kind in (USER, MENTIONABLE) and wanted in guild.members:
            member = guild.members[wanted]
            resolved.setdefault("users", {})[str(wanted)] = member.user.payload()
            partial = {
                k: v for k, v in member.payload().items() if k not in ("user", "deaf", "mute")
            }
            permissions = {"permissions": str(guild.permissions_of(wanted))}
            resolved.setdefault("members", {})[str(wanted)] = partial | permissions
        elif kind in (ROLE, MENTIONABLE) and wanted in guild.roles:
            resolved.setdefault("roles", {})[str(wanted)] = guild.roles[wanted].payload()
        elif kind == CHANNEL and wanted in guild.channels:
            channel = guild.channels[wanted].payload()
            resolved.setdefault("channels", {})[str(wanted)] = channel | {"permissions": "0"}
        else:
            raise UnregisteredCommandError(f"option value {value!r} is not in guild {guild.id}")
        return str(wanted)

    return resolve
