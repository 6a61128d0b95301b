"""Deciding, for a group of commits written together, which are stored and which are not.

Both stores call this while they hold their write lock, with the aggregates' current
versions and the outcomes of commands already stored, so the check cannot race.
"""

from __future__ import annotations

from collections import ChainMap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast
from uuid import UUID

from reprise.application.ports import (
    AlreadyHandled,
    Appended,
    AppendOutcome,
    Commit,
    ConcurrencyConflict,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, MutableMapping, Sequence

    from reprise.adapters.event_store.rows import EventRow
    from reprise.application.results import CommandResult


@dataclass
class GroupPlan:
    """Indices of the commits to store; the refused ones with their outcome."""

    accepted: list[int] = field(default_factory=list)
    refused: dict[int, AlreadyHandled | ConcurrencyConflict] = field(default_factory=dict)


def originator_ids(commits: Sequence[Commit]) -> list[UUID]:
    """Every aggregate the commits read or change."""
    ids = {originator_id for commit in commits for originator_id in commit.expected}
    ids.update(event.originator_id for commit in commits for event in commit.events)
    return list(ids)


def assumed_versions(commits: Sequence[Commit]) -> dict[UUID, int] | None:
    """The stored versions under which every commit of the group would be stored as it
    stands (each aggregate's version before the first commit that reads or changes it), or
    None when no such versions exist (the group holds a command twice, or commits that
    disagree): then only planning against the store can sort it out."""
    assumed: dict[UUID, int] = {}
    for commit in commits:
        for originator_id, version in commit.expected.items():
            assumed.setdefault(originator_id, version)
        for event in commit.events:
            assumed.setdefault(event.originator_id, event.originator_version - 1)
    return None if plan_group(commits, assumed, {}).refused else assumed


def plan_group(
    commits: Sequence[Commit],
    versions: Mapping[UUID, int],
    stored_results: Mapping[UUID, CommandResult],
) -> GroupPlan:
    """`versions` and `stored_results` are read, never copied: the in-memory store passes all
    it holds."""
    plan = GroupPlan()
    moved: dict[UUID, int] = {}  # versions the commits accepted so far in this group reach
    # each aggregate's version at this point of the group (only read: `versions` is not copied)
    current = ChainMap(moved, cast("MutableMapping[UUID, int]", versions))
    seen: dict[UUID, CommandResult] = {}  # results of the commands accepted in this group
    unstored: set[UUID] = set()  # commands of this group whose commits are refused
    for index, commit in enumerate(commits):
        command_id = commit.command.command_id
        if commit.after in unstored:
            plan.refused[index] = built_on_unstored(commit, current)
            unstored.add(command_id)
            continue
        earlier = seen.get(command_id)
        if earlier is None:
            earlier = stored_results.get(command_id)
        if earlier is not None:
            plan.refused[index] = AlreadyHandled(earlier)
            unstored.add(command_id)
            continue
        conflict = _first_conflict(commit, current)
        if conflict is not None:
            plan.refused[index] = conflict
            unstored.add(command_id)
            continue
        for event in commit.events:
            moved[event.originator_id] = event.originator_version
        seen[command_id] = commit.result
        plan.accepted.append(index)
    return plan


def built_on_unstored(
    commit: Commit, current: Mapping[UUID, int] | None = None
) -> ConcurrencyConflict:
    """The refusal of a commit decided on top of one that was not stored as decided;
    `current` holds the aggregates' versions where they are known."""
    originator_id, expected = next(iter(commit.expected.items()), (UUID(int=0), 0))
    actual = expected if current is None else current.get(originator_id, 0)
    return ConcurrencyConflict(originator_id, expected, actual, after=commit.after)


def _first_conflict(commit: Commit, current: Mapping[UUID, int]) -> ConcurrencyConflict | None:
    for originator_id, expected in commit.expected.items():
        actual = current.get(originator_id, 0)
        if expected != actual:
            return ConcurrencyConflict(originator_id, expected, actual)
    checked: set[UUID] = set()
    for event in commit.events:
        originator_id = event.originator_id
        if originator_id in checked:
            continue
        checked.add(originator_id)
        expected = event.originator_version - 1
        actual = current.get(originator_id, 0)
        if expected != actual:
            return ConcurrencyConflict(originator_id, expected, actual)
    return None


def group_outcomes(
    commits: Sequence[Commit], plan: GroupPlan, event_rows: Sequence[EventRow], offset: int = 0
) -> list[AppendOutcome | ConcurrencyConflict]:
    """Each commit's outcome, in submission order: refused as planned, or its positions (the
    rows' positions plus `offset`)."""
    positions: dict[UUID, list[int]] = {}
    for row in event_rows:
        positions.setdefault(row.command_id, []).append(row.position + offset)
    return [
        plan.refused.get(index) or Appended(positions.get(commit.command.command_id, []))
        for index, commit in enumerate(commits)
    ]
