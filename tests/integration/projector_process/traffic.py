"""Guilds using the bot at once: each guild's commands in order, the guilds side by side."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from reprise.adapters import bootstrap
from reprise.adapters.rabbitmq.command_bus import RabbitCommandBus
from reprise.application.results import CommandResult
from reprise.domain import commands as c
from reprise.domain.values import FilterPreset, LoopMode, QueuePlacement
from reprise.settings import Settings
from tests.unit.application.commands_for_tests import track_data

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence


REPLY_WITHIN = 30.0


class Envelope(TypedDict):
    guild_id: int
    actor: c.Actor


def envelope(guild: int, user: int) -> Envelope:
    return {"guild_id": guild, "actor": c.Actor(kind=c.ActorKind.USER, id=str(user))}


def session(guild: int) -> list[c.CommandBase]:
    """A guild's evening: a queue, premium by trial, settings, skips; each ends differently."""
    e = envelope(guild, guild % 7 + 1)
    tracks = [track_data(f"{guild}-{n}", 60_000 + n * 1_000) for n in range(4)]
    commands: list[c.CommandBase] = [
        c.EnqueueTracks(**e, tracks=tracks[:3]),
        c.SetVolume(**e, volume=40 + guild % 50),
        c.JoinVoice(**e, channel_id=guild * 10),
        c.Skip(**e),
        c.StartTrial(**e),
        c.SetFilters(**e, preset=FilterPreset.NIGHTCORE),
        c.SetLoopMode(**e, mode=LoopMode.QUEUE),
        c.Pause(**e),
        c.Resume(**e),
        c.EnqueueTracks(**e, tracks=tracks[3:], placement=QueuePlacement.NEXT),
        c.Seek(**e, position_ms=30_000),
        c.ShuffleQueue(**e),
        c.SetAutoplay(**e, enabled=True),
        c.Skip(**e),
    ]
    endings: list[list[c.CommandBase]] = [
        [c.Stop(**e)],
        [c.ClearQueue(**e), c.LeaveVoice(**e)],
        [c.CancelSubscription(**e, at_period_end=True), c.SetAlwaysOn(**e, enabled=True)],
    ]  # fmt: skip
    return commands + endings[guild % 3]


def small_talk(guild: int, round_: int) -> list[c.CommandBase]:
    """What keeps arriving in a guild that is already set up."""
    e = envelope(guild, 77)
    return [
        c.EnqueueTracks(**e, tracks=[track_data(f"{guild}-late-{round_}")]),
        c.SetVolume(**e, volume=10 + round_ % 90),
        c.Skip(**e),
    ]


@dataclass
class Traffic:
    """Sends commands and counts what came back."""

    bus: RabbitCommandBus
    results: list[CommandResult] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return len(self.results)

    @property
    def accepted(self) -> int:
        return sum(1 for result in self.results if result.accepted)

    async def in_order(self, commands: Sequence[c.CommandBase]) -> None:
        for command in commands:
            self.results.append(await self.bus.send(command, reply_within=REPLY_WITHIN))

    async def sessions(self, guilds: Sequence[int]) -> None:
        await asyncio.gather(*(self.in_order(session(guild)) for guild in guilds))

    async def until_stopped(self, guilds: Sequence[int], stop: asyncio.Event) -> int:
        """Small talk in every guild until `stop` is set; returns the rounds made."""
        rounds = 0
        while not stop.is_set():
            await asyncio.gather(*(self.in_order(small_talk(g, rounds)) for g in guilds))
            rounds += 1
        return rounds

    async def answered_at_least(self, count: int, *, within: float = 120.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while self.answered < count:
            if loop.time() > deadline:
                raise AssertionError(f"only {self.answered} of {count} commands answered")
            await asyncio.sleep(0.02)


@asynccontextmanager
async def traffic(amqp_url: str, partitions: int) -> AsyncIterator[Traffic]:
    """Commands over RabbitMQ, as the gateway sends them."""
    connection = await bootstrap.open_broker(Settings(amqp_url=amqp_url, partitions=partitions))
    try:
        bus = await RabbitCommandBus.open(connection, partitions=partitions)
        try:
            yield Traffic(bus)
        finally:
            await bus.close()
    finally:
        await connection.close()
