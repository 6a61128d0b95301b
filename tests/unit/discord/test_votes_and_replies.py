"""Vote-skip tallies, rejection texts and what the panel shows."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from reprise.adapters.discord.edit_budget import EditBudget
from reprise.adapters.discord.playback_position import position_now
from reprise.adapters.discord.views.panel_render import panel_content, progress_bar
from reprise.adapters.discord.views.rejections import rejection_text
from reprise.adapters.discord.votes import SkipVotes, needed
from reprise.application.results import Rejection
from reprise.application.voice_messages import PlaybackProgress
from reprise.projections.views import EntitlementsView, EntryView, NowPlaying

T0 = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def test_a_majority_of_listeners_is_needed_and_at_least_one() -> None:
    assert [needed(n) for n in (0, 1, 2, 3, 4, 5)] == [1, 1, 2, 2, 3, 3]


def test_votes_count_once_per_listener_and_restart_with_a_new_entry() -> None:
    votes = SkipVotes()
    listeners = {1, 2, 3, 4}
    assert votes.vote(9, "a", 1, listeners) == (1, 3)
    assert votes.vote(9, "a", 1, listeners) == (1, 3)
    assert votes.vote(9, "a", 2, listeners) == (2, 3)
    assert votes.vote(9, "a", 3, listeners - {2}) == (2, 2)  # Bob left: his vote no longer counts
    assert votes.vote(9, "b", 4, listeners) == (1, 3)
    assert votes.vote(8, "b", 4, listeners) == (1, 3)  # another guild has its own tally


def _plan(plan: str, trial_available: bool) -> EntitlementsView:
    return EntitlementsView(
        guild_id=1, version=1, position=1, plan=plan, status="none", until=None,
        max_queue_length=100, max_volume=100, filters=False, autoplay=False, always_on=False,
        trial_available=trial_available, cancel_at_period_end=False,
    )  # fmt: skip


def test_a_premium_refusal_names_the_plan_and_how_to_get_it() -> None:
    refusal = Rejection(code="premium_required", message="x", details={"feature": "Autoplay"})
    with_trial = rejection_text(refusal, _plan("free", trial_available=True))
    used_up = rejection_text(refusal, _plan("free", trial_available=False))
    assert with_trial.startswith("🔒 Autoplay needs **Reprise Premium**")
    assert "/premium trial" in with_trial
    assert "upgrade to Premium" in used_up


def test_other_refusals_keep_the_domains_message() -> None:
    empty = Rejection(code="queue_empty", message="The queue is empty.", details={})
    already = Rejection(code="already_in_state", message="Already paused.", details={})
    assert rejection_text(empty, None) == "The queue is empty."
    assert rejection_text(already, None) == "Nothing to change: Already paused."


def _playing(paused: bool = False, position_ms: int = 10_000) -> NowPlaying:
    entry = EntryView(
        entry_id=str(uuid4()), title="Paper Boats", author="Mira Halden", length_ms=187_000,
        is_stream=False, uri=None, artwork_url=None, requested_by="user:42",
    )  # fmt: skip
    return NowPlaying(
        guild_id=1, version=3, position=9, entry=entry, encoded="QAA", started_at=T0,
        position_ms=position_ms, position_at=T0, paused=paused, loop="queue", volume=80,
        filters="off", voice_channel_id=5, next_title="Glass Harbour",
    )  # fmt: skip


def test_the_position_counts_time_since_the_last_report_unless_paused() -> None:
    playing = _playing()
    later = T0 + timedelta(seconds=5)
    assert position_now(playing, None, later) == 15_000
    assert position_now(_playing(paused=True), None, later) == 10_000
    assert position_now(playing, None, T0 + timedelta(hours=1)) == 187_000
    assert position_now(None, None, later) == 0


def test_a_player_report_about_the_current_entry_wins_over_the_read_model() -> None:
    playing = _playing()
    assert playing.entry is not None
    report = PlaybackProgress(
        guild_id=1, entry_id=UUID(playing.entry.entry_id), position_ms=60_000, paused=False,
        connected=True, sent_at=T0,
    )  # fmt: skip
    stale = report.model_copy(update={"entry_id": uuid4()})
    assert position_now(playing, report, T0 + timedelta(seconds=2)) == 62_000
    assert position_now(playing, stale, T0) == 10_000


def test_the_panel_shows_track_progress_requester_loop_and_volume() -> None:
    content = panel_content(_playing(), 93_500)
    assert content.title == "▶️ Now playing"
    assert "**Paper Boats** by Mira Halden" in content.description
    assert "1:33 / 3:07" in content.description
    assert "Requested by <@42>" in content.description
    assert "Next: Glass Harbour" in content.description
    assert content.footer.startswith("🔁 loop queue · volume 80%")
    assert panel_content(_playing(), 93_500) == content  # equal contents: no edit needed
    assert panel_content(None, 0).playing is False


def test_a_progress_bar_fills_with_the_position() -> None:
    assert progress_bar(0, 100_000).startswith("🔘")
    assert progress_bar(100_000, 100_000).split(" ")[0].endswith("🔘")
    assert progress_bar(5_000, 0) == "🔴 live"


async def test_panel_edits_are_paced_across_all_guilds() -> None:
    budget = EditBudget(per_second=50.0)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.gather(*(budget.take() for _ in range(11)))
    assert loop.time() - started >= 10 / 50.0 - 0.01
