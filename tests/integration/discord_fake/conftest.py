"""Fixtures: a running fake Discord, and a small real nextcord bot logged in to it."""

import asyncio
from collections.abc import AsyncIterator, Callable

import nextcord
import pytest

from tests.fakes.discord import FakeDiscord, FakeGuild, FakeUser, nextcord_pointed_at
from tests.integration.discord_fake.jukebox import JukeboxBot

TOKEN = "fake-token-for-reprise-tests"  # noqa: S105 - only the stand-in checks it
POLL_INTERVAL = 0.01


@pytest.fixture
async def discord() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN, heartbeat_interval=0.2) as fake:
        with nextcord_pointed_at(fake):
            yield fake
    assert fake.unknown_routes == [], "nextcord called routes the stand-in does not know"


async def start_client(client: nextcord.Client) -> asyncio.Task[None]:
    """Starts `client` against the pointed-at stand-in and waits until it is ready."""
    running = asyncio.create_task(client.start(TOKEN))
    ready = asyncio.create_task(client.wait_until_ready())
    done, _pending = await asyncio.wait(
        {running, ready}, timeout=5.0, return_when="FIRST_COMPLETED"
    )
    if ready not in done:
        ready.cancel()
        await client.close()
        await running
        raise AssertionError("the nextcord client never became ready")
    return running


async def stop_client(client: nextcord.Client, running: asyncio.Task[None]) -> None:
    await client.close()
    await asyncio.wait_for(running, 5.0)


async def eventually(check: Callable[[], bool], within: float = 5.0) -> None:
    """Polls nextcord's cache, which announces no event for what `check` looks at."""
    for _attempt in range(int(within / POLL_INTERVAL)):
        if check():
            return
        await asyncio.sleep(POLL_INTERVAL)
    raise AssertionError(f"still not true after {within}s")


async def commands_synced(bot: nextcord.Client) -> None:
    """Waits until nextcord has associated every local command with a registered id."""
    commands = bot.get_all_application_commands
    await eventually(lambda: bool(commands()) and all(c.command_ids for c in commands()))


@pytest.fixture
def guild(discord: FakeDiscord) -> FakeGuild:
    """Guild One, with a DJ role; exists before the bot logs in."""
    guild_one = discord.add_guild(1 << 22, name="Guild One")
    guild_one.add_role("DJ")
    return guild_one


@pytest.fixture
def alice(guild: FakeGuild) -> FakeUser:
    dj = next(role for role in guild.state.roles.values() if role.name == "DJ")
    return guild.add_member(100, "Alice", roles=[dj])


@pytest.fixture
async def jukebox(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser
) -> AsyncIterator[JukeboxBot]:
    """The test bot, logged in, ready and with its slash commands synced."""
    bot = JukeboxBot()
    running = await start_client(bot)
    await commands_synced(bot)
    yield bot
    await stop_client(bot, running)
