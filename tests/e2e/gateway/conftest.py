"""Fixtures: the Discord stand-in with one guild and its people, and the running system."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.gateway.system import TOKEN, Services, System, running_system
from tests.fakes.discord import FakeDiscord, FakeGuild, FakeUser, nextcord_pointed_at
from tests.fakes.discord.entities import ADMINISTRATOR

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

pytestmark = pytest.mark.e2e


@pytest.fixture
async def discord() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN, heartbeat_interval=0.5) as fake:
        with nextcord_pointed_at(fake):
            yield fake
    assert fake.unknown_routes == [], "nextcord called routes the stand-in does not know"


@pytest.fixture
def guild(discord: FakeDiscord) -> FakeGuild:
    """Guild One: a DJ role and an Admin role (Administrator)."""
    one = discord.add_guild(1 << 22, name="Guild One")
    one.add_role("DJ")
    one.add_role("Admin", ADMINISTRATOR)
    return one


def _role(guild: FakeGuild, name: str):  # type: ignore[no-untyped-def]
    return next(role for role in guild.state.roles.values() if role.name == name)


@pytest.fixture
def alice(guild: FakeGuild) -> FakeUser:
    return guild.add_member(100, "Alice")


@pytest.fixture
def bob(guild: FakeGuild) -> FakeUser:
    return guild.add_member(101, "Bob")


@pytest.fixture
def dana(guild: FakeGuild) -> FakeUser:
    """Dana has the DJ role."""
    return guild.add_member(102, "Dana", roles=[_role(guild, "DJ")])


@pytest.fixture
def ada(guild: FakeGuild) -> FakeUser:
    """Ada administers the server."""
    return guild.add_member(103, "Ada", roles=[_role(guild, "Admin")])


@pytest.fixture
def services(database_url: str, pg_schema: str, amqp_url: str, redis_prefix: str) -> Services:
    return Services(database_url, pg_schema, amqp_url, redis_prefix)


@pytest.fixture
async def system(
    discord: FakeDiscord, guild: FakeGuild, services: Services
) -> AsyncIterator[System]:
    async with running_system(discord, services, voice_idle_timeout=0.5) as running:
        yield running
