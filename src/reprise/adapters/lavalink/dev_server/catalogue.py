"""What the dev server can "load": tracks, playlists and identifiers that fail."""

import wave
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from reprise.adapters.lavalink.dev_server.default_catalogue import (
    default_failures,
    default_playlists,
    default_tracks,
)
from reprise.adapters.lavalink.dev_server.track_codec import make_track
from reprise.adapters.lavalink.dev_server.track_payloads import (
    LavalinkException,
    LoadFailed,
    LoadResult,
    NothingLoaded,
    Playlist,
    PlaylistInfo,
    PlaylistLoaded,
    SearchLoaded,
    Track,
    TrackInfo,
    TrackLoaded,
    WireModel,
)

SEARCH_PREFIXES = ("ytsearch:", "ytmsearch:", "scsearch:")
AUDIO_SUFFIXES = frozenset({".wav", ".mp3", ".flac", ".ogg", ".opus", ".m4a", ".webm", ".aac"})
DEFAULT_AUDIO_LENGTH_MS = 180_000


class PlaylistEntry(WireModel):
    """A playlist in a catalogue file; `tracks` holds track identifiers."""

    name: str
    uri: str
    selected_track: int = -1
    tracks: list[str]


class CatalogueFile(WireModel):
    """The JSON catalogue file format; it extends the built-in catalogue unless told not to."""

    replace_defaults: bool = False
    tracks: list[TrackInfo] = Field(default_factory=list)
    playlists: list[PlaylistEntry] = Field(default_factory=list)
    failing_identifiers: dict[str, str] = Field(default_factory=dict)


def load_failure(message: str, severity: str = "common") -> LoadFailed:
    """The `error` load result Lavaplayer gives for a FriendlyException."""
    exception = LavalinkException.model_validate(
        {
            "message": message,
            "severity": severity,
            "cause": f"com.sedmelluq.discord.lavaplayer.tools.FriendlyException: {message}",
        }
    )
    return LoadFailed(data=exception)


@dataclass
class Catalogue:
    """Tracks by identifier and URI, playlists by URI, and identifiers that fail to load."""

    tracks: dict[str, Track] = field(default_factory=dict)
    playlists: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    @classmethod
    def default(cls) -> "Catalogue":
        """The built-in catalogue."""
        catalogue = cls(playlists=default_playlists(), failures=default_failures())
        for info in default_tracks():
            catalogue.add_track(info)
        return catalogue

    @classmethod
    def from_file(cls, path: Path) -> "Catalogue":
        """The built-in catalogue extended (or replaced) by a JSON catalogue file."""
        document = CatalogueFile.model_validate_json(path.read_text(encoding="utf-8"))
        catalogue = cls() if document.replace_defaults else cls.default()
        for info in document.tracks:
            catalogue.add_track(info)
        for entry in document.playlists:
            catalogue.playlists[entry.uri] = (entry.name, entry.tracks)
        catalogue.failures.update(document.failing_identifiers)
        return catalogue

    def add_track(self, info: TrackInfo) -> Track:
        """Add (or replace) a track; it resolves by identifier and by URI."""
        track = make_track(info)
        self.tracks[info.identifier] = track
        return track

    def add_audio_folder(self, folder: Path) -> list[Track]:
        """Add every audio file of a folder as a `local` track named after the file."""
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
        return [self.add_track(_local_track_info(path)) for path in files]

    def find_track(self, identifier: str) -> Track | None:
        """The track with this identifier or URI."""
        if identifier in self.tracks:
            return self.tracks[identifier]
        return next((t for t in self.tracks.values() if t.info.uri == identifier), None)

    def load(self, identifier: str) -> LoadResult:
        """Resolve an identifier the way /v4/loadtracks does."""
        if identifier in self.failures:
            return load_failure(self.failures[identifier])
        for prefix in SEARCH_PREFIXES:
            if identifier.startswith(prefix):
                return self._search(identifier.removeprefix(prefix))
        if identifier in self.playlists:
            return self._playlist(identifier)
        track = self.find_track(identifier)
        return NothingLoaded() if track is None else TrackLoaded(data=track)

    def _search(self, query: str) -> LoadResult:
        words = query.lower().split()
        if not words:
            return NothingLoaded()
        found = [t for t in self.tracks.values() if _matches(t.info, words)]
        return SearchLoaded(data=found) if found else NothingLoaded()

    def _playlist(self, uri: str) -> LoadResult:
        name, identifiers = self.playlists[uri]
        tracks = [t for t in map(self.find_track, identifiers) if t is not None]
        info = PlaylistInfo(name=name, selected_track=-1)
        return PlaylistLoaded(data=Playlist(info=info, tracks=tracks))


def _matches(info: TrackInfo, words: list[str]) -> bool:
    haystack = f"{info.title} {info.author}".lower()
    return all(word in haystack for word in words)


def _local_track_info(path: Path) -> TrackInfo:
    location = str(path.resolve())
    return TrackInfo(
        identifier=location,
        author="Unknown artist",
        length=_audio_length_ms(path),
        title=path.stem,
        uri=location,
        source_name="local",
    )


def _audio_length_ms(path: Path) -> int:
    if path.suffix.lower() != ".wav":
        return DEFAULT_AUDIO_LENGTH_MS
    try:
        with wave.open(str(path), "rb") as audio:
            return int(audio.getnframes() * 1000 / audio.getframerate())
    except (wave.Error, EOFError, OSError):
        return DEFAULT_AUDIO_LENGTH_MS
