"""`reprise console` and `reprise db migrate`, run as real processes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from reprise.adapters.postgres.schema import MIGRATIONS
from tests.e2e.cli_runner import run_reprise

if TYPE_CHECKING:
    from pathlib import Path

SCRIPT = """\
play "First Song" 3:00
play Second 2:10
skip
volume 150
trial
volume 150
seek 9:99
loop sideways
remove 7
state
"""


def test_the_console_drives_a_guild_and_explains_refusals(tmp_path: Path) -> None:
    env = {"SQLITE_PATH": str(tmp_path / "events.sqlite3")}
    done = run_reprise("console", "--guild", "5", "--user", "9", env=env, stdin=SCRIPT)
    lines = done.stdout.splitlines()
    assert "accepted QueueCreated, TracksEnqueued, TrackStarted" in lines
    assert "accepted Skipped, TrackStarted" in lines
    assert any("Volume above 100% needs Reprise Premium" in line for line in lines)
    assert "accepted SubscriptionOpened, TrialStarted" in lines
    assert "accepted VolumeChanged" in lines
    assert any("the track is 130000 ms long" in line for line in lines)
    assert any("error: mode: Input should be 'off', 'track' or 'queue'" in line for line in lines)
    assert any("there is no queue position 7" in line for line in lines)
    assert "Plan: trial" in done.stdout
    assert done.returncode == 1, "input mistakes make the console exit non-zero"


def test_the_console_state_survives_a_restart(tmp_path: Path) -> None:
    env = {"SQLITE_PATH": str(tmp_path / "events.sqlite3")}
    run_reprise("console", "--guild", "5", env=env, stdin='play "Kept Song"\n')
    done = run_reprise("console", "--guild", "5", env=env, stdin="state\nevents\n")
    assert "Kept Song" in done.stdout
    assert "TrackStarted" in done.stdout
    assert done.returncode == 0


@pytest.mark.integration
def test_db_migrate_is_idempotent(database_url: str, pg_schema: str) -> None:
    env = {"DATABASE_URL": database_url, "DATABASE_SCHEMA": pg_schema}
    first = run_reprise("db", "migrate", env=env)
    second = run_reprise("db", "migrate", env=env)
    every = list(range(1, len(MIGRATIONS) + 1))
    assert f"Schema {pg_schema}: applied migrations {every}." in first.stdout
    assert f"Schema {pg_schema}: applied migrations none." in second.stdout


def test_an_unreachable_database_is_a_clear_error() -> None:
    env = {"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none"}
    done = run_reprise("console", env=env, stdin="state\n")
    assert done.returncode == 3
    assert "The event store is unavailable" in done.stderr
    assert "Traceback" not in done.stderr


def test_invalid_configuration_is_a_clear_error() -> None:
    done = run_reprise("console", env={"SNAPSHOT_INTERVAL": "often"})
    assert done.returncode == 2
    assert "Invalid configuration" in done.stderr
    assert "snapshot_interval" in done.stderr
