"""Skip, skip-to, previous, pause, resume, stop, seek, shuffle, clear, remove, move, loop."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.gateway.journeys import eventually, play, queue_titles, run, settled

if TYPE_CHECKING:
    from tests.e2e.gateway.system import System
    from tests.fakes.discord import FakeGuild, FakeUser

pytestmark = pytest.mark.e2e
# Catalogue numbers: Paper Boats, Glass Harbour, Neon Rain, Midnight Transit, Velvet Static
PAPER, GLASS, NEON, MIDNIGHT, VELVET = 2, 3, 4, 5, 6


async def test_skip_skipto_and_previous_move_through_the_queue(
    guild: FakeGuild, alice: FakeUser, system: System
) -> None:
    await alice.join_voice()
    await play(alice, guild, PAPER, GLASS, NEON, MIDNIGHT)

    assert await run(alice, guild, "skip") == "⏭️ Skipped **Paper Boats**."
    assert await queue_titles(system, guild) == ("Glass Harbour", ["Neon Rain", "Midnight Transit"])
    assert await run(alice, guild, "skipto", position=2) == "⏭️ Skipped to **Midnight Transit**."
    assert await queue_titles(system, guild) == ("Midnight Transit", [])
    assert await run(alice, guild, "previous") == "⏮️ Back to the previous track."
    assert (await queue_titles(system, guild))[0] == "Neon Rain"  # skipped past, so in history


async def test_pause_resume_and_seek_reach_the_now_playing_model(
    guild: FakeGuild, alice: FakeUser, system: System
) -> None:
    await alice.join_voice()
    await play(alice, guild, PAPER)

    assert await run(alice, guild, "pause") == "⏸️ Paused."
    assert await run(alice, guild, "pause") == "Nothing to change: Already paused."
    assert await run(alice, guild, "seek", to="1:23") == "⏩ Jumped to 1:23."
    assert await run(alice, guild, "seek", to="+30") == "⏩ Jumped to 1:53."
    assert await run(alice, guild, "seek", to="-10") == "⏩ Jumped to 1:43."
    assert (await run(alice, guild, "seek", to="soon")).startswith("`soon` is not a time")
    assert (await run(alice, guild, "seek", to="9:00")).startswith("Cannot seek to 540000 ms")
    await settled(system, guild, lambda p: p.paused and p.position_ms == 103_000)
    assert await run(alice, guild, "resume") == "▶️ Resumed."
    await settled(system, guild, lambda p: not p.paused)


async def test_stop_clears_everything_and_then_nothing_is_playing(
    guild: FakeGuild, alice: FakeUser, system: System
) -> None:
    await alice.join_voice()
    await play(alice, guild, PAPER, GLASS)

    assert await run(alice, guild, "stop") == "⏹️ Stopped and cleared the queue."
    assert await queue_titles(system, guild) == (None, [])
    assert await run(alice, guild, "pause") == "Nothing is playing right now."


async def test_shuffle_clear_remove_and_move_rearrange_the_upcoming_tracks(
    guild: FakeGuild, alice: FakeUser, system: System
) -> None:
    await alice.join_voice()
    await play(alice, guild, PAPER, GLASS, NEON, MIDNIGHT, VELVET)

    assert await run(alice, guild, "move", position=4, to=1) == "↕️ Moved **Velvet Static** to #1."
    assert (await queue_titles(system, guild))[1] == [
        "Velvet Static", "Glass Harbour", "Neon Rain", "Midnight Transit",
    ]  # fmt: skip
    assert await run(alice, guild, "remove", position=2) == "🗑️ Removed **Glass Harbour**."
    assert (await run(alice, guild, "remove", position=9)).startswith("There is no track #9")
    assert await run(alice, guild, "shuffle") == "🔀 Shuffled the queue."
    _current, upcoming = await queue_titles(system, guild)
    assert sorted(upcoming) == ["Midnight Transit", "Neon Rain", "Velvet Static"]
    assert await run(alice, guild, "clear") == "🧹 Cleared the queue."
    assert await queue_titles(system, guild) == ("Paper Boats", [])
    assert await run(alice, guild, "shuffle") == (
        "Shuffling needs at least two queued tracks; there are 0."
    )


async def test_loop_modes_are_set_and_shown(
    guild: FakeGuild, alice: FakeUser, system: System
) -> None:
    await alice.join_voice()
    await play(alice, guild, PAPER)

    assert await run(alice, guild, "loop", mode="track") == "🔂 Looping this track."
    await settled(system, guild, lambda p: p.loop == "track")
    assert await run(alice, guild, "loop", mode="queue") == "🔁 Looping the queue."
    assert (
        await run(alice, guild, "loop", mode="queue")
        == "Nothing to change: Already looping: queue."
    )
    assert await run(alice, guild, "loop", mode="off") == "➡️ Loop off."
    await settled(system, guild, lambda p: p.loop == "off")


async def test_queue_pages_turn_with_buttons_and_history_lists_played_tracks(
    guild: FakeGuild, alice: FakeUser, system: System
) -> None:
    await alice.join_voice()
    late_night = "https://www.youtube.com/playlist?list=PLreprise-late-night"
    sunday = "https://www.youtube.com/playlist?list=PLreprise-sunday"
    for url in (late_night, sunday):
        await (await alice.run_slash(guild, "play", query=url)).wait_for_followup(0)
    await play(alice, guild, PAPER, GLASS)
    await queue_titles(system, guild)

    shown = await alice.run_slash(guild, "queue")

    assert shown.embeds[0]["footer"]["text"].startswith("Page 1/2 · 11 tracks")
    turned = await alice.click(shown.message, "queue:1:next")
    assert turned.message.embeds[0]["footer"]["text"].startswith("Page 2/2")
    assert "`11.` **Glass Harbour**" in str(turned.message.embeds[0]["fields"])
    await run(alice, guild, "skip")
    await eventually(lambda: True)
    history = await alice.run_slash(guild, "history")
    assert "**Neon Rain**" in history.content
    assert history.ephemeral
