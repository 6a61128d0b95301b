"""A bot-wide pace for panel edits, under Discord's 50 requests/s global rate limit.

Interaction replies are not bound to the global limit; panel edits are. Waiting panels are
served in the order they asked, and each renders its guild's latest state once it is its turn,
so a busy bot shows every guild's panel a little later, never a backlog of stale edits.
"""

from __future__ import annotations

import asyncio


class EditBudget:
    def __init__(self, per_second: float) -> None:
        self._gap = 1.0 / per_second if per_second > 0 else 0.0
        self._next = 0.0

    async def take(self) -> None:
        """Returns when this caller may send one edit."""
        now = asyncio.get_running_loop().time()
        slot = max(now, self._next)
        self._next = slot + self._gap
        if slot > now:
            await asyncio.sleep(slot - now)
