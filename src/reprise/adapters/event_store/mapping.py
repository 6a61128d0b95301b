"""The eventsourcing mapper configured for Reprise's stored value types.

Stored bytes stay eventsourcing's JSON transcoding (`{"_type_": name, "_data_": ...}`).
Decoding parses with orjson and converts the tagged objects in one bottom-up walk; queue
entries are written as compact rows (`queue_entry_row`), while the older dict form
(`queue_entry` + `track`) stays registered so everything stored before still decodes.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, SafeUUID

import orjson
from eventsourcing.persistence import (
    DatetimeAsISO,
    JSONTranscoder,
    Mapper,
    Transcoding,
    UUIDAsHex,
)

from reprise.domain.stored_types import STORED_ENUMS, STORED_VALUES
from reprise.domain.values import QueueEntry, Track

if TYPE_CHECKING:
    from enum import Enum


class _DataclassAsDict(Transcoding):
    def __init__(self, name: str, kind: type) -> None:
        self.name = name
        self.type = kind
        self._fields = [field.name for field in dataclasses.fields(kind)]

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self._fields}

    def decode(self, data: Any) -> Any:
        return self.type(**data)


class _EnumAsValue(Transcoding):
    def __init__(self, name: str, kind: type[Enum]) -> None:
        self.name = name
        self.type = kind

    def encode(self, obj: Any) -> Any:
        return obj.value

    def decode(self, data: Any) -> Any:
        return self.type(data)


def _uuid_from_hex(text: str) -> UUID:
    """UUID(hex=text) without UUID.__init__'s pure-Python parsing (the decoding hot spot)."""
    value = object.__new__(UUID)
    object.__setattr__(value, "int", int(text, 16))
    object.__setattr__(value, "is_safe", SafeUUID.unknown)
    return value


class _UUIDAsHex(UUIDAsHex):
    def decode(self, data: str) -> UUID:
        return _uuid_from_hex(data)


class _QueueEntryAsRow(Transcoding):
    """A queue entry and its track as one flat list: a tenth of the objects to decode."""

    name = "queue_entry_row"
    type = QueueEntry

    def encode(self, obj: QueueEntry) -> list[Any]:
        t = obj.track
        return [
            obj.entry_id.hex,
            obj.requested_by,
            obj.requested_at.isoformat(),
            t.encoded,
            t.identifier,
            t.title,
            t.author,
            t.length_ms,
            t.is_stream,
            t.uri,
            t.source_name,
            t.artwork_url,
        ]

    def __init__(self, limit: int = 50_000) -> None:
        # Most events that carry an entry (TrackStarted) repeat one decoded before: decode
        # each row once and share the (immutable) entry. A hit is checked against the whole
        # row, so an entry id that reappears with other content is decoded afresh.
        self._decoded: dict[str, tuple[list[Any], QueueEntry]] = {}
        self._limit = limit

    def decode(self, data: list[Any]) -> QueueEntry:
        known = self._decoded.get(data[0])
        if known is not None and known[0] == data:
            return known[1]
        if len(self._decoded) >= self._limit:
            self._decoded.clear()
        entry_id, requested_by, requested_at, *track = data
        entry = QueueEntry(
            _uuid_from_hex(entry_id),
            Track(*track),
            requested_by,
            datetime.fromisoformat(requested_at),
        )
        self._decoded[entry_id] = (data, entry)
        return entry


class _FastJSONTranscoder(JSONTranscoder):
    """Same bytes as JSONTranscoder; decodes with orjson and one walk."""

    def __init__(self) -> None:
        super().__init__()
        self._flat: set[str] = set()

    def register_flat(self, transcoding: Transcoding) -> None:
        """A transcoding whose data holds no tagged objects, so the walk need not enter it."""
        self.register(transcoding)
        self._flat.add(transcoding.name)

    def decode(self, data: bytes) -> Any:
        return self._walk(orjson.loads(data))

    def _walk(self, value: Any) -> Any:
        kind = type(value)
        if kind is dict:
            if len(value) == 2 and "_type_" in value and "_data_" in value:
                name = value["_type_"]
                inner = value["_data_"] if name in self._flat else self._walk(value["_data_"])
                return self.names[name].decode(inner)
            return {key: self._walk(item) for key, item in value.items()}
        if kind is list:
            return [self._walk(item) for item in value]
        return value


def build_mapper() -> Mapper[UUID]:
    """A mapper whose transcoder knows every value type stored in events and snapshots."""
    transcoder = _FastJSONTranscoder()
    transcoder.register_flat(_UUIDAsHex())
    transcoder.register_flat(DatetimeAsISO())
    for name, kind in STORED_VALUES.items():
        transcoder.register(_DataclassAsDict(name, kind))
    for name, enum in STORED_ENUMS.items():
        transcoder.register_flat(_EnumAsValue(name, enum))
    transcoder.register_flat(_QueueEntryAsRow())  # registered last: new writes use rows
    return Mapper(transcoder=transcoder)
