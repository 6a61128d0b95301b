"""Waiting for a condition with a deadline, and saying what was not reached."""

from __future__ import annotations

import asyncio
import inspect
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable


async def until(
    check: Callable[[], bool | Awaitable[bool]],
    *,
    within: float,
    what: str | Callable[[], str],
    interval: float = 0.05,
) -> float:
    """Poll `check` until it holds; returns the seconds it took, fails after `within`."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while True:
        outcome = check()
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if outcome:
            return loop.time() - started
        if loop.time() - started > within:
            said = what if isinstance(what, str) else what()
            raise AssertionError(f"not reached within {within} s: {said}")
        await asyncio.sleep(interval)


async def cancelled(task: asyncio.Future[Any]) -> None:
    """Cancel a background task and wait until it is gone (for clean-up stacks)."""
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
