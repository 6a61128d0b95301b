"""Every interaction is answered inside Discord's 3 s, and failures read as reasons, not traces.

The gateway runs on the embedded default (in-memory store, in-process bus) with a core or an
audio side that misbehaves on purpose.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from random import Random
from typing import TYPE_CHECKING

import pytest

from reprise.adapters import bootstrap
from reprise.adapters.discord.gateway import Gateway, GatewayPorts
from reprise.adapters.discord.options import GatewayOptions
from reprise.adapters.discord.views import rejections
from reprise.adapters.inprocess.clock import SystemClock
from reprise.adapters.inprocess.command_bus import InProcessCommandBus
from reprise.adapters.inprocess.read_cache import InMemoryReadCache
from reprise.adapters.inprocess.track_resolver import InProcessTrackResolver
from reprise.adapters.inprocess.voice_streams import InProcessStream
from reprise.application.aggregate_cache import AggregateCache
from reprise.application.handlers import HANDLERS
from reprise.application.message_bus import MessageBus
from reprise.application.messaging import BrokerUnavailable
from reprise.application.unit_of_work import Dependencies
from tests.fakes.discord import FakeDiscord, FakeGuild, FakeUser, nextcord_pointed_at

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from reprise.application.messaging import CommandBus
    from reprise.application.results import CommandResult
    from reprise.application.voice_messages import Resolution, VoiceMessage
    from reprise.domain.commands import CommandBase

TOKEN = "fake-token-for-reply-tests"  # noqa: S105 - only the stand-in checks it
DISCORD_DEADLINE = 3.0


class SlowCore(MessageBus):
    """A core that takes 5 s to decide anything."""

    async def handle(self, command: CommandBase) -> CommandResult:
        await asyncio.sleep(5.0)
        return await super().handle(command)


class DownBroker:
    async def send(self, command: CommandBase, *, reply_within: float = 2.5) -> CommandResult:
        raise BrokerUnavailable("connection refused")


async def _broken_resolver(query: str) -> Resolution:
    raise RuntimeError(f"secret internals of {query}")


@pytest.fixture
async def discord() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN, heartbeat_interval=0.5) as fake:
        with nextcord_pointed_at(fake):
            yield fake


@pytest.fixture
async def guild(discord: FakeDiscord) -> FakeGuild:
    return discord.add_guild(1 << 22, name="Guild One")


@pytest.fixture
async def alice(guild: FakeGuild) -> FakeUser:
    member = guild.add_member(100, "Alice")
    await member.join_voice()
    return member


async def _gateway(
    discord: FakeDiscord, stack: AsyncExitStack, *, slow: bool = False, down: bool = False
) -> Gateway:
    deps = Dependencies(
        store=bootstrap.in_memory_event_store(),
        clock=SystemClock(),
        rng=Random(),
        cache=AggregateCache(100),
    )
    bus = (SlowCore if slow else MessageBus)(deps, HANDLERS)
    commands: CommandBus = DownBroker() if down else InProcessCommandBus(bus)
    resolver = InProcessTrackResolver()
    resolver.bind(_broken_resolver)
    voice: InProcessStream[VoiceMessage] = InProcessStream("voice")
    ports = GatewayPorts(commands, InMemoryReadCache(), resolver, voice)
    gateway = Gateway(ports, GatewayOptions(), guild_ready_timeout=0.05)
    stack.push_async_callback(gateway.close)
    await gateway.start(TOKEN)
    await discord.wait_for_commands("play", "pause")
    return gateway


async def test_a_slow_core_still_gets_a_reply_within_3_seconds_saying_so(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser
) -> None:
    async with AsyncExitStack() as stack:
        await _gateway(discord, stack, slow=True)
        started = asyncio.get_running_loop().time()

        reply = await alice.run_slash(guild, "pause")

        assert asyncio.get_running_loop().time() - started < DISCORD_DEADLINE
        assert reply.ephemeral
        assert reply.content == rejections.TIMEOUT_TEXT


async def test_an_unreachable_broker_is_named_not_traced(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser
) -> None:
    async with AsyncExitStack() as stack:
        await _gateway(discord, stack, down=True)

        reply = await alice.run_slash(guild, "resume")

        assert (reply.content, reply.ephemeral) == (rejections.BROKER_DOWN_TEXT, True)


async def test_an_unexpected_failure_after_a_deferral_is_a_friendly_private_message(
    discord: FakeDiscord, guild: FakeGuild, alice: FakeUser
) -> None:
    async with AsyncExitStack() as stack:
        await _gateway(discord, stack)

        reply = await alice.run_slash(guild, "play", query="anything")

        assert reply.deferred
        answer = await reply.wait_for_followup(0)
        assert answer.content == rejections.UNEXPECTED_TEXT
        assert answer.ephemeral
        assert "secret internals" not in answer.content
