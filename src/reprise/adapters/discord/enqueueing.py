"""From a query to queued tracks: resolve, make sure the bot is (going) in voice, enqueue."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reprise.adapters.discord.edge import ALREADY, by
from reprise.adapters.discord.parsing import looks_like_url
from reprise.adapters.discord.permissions import bot_channel
from reprise.adapters.discord.refusals import Refusal
from reprise.adapters.discord.views.tracks import short
from reprise.domain import commands as c
from reprise.domain.commands import TrackData
from reprise.domain.values import QueuePlacement

if TYPE_CHECKING:
    from reprise.adapters.discord.edge import Edge, Interaction
    from reprise.adapters.discord.permissions import Listener
    from reprise.adapters.discord.voice import VoiceBridge
    from reprise.application.voice_messages import Resolution


@dataclass(frozen=True, slots=True)
class SearchOffer:
    """Top results shown to one member, waiting for their pick."""

    member_id: int
    tracks: tuple[TrackData, ...]
    play_next: bool
    expires_at: float


class Enqueueing:
    def __init__(self, edge: Edge, voice: VoiceBridge) -> None:
        self._edge = edge
        self._voice = voice
        self._offers: dict[str, SearchOffer] = {}

    async def find(self, query: str) -> Resolution:
        """Resolves `query`; nothing playable is a `Refusal` that says why."""
        within = self._edge.options.resolve_within
        found = await self._edge.resolver.resolve(query, reply_within=within)
        if found.kind == "error" or (found.kind == "empty" and looks_like_url(query)):
            reason = f" ({short(found.error, 200)})" if found.error else ""
            raise Refusal(f"I could not play that link{reason}. Check the URL and try again.")
        if found.kind == "empty" or not found.tracks:
            raise Refusal(f"No results for “{short(query, 100)}”. Try other words or a link.")
        return found

    async def enqueue(
        self, interaction: Interaction, who: Listener, tracks: list[TrackData], play_next: bool
    ) -> None:
        await self._join(interaction, who)
        placement = QueuePlacement.NEXT if play_next else QueuePlacement.END
        command = c.EnqueueTracks(tracks=tracks, placement=placement, **by(who.member))
        if interaction.channel_id is not None:
            self._edge.panel.attach(who.guild.id, interaction.channel_id)
        await self._edge.send(interaction, command)

    def offer(self, who: Listener, found: Resolution, play_next: bool, now: float) -> str:
        """Keeps the top results for `who`; returns the token their select menu carries."""
        self._offers = {k: o for k, o in self._offers.items() if o.expires_at > now}
        token = secrets.token_hex(6)
        top = found.tracks[: self._edge.options.search_results]
        expires = now + self._edge.options.search_menu_ttl
        self._offers[token] = SearchOffer(who.member.id, top, play_next, expires)
        return token

    def take(self, token: str, member_id: int, picked: list[str]) -> tuple[list[TrackData], bool]:
        offer = self._offers.get(token)
        if offer is None:
            raise Refusal("Those results have expired; run `/play` again.")
        if offer.member_id != member_id:
            raise Refusal(f"Those results are for <@{offer.member_id}>; run `/play` yourself.")
        del self._offers[token]
        return [offer.tracks[int(index)] for index in picked], offer.play_next

    async def _join(self, interaction: Interaction, who: Listener) -> None:
        """JoinVoice for the member's channel, unless the core already has the bot there.

        When Discord shows the bot out of voice while the core thinks it is in (kicked before the
        audio process reported it), the core is told it left first, so the join is recorded.
        """
        view = await self._edge.reads.queue(who.guild.id)
        recorded = view.voice_channel_id if view else None
        kicked = bot_channel(who.guild) is None and not self._voice.pending(who.guild.id)
        if recorded is not None and kicked:
            await self._edge.send(interaction, c.LeaveVoice(**by(who.member)), tolerate=ALREADY)
            recorded = None
        if recorded != who.channel.id:
            join = c.JoinVoice(channel_id=who.channel.id, **by(who.member))
            await self._edge.send(interaction, join, tolerate=ALREADY)
            self._voice.joining(who.guild.id, who.channel.id)
