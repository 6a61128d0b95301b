"""Deciding, for a group of commits written together, which are stored and which are not.

Both stores call this while they hold their write lock, with the aggregates' current
versions and the outcomes of commands already stored, so the check cannot race.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reprise.application.ports import (
    AlreadyHandled,
    Appended,
    AppendOutcome,
    Commit,
    ConcurrencyConflict,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from uuid import UUID

    from reprise.adapters.event_store.rows import EventRow
    from reprise.application.results import CommandResult


@dataclass
class GroupPlan:
    """Indices of the commits to store; the refused ones with their outcome."""

    accepted: list[int] = field(default_factory=list)
    refused: dict[int, AlreadyHandled | ConcurrencyConflict] = field(default_factory=dict)


def originator_ids(commits: Sequence[Commit]) -> list[UUID]:
    return list({event.originator_id for commit in commits for event in commit.events})


def plan_group(
    commits: Sequence[Commit],
    versions: Mapping[UUID, int],
    stored_results: Mapping[UUID, CommandResult],
) -> GroupPlan:
    """`versions` and `stored_results` are read, never copied: the in-memory store passes all
    it holds."""
    plan = GroupPlan()
    moved: dict[UUID, int] = {}  # versions the commits accepted so far in this group reach
    seen: dict[UUID, CommandResult] = {}  # results of the commands accepted in this group
    for index, commit in enumerate(commits):
        command_id = commit.command.command_id
        earlier = seen.get(command_id)
        if earlier is None:
            earlier = stored_results.get(command_id)
        if earlier is not None:
            plan.refused[index] = AlreadyHandled(earlier)
            continue
        conflict = _first_conflict(commit, moved, versions)
        if conflict is not None:
            plan.refused[index] = conflict
            continue
        for event in commit.events:
            moved[event.originator_id] = event.originator_version
        seen[command_id] = commit.result
        plan.accepted.append(index)
    return plan


def _first_conflict(
    commit: Commit, moved: Mapping[UUID, int], versions: Mapping[UUID, int]
) -> ConcurrencyConflict | None:
    checked: set[UUID] = set()
    for event in commit.events:
        originator_id = event.originator_id
        if originator_id in checked:
            continue
        checked.add(originator_id)
        expected = event.originator_version - 1
        actual = moved.get(originator_id, versions.get(originator_id, 0))
        if expected != actual:
            return ConcurrencyConflict(originator_id, expected, actual)
    return None


def group_outcomes(
    commits: Sequence[Commit], plan: GroupPlan, event_rows: Sequence[EventRow]
) -> list[AppendOutcome | ConcurrencyConflict]:
    """Each commit's outcome, in submission order: refused as planned, or its positions."""
    positions: dict[UUID, list[int]] = {}
    for row in event_rows:
        positions.setdefault(row.command_id, []).append(row.position)
    return [
        plan.refused.get(index) or Appended(positions.get(commit.command.command_id, []))
        for index, commit in enumerate(commits)
    ]
