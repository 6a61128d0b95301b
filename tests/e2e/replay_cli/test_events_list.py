"""`reprise events list`: the stored events of a seeded store, filtered, as a table or JSON."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tests.e2e.replay_cli.seeding import GUILD, UNKNOWN_GUILD, SeededStore
from tests.e2e.replay_cli.tables import rows

if TYPE_CHECKING:
    from tests.e2e.replay_cli.cli import Ran

JSON_KEYS = {"position", "type", "guild_id", "version", "actor", "payload"}


def positions(ran: Ran) -> list[int]:
    assert ran.code == 0, ran.explain()
    return [line["position"] for line in ran.json_lines()]


def test_the_guild_table_names_every_event_type_and_the_actor(seeded: SeededStore) -> None:
    ran = seeded.run("events", "list", "--guild", str(GUILD))
    assert ran.code == 0, ran.explain()
    assert f"Events of guild {GUILD}" in ran.stdout
    table = {int(row[0]): row for row in rows(ran.stdout)}
    expected = seeded.where(guild=GUILD)
    assert sorted(table) == [s.position for s in expected]
    for stored in expected:
        _, _, guild, event, version, actor, _ = table[stored.position]
        assert (int(guild), event, int(version), actor) == (
            stored.guild_id,
            stored.type,
            stored.version,
            stored.actor,
        )
    assert {row[5] for row in table.values()} == {"user:9", "user:11"}
    volume = next(s for s in expected if s.type == "VolumeChanged" and s.actor == "user:9")
    assert table[volume.position][-1] == "volume 80%"


def test_json_lines_carry_every_field_a_script_needs(seeded: SeededStore) -> None:
    until = seeded.run("events", "list", "--until", seeded.mark_utc, "--json")
    since = seeded.run("events", "list", "--since", seeded.mark_utc, "--json")
    lines = until.json_lines() + since.json_lines()  # the whole store, in two pieces
    assert [line["position"] for line in lines] == [s.position for s in seeded.stored]
    for line, stored in zip(lines, seeded.stored, strict=True):
        assert set(line) >= JSON_KEYS
        assert (line["type"], line["guild_id"], line["version"], line["actor"]) == (
            stored.type,
            stored.guild_id,
            stored.version,
            stored.actor,
        )
        assert line["event_id"] == f"{stored.aggregate_id}:{stored.version}"
        assert isinstance(line["payload"], dict)
    queue = [line["version"] for line in lines if line["aggregate_id"] == str(seeded.queue)]
    assert queue == list(range(1, len(queue) + 1))


def test_type_keeps_only_events_of_that_type(seeded: SeededStore) -> None:
    ran = seeded.run("events", "list", "--type", "TrackStarted", "--json")
    expected = seeded.where(event_type="TrackStarted")
    assert len(expected) == 4, "the two guilds started four tracks"
    assert positions(ran) == [s.position for s in expected]
    assert {line["type"] for line in ran.json_lines()} == {"TrackStarted"}


def test_actor_keeps_only_what_that_user_caused(seeded: SeededStore) -> None:
    ran = seeded.run("events", "list", "--actor", "user:11", "--json")
    expected = seeded.where(actor="user:11")
    assert [s.type for s in expected] == ["VolumeChanged", "Skipped", "TrackStarted"]
    assert positions(ran) == [s.position for s in expected]
    assert {(line["actor"], line["guild_id"]) for line in ran.json_lines()} == {("user:11", GUILD)}


def test_since_and_until_split_the_story_at_a_moment(seeded: SeededStore) -> None:
    since = seeded.run("events", "list", "--since", seeded.mark_utc, "--json")
    until = seeded.run("events", "list", "--until", seeded.mark_utc, "--json")
    phase_two = [s.position for s in seeded.stored if s.recorded_at >= seeded.mark]
    assert len(phase_two) == 4, "volume and skip in one guild, loop in the other"
    assert positions(since) == phase_two
    assert positions(until) == [s.position for s in seeded.stored if s.recorded_at < seeded.mark]
    for line in since.json_lines():
        assert datetime.fromisoformat(line["recorded_at"]) >= seeded.mark


def test_a_time_with_an_offset_is_the_same_moment_as_in_utc(seeded: SeededStore) -> None:
    in_utc = positions(seeded.run("events", "list", "--since", seeded.mark_utc, "--json"))
    ran = seeded.run("events", "list", "--since", seeded.mark_plus_two, "--json")
    assert ran.code == 0, ran.explain()
    assert positions(ran) == in_utc


def test_limit_shows_the_newest_events_oldest_first(seeded: SeededStore) -> None:
    ran = seeded.run("events", "list", "--limit", "3", "--json")
    assert positions(ran) == [s.position for s in seeded.stored[-3:]]


def test_an_unknown_guild_matches_nothing(seeded: SeededStore) -> None:
    ran = seeded.run("events", "list", "--guild", str(UNKNOWN_GUILD))
    assert ran.code == 1, ran.explain()
    assert "No events match" in ran.stderr
    assert ran.stdout == ""
    assert "Traceback" not in ran.stderr
