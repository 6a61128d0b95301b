"""The queue-derived documents are rendered straight to JSON; they must parse as their views."""

from __future__ import annotations

from reprise.projections import now_playing, queue_view
from reprise.projections.views import NowPlaying, QueueView
from tests.unit.domain.builders import queue_with


def test_a_queue_view_document_parses_as_its_view_with_the_queue_in_it() -> None:
    queue = queue_with("one", "two", "three")
    queue.skip()
    queue.pause()

    view = QueueView.model_validate_json(queue_view.render(queue, position=17))

    assert view.guild_id == queue.guild_id
    assert (view.version, view.position, view.paused) == (queue.version, 17, True)
    assert view.current is not None
    assert view.current.title == "two"
    assert view.current.entry_id == str(queue.current.entry_id if queue.current else None)
    assert [entry.title for entry in view.upcoming] == ["three"]
    assert [entry.title for entry in view.history] == ["one"]
    assert view.upcoming_total_ms == 180_000
    assert view.current.requested_by == "user:42"


def test_an_empty_queue_view_has_no_current_entry() -> None:
    view = QueueView.model_validate_json(queue_view.render(queue_with(), position=1))
    assert (view.current, view.upcoming, view.history) == (None, [], [])


def test_a_now_playing_document_parses_as_its_view_with_times_intact() -> None:
    queue = queue_with("one", "two")
    queue.seek(30_000)

    playing = NowPlaying.model_validate_json(now_playing.render(queue, position=5))

    assert playing.entry is not None
    assert playing.entry.title == "one"
    assert playing.encoded == "enc:one"
    assert playing.next_title == "two"
    assert playing.position_ms == 30_000
    assert playing.started_at == queue.started_at
    assert playing.position_at == queue.position_at
    assert playing.started_at is not None
    assert playing.started_at.utcoffset() is not None
