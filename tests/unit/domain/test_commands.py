"""Commands refuse invalid input with messages that name the field."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from reprise.domain.commands import EnqueueTracks, SetVolume, Skip, parse_command

ENVELOPE = {"guild_id": 1, "actor": {"kind": "user", "id": "42"}}


def _json(**fields: object) -> str:
    return json.dumps({**ENVELOPE, **fields})


def test_a_valid_command_parses_into_its_type() -> None:
    command = parse_command(_json(type="SetVolume", volume=80))
    assert isinstance(command, SetVolume)
    assert command.volume == 80


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (_json(type="SetVolume", volume=-5), "volume"),
        (_json(type="SetVolume", volume="loud"), "volume"),
        (_json(type="Seek", position_ms=-1), "position_ms"),
        (_json(type="SetLoopMode", mode="sideways"), "mode"),
        (_json(type="EnqueueTracks", tracks=[]), "tracks"),
        (json.dumps({"type": "Skip", "guild_id": 0, "actor": ENVELOPE["actor"]}), "guild_id"),
        (_json(type="Skip", surprise=True), "surprise"),
        (_json(type="Skip", traceparent="not-a-traceparent"), "traceparent"),
        (_json(type="Skip", schema_version=2), "schema_version"),
    ],
)
def test_invalid_fields_are_rejected_by_name(payload: str, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_command(payload)
    assert field in str(refused.value)


def test_an_unknown_command_type_is_rejected() -> None:
    with pytest.raises(ValidationError, match="does not match any of the expected tags"):
        parse_command(_json(type="FormatHardDrive"))


def test_commands_are_frozen() -> None:
    command = Skip.model_validate(ENVELOPE)
    with pytest.raises(ValidationError):
        command.guild_id = 2


def test_a_naive_timestamp_is_rejected() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        Skip.model_validate({**ENVELOPE, "issued_at": "2026-01-01T00:00:00"})


def test_a_playlist_larger_than_the_command_limit_is_rejected() -> None:
    track = {"encoded": "e", "identifier": "i", "title": "t", "author": "a", "length_ms": 1}
    with pytest.raises(ValidationError, match="at most 5000"):
        EnqueueTracks.model_validate({**ENVELOPE, "tracks": [track] * 5001})
