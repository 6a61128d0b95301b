"""The eventsourcing mapper configured for Reprise's stored value types."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import (
    DatetimeAsISO,
    JSONTranscoder,
    Mapper,
    Transcoding,
    UUIDAsHex,
)

from reprise.domain.stored_types import STORED_ENUMS, STORED_VALUES

if TYPE_CHECKING:
    from enum import Enum
    from uuid import UUID


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


def build_mapper() -> Mapper[UUID]:
    """A mapper whose transcoder knows every value type stored in events and snapshots."""
    transcoder = JSONTranscoder()
    transcoder.register(UUIDAsHex())
    transcoder.register(DatetimeAsISO())
    for name, kind in STORED_VALUES.items():
        transcoder.register(_DataclassAsDict(name, kind))
    for name, enum in STORED_ENUMS.items():
        transcoder.register(_EnumAsValue(name, enum))
    return Mapper(transcoder=transcoder)
