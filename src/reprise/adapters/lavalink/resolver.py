"""`resolve(query)` through Lavalink's loadtracks, for the gateway (ADR 0007)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reprise.adapters.lavalink.errors import LAVALINK_REFUSED, LAVALINK_UNREACHABLE
from reprise.adapters.lavalink.mafic_import import mafic
from reprise.application.voice_messages import Resolution
from reprise.domain.commands import TrackData

if TYPE_CHECKING:
    from reprise.adapters.lavalink.nodes import LavalinkNodes

SEARCH_RESULTS = 10
_SEARCH_PREFIX = re.compile(r"^([a-z]+search):(.*)$", re.DOTALL)


class LavalinkTrackResolver:
    """Resolves on the least-loaded node; searches YouTube unless the query names a source."""

    def __init__(self, nodes: LavalinkNodes) -> None:
        self._nodes = nodes

    async def resolve(self, query: str) -> Resolution:
        node = self._nodes.least_loaded()
        if node is None:
            return Resolution(kind="error", error="no Lavalink node is available")
        search_type, text = "ytsearch", query.strip()
        if match := _SEARCH_PREFIX.match(text):
            search_type, text = match.group(1), match.group(2).strip()
        try:
            loaded = await node.fetch_tracks(text, search_type=search_type)
        except mafic.TrackLoadException as error:
            return Resolution(kind="error", error=error.message)
        except (*LAVALINK_REFUSED, *LAVALINK_UNREACHABLE) as error:
            return Resolution(kind="error", error=f"Lavalink did not answer: {error}")
        return _resolution(loaded, is_url=text.startswith(("http://", "https://")))


def _resolution(loaded: list[mafic.Track] | mafic.Playlist | None, *, is_url: bool) -> Resolution:
    if isinstance(loaded, mafic.Playlist):
        tracks = tuple(_track_data(track) for track in loaded.tracks)
        return Resolution(kind="playlist", tracks=tracks, playlist_name=loaded.name)
    if not loaded:
        return Resolution(kind="empty")
    if is_url and len(loaded) == 1:
        return Resolution(kind="track", tracks=(_track_data(loaded[0]),))
    return Resolution(kind="search", tracks=tuple(_track_data(t) for t in loaded[:SEARCH_RESULTS]))


def _track_data(track: mafic.Track) -> TrackData:
    return TrackData(
        encoded=track.id,
        identifier=track.identifier or track.id[:100],
        title=track.title[:500] or "Untitled",
        author=track.author[:500],
        length_ms=max(0, track.length),
        is_stream=track.stream,
        uri=track.uri,
        source_name=track.source[:100],
        artwork_url=track.artwork_url,
    )
