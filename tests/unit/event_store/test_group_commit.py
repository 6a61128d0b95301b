"""GroupCommitter: groups in call order, and decisions built on unstored commits refused."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from uuid import uuid4

import pytest

from reprise.adapters.event_store.group_commit import GroupCommitter, GroupOutcome
from reprise.application.ports import (
    AlreadyHandled,
    Appended,
    CommandRecord,
    Commit,
    ConcurrencyConflict,
    EventStoreUnavailable,
)
from reprise.application.results import CommandResult
from reprise.domain.ids import queue_id
from tests.unit.domain.builders import NOW

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from uuid import UUID


def commit(after: UUID | None = None) -> Commit:
    command_id = uuid4()
    record = CommandRecord(command_id, "Skip", 1, uuid4(), "user:42", NOW)
    result = CommandResult(command_id=command_id, accepted=False)
    return Commit(record, [], [], result, expected={queue_id(1): 0}, after=after)


class Writer:
    """Records each group; answers each commit with what `outcome` says."""

    def __init__(self, outcome: Callable[[Commit], GroupOutcome | EventStoreUnavailable]) -> None:
        self.groups: list[list[Commit]] = []
        self._outcome = outcome

    async def __call__(self, commits: Sequence[Commit]) -> list[GroupOutcome]:
        self.groups.append(list(commits))
        await asyncio.sleep(0.01)  # a write takes a while: the next commits queue up
        outcomes: list[GroupOutcome] = []
        for c in commits:
            outcome = self._outcome(c)
            if isinstance(outcome, EventStoreUnavailable):
                raise outcome
            outcomes.append(outcome)
        return outcomes


async def test_commits_are_written_in_the_order_they_were_appended() -> None:
    writer = Writer(lambda c: Appended([]))
    committer = GroupCommitter(writer)
    commits = [commit() for _ in range(5)]
    first = committer.submit(commits[0])
    await asyncio.sleep(0)  # the writer takes the first alone
    rest = [committer.submit(c) for c in commits[1:]]
    await asyncio.gather(first, *rest)
    assert writer.groups == [commits[:1], commits[1:]]
    await committer.close()


@pytest.mark.parametrize(
    "fate",
    [
        AlreadyHandled(CommandResult(command_id=uuid4(), accepted=True)),
        ConcurrencyConflict(queue_id(1), 0, 2),
        EventStoreUnavailable("PostgreSQL: gone"),
    ],
    ids=["already handled", "conflict", "write failed"],
)
async def test_a_waiting_decision_built_on_an_unstored_commit_is_refused_unwritten(
    fate: GroupOutcome | EventStoreUnavailable,
) -> None:
    head = commit()
    writer = Writer(lambda c: fate if c is head else Appended([]))
    committer = GroupCommitter(writer)
    stored_head = committer.submit(head)
    await asyncio.sleep(0)  # head's group is being written
    built_on = commit(after=head.command.command_id)
    built_on_that = commit(after=built_on.command.command_id)
    unrelated = commit()
    waiting = [committer.submit(c) for c in (built_on, built_on_that, unrelated)]
    outcomes = await asyncio.gather(stored_head, *waiting, return_exceptions=True)
    refused = outcomes[1:3]
    assert all(isinstance(o, ConcurrencyConflict) and o.after is not None for o in refused)
    assert outcomes[3] == Appended([])
    assert writer.groups == [[head], [unrelated]]
    await committer.close()
