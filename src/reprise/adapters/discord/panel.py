"""The now-playing panel: one message per guild, kept up to date, edits coalesced.

A guild's panel lives in the text channel where `/play` was last used. Every accepted command
and every `PlaybackProgress` marks it dirty; at most one edit per `interval` goes out, within the
bot-wide `EditBudget`, showing the now-playing read model once it has caught up with the command
that changed it.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import nextcord

from reprise.adapters.discord.edge import forget_view
from reprise.adapters.discord.edit_budget import EditBudget
from reprise.adapters.discord.playback_position import position_now
from reprise.adapters.discord.views.components import panel_buttons
from reprise.adapters.discord.views.panel_render import PanelContent, panel_content
from reprise.application.voice_messages import PlaybackProgress

if TYPE_CHECKING:
    from reprise.adapters.discord.options import GatewayOptions
    from reprise.adapters.discord.reads import ReadModels
    from reprise.projections.views import NowPlaying

_log = logging.getLogger(__name__)
_POLL = 0.02


@dataclass(slots=True)
class _Panel:
    channel_id: int
    message_id: int | None = None
    shown: PanelContent | None = None
    last_edit: float = -1e9
    wanted_version: int = 0
    wanted_entry: str | None = None
    progress: PlaybackProgress | None = None
    dirty: bool = False
    task: asyncio.Task[None] | None = field(default=None, repr=False)


class PanelKeeper:
    """Keeps each guild's panel message in step with the read model and the player."""

    def __init__(self, client: nextcord.Client, reads: ReadModels, options: GatewayOptions) -> None:
        self._client = client
        self._reads = reads
        self._interval = options.panel_edit_interval
        self._budget = EditBudget(options.panel_edits_per_second)
        self._wait = options.panel_projection_wait
        self._panels: dict[int, _Panel] = {}
        self._closed = False  # a `ui` update after close must not edit through a closed client

    def message_id(self, guild_id: int) -> int | None:
        panel = self._panels.get(guild_id)
        return panel.message_id if panel else None

    def progress_of(self, guild_id: int) -> PlaybackProgress | None:
        panel = self._panels.get(guild_id)
        return panel.progress if panel else None

    def attach(self, guild_id: int, channel_id: int) -> None:
        """The panel moves to `channel_id` (a new message there) if it was elsewhere."""
        panel = self._panels.get(guild_id)
        if panel is None or panel.channel_id != channel_id:
            self._panels[guild_id] = _Panel(channel_id, progress=panel.progress if panel else None)

    def touch(self, guild_id: int, version: int | None = None) -> None:
        panel = self._panels.get(guild_id)
        if panel is None:
            return
        if version is not None:
            panel.wanted_version = max(panel.wanted_version, version)
            panel.wanted_entry = None  # our own command: its version says enough
        panel.dirty = True
        if panel.task is None and not self._closed:
            task = asyncio.create_task(self._keep(guild_id, panel))
            if not task.done():  # an eager task may have ended already (ADR 0015)
                panel.task = task

    def on_progress(self, progress: PlaybackProgress) -> None:
        panel = self._panels.get(progress.guild_id)
        if panel is not None:
            panel.progress = progress
            panel.wanted_entry = str(progress.entry_id) if progress.entry_id else None
            self.touch(progress.guild_id)

    async def close(self) -> None:
        self._closed = True
        tasks = [p.task for p in self._panels.values() if p.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _keep(self, guild_id: int, panel: _Panel) -> None:
        try:
            await self._keep_showing(guild_id, panel)
        except Exception:  # the top of a background task: log it, the next touch retries
            _log.exception("panel of guild %s failed", guild_id)
        finally:
            panel.task = None  # an idle panel holds no finished task

    async def _keep_showing(self, guild_id: int, panel: _Panel) -> None:
        loop = asyncio.get_running_loop()
        while panel.dirty:
            panel.dirty = False
            await asyncio.sleep(max(0.0, panel.last_edit + self._interval - loop.time()))
            await self._budget.take()
            playing = await self._caught_up(guild_id, panel.wanted_version, panel.wanted_entry)
            content = panel_content(playing, position_now(playing, panel.progress))
            if content == panel.shown:
                continue
            try:
                await self._show(guild_id, panel, content)
            except nextcord.HTTPException as error:
                _log.warning("panel of guild %s not updated: %s", guild_id, error)
            panel.last_edit = loop.time()

    async def _caught_up(
        self, guild_id: int, version: int, entry_id: str | None
    ) -> NowPlaying | None:
        """The now-playing document once it reflects `version` and the entry the player last
        reported (a track the audio process moved on to), or after a short wait."""
        deadline = asyncio.get_running_loop().time() + self._wait
        while True:
            playing = await self._reads.now_playing(guild_id)
            if _reflects(playing, version, entry_id):
                return playing
            if asyncio.get_running_loop().time() >= deadline:
                return playing
            await asyncio.sleep(_POLL)

    async def _show(self, guild_id: int, panel: _Panel, content: PanelContent) -> None:
        # Through the guild: `Client.get_channel` walks every guild the bot is in.
        guild = self._client.get_guild(guild_id)
        channel = guild.get_channel_or_thread(panel.channel_id) if guild else None
        if not isinstance(channel, nextcord.TextChannel | nextcord.Thread):
            _log.info("panel channel %s is gone", panel.channel_id)
            return
        view = panel_buttons(content)
        try:
            if panel.message_id is not None:
                await self._edit(channel.id, panel.message_id, content, view)
            else:
                panel.message_id = await self._post(channel, content, view)
        except nextcord.NotFound:
            panel.message_id = await self._post(channel, content, view)
        panel.shown = content

    async def _edit(
        self, channel_id: int, message_id: int, content: PanelContent, view: nextcord.ui.View
    ) -> None:
        """The edit as a bare REST call: `PartialMessage.edit` would also build a `Message`
        from the answer, which nobody reads (a fifth of an edit's cost)."""
        embeds = [content.embed().to_dict()]
        await self._client.http.edit_message(
            channel_id, message_id, embeds=embeds, components=view.to_components()
        )

    async def _post(
        self,
        channel: nextcord.TextChannel | nextcord.Thread,
        content: PanelContent,
        view: nextcord.ui.View,
    ) -> int:
        try:
            sent = await channel.send(embed=content.embed(), view=view)
        finally:
            forget_view(view)  # nextcord stores a sent view whether or not it was stopped
        return sent.id


def _reflects(playing: NowPlaying | None, version: int, entry_id: str | None) -> bool:
    if playing is None or playing.version < version:
        return False
    return entry_id is None or (playing.entry is not None and playing.entry.entry_id == entry_id)
