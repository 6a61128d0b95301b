"""`reprise events list|show|tail`: the stored events, as a table or JSON lines.

Each command imports the store and the views when it runs (see ADR 0012).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from reprise.adapters.cli.arguments import aggregate_ref, moment
from reprise.adapters.cli.runtime import err, out, run, with_store

if TYPE_CHECKING:
    from reprise.adapters.cli.store_session import StoreSession

events_app = typer.Typer(no_args_is_help=True, help="Read the stored events.")
JsonOption = Annotated[bool, typer.Option("--json", help="one JSON object a line")]


@events_app.command("list")
def list_events(
    guild: Annotated[int | None, typer.Option(help="only this guild")] = None,
    event_type: Annotated[str | None, typer.Option("--type", help="e.g. TrackStarted")] = None,
    since: Annotated[str | None, typer.Option(help="ISO 8601 time, UTC if no offset")] = None,
    until: Annotated[str | None, typer.Option(help="ISO 8601 time, UTC if no offset")] = None,
    actor: Annotated[str | None, typer.Option(help="e.g. user:42, stripe:evt_1")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="the newest N")] = 50,
    as_json: JsonOption = False,
) -> None:
    """The newest matching events, shown oldest first."""
    from reprise.adapters.cli import history_views
    from reprise.application.history import EventFilter

    filters = EventFilter(
        guild, event_type, actor, moment(since) if since else None, moment(until) if until else None
    )

    async def show(session: StoreSession) -> int:
        entries = list(reversed(await session.history.list_events(filters, limit)))
        if not entries:
            err.print("No events match.")
            return 1
        if as_json:
            for entry in entries:
                print(history_views.entry_json(entry))
        else:
            title = f"Events of guild {guild}" if guild else "Events"
            out.print(history_views.entries_table(entries, session.rows, title))
        return 0

    run(with_store(show))


@events_app.command("show")
def show(
    aggregate: Annotated[str, typer.Argument(help="queue:GUILD, subscription:GUILD or UUID, [@V]")],
    as_json: JsonOption = False,
) -> None:
    """Every event of one aggregate, or only the one at @VERSION."""
    from reprise.adapters.cli import history_views
    from reprise.application.history import EventFilter

    aggregate_id, version = aggregate_ref(aggregate)

    async def display(session: StoreSession) -> int:
        entries = await session.history.list_events(EventFilter(aggregate_id=aggregate_id), 100_000)
        records = [
            entry.record
            for entry in reversed(entries)
            if version is None or entry.record.originator_version == version
        ]
        if not records:
            err.print(f"No events for {aggregate}.")
            return 1
        for record in records:
            if as_json:
                print(history_views.record_json(record))
            else:
                line = history_views.record_line(record, session.rows)
                out.print(line, markup=False, highlight=False)
        return 0

    run(with_store(display))


@events_app.command("tail")
def tail(
    guild: Annotated[int | None, typer.Option(help="only this guild")] = None,
    count: Annotated[int | None, typer.Option(min=1, help="stop after N events")] = None,
    as_json: JsonOption = False,
) -> None:
    """Follow new events as they are stored (Ctrl+C stops)."""
    from reprise.adapters.cli import history_views

    async def follow(session: StoreSession) -> int:
        position, shown = await session.store.max_position(), 0
        err.print("Following new events…")
        while count is None or shown < count:
            await session.store.wait_for_append(position, 0.5)
            for record in await session.store.read_recorded(position, 500):
                position = record.position
                if guild is not None and record.guild_id != guild:
                    continue
                if as_json:
                    line = history_views.record_json(record)
                else:
                    line = history_views.record_line(record, session.rows)
                print(line, flush=True)
                shown += 1
                if count is not None and shown >= count:
                    break
        return 0

    try:
        run(with_store(follow))
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
