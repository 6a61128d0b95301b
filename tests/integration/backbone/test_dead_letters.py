"""Messages that can never be processed are dead-lettered with their reason; nothing stalls."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

import pytest

from reprise.adapters import bootstrap
from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.adapters.inprocess.tracking import InMemoryGuildPositions
from reprise.adapters.rabbitmq.dead_letters import REASON_HEADER
from reprise.adapters.rabbitmq.event_consumer import EventConsumer
from reprise.adapters.rabbitmq.topology import GUILD_HEADER, dead_letter_queue, partition_key
from reprise.adapters.rabbitmq.wire import MAX_MESSAGE_BYTES, encode_event
from reprise.application.results import CommandResult
from reprise.domain.commands import parse_command
from tests.integration.backbone.broker import collect, drain, raw_message, reason
from tests.integration.backbone.systems import command_sender, in_process_core, stored_records
from tests.integration.backbone.tables import stored_command_ids
from tests.integration.backbone.waiting import until
from tests.integration.messaging.systems import Seen
from tests.unit.application.commands_for_tests import play, track_data

if TYPE_CHECKING:
    import asyncpg
    from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection

    from reprise.settings import Settings

pytestmark = pytest.mark.integration

GUILD = 7
REPLY_TO = "amq.rabbitmq.reply-to"


def _command_json(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = play("A", guild_id=GUILD).model_dump(mode="json")
    body.update(changes)
    return body


def _oversized_but_otherwise_valid() -> bytes:
    tracks = [track_data(f"T{i}").model_copy(update={"encoded": "x" * 20_000}) for i in range(60)]
    body = play("A", guild_id=GUILD).model_copy(update={"tracks": tracks}).model_dump_json()
    encoded = body.encode()
    parse_command(encoded)  # the size is its only problem
    assert len(encoded) > MAX_MESSAGE_BYTES
    return encoded


# kind -> the body of a message that has that problem
UNUSABLE_COMMANDS: dict[str, bytes] = {
    "malformed_json": b'{"type": "EnqueueTracks", "guild_id": ',
    "unknown_command_type": json.dumps(_command_json(type="BlastTheSpeakers")).encode(),
    "unsupported_schema_version": json.dumps(_command_json(schema_version=2)).encode(),
    "oversized": _oversized_but_otherwise_valid(),
    "invalid_command": json.dumps({"type": "EnqueueTracks", "guild_id": GUILD}).encode(),
}


async def test_unusable_commands_are_dead_lettered_with_their_reason_and_the_core_goes_on(
    settings: Settings, raw: AbstractChannel, db: asyncpg.Pool, pg_schema: str
) -> None:
    async with in_process_core(settings) as core, command_sender(settings.amqp_url or "") as bus:
        replies: dict[str, CommandResult] = {}

        async def on_reply(message: AbstractIncomingMessage) -> None:
            replies[message.correlation_id or ""] = CommandResult.model_validate_json(message.body)

        await (await raw.get_queue(REPLY_TO, ensure=False)).consume(on_reply, no_ack=True)
        commands = await raw.get_exchange("commands")
        partition = partition_key(GUILD, settings.partitions)
        ids = {kind: str(uuid.uuid4()) for kind in UNUSABLE_COMMANDS}
        for kind, body in UNUSABLE_COMMANDS.items():
            message = raw_message(
                body, message_id=ids[kind], correlation_id=kind, reply_to=REPLY_TO
            )
            await commands.publish(message, routing_key=partition)
        anonymous = b"not even json"  # no message id, no reply address: only dead-lettered
        await commands.publish(raw_message(anonymous), routing_key=partition)

        dead = await collect(raw, dead_letter_queue("commands"), len(UNUSABLE_COMMANDS) + 1)
        by_body = {message.body: message for message in dead}
        assert set(by_body) == {*UNUSABLE_COMMANDS.values(), anonymous}
        for kind, body in UNUSABLE_COMMANDS.items():
            letter = by_body[body]
            assert reason(letter).startswith(f"{kind}: "), (kind, reason(letter))
            assert letter.message_id == ids[kind]
            assert letter.routing_key == partition  # enough to publish it again once fixed
        assert reason(by_body[anonymous]).startswith("malformed_json: ")
        assert "limit 1048576" in reason(by_body[UNUSABLE_COMMANDS["oversized"]])
        missing = reason(by_body[UNUSABLE_COMMANDS["invalid_command"]])
        assert "actor" in missing
        assert "tracks" in missing

        await until(
            lambda: len(replies) == len(UNUSABLE_COMMANDS), within=10, what="the rejections"
        )
        for kind, reply in replies.items():
            assert not reply.accepted
            assert reply.command_id == uuid.UUID(ids[kind])
            assert reply.rejection is not None
            assert reply.rejection.code == kind

        valid = play("still", "serving", guild_id=GUILD)
        result = await bus.send(valid, reply_within=10)
        assert result.accepted, result.rejection
        assert core.handled == 1  # the unusable messages never reached the message bus
        assert await stored_command_ids(db, pg_schema) == [valid.command_id]
        assert await drain(raw, dead_letter_queue("commands")) == []


async def test_malformed_events_are_dead_lettered_and_the_group_keeps_consuming(
    settings: Settings, broker: AbstractRobustConnection, raw: AbstractChannel
) -> None:
    records = await stored_records(settings, play("A", "B", guild_id=GUILD))
    seen = Seen()
    consumer = await EventConsumer.start(
        broker,
        "backbone",
        seen.handle,
        RowMapper(build_mapper()),
        InMemoryGuildPositions(),
        partition_count=settings.partitions,
    )
    try:
        key = partition_key(GUILD, settings.partitions)
        first_body = encode_event(records[0])
        envelope = json.loads(first_body)
        malformed = {
            "not json": b"\x00\x01 definitely not json",
            "missing fields": json.dumps({"event_id": envelope["event_id"]}).encode(),
            "oversized": json.dumps({**envelope, "padding": "x" * MAX_MESSAGE_BYTES}).encode(),
        }
        events = await raw.get_exchange("events")
        for body in malformed.values():  # same guild, before its valid events
            poison = raw_message(body, headers={GUILD_HEADER: str(GUILD)})
            await events.publish(poison, routing_key=key)
        publisher = await bootstrap.open_event_publisher(settings, broker)
        await publisher.publish(records)

        dead = await collect(raw, dead_letter_queue("events.backbone"), len(malformed))
        assert sorted(message.body for message in dead) == sorted(malformed.values())
        for message in dead:
            assert reason(message).startswith("malformed_event: "), reason(message)
            assert REASON_HEADER in (message.headers or {})
        await until(
            lambda: len(seen.notifications) == len(records), within=10, what="the valid events"
        )
        assert seen.positions() == [record.position for record in records]
    finally:
        await consumer.stop()
