"""Players when nodes come and go: move them off a lost node, reconcile a node that returns.

A lost node's players move to the least-loaded other node and resume where they were
(Lavalink's last position plus the time since). When a node connects or reconnects, its
session's players are compared with ours: ours that it kept are ours again, ones we moved
away are destroyed there (or they would play twice), ones it lost are pushed again, and
ones we do not know (an audio process restart) are restored from the read caches.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from reprise.adapters.lavalink.errors import LAVALINK_REFUSED, LAVALINK_UNREACHABLE
from reprise.adapters.lavalink.guild_player import GuildPlayer
from reprise.adapters.lavalink.metrics import FAILOVERS

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from mafic.typings import Player as PlayerPayload

    from reprise.adapters.lavalink.nodes import LavalinkNode, RepriseNode
    from reprise.adapters.lavalink.players import Players

_log = logging.getLogger(__name__)


class NodeFailover:
    def __init__(
        self,
        players: Players,
        restore: Callable[[RepriseNode, int, PlayerPayload], Awaitable[None]],
    ) -> None:
        self._players = players
        self._restore = restore

    async def node_lost(self, node: LavalinkNode) -> None:
        moving = [p for p in node.players if isinstance(p, GuildPlayer)]
        if moving:
            _log.warning("node %s lost; moving %s players", node.label, len(moving))
        await asyncio.gather(*(self._move(player, node) for player in moving))

    async def _move(self, player: GuildPlayer, lost: LavalinkNode) -> None:
        target = self._players.nodes.least_loaded(besides=lost)
        audio = self._players.guilds.get(player.guild.id)
        if target is None or audio is None or audio.player is not player:
            return  # no other node: the player waits for its node to come back
        position = player.estimated_position()
        if audio.playing is not None and audio.playing.length_ms:
            position = min(position, audio.playing.length_ms)
        player.move_to(target)
        FAILOVERS.inc()
        started = time.monotonic()
        try:
            await player.send_voice()
        except LAVALINK_UNREACHABLE as error:
            _log.warning("guild %s: voice not moved to %s: %r", audio.guild_id, target.label, error)
            audio.pushed = False
            return
        await self._players.push(audio, position)
        _log.info(
            "guild %s moved to %s at %s ms in %.0f ms",
            audio.guild_id,
            target.label,
            position,
            (time.monotonic() - started) * 1000,
        )

    async def node_ready(self, node: RepriseNode, payloads: list[PlayerPayload]) -> None:
        """Reconcile the session's players with ours (mafic calls this on every connect)."""
        await self._players.nodes.remember_session(node)
        kept = {int(payload["guildId"]): payload for payload in payloads}
        for guild_id, payload in kept.items():
            audio = self._players.guilds.get(guild_id)
            player = audio.player if audio is not None else None
            if player is None:
                await self._restore(node, guild_id, payload)
            elif player.assigned_node is not node:
                await self._destroy(node, guild_id)
        for player in [p for p in node.players if isinstance(p, GuildPlayer)]:
            audio = self._players.guilds.get(player.guild.id)
            if audio is not None and player.guild.id not in kept:
                await self._push_again(audio.guild_id, player)

    async def _push_again(self, guild_id: int, player: GuildPlayer) -> None:
        audio = self._players.guilds[guild_id]
        position = player.estimated_position()
        try:
            await player.send_voice()
        except LAVALINK_UNREACHABLE as error:
            _log.warning("guild %s: voice not resent: %r", guild_id, error)
            return
        await self._players.push(audio, position)

    async def _destroy(self, node: LavalinkNode, guild_id: int) -> None:
        try:
            await node.destroy(guild_id)
        except (*LAVALINK_REFUSED, *LAVALINK_UNREACHABLE) as error:
            _log.info("stale player of %s on %s not destroyed: %r", guild_id, node.label, error)
