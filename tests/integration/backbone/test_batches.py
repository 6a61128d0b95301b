"""Batches (ADR 0011): one unusable item is dead-lettered alone, the rest of its batch goes on."""

from __future__ import annotations

import asyncio
import functools
import json
import uuid
from typing import TYPE_CHECKING, Any

import pytest

from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.adapters.inprocess.tracking import InMemoryGuildPositions
from reprise.adapters.rabbitmq.batches import BATCH_TYPE
from reprise.adapters.rabbitmq.event_consumer import EventConsumer
from reprise.adapters.rabbitmq.event_publisher import RabbitEventPublisher
from reprise.adapters.rabbitmq.topology import dead_letter_queue, partition_key
from reprise.adapters.rabbitmq.wire import encode_event
from reprise.application.results import CommandResult
from tests.integration.backbone.broker import collect, drain, raw_message, reason
from tests.integration.backbone.systems import HoldingBus, in_process_core, stored_records
from tests.integration.backbone.tables import stored_command_ids
from tests.integration.backbone.waiting import until
from tests.integration.messaging.systems import Seen
from tests.unit.application.commands_for_tests import play

if TYPE_CHECKING:
    from collections.abc import Sequence

    import asyncpg
    from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection

    from reprise.application.ports import Notification
    from reprise.settings import Settings

pytestmark = pytest.mark.integration

GUILD = 11
REPLY_TO = "amq.rabbitmq.reply-to"


def _batch(items: list[Any]) -> bytes:
    return json.dumps(items).encode()


async def test_a_command_batch_answers_every_usable_item_and_dead_letters_the_rest_alone(
    settings: Settings, raw: AbstractChannel, db: asyncpg.Pool, pg_schema: str
) -> None:
    first, second = play("A", guild_id=GUILD), play("B", guild_id=GUILD)
    unknown = {**first.model_dump(mode="json"), "type": "BlastTheSpeakers"}
    unknown["command_id"] = str(uuid.uuid4())
    items = [
        {"reply": "first", "command": first.model_dump(mode="json")},
        {"reply": "unknown", "command": unknown},
        {"reply": "shapeless"},  # no command at all
        {"reply": "second", "command": second.model_dump(mode="json")},
    ]
    async with in_process_core(settings) as core:
        replies: dict[str, CommandResult] = {}

        async def on_reply(message: AbstractIncomingMessage) -> None:
            assert message.type == BATCH_TYPE
            for reply in json.loads(message.body):
                replies[reply["reply"]] = CommandResult.model_validate(reply["result"])

        await (await raw.get_queue(REPLY_TO, ensure=False)).consume(on_reply, no_ack=True)
        commands = await raw.get_exchange("commands")
        batch = raw_message(_batch(items), type=BATCH_TYPE, reply_to=REPLY_TO)
        await commands.publish(batch, routing_key=partition_key(GUILD, settings.partitions))

        await until(lambda: len(replies) == 3, within=10, what="three answers")
        assert replies["first"].accepted, replies["first"]
        assert replies["second"].accepted, replies["second"]
        assert replies["unknown"].rejection is not None
        assert replies["unknown"].rejection.code == "unknown_command_type"
        assert replies["unknown"].command_id == uuid.UUID(unknown["command_id"])
        assert "shapeless" not in replies  # nothing to answer it with: no command id

        dead = await collect(raw, dead_letter_queue("commands"), 2)
        kinds = sorted(reason(letter).split(":")[0] for letter in dead)
        assert kinds == ["invalid_command", "unknown_command_type"]
        bodies = {reason(letter).split(":")[0]: json.loads(letter.body) for letter in dead}
        assert bodies["unknown_command_type"] == unknown  # the item alone, fixable and resendable
        assert core.handled == 2
        stored = await stored_command_ids(db, pg_schema)
        assert stored == [first.command_id, second.command_id]  # in the batch's order
        assert await drain(raw, dead_letter_queue("commands")) == []


async def test_a_reply_leaves_when_its_command_is_committed_not_with_its_batch_s_last(
    settings: Settings, raw: AbstractChannel
) -> None:
    partitions = settings.partitions
    key = partition_key(GUILD, partitions)
    neighbour = next(
        g for g in range(GUILD + 1, GUILD + 100) if partition_key(g, partitions) == key
    )
    slow, quick = play("A", guild_id=GUILD), play("B", guild_id=neighbour)
    release = asyncio.Event()
    holding = functools.partial(HoldingBus, guild_id=GUILD, release=release)
    async with in_process_core(settings, bus_for=holding):
        replies: dict[str, CommandResult] = {}

        async def on_reply(message: AbstractIncomingMessage) -> None:
            for reply in json.loads(message.body):
                replies[reply["reply"]] = CommandResult.model_validate(reply["result"])

        await (await raw.get_queue(REPLY_TO, ensure=False)).consume(on_reply, no_ack=True)
        items = [
            {"reply": "slow", "command": slow.model_dump(mode="json")},
            {"reply": "quick", "command": quick.model_dump(mode="json")},
        ]
        batch = raw_message(_batch(items), type=BATCH_TYPE, reply_to=REPLY_TO)
        await (await raw.get_exchange("commands")).publish(batch, routing_key=key)

        await until(lambda: "quick" in replies, within=10, what="the quick command's answer")
        assert replies["quick"].accepted, replies["quick"]
        assert "slow" not in replies  # its guild is held: the batch is not done
        release.set()
        await until(lambda: "slow" in replies, within=10, what="the slow command's answer")
        assert replies["slow"].accepted, replies["slow"]


