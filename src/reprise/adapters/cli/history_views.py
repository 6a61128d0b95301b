"""Rendering stored events for the terminal: tables for people, JSON lines for jq."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate
from eventsourcing.persistence import MapperDeserialisationError
from eventsourcing.utils import TopicError
from rich.table import Table
from rich.text import Text

from reprise.adapters.event_store.rows import RowMapper
from reprise.application.history import HistoryEntry
from reprise.application.ports import RecordedEvent
from reprise.projections.audit_log import summary


class UndecodableEvent(Exception):
    """A stored event that does not decode; names it so `replay check` can be run on it."""

    def __init__(self, record: RecordedEvent, error: Exception) -> None:
        super().__init__(
            f"aggregate {record.originator_id} version {record.originator_version} "
            f"(position {record.position}, guild {record.guild_id}): {error}"
        )


def entry_json(entry: HistoryEntry) -> str:
    record = entry.record
    return json.dumps(
        {
            **_record_fields(record),
            "actor": entry.actor,
            "command_type": entry.command_type,
            "correlation_id": str(entry.correlation_id),
        },
        ensure_ascii=False,
    )


def record_json(record: RecordedEvent) -> str:
    return json.dumps(_record_fields(record), ensure_ascii=False)


def _record_fields(record: RecordedEvent) -> dict[str, Any]:
    return {
        "position": record.position,
        "event_id": f"{record.originator_id}:{record.originator_version}",
        "type": record.topic.rsplit(":", 1)[-1],
        "guild_id": record.guild_id,
        "aggregate_id": str(record.originator_id),
        "version": record.originator_version,
        "recorded_at": record.recorded_at.isoformat(),
        "command_id": str(record.command_id),
        "payload": _payload(record),
    }


def entries_table(entries: Sequence[HistoryEntry], rows: RowMapper, title: str) -> Table:
    """Cells are plain Text: a title like "Song [feat. X]" is not read as rich markup."""
    table = Table(title=title)
    for column in ("position", "time (UTC)", "guild", "event", "version", "actor", "what"):
        table.add_column(column)
    for entry in entries:
        record = entry.record
        cells = (
            str(record.position),
            f"{record.recorded_at:%Y-%m-%d %H:%M:%S}",
            str(record.guild_id),
            entry.event_type,
            str(record.originator_version),
            entry.actor,
            summary(_decode(rows, record)),
        )
        table.add_row(*map(Text, cells))
    return table


def record_line(record: RecordedEvent, rows: RowMapper) -> str:
    event = _decode(rows, record)
    return (
        f"{record.position:>8}  {record.recorded_at:%H:%M:%S}  guild {record.guild_id}  "
        f"{type(event).__name__}  {summary(event)}"
    )


def _payload(record: RecordedEvent) -> Any:
    try:
        return json.loads(record.state)
    except ValueError as error:
        raise UndecodableEvent(record, error) from None


def _decode(rows: RowMapper, record: RecordedEvent) -> CanMutateAggregate[UUID]:
    try:
        return rows.event(
            record.originator_id, record.originator_version, record.topic, record.state
        )
    except (MapperDeserialisationError, TopicError, ValueError, TypeError) as error:
        raise UndecodableEvent(record, error) from None
