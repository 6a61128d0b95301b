"""Reading an aggregate's current state straight from the event store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reprise.application.unit_of_work import rebuild
from reprise.domain.ids import queue_id, subscription_id
from reprise.domain.queue import GuildQueue
from reprise.domain.subscription import Subscription

if TYPE_CHECKING:
    from reprise.application.ports import EventStore


async def load_queue(store: EventStore, guild_id: int) -> GuildQueue | None:
    return rebuild(await store.load(queue_id(guild_id)), GuildQueue)


async def load_subscription(store: EventStore, guild_id: int) -> Subscription | None:
    return rebuild(await store.load(subscription_id(guild_id)), Subscription)
