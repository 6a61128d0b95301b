"""GuildQueue rules, given a queue, when a command method runs, then these events or errors."""

from __future__ import annotations

from random import Random
from uuid import uuid4

import pytest

from reprise.domain import errors
from reprise.domain.queue_events import HISTORY_LIMIT
from reprise.domain.values import FilterPreset, LoopMode, QueuePlacement
from tests.unit.domain.builders import (
    FREE,
    PREMIUM,
    enqueue,
    event_names,
    queue_with,
    titles,
    track,
)


def test_enqueue_on_an_idle_queue_starts_the_first_track() -> None:
    queue = queue_with()
    enqueue(queue, "A", "B")
    assert event_names(queue) == ["TracksEnqueued", "TrackStarted"]
    assert titles(queue) == ["A", "B"]


def test_enqueue_while_playing_only_queues() -> None:
    queue = queue_with("A")
    enqueue(queue, "B")
    assert event_names(queue) == ["TracksEnqueued"]
    assert titles(queue) == ["A", "B"]


def test_enqueue_next_goes_right_after_the_current_track() -> None:
    queue = queue_with("A", "B", "C")
    enqueue(queue, "X", "Y", placement=QueuePlacement.NEXT)
    assert titles(queue) == ["A", "X", "Y", "B", "C"]


def test_enqueue_beyond_the_plan_limit_is_rejected_with_the_numbers() -> None:
    queue = queue_with(*[f"T{i}" for i in range(FREE.max_queue_length)])
    enqueue(queue, "the hundredth queued track")
    queue.collect_events()
    with pytest.raises(errors.QueueFull) as refused:
        enqueue(queue, "one too many")
    assert (refused.value.limit, refused.value.queued, refused.value.requested) == (100, 100, 1)
    assert event_names(queue) == []


def test_premium_raises_the_queue_limit() -> None:
    queue = queue_with(*[f"T{i}" for i in range(FREE.max_queue_length)])
    enqueue(queue, "the hundredth queued track")
    with pytest.raises(errors.QueueFull):
        enqueue(queue, "fits on premium")
    enqueue(queue, "fits on premium", limits=PREMIUM)
    assert titles(queue)[-1] == "fits on premium"


def test_entry_ids_come_from_the_given_generator() -> None:
    first, second = queue_with("A", seed=7), queue_with("A", seed=7)
    assert first.current is not None
    assert second.current is not None
    assert first.current.entry_id == second.current.entry_id


def test_skip_starts_the_next_track_and_keeps_history() -> None:
    queue = queue_with("A", "B")
    queue.skip()
    assert event_names(queue) == ["Skipped", "TrackStarted"]
    assert titles(queue) == ["B"]
    assert [entry.track.title for entry in queue.history] == ["A"]


def test_skip_on_an_empty_queue_is_rejected() -> None:
    with pytest.raises(errors.NothingPlaying):
        queue_with().skip()


def test_skip_of_the_last_track_leaves_nothing_playing() -> None:
    queue = queue_with("A")
    queue.skip()
    assert queue.current is None
    assert event_names(queue) == ["Skipped"]


def test_skip_naming_an_entry_that_is_no_longer_current_is_stale() -> None:
    queue = queue_with("A", "B")
    with pytest.raises(errors.StaleTrackReport):
        queue.skip(expected_entry=uuid4())


def test_skip_with_loop_queue_puts_the_track_at_the_end() -> None:
    queue = queue_with("A", "B")
    queue.set_loop_mode(LoopMode.QUEUE)
    queue.skip()
    assert titles(queue) == ["B", "A"]


def test_skip_to_drops_the_entries_before_the_target() -> None:
    queue = queue_with("A", "B", "C", "D")
    queue.skip_to(queue.upcoming[1].entry_id)
    assert event_names(queue) == ["SkippedTo", "TrackStarted"]
    assert titles(queue) == ["C", "D"]


def test_skip_to_with_loop_queue_rotates_the_queue() -> None:
    queue = queue_with("A", "B", "C", "D")
    queue.set_loop_mode(LoopMode.QUEUE)
    queue.skip_to(queue.upcoming[1].entry_id)
    assert titles(queue) == ["C", "D", "A", "B"]


def test_skip_to_a_missing_entry_is_rejected() -> None:
    with pytest.raises(errors.EntryNotFound):
        queue_with("A", "B").skip_to(uuid4())


