"""`reprise up` runs the gateway when DISCORD_TOKEN is set, beside the embedded core and the
audio process, and says so when it is not."""

from __future__ import annotations

import asyncio
import io
from contextlib import suppress
from typing import TYPE_CHECKING

import pytest
from rich.console import Console

from reprise.adapters.cli.processes import run_everything, run_gateway
from reprise.settings import Settings
from tests.e2e.gateway.journeys import bot_joined, eventually, track_url
from tests.e2e.gateway.system import TOKEN

if TYPE_CHECKING:
    from pathlib import Path

    from tests.fakes.discord import FakeDiscord, FakeGuild, FakeUser

pytestmark = pytest.mark.e2e


def _embedded(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": None,
        "amqp_url": None,
        "redis_url": None,
        "lavalink_nodes": None,
        "sqlite_path": tmp_path / "reprise.sqlite3",
        "dev_lavalink_port": 0,
        "panel_edit_interval": 0.2,
    }
    return Settings.model_validate(values | overrides)


async def test_reprise_up_with_a_token_serves_slash_commands_end_to_end(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser, tmp_path: Path
) -> None:
    printed = io.StringIO()
    settings = _embedded(tmp_path, discord_token=TOKEN, bot_user_id=discord.bot.id)
    up = asyncio.create_task(run_everything(settings, Console(file=printed, width=200)))
    try:
        await discord.wait_for_commands("play", "queue", within=20.0)
        await alice.join_voice()

        reply = await alice.run_slash(guild, "play", query=track_url(2))

        assert "Queued **Paper Boats**" in (await reply.wait_for_followup(0, within=10.0)).content
        await bot_joined(guild)
        assert "Discord gateway: connecting with DISCORD_TOKEN." in printed.getvalue()
    finally:
        up.cancel()
        with suppress(asyncio.CancelledError):
            await up


async def test_reprise_up_without_a_token_says_so_and_runs_the_rest(tmp_path: Path) -> None:
    printed = io.StringIO()
    up = asyncio.create_task(run_everything(_embedded(tmp_path), Console(file=printed, width=200)))
    try:
        await eventually(lambda: "Reprise is up." in printed.getvalue(), within=20.0)
        assert "No DISCORD_TOKEN: the Discord gateway is not started." in printed.getvalue()
        assert not up.done()
    finally:
        up.cancel()
        with suppress(asyncio.CancelledError):
            await up


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        (
            {"discord_token": None, "redis_url": "redis://127.0.0.1:6379"},
            "DISCORD_TOKEN is not set",
        ),
        ({"discord_token": TOKEN, "redis_url": None}, "REDIS_URL is not set"),
    ],
)
async def test_run_gateway_refuses_to_start_without_what_it_needs(
    tmp_path: Path, overrides: dict[str, object], reason: str
) -> None:
    printed = io.StringIO()

    code = await run_gateway(
        _embedded(tmp_path, amqp_url="amqp://unused", **overrides),
        Console(file=printed, width=200),
    )

    assert code == 2
    assert reason in printed.getvalue()
