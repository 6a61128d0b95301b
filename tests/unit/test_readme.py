"""The README's configuration table lists every setting, so the docs cannot fall behind."""

from __future__ import annotations

from pathlib import Path

from reprise.settings import Settings

README = Path(__file__).parents[2] / "README.md"


def test_every_setting_is_documented_in_the_readme() -> None:
    text = README.read_text()
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in text]
    assert missing == []


def test_the_readme_opens_with_the_two_make_commands() -> None:
    text = README.read_text()
    assert text.index("make run") < text.index("make test")