def test_previous_plays_the_last_track_again_before_the_interrupted_one() -> None:
    queue = queue_with("A", "B", "C")
    queue.skip()
    queue.previous()
    assert titles(queue) == ["A", "B", "C"]


def test_previous_with_no_history_is_rejected() -> None:
    with pytest.raises(errors.NoPreviousTrack):
        queue_with("A").previous()


def test_history_keeps_only_the_most_recent_entries() -> None:
    queue = queue_with(*[f"T{i}" for i in range(HISTORY_LIMIT + 5)])
    for _ in range(HISTORY_LIMIT + 3):
        queue.skip()
    assert len(queue.history) == HISTORY_LIMIT


def test_a_finished_track_advances_the_queue() -> None:
    queue = queue_with("A", "B")
    assert queue.current is not None
    queue.advance(queue.current.entry_id)
    assert event_names(queue) == ["TrackFinished", "TrackStarted"]
    assert titles(queue) == ["B"]


def test_loop_track_replays_the_same_entry_when_it_finishes() -> None:
    queue = queue_with("A", "B")
    queue.set_loop_mode(LoopMode.TRACK)
    assert queue.current is not None
    entry = queue.current.entry_id
    queue.advance(entry)
    assert queue.current is not None
    assert queue.current.entry_id == entry
    assert titles(queue) == ["A", "B"]


def test_loop_queue_sends_the_finished_track_to_the_end() -> None:
    queue = queue_with("A", "B")
    queue.set_loop_mode(LoopMode.QUEUE)
    for _ in range(3):
        assert queue.current is not None
        queue.advance(queue.current.entry_id)
    assert titles(queue) == ["B", "A"]


def test_a_failed_track_moves_on_and_is_never_looped() -> None:
    queue = queue_with("A", "B")
    queue.set_loop_mode(LoopMode.TRACK)
    assert queue.current is not None
    queue.collect_events()
    queue.advance(queue.current.entry_id, failure="load failed")
    assert event_names(queue) == ["TrackFailed", "TrackStarted"]
    assert titles(queue) == ["B"]


def test_a_duplicated_track_end_report_is_rejected_instead_of_skipping_twice() -> None:
    queue = queue_with("A", "B", "C")
    assert queue.current is not None
    ended = queue.current.entry_id
    queue.advance(ended)
    with pytest.raises(errors.StaleTrackReport) as refused:
        queue.advance(ended)
    assert refused.value.expected_entry == ended
    assert titles(queue) == ["B", "C"]


def test_a_late_track_end_report_after_the_queue_ended_is_rejected() -> None:
    queue = queue_with("A")
    assert queue.current is not None
    ended = queue.current.entry_id
    queue.advance(ended)
    with pytest.raises(errors.StaleTrackReport):
        queue.advance(ended)


def test_seek_within_the_track_is_recorded() -> None:
    queue = queue_with("A")
    queue.seek(60_000)
    assert queue.position_ms == 60_000


def test_seek_beyond_the_track_is_rejected_with_its_length() -> None:
    queue = queue_with("A")
    with pytest.raises(errors.SeekBeyondTrack) as refused:
        queue.seek(180_001)
    assert refused.value.length_ms == 180_000


def test_seek_on_a_stream_is_rejected() -> None:
    queue = queue_with()
    queue.enqueue(
        [track("Radio", 0, stream=True)],
        requested_by="user:1",
        requested_at=queue.created_on,
        placement=QueuePlacement.END,
        limits=FREE,
        rng=Random(1),
    )
    with pytest.raises(errors.SeekOnStream):
        queue.seek(1_000)


def test_seek_with_nothing_playing_is_rejected() -> None:
    with pytest.raises(errors.NothingPlaying):
        queue_with().seek(0)


def test_pause_and_resume_toggle_and_refuse_repeats() -> None:
    queue = queue_with("A")
    queue.pause()
    with pytest.raises(errors.AlreadyInState):
        queue.pause()
    queue.resume()
    with pytest.raises(errors.AlreadyInState):
        queue.resume()
    assert event_names(queue) == ["Paused", "Resumed"]


def test_stop_ends_playback_and_empties_the_queue() -> None:
    queue = queue_with("A", "B", "C")
    queue.stop()
    assert titles(queue) == []
    with pytest.raises(errors.NothingPlaying):
        queue.stop()


def test_remove_and_move_work_on_upcoming_entries() -> None:
    queue = queue_with("A", "B", "C", "D")
    queue.move(queue.upcoming[2].entry_id, 0)
    assert titles(queue) == ["A", "D", "B", "C"]
    queue.remove(queue.upcoming[1].entry_id)
    assert titles(queue) == ["A", "D", "C"]


