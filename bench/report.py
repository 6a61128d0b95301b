"""Printing a benchmark's table and keeping its own section of docs/benchmarks.md current."""

from __future__ import annotations

import os
import platform
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from bench.postgres import ServerFacts

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
_WIDTH = 120
_PREAMBLE = (
    "# Benchmarks\n\n"
    "Each section is written by its benchmark (`make bench` runs them all); a run replaces\n"
    "only its own section. Figures are from the machine named in the section.\n"
)


@dataclass(frozen=True, slots=True)
class Section:
    """One benchmark's results: a table, notes on it, and the verdict against its target."""

    title: str
    command: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    verdict: str
    notes: Sequence[str] = field(default_factory=tuple)


def machine_facts(server: ServerFacts | None) -> str:
    """The machine, and how busy it was: a load average above ~1 on 2 CPUs means other work
    shared the machine during the run, and the figures are lower than on a quiet one."""
    cpu = _cpu_model()
    database = server.describe() if server is not None else "no database"
    return (
        f"{os.cpu_count()} CPUs{f' ({cpu})' if cpu else ''}, Python {platform.python_version()}, "
        f"{database}; 1-min load average {os.getloadavg()[0]:.2f} as the run ended"
    )


def publish(section: Section, server: ServerFacts | None, docs: Path = DOCS) -> None:
    """Print the section to the terminal and replace its part of `docs`."""
    facts = machine_facts(server)
    _print(section, facts)
    text = docs.read_text() if docs.exists() else _PREAMBLE
    docs.parent.mkdir(parents=True, exist_ok=True)
    docs.write_text(replace_section(text, section.title, render_markdown(section, facts)))
    Console().print(f"[dim]wrote section '{section.title}' of {docs}[/dim]")


def render_markdown(section: Section, facts: str) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## {section.title}",
        "",
        f"Run {when} on {facts}.",
        "",
        f"Reproduce: `{section.command}`",
        "",
        "| " + " | ".join(section.columns) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(section.columns))) + "|",
        *("| " + " | ".join(row) + " |" for row in section.rows),
        "",
        *(f"- {note}" for note in section.notes),
        *([""] if section.notes else []),
        f"**Verdict:** {section.verdict}",
        "",
    ]
    return "\n".join(lines)


def replace_section(text: str, title: str, body: str) -> str:
    """`text` with the `## title` section replaced by `body` (or `body` appended)."""
    pattern = re.compile(rf"^## {re.escape(title)}[ \t]*\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(text):
        return pattern.sub(lambda _: body + "\n", text, count=1).rstrip("\n") + "\n"
    return text.rstrip("\n") + "\n\n" + body


def _print(section: Section, facts: str) -> None:
    console = Console(width=max(Console().width, _WIDTH))
    table = Table(title=section.title, caption=facts)
    for index, column in enumerate(section.columns):
        table.add_column(column, justify="left" if index == 0 else "right")
    for row in section.rows:
        table.add_row(*row)
    console.print(table)
    for note in section.notes:
        console.print(f"  - {note}")
    console.print(f"[bold]Verdict:[/bold] {section.verdict}")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        return ""
    return ""
