"""Who may do what (ADR 0009): share the bot's voice channel; DJs for destructive actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import nextcord

from reprise.adapters.discord.refusals import Refusal

if TYPE_CHECKING:
    from reprise.projections.views import QueueView

VoiceChannel = nextcord.VoiceChannel | nextcord.StageChannel


@dataclass(frozen=True, slots=True)
class Listener:
    """A member who may control playback: in a guild, in voice, with the bot if it is in one."""

    member: nextcord.Member
    channel: VoiceChannel

    @property
    def guild(self) -> nextcord.Guild:
        return self.member.guild

    @property
    def actor_id(self) -> str:
        return str(self.member.id)


def member_of(interaction: nextcord.Interaction[Any]) -> nextcord.Member:
    if interaction.guild is None or not isinstance(interaction.user, nextcord.Member):
        raise Refusal("Reprise works in servers, not in direct messages.")
    return interaction.user


def bot_channel(guild: nextcord.Guild) -> VoiceChannel | None:
    """Where the bot is in voice, as Discord last told us."""
    voice = guild.me.voice if guild.me is not None else None
    return voice.channel if voice is not None else None


class Whereabouts(Protocol):
    """The gateway's voice bridge, as far as permissions go."""

    def channel_id(self, guild: nextcord.Guild) -> int | None: ...


def bot_channel_id(interaction: nextcord.Interaction[Any], guild: nextcord.Guild) -> int | None:
    """Where the bot is in voice or, between an accepted join and Discord's answer, is going:
    the bot's voice bridge knows that; Discord alone does not yet."""
    bridge: Whereabouts | None = getattr(interaction.client, "voice_bridge", None)
    if bridge is not None:
        return bridge.channel_id(guild)
    channel = bot_channel(guild)
    return channel.id if channel is not None else None


def listener(interaction: nextcord.Interaction[Any]) -> Listener:
    """The member, if they may control playback: in voice, and in the bot's channel."""
    member = member_of(interaction)
    voice = member.voice
    if voice is None or voice.channel is None:
        raise Refusal("Join a voice channel first, then ask again.")
    channel: VoiceChannel = voice.channel
    with_bot = bot_channel_id(interaction, member.guild)
    if with_bot is not None and with_bot != channel.id:
        raise Refusal(f"I am playing in <#{with_bot}>; join it to control the music.")
    return Listener(member, channel)


def is_admin(member: nextcord.Member) -> bool:
    permissions = member.guild_permissions
    return permissions.manage_guild or permissions.administrator


def is_dj(member: nextcord.Member, dj_role_id: int | None) -> bool:
    """Admins always; otherwise members with the DJ role, when one is set."""
    if is_admin(member):
        return True
    return dj_role_id is not None and any(role.id == dj_role_id for role in member.roles)


def require_admin(member: nextcord.Member) -> None:
    if not is_admin(member):
        raise Refusal("Only members with the **Manage Server** permission can do that.")


def require_dj(who: Listener, view: QueueView | None, action: str) -> None:
    """Destructive actions need the DJ role when the guild set one."""
    role = view.dj_role_id if view else None
    if role is not None and not is_dj(who.member, role):
        raise Refusal(f"Only DJs (<@&{role}>) can {action}.")


def humans_in(channel: VoiceChannel) -> list[nextcord.Member]:
    return [member for member in channel.members if not member.bot]


def dj_listening(channel: VoiceChannel, dj_role_id: int | None) -> bool:
    return dj_role_id is not None and any(is_dj(m, dj_role_id) for m in humans_in(channel))
