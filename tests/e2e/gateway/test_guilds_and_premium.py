"""Two guilds at once; premium features refused, then unlocked by a trial; the panel's buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.gateway.journeys import panel_of, play, queue_titles, run, settled

if TYPE_CHECKING:
    from tests.e2e.gateway.system import System
    from tests.fakes.discord import FakeDiscord, FakeGuild, FakeUser

pytestmark = pytest.mark.e2e
PAPER, GLASS, NEON = 2, 3, 4


async def test_two_guilds_at_once_never_see_each_others_queues(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser, system: System
) -> None:
    other = discord.add_guild(2 << 22, name="Guild Two")
    zoe = other.add_member(200, "Zoe")
    await discord.wait_for_sessions(1)
    for user in (alice, zoe):
        await user.join_voice()

    await play(alice, guild, PAPER, GLASS)
    await play(zoe, other, NEON)

    assert await queue_titles(system, guild) == ("Paper Boats", ["Glass Harbour"])
    assert await queue_titles(system, other) == ("Neon Rain", [])
    shown = await zoe.run_slash(other, "queue")
    assert "Neon Rain" in str(shown.embeds)
    assert "Paper Boats" not in str(shown.embeds)
    await panel_of(discord, other, "Neon Rain")
    assert other.bot_voice_channel_id() == other.voice_channel.id


async def test_a_free_guild_is_refused_a_premium_filter_starts_a_trial_and_then_may_use_it(
    guild: FakeGuild, alice: FakeUser, ada: FakeUser, system: System
) -> None:
    await alice.join_voice()
    await play(alice, guild, PAPER)

    refused = await alice.run_slash(guild, "filter", preset="nightcore")
    status_before = await run(alice, guild, "premium status")
    trial = await run(ada, guild, "premium trial")
    accepted = await run(alice, guild, "filter", preset="nightcore")
    again = await ada.run_slash(guild, "premium trial")

    assert refused.ephemeral
    assert refused.content == (
        "🔒 Audio filters needs **Reprise Premium** (or a trial). "
        "Start a free 14-day trial with `/premium trial`."
    )
    assert status_before.startswith("**Plan: Free**")
    assert trial.startswith("✨ Your 14-day Premium trial has started")
    assert accepted == "🎛️ Filter: nightcore."
    assert again.content == "This server has already used its free trial."
    assert (await run(alice, guild, "premium status")).startswith("**Plan: Trial** until")
    await settled(system, guild, lambda playing: playing.filters == "nightcore")


async def test_panel_buttons_go_through_the_same_commands_and_checks(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser, bob: FakeUser, system: System
) -> None:
    await alice.join_voice()
    await play(alice, guild, PAPER, GLASS)
    panel = await panel_of(discord, guild, "Paper Boats")

    paused = await alice.click(panel, "panel:pause")
    outsider = await bob.click(panel, "panel:skip")
    looped = await alice.click(panel, "panel:loop")

    assert (paused.content, paused.ephemeral) == ("⏸️ Paused.", True)
    assert outsider.content == "Join a voice channel first, then ask again."
    assert looped.content == "🔂 Looping this track."
    refreshed = await panel_of(discord, guild, "Paper Boats")
    await _eventually_labelled(discord, guild, "Resume")
    skipped = await alice.click(refreshed, "panel:skip")
    assert skipped.content == "⏭️ Skipped **Paper Boats**."
    await panel_of(discord, guild, "Glass Harbour")


async def _eventually_labelled(discord: FakeDiscord, guild: FakeGuild, label: str) -> None:
    def has(message: object) -> bool:
        components = list(message.iter_components())  # type: ignore[attr-defined]
        return any(c.get("label") == label for c in components)

    await discord.wait_for_message(guild.text_channel, has)
