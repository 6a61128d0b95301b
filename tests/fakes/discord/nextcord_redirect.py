"""Pointing nextcord's REST client at the stand-in for the length of a test."""

from collections.abc import Iterator
from contextlib import contextmanager

import nextcord.http

from tests.fakes.discord.server import FakeDiscord


@contextmanager
def nextcord_pointed_at(discord: FakeDiscord) -> Iterator[str]:
    """Sets `nextcord.http.Route.BASE` to the stand-in and restores it afterwards.

    That is the only redirection needed: nextcord builds every REST URL (webhooks and
    interaction callbacks included) from `Route.BASE`, and takes the gateway URL from
    `GET /gateway`, which the stand-in answers with its own websocket.
    """
    previous = nextcord.http.Route.BASE
    nextcord.http.Route.BASE = discord.api_base
    try:
        yield discord.api_base
    finally:
        nextcord.http.Route.BASE = previous