async def test_a_batch_that_is_not_a_json_array_is_dead_lettered_whole(
    settings: Settings, raw: AbstractChannel
) -> None:
    async with in_process_core(settings) as core:
        commands = await raw.get_exchange("commands")
        key = partition_key(GUILD, settings.partitions)
        for body in (b'{"reply": null}', b"[{"):
            await commands.publish(raw_message(body, type=BATCH_TYPE), routing_key=key)
        dead = await collect(raw, dead_letter_queue("commands"), 2)
        assert sorted(letter.body for letter in dead) == [b"[{", b'{"reply": null}']
        assert all(reason(letter).startswith("malformed_batch: ") for letter in dead)
        assert core.handled == 0


async def test_an_event_batch_applies_its_valid_events_in_order_around_malformed_ones(
    settings: Settings, broker: AbstractRobustConnection, raw: AbstractChannel
) -> None:
    opening = play("A", "B", guild_id=GUILD)
    records = await stored_records(settings, opening, play("C", guild_id=GUILD))
    first = [r for r in records if r.command_id == opening.command_id]
    later = [r for r in records if r.command_id != opening.command_id]
    assert len(first) >= 3
    assert later
    seen = Seen()
    consumer = await EventConsumer.start(
        broker,
        "batched",
        seen.handle,
        RowMapper(build_mapper()),
        InMemoryGuildPositions(),
        partition_count=settings.partitions,
    )
    try:
        envelopes = [json.loads(encode_event(record)) for record in first]
        missing_fields = {"event_id": envelopes[0]["event_id"]}
        events = await raw.get_exchange("events")
        key = partition_key(GUILD, settings.partitions)
        for items in (
            [envelopes[0], missing_fields, *envelopes[1:], "a string"],
            envelopes,  # again, as a relay republishes after a crash: applied once only
            [json.loads(encode_event(record)) for record in later],
        ):
            await events.publish(raw_message(_batch(items), type=BATCH_TYPE), routing_key=key)

        dead = await collect(raw, dead_letter_queue("events.batched"), 2)
        assert {letter.body for letter in dead} == {
            json.dumps(missing_fields).encode(),
            json.dumps("a string").encode(),
        }
        assert all(reason(letter).startswith("malformed_event: ") for letter in dead)
        await until(
            lambda: len(seen.notifications) >= len(records), within=10, what="the valid events"
        )
        assert seen.positions() == [record.position for record in records]
    finally:
        await consumer.stop()


async def test_a_failing_batch_handler_falls_back_to_one_by_one_and_dead_letters_only_the_poison(
    settings: Settings, broker: AbstractRobustConnection, raw: AbstractChannel
) -> None:
    guilds = (GUILD, GUILD + 1, GUILD + 2)
    records = await stored_records(settings, *(play("A", "B", guild_id=g) for g in guilds))
    poison = records[len(records) // 2].position
    batches: list[list[int]] = []
    seen = Seen()

    async def apply_batch(notifications: Sequence[Notification]) -> None:
        batches.append([n.position for n in notifications])
        if any(n.position == poison for n in notifications):
            raise RuntimeError("the read model refuses this one")
        for notification in notifications:
            await seen.handle(notification)

    async def apply_one(notification: Notification) -> None:
        if notification.position == poison:
            raise RuntimeError("the read model refuses this one")
        await seen.handle(notification)

    consumer = await EventConsumer.start(
        broker,
        "batched",
        apply_one,
        RowMapper(build_mapper()),
        InMemoryGuildPositions(),
        partition_count=1,
        batch_handler=apply_batch,
    )
    try:
        publisher = await RabbitEventPublisher.open(broker, partitions=1)  # one batch
        await publisher.publish(records)
        dead = await collect(raw, dead_letter_queue("events.batched"), 1, within=30)
        assert reason(dead[0]).startswith("handler_failed: ")
        assert json.loads(dead[0].body)["position"] == poison
        expected = [record.position for record in records if record.position != poison]
        await until(lambda: seen.positions() == expected, within=10, what="the others applied")
        assert batches[0] == [record.position for record in records]  # tried together first
    finally:
        await consumer.stop()
