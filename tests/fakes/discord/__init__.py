"""A protocol-faithful Discord stand-in (REST + gateway) for an unmodified nextcord client.

async with FakeDiscord(token="t") as discord:
    guild = discord.add_guild(1 << 22, name="Guild One")
    alice = guild.add_member(100, "Alice")
    with nextcord_pointed_at(discord):
        ...  # start a nextcord.Client / commands.Bot with token "t"
        await alice.join_voice(guild.voice_channel)
        reply = await alice.run_slash(guild, "play", query="foo")
        assert reply.content == "Queued foo" and reply.ephemeral
        await alice.click(reply.message, "skip")
        assert discord.voice_requests[-1].channel_id == guild.voice_channel.id
"""

from tests.fakes.discord.commands import UnregisteredCommandError
from tests.fakes.discord.interaction_records import CallbackType, UserInteraction
from tests.fakes.discord.messages import MessageKind, RecordedMessage
from tests.fakes.discord.nextcord_redirect import nextcord_pointed_at
from tests.fakes.discord.server import FakeDiscord
from tests.fakes.discord.users import FakeGuild, FakeUser
from tests.fakes.discord.voice import VoiceRequest

__all__ = [
    "CallbackType",
    "FakeDiscord",
    "FakeGuild",
    "FakeUser",
    "MessageKind",
    "RecordedMessage",
    "UnregisteredCommandError",
    "UserInteraction",
    "VoiceRequest",
    "nextcord_pointed_at",
]
