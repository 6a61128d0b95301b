"""What the CLI shows people: text someone typed is shown as typed, never read as markup."""

from __future__ import annotations

import io
from uuid import uuid4

from rich.console import Console, RenderableType

from reprise.adapters.bootstrap import assemble_core, in_memory_event_store
from reprise.adapters.cli.history_views import entries_table
from reprise.adapters.cli.views import events_table, queue_view
from reprise.adapters.event_store.mapping import build_mapper
from reprise.adapters.event_store.rows import RowMapper
from reprise.application.history import HistoryEntry
from reprise.application.queries import load_queue
from reprise.domain.ids import queue_id
from reprise.settings import Settings
from tests.unit.application.commands_for_tests import play

TITLES = ("Song [feat. Someone]", "Tune [/i] (live)", "[bold]Loud[/bold]")


def _printed(renderable: RenderableType) -> str:
    output = io.StringIO()
    Console(file=output, width=400, no_color=True).print(renderable)
    return output.getvalue()


async def test_titles_that_look_like_rich_markup_are_shown_as_typed() -> None:
    store = in_memory_event_store()
    core = assemble_core(store, Settings(sqlite_path="unused"))  # type: ignore[arg-type]
    try:
        assert (await core.bus.handle(play(*TITLES))).accepted
        records = await store.read_recorded(0, 100)
        queue = await load_queue(store, 1)
        stream = await store.load(queue_id(1))
    finally:
        await core.close()
    history = [HistoryEntry(record, "user:42", "EnqueueTracks", uuid4()) for record in records]
    shown = {
        "events list": _printed(entries_table(history, RowMapper(build_mapper()), "Events")),
        "console state": _printed(queue_view(queue)),
        "console events": _printed(events_table(stream.events, "Events")),
    }
    for view, output in shown.items():
        for title in TITLES:
            assert title in output, f"{view}:\n{output}"
