"""A gateway pod runs only the shards its configuration names."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.gateway.journeys import play, queue_titles
from tests.e2e.gateway.system import running_system

if TYPE_CHECKING:
    from tests.e2e.gateway.system import Services
    from tests.fakes.discord import FakeDiscord, FakeGuild, FakeUser

pytestmark = pytest.mark.e2e


async def test_a_pod_given_shard_1_of_2_serves_the_guilds_of_that_shard_only(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser, services: Services
) -> None:
    even = discord.add_guild(2 << 22, name="Even guild")  # shard (id >> 22) % 2 == 0
    assert guild.state.shard_id(2) == 1

    async with running_system(
        discord, services, discord_shard_count=2, discord_shard_ids="1"
    ) as system:
        bot = system.gateway.bot
        assert [session.shard_id for session in discord.gateway.live_sessions] == [1]
        assert bot.get_guild(guild.id) is not None
        assert bot.get_guild(even.id) is None
        await alice.join_voice()
        await play(alice, guild, 2)
        assert await queue_titles(system, guild) == ("Paper Boats", [])
        zoe = even.add_member(200, "Zoe")
        await zoe.join_voice()
        with pytest.raises(LookupError, match="no bot is connected to the shard of guild"):
            zoe.start_slash(even, "play", query="anything")
