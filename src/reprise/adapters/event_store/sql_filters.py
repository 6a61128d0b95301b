"""Building a WHERE clause from optional filters, for PostgreSQL ($n) and SQLite (?)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Placeholder = Callable[[int], str]


def numbered(position: int) -> str:
    return f"${position}"


def question_mark(_: int) -> str:
    return "?"


def where_clause(
    conditions: Sequence[tuple[str, Any]], placeholder: Placeholder
) -> tuple[str, list[Any]]:
    """`conditions` are (`"column = {}"`, value) pairs; those whose value is None are left out."""
    clauses, params = ["1 = 1"], []
    for template, value in conditions:
        if value is not None:
            params.append(value)
            clauses.append(template.format(placeholder(len(params))))
    return " AND ".join(clauses), params
