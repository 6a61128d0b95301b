"""`reprise replay queue` and `reprise replay check` on a seeded store."""

from __future__ import annotations

import json

from tests.e2e.replay_cli.seeding import GUILD, PHASE_ONE_QUEUE_VERSION, SeededStore
from tests.e2e.replay_cli.tables import rows


def test_at_a_version_shows_the_queue_as_it_was_then(seeded: SeededStore) -> None:
    ran = seeded.run("replay", "queue", str(GUILD), "--at", "8")
    assert ran.code == 0, ran.explain()
    assert f"Guild {GUILD} after 8 events (version 8):" in ran.stdout
    assert [row[:2] for row in rows(ran.stdout)] == [["▶", "Second"], ["1", "Third"]]
    assert "loop off · volume 80%" in ran.stdout


def test_at_a_time_shows_the_queue_as_it_was_then_as_json(seeded: SeededStore) -> None:
    ran = seeded.run("replay", "queue", str(GUILD), "--at", seeded.mark_utc, "--json")
    assert ran.code == 0, ran.explain()
    view = json.loads(ran.stdout)
    assert view["version"] == PHASE_ONE_QUEUE_VERSION
    assert (view["current"], view["upcoming"], view["history"]) == (
        "Second",
        ["Third"],
        ["First Song"],
    )
    assert (view["volume"], view["loop"]) == (80, "queue"), "the volume of 60 came later"


def test_diff_prints_each_change_between_two_versions(seeded: SeededStore) -> None:
    ran = seeded.run("replay", "queue", str(GUILD), "--diff", "2..4")
    assert ran.code == 0, ran.explain()
    headings = [line for line in ran.stdout.splitlines() if line.startswith("v")]
    assert headings == [
        "v3 TrackStarted: started 'First Song'",
        "v4 TracksEnqueued: queued 'Second'",
    ]
    assert '    current: null → "First Song"' in ran.stdout
    assert '    upcoming: [] → ["Second"]' in ran.stdout


def test_diff_as_json_is_one_change_a_line(seeded: SeededStore) -> None:
    ran = seeded.run("replay", "queue", str(GUILD), "--diff", "2..4", "--json")
    assert ran.code == 0, ran.explain()
    changes = ran.json_lines()
    assert [(c["version"], c["type"]) for c in changes] == [
        (3, "TrackStarted"),
        (4, "TracksEnqueued"),
    ]
    assert changes[0]["changes"]["current"] == [None, "First Song"]
    assert changes[1]["changes"]["upcoming"] == [[], ["Second"]]
    assert "version" not in changes[0]["changes"]


def test_check_passes_on_a_healthy_store(seeded: SeededStore) -> None:
    ran = seeded.run("replay", "check")
    assert ran.code == 0, ran.explain()
    streams = len({s.aggregate_id for s in seeded.stored})
    assert streams == 3
    assert f"Checked {streams} streams, {len(seeded.stored)} events: all good" in ran.stdout