def test_move_past_the_end_places_the_entry_last() -> None:
    queue = queue_with("A", "B", "C")
    queue.move(queue.upcoming[0].entry_id, 99)
    assert titles(queue) == ["A", "C", "B"]


def test_remove_or_move_of_a_missing_entry_is_rejected() -> None:
    queue = queue_with("A", "B")
    with pytest.raises(errors.EntryNotFound):
        queue.remove(uuid4())
    with pytest.raises(errors.EntryNotFound):
        queue.move(uuid4(), 0)


def test_shuffle_records_the_order_it_chose() -> None:
    queue = queue_with("A", "B", "C", "D", "E")
    queue.shuffle(Random(3))
    (event,) = queue.collect_events()
    assert [e.entry_id for e in queue.upcoming] == event.order  # type: ignore[attr-defined]
    assert sorted(titles(queue)[1:]) == ["B", "C", "D", "E"]


def test_shuffle_needs_two_queued_tracks() -> None:
    with pytest.raises(errors.NothingToShuffle):
        queue_with("A", "B").shuffle(Random(1))


def test_clear_empties_the_upcoming_entries_and_keeps_the_current_one() -> None:
    queue = queue_with("A", "B", "C")
    queue.clear()
    assert titles(queue) == ["A"]
    with pytest.raises(errors.QueueEmpty):
        queue.clear()


@pytest.mark.parametrize("volume", [-1, 201, 1000])
def test_volume_out_of_range_is_rejected(volume: int) -> None:
    with pytest.raises(errors.VolumeOutOfRange):
        queue_with("A").set_volume(volume, PREMIUM)


def test_volume_above_the_free_ceiling_needs_premium() -> None:
    queue = queue_with("A")
    with pytest.raises(errors.PremiumRequired):
        queue.set_volume(150, FREE)
    queue.set_volume(150, PREMIUM)
    assert queue.volume == 150


def test_filters_autoplay_and_24_7_need_premium_to_turn_on() -> None:
    queue = queue_with("A")
    with pytest.raises(errors.PremiumRequired):
        queue.set_filters(FilterPreset.NIGHTCORE, FREE)
    with pytest.raises(errors.PremiumRequired):
        queue.set_autoplay(True, FREE)
    with pytest.raises(errors.PremiumRequired):
        queue.set_always_on(True, FREE)
    queue.set_filters(FilterPreset.NIGHTCORE, PREMIUM)
    queue.set_autoplay(True, PREMIUM)
    queue.set_always_on(True, PREMIUM)
    assert event_names(queue) == ["FiltersChanged", "AutoplayToggled", "AlwaysOnToggled"]


def test_premium_features_can_always_be_turned_off() -> None:
    queue = queue_with("A")
    queue.set_filters(FilterPreset.KARAOKE, PREMIUM)
    queue.set_filters(FilterPreset.OFF, FREE)
    assert queue.filters is FilterPreset.OFF


def test_joining_and_leaving_voice_is_recorded_with_the_channel() -> None:
    queue = queue_with("A")
    queue.join_voice(555)
    with pytest.raises(errors.AlreadyInState):
        queue.join_voice(555)
    queue.leave_voice()
    with pytest.raises(errors.AlreadyInState):
        queue.leave_voice()
    assert queue.voice_channel_id is None
    assert titles(queue) == ["A"]


def test_a_dj_role_is_set_changed_and_removed_and_a_no_op_is_refused() -> None:
    queue = queue_with("A")
    queue.set_dj_role(777)
    with pytest.raises(errors.AlreadyInState):
        queue.set_dj_role(777)
    queue.set_dj_role(None)
    with pytest.raises(errors.AlreadyInState):
        queue.set_dj_role(None)
    assert queue.dj_role_id is None
    assert event_names(queue) == ["DjRoleChanged", "DjRoleChanged"]


def test_rejected_commands_leave_no_pending_events() -> None:
    queue = queue_with("A")
    with pytest.raises(errors.DomainError):
        queue.seek(10**9)
    assert event_names(queue) == []


def test_domain_errors_carry_their_fields_and_a_readable_message() -> None:
    error = errors.QueueFull(limit=100, queued=100, requested=3)
    assert error.details() == {"limit": 100, "queued": 100, "requested": 3}
    assert "at most 100" in error.message
