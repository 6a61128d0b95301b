"""Commands as a Discord user in guild 1 would send them."""

from __future__ import annotations

from typing import Any

from reprise.domain import commands as c

ALICE = c.Actor(kind=c.ActorKind.USER, id="42")


def track_data(title: str, length_ms: int = 180_000) -> c.TrackData:
    return c.TrackData(
        encoded=f"enc:{title}",
        identifier=f"id:{title}",
        title=title,
        author="A",
        length_ms=length_ms,
    )


def play(*titles: str, guild_id: int = 1, **extra: Any) -> c.EnqueueTracks:
    return c.EnqueueTracks(
        guild_id=guild_id, actor=ALICE, tracks=[track_data(t) for t in titles], **extra
    )


def as_alice[C: c.CommandBase](kind: type[C], guild_id: int = 1, **fields: Any) -> C:
    return kind(guild_id=guild_id, actor=ALICE, **fields)
