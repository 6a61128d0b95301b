"""The event loop every Reprise process runs on (ADR 0015)."""

from __future__ import annotations

import asyncio


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A loop whose tasks start eagerly: a new task runs at once, up to its first wait, rather
    than one loop iteration later. A task may therefore be done when `create_task` returns;
    code that keeps a task must not assume it is still running."""
    loop = asyncio.new_event_loop()
    loop.set_task_factory(asyncio.eager_task_factory)
    return loop
