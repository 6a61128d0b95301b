"""The Lavalink nodes of one audio process: connecting, resuming, choosing, health.

We use mafic's `Node` for the REST calls and the websocket, but not its global `NodePool`:
node choice is ours (least loaded from the nodes' `stats`), and so is what happens to players
when a node comes back (`on_sync`): mafic would otherwise disconnect them from Discord.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from reprise.adapters.lavalink.mafic_import import mafic

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from mafic.typings import Player as PlayerPayload

    from reprise.adapters.lavalink.node_sessions import NodeSessions
    from reprise.adapters.lavalink.node_specs import NodeSpec
    from reprise.adapters.lavalink.offline_client import OfflineDiscordClient

_log = logging.getLogger(__name__)
LavalinkNode = mafic.Node["OfflineDiscordClient"]
# aiohttp's connection errors are OSErrors; mafic raises RuntimeError and its own errors too.
_CONNECT_ERRORS = (OSError, TimeoutError, RuntimeError, mafic.MaficException)


class RepriseNode(mafic.Node["OfflineDiscordClient"]):
    """A mafic node that hands its session's players to us when it (re)connects."""

    on_sync: Callable[[RepriseNode, list[PlayerPayload]], Awaitable[None]] | None = None

    async def sync_players(
        self, player_cls: type[mafic.Player[OfflineDiscordClient]] | None = None
    ) -> None:
        del player_cls
        # Resume this session (not a new one) when the websocket drops and mafic reconnects.
        self._resuming_session_id = self.session_id or ""
        if self.on_sync is not None:
            payloads = await self.fetch_players()
            await self.on_sync(self, payloads)

    async def fetch_players(self) -> list[PlayerPayload]:
        """GET the session's players."""
        payloads: list[PlayerPayload] = await self._Node__request(  # type: ignore[attr-defined]
            "GET", f"sessions/{self.session_id}/players"
        )
        return payloads


class LavalinkNodes:
    """The configured nodes; `least_loaded()` for new players, `available` for health."""

    def __init__(
        self,
        client: OfflineDiscordClient,
        specs: Sequence[NodeSpec],
        sessions: NodeSessions,
        instance: str,
    ) -> None:
        self._client = client
        self._specs = specs
        self._sessions = sessions
        self._instance = instance
        self.nodes: dict[str, RepriseNode] = {}
        self._retries: set[asyncio.Task[None]] = set()

    async def connect(
        self,
        on_sync: Callable[[RepriseNode, list[PlayerPayload]], Awaitable[None]],
        *,
        answer_within: float = 10.0,
    ) -> None:
        """Connect every node, resuming its saved session; nodes that fail keep retrying."""
        for spec in self._specs:
            node = RepriseNode(
                host=spec.host,
                port=spec.port,
                label=spec.label,
                password=spec.password,
                client=self._client,
                secure=spec.secure,
                timeout=answer_within,
                resuming_session_id=await self._sessions.get(self._session_key(spec.label)),
            )
            node.on_sync = on_sync
            self.nodes[spec.label] = node
        await asyncio.gather(*(self._first_connect(node) for node in self.nodes.values()))

    async def _first_connect(self, node: RepriseNode) -> None:
        try:
            await node.connect()
        except _CONNECT_ERRORS as error:
            _log.warning("Lavalink node %s is not reachable yet: %r", node.label, error)
            task = asyncio.create_task(self._retry(node), name=f"connect {node.label}")
            self._retries.add(task)
            task.add_done_callback(self._retries.discard)

    async def _retry(self, node: RepriseNode) -> None:
        delay = 1.0
        while True:
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)
            if node.available:
                return
            await node.close()
            try:
                await node.connect()
            except _CONNECT_ERRORS as error:
                _log.warning("Lavalink node %s still unreachable: %r", node.label, error)

    async def remember_session(self, node: LavalinkNode) -> None:
        if node.session_id:
            await self._sessions.set(self._session_key(node.label), node.session_id)

    def _session_key(self, label: str) -> str:
        return f"{self._instance}:{label}"

    def available(self) -> list[RepriseNode]:
        return [node for node in self.nodes.values() if node.available]

    def least_loaded(self, *, besides: LavalinkNode | None = None) -> RepriseNode | None:
        """The available node with the lowest load (its stats, with our own players counted)."""
        candidates = [node for node in self.available() if node is not besides]
        return min(candidates, key=node_load, default=None)

    async def close(self) -> None:
        for task in list(self._retries):
            task.cancel()
        for node in self.nodes.values():
            # mafic may still finish a reconnect it began; it must not reach our state then.
            node.on_sync = None
            await node.close()


def node_load(node: LavalinkNode) -> float:
    """mafic's weight from the node's stats, counting the players we placed since they came."""
    stats = node.stats
    players = len(node.players)
    if stats is None:
        return float(players)
    return node.weight - stats.playing_player_count + players
