"""Vote-skip tallies: in memory, for the current entry only (ADR 0009)."""

from __future__ import annotations


class SkipVotes:
    """Who voted to skip which entry, per guild; a new entry starts a new tally."""

    def __init__(self) -> None:
        self._tallies: dict[int, tuple[str, set[int]]] = {}

    def vote(
        self, guild_id: int, entry_id: str, voter: int, listeners: set[int]
    ) -> tuple[int, int]:
        """Records the vote; returns (votes, needed). Votes of people who left do not count."""
        current, voters = self._tallies.get(guild_id, (entry_id, set()))
        if current != entry_id:
            voters = set()
        voters = (voters | {voter}) & (listeners | {voter})
        self._tallies[guild_id] = (entry_id, voters)
        return len(voters), needed(len(listeners))

    def forget(self, guild_id: int) -> None:
        self._tallies.pop(guild_id, None)


def needed(listeners: int) -> int:
    """A majority of the people listening, at least one."""
    return max(1, listeners // 2 + 1)
