"""Reading rich tables back from a command's output."""

from __future__ import annotations

BORDER = "│"


def rows(output: str) -> list[list[str]]:
    """The body rows of every table in `output`, each as its stripped cells."""
    return [
        [cell.strip() for cell in line.strip().strip(BORDER).split(BORDER)]
        for line in output.splitlines()
        if line.strip().startswith(BORDER)
    ]
