"""Playback controls shared by slash commands and the panel's buttons: same checks, same text."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from reprise.adapters.discord.edge import by
from reprise.adapters.discord.permissions import (
    dj_listening,
    humans_in,
    is_dj,
    listener,
    require_dj,
)
from reprise.adapters.discord.refusals import Refusal
from reprise.adapters.discord.views.components import next_loop_mode
from reprise.adapters.discord.views.tracks import short
from reprise.domain import commands as c
from reprise.domain.values import LoopMode

if TYPE_CHECKING:
    from reprise.adapters.discord.edge import Edge, Interaction
    from reprise.adapters.discord.permissions import Listener
    from reprise.projections.views import EntryView, QueueView


async def pause(edge: Edge, interaction: Interaction) -> str:
    await edge.send(interaction, c.Pause(**by(listener(interaction).member)))
    return "⏸️ Paused."


async def resume(edge: Edge, interaction: Interaction) -> str:
    await edge.send(interaction, c.Resume(**by(listener(interaction).member)))
    return "▶️ Resumed."


async def toggle_pause(edge: Edge, interaction: Interaction) -> str:
    who = listener(interaction)
    playing = await edge.reads.now_playing(who.guild.id)
    paused = playing is not None and playing.paused
    return await (resume if paused else pause)(edge, interaction)


async def previous(edge: Edge, interaction: Interaction) -> str:
    await edge.send(interaction, c.Previous(**by(listener(interaction).member)))
    return "⏮️ Back to the previous track."


async def shuffle(edge: Edge, interaction: Interaction) -> str:
    await edge.send(interaction, c.ShuffleQueue(**by(listener(interaction).member)))
    return "🔀 Shuffled the queue."


async def stop(edge: Edge, interaction: Interaction) -> str:
    who = listener(interaction)
    require_dj(who, await edge.reads.queue(who.guild.id), "stop the music")
    await edge.send(interaction, c.Stop(**by(who.member)))
    return "⏹️ Stopped and cleared the queue."


async def loop(edge: Edge, interaction: Interaction, mode: str | None) -> str:
    """Sets the loop mode, or moves to the next one (off → track → queue) when None."""
    who = listener(interaction)
    if mode is None:
        playing = await edge.reads.now_playing(who.guild.id)
        mode = next_loop_mode(playing.loop if playing else "off")
    await edge.send(interaction, c.SetLoopMode(mode=LoopMode(mode), **by(who.member)))
    return {
        "off": "➡️ Loop off.",
        "track": "🔂 Looping this track.",
        "queue": "🔁 Looping the queue.",
    }[mode]


async def skip(edge: Edge, interaction: Interaction) -> str:
    """Skips at once for the requester and DJs; others vote (ADR 0009)."""
    who = listener(interaction)
    view = await edge.reads.queue(who.guild.id)
    current = view.current if view else None
    if view is None or current is None:
        raise Refusal("Nothing is playing right now.")
    if not _skips_alone(who, view, current):
        if dj_listening(who.channel, view.dj_role_id):
            raise Refusal(
                f"Only DJs (<@&{view.dj_role_id}>) can skip someone else's track while a DJ "
                "is listening."
            )
        listeners = {member.id for member in humans_in(who.channel)}
        votes, needed = edge.votes.vote(who.guild.id, current.entry_id, who.member.id, listeners)
        if votes < needed:
            return f"🗳️ Vote to skip **{short(current.title)}**: {votes}/{needed}."
    command = c.Skip(expected_entry=UUID(current.entry_id), **by(who.member))
    await edge.send(interaction, command)
    edge.votes.forget(who.guild.id)
    return f"⏭️ Skipped **{short(current.title)}**."


def _skips_alone(who: Listener, view: QueueView, current: EntryView) -> bool:
    return current.requested_by == f"user:{who.member.id}" or is_dj(who.member, view.dj_role_id)
