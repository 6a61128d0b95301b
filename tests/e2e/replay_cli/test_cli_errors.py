"""Mistakes and missing services: an exit code and a clear message, never a traceback."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from tests.e2e.replay_cli.cli import Args, Ran, reprise

if TYPE_CHECKING:
    from pathlib import Path

USAGE, UNAVAILABLE = 2, 3
CLOSED_PORT_DSN = "postgresql://postgres@127.0.0.1:1/none"


@dataclass(frozen=True)
class Mistake:
    args: Args
    code: int
    message: str
    env: dict[str, str] = field(default_factory=dict)


MISTAKES = {
    "a time that is not one": Mistake(
        ("replay", "queue", "5", "--at", "yesterday"),
        USAGE,
        "'yesterday' is not a time: use ISO 8601",
    ),
    "a version that is not one": Mistake(
        ("events", "show", "queue:5@x"), USAGE, "'x' is not a version (a whole number)"
    ),
    "a backwards range": Mistake(
        ("replay", "queue", "5", "--diff", "5..2"), USAGE, "'5..2': the range ends before it starts"
    ),
    "both --at and --diff": Mistake(
        ("replay", "queue", "5", "--at", "3", "--diff", "2..4"),
        USAGE,
        "give --at or --diff, not both",
    ),
    "a rebuild without Redis": Mistake(("projections", "rebuild"), USAGE, "REDIS_URL is not set"),
    "an unknown read model": Mistake(
        ("projections", "rebuild", "playlists"),
        USAGE,
        "unknown read model 'playlists'; known: queue_view, now_playing",
    ),
    "no database": Mistake(
        ("events", "list", "--guild", "5"),
        UNAVAILABLE,
        "The event store is unavailable",
        {"DATABASE_URL": CLOSED_PORT_DSN},
    ),
}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Ran]:
    """Every mistake above, made side by side (on an embedded store nobody wrote to)."""
    folder: Path = tmp_path_factory.mktemp("mistakes")
    embedded = {"SQLITE_PATH": str(folder / "events.sqlite3")}

    def make(mistake: Mistake) -> Ran:
        return reprise(*mistake.args, env={**embedded, **mistake.env}, cwd=folder)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(MISTAKES, pool.map(make, MISTAKES.values()), strict=True))


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_a_mistake_exits_with_its_code_and_says_what_was_wrong(
    mistake: str, made: dict[str, Ran]
) -> None:
    expected, ran = MISTAKES[mistake], made[mistake]
    assert ran.code == expected.code, ran.explain()
    assert expected.message in " ".join(ran.stderr.split()), ran.explain()
    assert "Traceback" not in ran.stderr
    assert ran.stdout == ""
