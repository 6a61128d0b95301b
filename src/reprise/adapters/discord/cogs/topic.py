"""The base of every cog: the edge its commands go through."""

from __future__ import annotations

from typing import TYPE_CHECKING

import nextcord

if TYPE_CHECKING:
    from reprise.adapters.discord.edge import Edge


class Topic(nextcord.ClientCog):
    def __init__(self, edge: Edge) -> None:
        self.edge = edge
