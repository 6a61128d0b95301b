"""Aggregate ids derived from guild ids, so any process can address a guild's streams."""

from __future__ import annotations

from functools import lru_cache
from uuid import UUID, uuid5

_NAMESPACE = UUID("5f0c7b0e-3c51-4d0b-9a55-7e1c2b8d9a10")


@lru_cache(maxsize=65_536)
def queue_id(guild_id: int) -> UUID:
    return uuid5(_NAMESPACE, f"guild-queue:{guild_id}")


@lru_cache(maxsize=65_536)
def subscription_id(guild_id: int) -> UUID:
    return uuid5(_NAMESPACE, f"subscription:{guild_id}")
