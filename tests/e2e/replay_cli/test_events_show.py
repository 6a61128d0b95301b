"""`reprise events show`: one aggregate's events, or one version of it."""

from __future__ import annotations

from tests.e2e.replay_cli.seeding import FINAL_QUEUE_VERSION, GUILD, UNKNOWN_GUILD, SeededStore


def test_a_queue_shows_each_of_its_events_in_version_order(seeded: SeededStore) -> None:
    ran = seeded.run("events", "show", f"queue:{GUILD}")
    assert ran.code == 0, ran.explain()
    lines = ran.stdout.splitlines()
    expected = seeded.where(aggregate=seeded.queue)
    assert len(lines) == len(expected) == FINAL_QUEUE_VERSION
    for line, stored in zip(lines, expected, strict=True):
        assert line.split()[0] == str(stored.position)
        assert f"guild {GUILD}  {stored.type}  " in line
    assert "queued 'First Song'" in lines[1]


def test_a_version_shows_only_that_event(seeded: SeededStore) -> None:
    ran = seeded.run("events", "show", f"queue:{GUILD}@2")
    assert ran.code == 0, ran.explain()
    [line] = ran.stdout.splitlines()
    second = seeded.where(aggregate=seeded.queue)[1]
    assert line.split()[0] == str(second.position)
    assert line.endswith("TracksEnqueued  queued 'First Song'")


def test_an_aggregate_uuid_shows_its_events_as_json(seeded: SeededStore) -> None:
    ran = seeded.run("events", "show", str(seeded.subscription), "--json")
    assert ran.code == 0, ran.explain()
    lines = ran.json_lines()
    assert [(line["version"], line["type"]) for line in lines] == [
        (1, "SubscriptionOpened"),
        (2, "TrialStarted"),
    ]
    assert {line["aggregate_id"] for line in lines} == {str(seeded.subscription)}
    assert [line["position"] for line in lines] == [
        s.position for s in seeded.where(aggregate=seeded.subscription)
    ]


def test_an_unknown_aggregate_is_a_clear_error(seeded: SeededStore) -> None:
    ran = seeded.run("events", "show", f"queue:{UNKNOWN_GUILD}")
    assert ran.code == 1, ran.explain()
    assert f"No events for queue:{UNKNOWN_GUILD}" in ran.stderr
    assert "Traceback" not in ran.stderr
