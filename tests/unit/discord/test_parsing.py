"""What users type becomes command fields, or a refusal they can read."""

from __future__ import annotations

import pytest

from reprise.adapters.discord.parsing import duration, entry_at, looks_like_url, seek_target
from reprise.adapters.discord.refusals import Refusal
from reprise.projections.views import EntryView, QueueView


@pytest.mark.parametrize(
    ("typed", "position_ms", "expected"),
    [
        ("1:23", 0, 83_000),
        ("0:05", 99_000, 5_000),
        ("1:02:03", 0, 3_723_000),
        ("+30", 10_000, 40_000),
        ("-10", 25_000, 15_000),
        ("-10", 4_000, 0),
        ("45", 0, 45_000),
        (" 2:00 ", 0, 120_000),
    ],
)
def test_seek_targets_are_absolute_or_relative(typed: str, position_ms: int, expected: int) -> None:
    assert seek_target(typed, position_ms) == expected


@pytest.mark.parametrize("typed", ["soon", "1:75", "1:2:3:4", "+", "1:60:00", ""])
def test_what_is_not_a_time_is_refused_with_examples(typed: str) -> None:
    with pytest.raises(Refusal, match="is not a time: use 1:23, \\+30 or -10"):
        seek_target(typed, 0)


def test_durations_read_like_a_clock() -> None:
    assert [duration(ms) for ms in (0, 7_000, 187_000, 3_723_000)] == [
        "0:00", "0:07", "3:07", "1:02:03",
    ]  # fmt: skip


def test_links_are_told_apart_from_words() -> None:
    assert looks_like_url("https://www.youtube.com/watch?v=x")
    assert looks_like_url("www.example.com/song")
    assert not looks_like_url("never gonna give you up")


def _entry(title: str) -> EntryView:
    return EntryView(
        entry_id=title, title=title, author="A", length_ms=1000, is_stream=False,
        uri=None, artwork_url=None, requested_by="user:1",
    )  # fmt: skip


def test_queue_positions_count_from_one_and_out_of_range_is_refused() -> None:
    view = QueueView(
        guild_id=1, version=1, position=1, current=None, paused=False, loop="off", volume=100,
        filters="off", autoplay=False, always_on=False, voice_channel_id=None,
        upcoming=[_entry("A"), _entry("B")], upcoming_total_ms=2000, history=[],
    )  # fmt: skip
    assert entry_at(view, 2).title == "B"
    with pytest.raises(Refusal, match="no track #3 in the queue \\(it has 2\\)"):
        entry_at(view, 3)
    with pytest.raises(Refusal, match="it has 0"):
        entry_at(None, 1)
