"""What travels on RabbitMQ: commands, their replies, and integration events (all JSON)."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.utils import TopicError, resolve_topic
from pydantic import BaseModel, ConfigDict

from reprise.application.ports import RecordedEvent

if TYPE_CHECKING:
    from reprise.adapters.event_store.rows import RowMapper
    from reprise.application.ports import Notification

MAX_MESSAGE_BYTES = 1_048_576
_AGGREGATE_NAMES = {"queue_events": "queue", "subscription_events": "subscription"}


class IntegrationEvent(BaseModel):
    """The JSON envelope of a stored event on the `events` exchange.

    `payload` is the event's state exactly as the event store holds it (eventsourcing's JSON
    transcoding), so Python consumers rebuild the very same domain event, upcasts included.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    event_id: str
    type: str
    topic: str
    schema_version: int
    aggregate: str
    aggregate_id: UUID
    version: int
    guild_id: int
    position: int
    occurred_at: str
    command_id: UUID
    traceparent: str | None
    payload: dict[str, Any]


def event_id(aggregate_id: UUID, version: int) -> str:
    return f"{aggregate_id}:{version}"


def routing_key(topic: str) -> str:
    """`reprise.domain.queue_events:TrackStarted` -> `queue.TrackStarted`."""
    module, name = topic.split(":")
    aggregate = _AGGREGATE_NAMES.get(module.rsplit(".", 1)[-1], "other")
    return f"{aggregate}.{name}"


def encode_event(record: RecordedEvent, traceparent: str | None = None) -> bytes:
    """The envelope of a stored event, its state bytes passed through as is; `traceparent`
    is the publisher's span (the stored one when None)."""
    key = routing_key(record.topic)
    class_version = _class_version(record.topic)
    envelope = {
        "event_id": event_id(record.originator_id, record.originator_version),
        "type": record.topic.rsplit(":", 1)[-1],
        "topic": record.topic,
        "schema_version": class_version,
        "aggregate": key.split(".")[0],
        "aggregate_id": str(record.originator_id),
        "version": record.originator_version,
        "guild_id": record.guild_id,
        "position": record.position,
        "occurred_at": record.recorded_at.isoformat(),
        "command_id": str(record.command_id),
        "traceparent": traceparent or record.traceparent,
    }
    head = json.dumps(envelope, separators=(",", ":"))[:-1].encode()
    return head + b',"payload":' + record.state + b"}"


@cache
def _class_version(topic: str) -> int:
    try:
        return int(getattr(resolve_topic(topic), "class_version", 1))
    except TopicError:
        return 1


def decode_event(body: bytes, rows: RowMapper) -> tuple[IntegrationEvent, Notification]:
    """Parse an event message; raises ValueError (pydantic's included) when it is malformed."""
    envelope = IntegrationEvent.model_validate_json(body)
    return envelope, notification_of(envelope, rows)


def notification_of(envelope: IntegrationEvent, rows: RowMapper) -> Notification:
    """The stored event an envelope carries, as consumers see it."""
    state = json.dumps(envelope.payload, separators=(",", ":"), ensure_ascii=False).encode()
    record = RecordedEvent(
        position=envelope.position,
        originator_id=envelope.aggregate_id,
        originator_version=envelope.version,
        topic=envelope.topic,
        state=state,
        guild_id=envelope.guild_id,
        command_id=envelope.command_id,
        traceparent=envelope.traceparent,
        recorded_at=datetime.fromisoformat(envelope.occurred_at),
    )
    return rows.notification(record)
