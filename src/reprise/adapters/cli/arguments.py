"""Parsing what people type: aggregate references, moments, version ranges."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import typer

from reprise.domain.ids import queue_id, subscription_id


def aggregate_ref(text: str) -> tuple[UUID, int | None]:
    """`queue:GUILD`, `subscription:GUILD` or a UUID, optionally `@VERSION`."""
    ref, _, version = text.partition("@")
    kind, _, guild = ref.partition(":")
    try:
        if kind in ("queue", "subscription") and guild:
            make = queue_id if kind == "queue" else subscription_id
            aggregate_id = make(int(guild))
        else:
            aggregate_id = UUID(ref)
        return aggregate_id, (positive(version, "version") if version else None)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r}: use queue:GUILD, subscription:GUILD or an aggregate UUID, "
            "optionally followed by @VERSION"
        ) from None


def positive(text: str, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a {what} (a whole number)") from None
    if value < 1:
        raise typer.BadParameter(f"a {what} starts at 1, not {value}")
    return value


def moment(text: str) -> datetime:
    """ISO 8601; UTC when no offset is given."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a time: use ISO 8601, e.g. 2026-11-29T10:00:00Z"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def version_or_moment(text: str) -> tuple[int | None, datetime | None]:
    if text.isdigit():
        return positive(text, "version"), None
    return None, moment(text)


def version_range(text: str) -> tuple[int, int]:
    start, dots, end = text.partition("..")
    if not dots:
        raise typer.BadParameter(f"{text!r}: write a range of versions like 3..7")
    first = 0 if start.strip() == "0" else positive(start, "version")
    last = positive(end, "version")
    if last < first:
        raise typer.BadParameter(f"{text!r}: the range ends before it starts")
    return first, last
