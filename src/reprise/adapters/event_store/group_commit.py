"""Group commit: appends that arrive while a transaction is in flight share the next one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from typing import TYPE_CHECKING

from reprise.adapters.event_store.commit_plan import built_on_unstored
from reprise.application.ports import Appended, AppendOutcome, Commit, ConcurrencyConflict

if TYPE_CHECKING:
    from uuid import UUID

GroupOutcome = AppendOutcome | ConcurrencyConflict
WriteGroup = Callable[[Sequence[Commit]], Awaitable[Sequence[GroupOutcome]]]


class GroupCommitter:
    """One writer task drains every waiting commit into a single transaction.

    Under load, N concurrent commands cost one transaction and one fsync instead of N; with
    one command in flight it costs the same as a plain write.
    """

    def __init__(self, write_group: WriteGroup, max_group_size: int = 1_000) -> None:
        self._write_group = write_group
        self._max = max_group_size
        self._waiting: list[tuple[Commit, asyncio.Future[AppendOutcome]]] = []
        self._wake = asyncio.Event()
        self._drained = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self.groups_written = 0

    def submit(self, commit: Commit) -> asyncio.Future[AppendOutcome]:
        """Queue the commit now (groups keep the order of the calls); the future settles
        once its group is written."""
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_forever(), name="group-commit")
        future: asyncio.Future[AppendOutcome] = asyncio.get_running_loop().create_future()
        self._waiting.append((commit, future))
        self._drained.clear()
        self._wake.set()
        return future

    async def close(self) -> None:
        if self._writer is not None and not self._writer.done() and self._waiting:
            await self._drained.wait()
        if self._writer is not None:
            self._writer.cancel()
            with suppress(asyncio.CancelledError):
                await self._writer

    async def _write_forever(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._waiting:
                group = self._waiting[: self._max]
                del self._waiting[: self._max]
                await self._write(group)
            self._drained.set()

    async def _write(self, group: list[tuple[Commit, asyncio.Future[AppendOutcome]]]) -> None:
        try:
            outcomes = await self._write_group([commit for commit, _ in group])
        except Exception as error:
            for _, future in group:
                if not future.done():
                    future.set_exception(error)
            self._refuse_built_on({commit.command.command_id for commit, _ in group})
            return
        self.groups_written += 1
        unstored: set[UUID] = set()
        for (commit, future), outcome in zip(group, outcomes, strict=True):
            if not isinstance(outcome, Appended):
                unstored.add(commit.command.command_id)
            if future.done():
                continue
            if isinstance(outcome, ConcurrencyConflict):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
        self._refuse_built_on(unstored)

    def _refuse_built_on(self, unstored: set[UUID]) -> None:
        """Refuse the waiting commits decided on top of ones that were not stored as decided,
        and those decided on top of them."""
        if not unstored:
            return
        keep: list[tuple[Commit, asyncio.Future[AppendOutcome]]] = []
        for commit, future in self._waiting:
            if commit.after not in unstored:
                keep.append((commit, future))
                continue
            unstored.add(commit.command.command_id)
            if not future.done():
                future.set_exception(built_on_unstored(commit))
        self._waiting[:] = keep
