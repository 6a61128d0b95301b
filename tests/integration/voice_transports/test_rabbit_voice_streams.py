"""The voice and ui streams over RabbitMQ: per-guild order, dead letters, a consumer that
keeps serving."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import pytest

from reprise.adapters.rabbitmq.batches import BATCH_TYPE, join
from reprise.adapters.rabbitmq.dead_letters import REASON_HEADER
from reprise.adapters.rabbitmq.topology import partition_key
from reprise.adapters.rabbitmq.voice_streams import (
    RabbitStreamConsumer,
    start_ui_consumer,
    start_voice_consumer,
)
from reprise.application.voice_messages import (
    PlaybackProgress,
    UiMessage,
    VoiceConnectRequested,
    VoiceMessage,
    VoiceServerForwarded,
    VoiceStateForwarded,
)
from tests.integration.backbone.waiting import until
from tests.integration.voice_transports.conftest import (
    PARTITIONS,
    dead_letters,
    publish_raw,
    serving,
)

if TYPE_CHECKING:
    from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

pytestmark = pytest.mark.integration
GUILDS = [101, 202, 303, 404, 505, 606]


async def test_voice_messages_arrive_in_order_per_guild(
    connection: AbstractRobustConnection,
) -> None:
    seen: dict[int, list[str]] = defaultdict(list)

    async def handle(message: VoiceMessage) -> None:
        await asyncio.sleep(0.001 * (message.guild_id % 3))  # guilds interleave
        seen[message.guild_id].append(
            message.session_id if message.type == "VoiceStateForwarded" else message.token
        )

    starting = start_voice_consumer(connection, handle, range(PARTITIONS))
    async with serving(connection, "voice", starting) as (_, publisher):
        for index in range(20):
            for guild in GUILDS:
                if index % 2:
                    await publisher.publish(
                        VoiceServerForwarded(
                            guild_id=guild, token=f"t{index}", endpoint="e", channel_id=9
                        )
                    )
                else:
                    await publisher.publish(
                        VoiceStateForwarded(guild_id=guild, session_id=f"t{index}", channel_id=9)
                    )
        await until(
            lambda: sum(map(len, seen.values())) == 20 * len(GUILDS),
            within=10,
            what=lambda: f"{sum(map(len, seen.values()))} messages handled",
        )
        for guild in GUILDS:
            assert seen[guild] == [f"t{index}" for index in range(20)]


async def test_malformed_messages_are_dead_lettered_and_the_consumer_keeps_serving(
    connection: AbstractRobustConnection,
) -> None:
    handled: list[VoiceMessage] = []

    async def handle(message: VoiceMessage) -> None:
        handled.append(message)

    starting = start_voice_consumer(connection, handle, range(PARTITIONS))
    async with serving(connection, "voice", starting) as (_, publisher):
        key = partition_key(7, PARTITIONS)
        await publish_raw(connection, "voice", key, b"{not json")
        await publish_raw(connection, "voice", key, b'{"type": "VoiceStateForwarded"}')
        await publisher.publish(VoiceStateForwarded(guild_id=7, session_id="s", channel_id=None))
        await until(lambda: len(handled) == 1, within=10, what="the good message handled")
        dead = await dead_letters(connection, "voice.dead", 2)
        reasons = sorted(str((m.headers or {})[REASON_HEADER]) for m in dead)
        assert all(reason.startswith("malformed_message: ") for reason in reasons)
        assert any("guild_id" in reason for reason in reasons)
        assert {m.body for m in dead} == {b"{not json", b'{"type": "VoiceStateForwarded"}'}


async def test_a_burst_travels_in_batches_and_keeps_each_guilds_order(
    connection: AbstractRobustConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[int, list[int]] = defaultdict(list)

    async def handle(message: UiMessage) -> None:
        assert isinstance(message, PlaybackProgress)
        seen[message.guild_id].append(message.position_ms)

    deliveries = 0
    counting = RabbitStreamConsumer.on_message

    async def counted(
        consumer: RabbitStreamConsumer[Any], message: AbstractIncomingMessage
    ) -> None:
        nonlocal deliveries
        deliveries += 1
        await counting(consumer, message)

    monkeypatch.setattr(RabbitStreamConsumer, "on_message", counted)
    starting = start_ui_consumer(connection, handle, range(PARTITIONS))
    async with serving(connection, "ui", starting) as (_, publisher):
        await asyncio.gather(
            *[
                publisher.publish(
                    PlaybackProgress(
                        guild_id=guild, entry_id=None, position_ms=ms, paused=False, connected=True
                    )
                )
                for ms in range(50)
                for guild in GUILDS
            ]
        )
        await until(
            lambda: sum(map(len, seen.values())) == 50 * len(GUILDS),
            within=10,
            what=lambda: f"{sum(map(len, seen.values()))} messages handled",
        )
        assert all(seen[guild] == list(range(50)) for guild in GUILDS)
        assert deliveries < 50 * len(GUILDS) / 5  # batches, not one delivery per message


async def test_an_unusable_message_in_a_batch_is_dead_lettered_alone(
    connection: AbstractRobustConnection,
) -> None:
    handled: list[VoiceMessage] = []

    async def handle(message: VoiceMessage) -> None:
        handled.append(message)

    consumer = await start_voice_consumer(connection, handle, range(PARTITIONS))
    try:
        good = [VoiceStateForwarded(guild_id=7, session_id=s, channel_id=None) for s in ("a", "b")]
        first, last = (message.model_dump_json().encode() for message in good)
        body = join([first, b'{"type":"VoiceStateForwarded"}', last])
        key = partition_key(7, PARTITIONS)
        await publish_raw(connection, "voice", key, body, message_type=BATCH_TYPE)
        await publish_raw(connection, "voice", key, b'{"not": "an array"}', message_type=BATCH_TYPE)
        await until(lambda: handled == good, within=10, what="the good messages handled in order")
        dead = await dead_letters(connection, "voice.dead", 2)
        reasons = sorted(str((m.headers or {})[REASON_HEADER]) for m in dead)
        assert reasons[0].startswith("malformed_batch: ")
        assert reasons[1].startswith("malformed_message: ")
        assert b'{"type": "VoiceStateForwarded"}' in {m.body for m in dead}
    finally:
        await consumer.stop()


async def test_a_handler_that_keeps_failing_dead_letters_its_message_only(
    connection: AbstractRobustConnection,
) -> None:
    handled: list[UiMessage] = []

    async def handle(message: UiMessage) -> None:
        if message.type == "VoiceConnectRequested":
            raise RuntimeError("the gateway cannot send op 4 now")
        handled.append(message)

    starting = start_ui_consumer(connection, handle, range(PARTITIONS))
    async with serving(connection, "ui", starting) as (_, publisher):
        await publisher.publish(VoiceConnectRequested(guild_id=8, channel_id=None))
        progress = PlaybackProgress(
            guild_id=8, entry_id=None, position_ms=5, paused=False, connected=True
        )
        await publisher.publish(progress)
        await until(lambda: handled == [progress], within=10, what="the progress handled")
        [dead] = await dead_letters(connection, "ui.dead", 1)
        reason = str((dead.headers or {})[REASON_HEADER])
        assert reason.startswith("handler_failed: RuntimeError")
