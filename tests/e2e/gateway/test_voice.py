"""Voice: kicked by an admin, left alone, 24/7."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from reprise.application.voice_messages import VoiceStateForwarded
from tests.e2e.gateway.journeys import bot_joined, eventually, play, run

if TYPE_CHECKING:
    from tests.e2e.gateway.system import System
    from tests.fakes.discord import FakeDiscord, FakeGuild, FakeUser

pytestmark = pytest.mark.e2e
PAPER, GLASS = 2, 3


async def test_a_bot_kicked_from_voice_leaves_consistent_state_and_play_recovers(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser, system: System
) -> None:
    await alice.join_voice()
    await play(alice, guild, PAPER)
    await bot_joined(guild)
    joins = len([r for r in discord.voice_requests if r.channel_id is not None])

    guild.state.set_voice_state(discord.bot.id, None, "kicked-by-admin")

    await eventually(lambda: _left(system, guild))
    await _core_sees_no_voice(system, guild)
    await play(alice, guild, GLASS)
    await bot_joined(guild)
    assert len([r for r in discord.voice_requests if r.channel_id is not None]) == joins + 1
    view = await system.reads.queue(guild.id)
    assert view is not None
    assert view.voice_channel_id == guild.voice_channel.id


async def test_the_bot_leaves_when_left_alone(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser, system: System
) -> None:
    await alice.join_voice()
    await play(alice, guild, PAPER)
    await bot_joined(guild)

    await alice.leave_voice()

    await discord.wait_for_voice_request(guild.id, leave=True, within=5.0)
    await eventually(lambda: guild.bot_voice_channel_id() is None)


async def test_with_24_7_on_the_bot_stays_when_alone(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser, ada: FakeUser, system: System
) -> None:
    await alice.join_voice()
    assert (await run(ada, guild, "premium trial")).startswith("✨ Your 14-day Premium trial")
    await play(alice, guild, PAPER)
    assert await run(alice, guild, "247", enabled=True) == "🌙 24/7 mode on."
    await bot_joined(guild)

    await alice.leave_voice()
    await asyncio.sleep(1.5)  # three times the idle timeout of these tests

    assert guild.bot_voice_channel_id() == guild.voice_channel.id
    assert not [r for r in discord.voice_requests if r.channel_id is None]


def _left(system: System, guild: FakeGuild) -> bool:
    return any(
        isinstance(m, VoiceStateForwarded) and m.channel_id is None and m.guild_id == guild.id
        for m in system.audio.forwarded
    )


async def _core_sees_no_voice(system: System, guild: FakeGuild) -> None:
    for _ in range(100):
        view = await system.reads.queue(guild.id)
        if view is not None and view.voice_channel_id is None:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the core still thinks the bot is in voice")
