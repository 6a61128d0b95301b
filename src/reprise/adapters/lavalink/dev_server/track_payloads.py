"""Lavalink v4 wire shapes for tracks, playlists, load results and exceptions."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

type JsonObject = dict[str, Any]

# Lavaplayer reports the length of a live stream as Long.MAX_VALUE.
STREAM_LENGTH_MS = 9_223_372_036_854_775_807

Severity = Literal["common", "suspicious", "fault"]


class WireModel(BaseModel):
    """Base for payloads that travel as camelCase JSON."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )

    def to_wire(self) -> JsonObject:
        """Return the JSON-ready dict with Lavalink's camelCase field names."""
        return self.model_dump(by_alias=True, mode="json")


class TrackInfo(WireModel):
    """The `info` object of a Lavalink track."""

    identifier: str
    is_seekable: bool = True
    author: str
    length: int
    is_stream: bool = False
    position: int = 0
    title: str
    uri: str | None = None
    artwork_url: str | None = None
    isrc: str | None = None
    source_name: str = "youtube"


class Track(WireModel):
    """A Lavalink track: its encoded form plus its info."""

    encoded: str
    info: TrackInfo
    plugin_info: JsonObject = Field(default_factory=dict)
    user_data: JsonObject = Field(default_factory=dict)


class PlaylistInfo(WireModel):
    """The `info` object of a loaded playlist."""

    name: str
    selected_track: int = -1


class Playlist(WireModel):
    """The `data` of a `playlist` load result."""

    info: PlaylistInfo
    plugin_info: JsonObject = Field(default_factory=dict)
    tracks: list[Track]


class LavalinkException(WireModel):
    """Lavalink's exception object, used by load errors and TrackExceptionEvent."""

    message: str | None
    severity: Severity
    cause: str


class TrackLoaded(WireModel):
    """Load result for a single track."""

    load_type: Literal["track"] = "track"
    data: Track


class PlaylistLoaded(WireModel):
    """Load result for a playlist."""

    load_type: Literal["playlist"] = "playlist"
    data: Playlist


class SearchLoaded(WireModel):
    """Load result for a search."""

    load_type: Literal["search"] = "search"
    data: list[Track]


class NothingLoaded(WireModel):
    """Load result when nothing matched the identifier."""

    load_type: Literal["empty"] = "empty"
    data: JsonObject = Field(default_factory=dict)


class LoadFailed(WireModel):
    """Load result when loading raised an error."""

    load_type: Literal["error"] = "error"
    data: LavalinkException


type LoadResult = TrackLoaded | PlaylistLoaded | SearchLoaded | NothingLoaded | LoadFailed
