"""Helpers the journeys share: waiting, and reading what the system shows."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from reprise.projections.views import NowPlaying
    from tests.e2e.gateway.system import System
    from tests.fakes.discord import FakeDiscord, FakeGuild, FakeUser, RecordedMessage

POLL = 0.02


async def eventually(check: Callable[[], bool], within: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still not true after {within}s")
        await asyncio.sleep(POLL)


async def bot_joined(guild: FakeGuild, within: float = 5.0) -> None:
    """Waits until Discord has the bot in the guild's voice channel (it joins after /play)."""
    await eventually(lambda: guild.bot_voice_channel_id() == guild.voice_channel.id, within)


async def queue_titles(
    system: System, guild: FakeGuild, within: float = 5.0
) -> tuple[str | None, list[str]]:
    """(current title, upcoming titles) from the queue view, once the projector settled."""
    last: tuple[str | None, list[str]] | None = None
    deadline = asyncio.get_running_loop().time() + within
    while True:
        view = await system.reads.queue(guild.id)
        shown = (
            (view.current.title if view and view.current else None),
            [entry.title for entry in view.upcoming] if view else [],
        )
        if shown == last or asyncio.get_running_loop().time() > deadline:
            return shown
        last = shown
        await asyncio.sleep(0.2)


async def panel_of(discord: FakeDiscord, guild: FakeGuild, title: str) -> RecordedMessage:
    """The guild's now-playing panel once it shows `title`."""

    def shows(message: RecordedMessage) -> bool:
        return any(title in str(embed.get("description", "")) for embed in message.embeds) and any(
            c.startswith("panel:") for c in message.custom_ids
        )

    return await discord.wait_for_message(guild.text_channel, shows)


def track_url(number: int) -> str:
    """A track of the development Lavalink catalogue: 2 is Paper Boats, 4 Neon Rain..."""
    return f"https://www.youtube.com/watch?v=reprise{number:04d}"


async def play(user: FakeUser, guild: FakeGuild, *numbers: int) -> None:
    """`user` runs /play for each catalogue track in turn, each one queued before the next."""
    for number in numbers:
        reply = await user.run_slash(guild, "play", query=track_url(number))
        text = (await reply.wait_for_followup(0)).content
        if "Queued" not in text:
            raise AssertionError(f"/play {number} answered {text!r}")


async def run(user: FakeUser, guild: FakeGuild, command: str, **options: object) -> str:
    """Runs a slash command and returns the reply's text."""
    reply = await user.run_slash(guild, command, **options)
    return reply.content


async def settled(
    system: System, guild: FakeGuild, check: Callable[[NowPlaying], bool], within: float = 5.0
) -> NowPlaying:
    """The now-playing model once `check` holds for it."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        playing = await system.reads.now_playing(guild.id)
        if playing is not None and check(playing):
            return playing
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"now playing never matched: {playing}")
        await asyncio.sleep(POLL)
