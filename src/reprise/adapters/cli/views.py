"""Rendering results, queues, subscriptions and events for the terminal (rich)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from reprise.domain.values import QueueEntry

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime
    from uuid import UUID

    from eventsourcing.domain import CanMutateAggregate

    from reprise.application.results import CommandResult
    from reprise.domain.queue import GuildQueue
    from reprise.domain.subscription import Subscription


def duration(ms: int) -> str:
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02}:{rest % 60:02}" if hours else f"{rest // 60}:{rest % 60:02}"


def result_line(result: CommandResult) -> Text:
    if result.accepted or result.rejection is None:
        return Text.assemble(("accepted ", "bold green"), ", ".join(result.events) or "(no change)")
    return Text.assemble(("rejected ", "bold red"), result.rejection.message)


def _entry_row(number: str, entry: QueueEntry) -> list[Text]:
    """Plain Text cells: a title like "Song [feat. X]" is not read as rich markup."""
    track = entry.track
    length = "live" if track.is_stream else duration(track.length_ms)
    return [Text(cell) for cell in (number, track.title, track.author, length, entry.requested_by)]


def queue_view(queue: GuildQueue | None) -> RenderableType:
    if queue is None:
        return Text("No queue yet for this guild.", style="dim")
    table = Table(title=f"Guild {queue.guild_id} queue (version {queue.version})")
    for column in ("#", "title", "author", "length", "requested by"):
        table.add_column(column)
    if queue.current is not None:
        table.add_row(*_entry_row("▶" if not queue.paused else "⏸", queue.current), style="bold")
    for number, entry in enumerate(queue.upcoming, start=1):
        table.add_row(*_entry_row(str(number), entry))
    settings = (
        f"loop {queue.loop_mode.value} · volume {queue.volume}% · filter {queue.filters.value} · "
        f"autoplay {'on' if queue.autoplay else 'off'} · 24/7 {'on' if queue.always_on else 'off'}"
        f" · voice {queue.voice_channel_id or '-'} · history {len(queue.history)}"
    )
    return Group(table, Text(settings, style="dim"))


def subscription_view(subscription: Subscription | None, now: datetime) -> RenderableType:
    if subscription is None:
        return Text("Plan: free (no subscription yet)", style="dim")
    entitlements = subscription.entitlements_at(now)
    until = f" until {entitlements.until:%Y-%m-%d %H:%M} UTC" if entitlements.until else ""
    return Text(
        f"Plan: {entitlements.plan.value}{until} · status {subscription.status.value}"
        f"{' · cancels at period end' if subscription.cancel_at_period_end else ''}"
    )


def event_fields(event: CanMutateAggregate[UUID]) -> dict[str, Any]:
    skip = {"originator_id", "originator_version", "timestamp", "originator_topic"}
    return {k: v for k, v in vars(event).items() if k not in skip}


def _short(value: Any) -> str:
    if isinstance(value, QueueEntry):
        return f"'{value.track.title}'"
    if isinstance(value, list):
        return f"[{', '.join(_short(item) for item in value[:3])}{', …' if len(value) > 3 else ''}]"
    if hasattr(value, "value") and not isinstance(value, int):
        return str(value.value)
    return str(value)


def events_table(events: Sequence[CanMutateAggregate[UUID]], title: str) -> Table:
    table = Table(title=title)
    for column in ("version", "time", "event", "details"):
        table.add_column(column)
    for event in events:
        details = " ".join(f"{k}={_short(v)}" for k, v in event_fields(event).items())
        table.add_row(
            str(event.originator_version),
            f"{event.timestamp:%H:%M:%S}",
            type(event).__name__,
            Text(details),
        )
    return table
