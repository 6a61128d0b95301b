"""The built-in catalogue: fictional tracks, three playlists, a live stream, a broken video."""

from reprise.adapters.lavalink.dev_server.track_payloads import STREAM_LENGTH_MS, TrackInfo

_YOUTUBE_TRACKS: tuple[tuple[str, str, int], ...] = (
    ("Northern Lights Overture", "The Aurora Collective", 214_000),
    ("Paper Boats", "Mira Halden", 187_000),
    ("Glass Harbour", "Mira Halden", 242_000),
    ("Neon Rain", "Circuit Garden", 198_000),
    ("Midnight Transit", "Circuit Garden", 263_000),
    ("Velvet Static", "Low Orbit", 176_000),
    ("Satellite Lullaby", "Low Orbit", 221_000),
    ("Copper Skies", "The Quiet Engines", 205_000),
    ("Slow Machines", "The Quiet Engines", 312_000),
    ("Lanterns on the River", "Ines Okafor", 194_000),
    ("Saltwater Letters", "Ines Okafor", 168_000),
    ("Winter Garden Waltz", "Felix Marren Trio", 236_000),
    ("Blue Hour Bossa", "Felix Marren Trio", 183_000),
    ("Highway Ghosts", "Dustline", 254_000),
    ("Rust and Chrome", "Dustline", 201_000),
    ("Tidal Memory", "Sora Nakamura", 289_000),
    ("Kites Over Harlow", "Sora Nakamura", 172_000),
    ("Open Window Morning", "June & the Lanterns", 158_000),
    ("Coffee at Eleven", "June & the Lanterns", 147_000),
    ("Orchard Song", "June & the Lanterns", 199_000),
    ("Signal Fires", "The Aurora Collective", 226_000),
    ("Afterglow Parade", "Brightwater", 208_000),
    ("Echoes in Amber", "Brightwater", 247_000),
    ("Test Tone (2 seconds)", "Reprise Dev", 2_000),
    ("Test Tone (3 seconds)", "Reprise Dev", 3_000),
    ("Test Tone (5 seconds)", "Reprise Dev", 5_000),
)

_SOUNDCLOUD_TRACKS: tuple[tuple[str, str, int], ...] = (
    ("Bedroom Tape #4", "lofi-kestrel", 133_000),
    ("Fog Machine Demo", "lofi-kestrel", 151_000),
    ("Parking Garage Reverb", "the-basement-tapes", 179_000),
    ("Late Bus Home", "the-basement-tapes", 166_000),
)

LIVE_STREAM = TrackInfo(
    identifier="reprise-live",
    is_seekable=False,
    author="Reprise Radio",
    length=STREAM_LENGTH_MS,
    is_stream=True,
    title="Reprise Radio 24/7 (Live)",
    uri="https://www.youtube.com/watch?v=reprise-live",
    artwork_url="https://i.ytimg.com/vi/reprise-live/hqdefault_live.jpg",
    source_name="youtube",
)

UNAVAILABLE_VIDEO_URI = "https://www.youtube.com/watch?v=reprise-gone"
UNAVAILABLE_VIDEO_MESSAGE = "This video is unavailable"


def _youtube_track(index: int, title: str, author: str, length: int) -> TrackInfo:
    identifier = f"reprise{index:04d}"
    return TrackInfo(
        identifier=identifier,
        author=author,
        length=length,
        title=title,
        uri=f"https://www.youtube.com/watch?v={identifier}",
        artwork_url=f"https://i.ytimg.com/vi/{identifier}/hqdefault.jpg",
        source_name="youtube",
    )


def _soundcloud_track(index: int, title: str, author: str, length: int) -> TrackInfo:
    slug = title.lower().replace(" ", "-").replace("#", "")
    return TrackInfo(
        identifier=f"O:https://api-v2.soundcloud.com/media/soundcloud:tracks:{9000 + index}",
        author=author,
        length=length,
        title=title,
        uri=f"https://soundcloud.com/{author}/{slug}",
        source_name="soundcloud",
    )


def default_tracks() -> list[TrackInfo]:
    """Every track of the built-in catalogue, the live stream last."""
    tracks = [_youtube_track(i, *row) for i, row in enumerate(_YOUTUBE_TRACKS, start=1)]
    tracks += [_soundcloud_track(i, *row) for i, row in enumerate(_SOUNDCLOUD_TRACKS, start=1)]
    tracks.append(LIVE_STREAM)
    return tracks


def default_playlists() -> dict[str, tuple[str, list[str]]]:
    """Playlist URI -> (name, track identifiers) for the built-in catalogue."""
    return {
        "https://www.youtube.com/playlist?list=PLreprise-late-night": (
            "Late Night Drive",
            ["reprise0004", "reprise0005", "reprise0006", "reprise0014", "reprise0016"],
        ),
        "https://www.youtube.com/playlist?list=PLreprise-sunday": (
            "Sunday Morning Acoustic",
            ["reprise0002", "reprise0010", "reprise0012", "reprise0018", "reprise0019"],
        ),
        "https://www.youtube.com/playlist?list=PLreprise-dev-tones": (
            "Dev Tones",
            ["reprise0024", "reprise0025", "reprise0026"],
        ),
    }


def default_failures() -> dict[str, str]:
    """Identifier -> error message for identifiers that always fail to load."""
    return {UNAVAILABLE_VIDEO_URI: UNAVAILABLE_VIDEO_MESSAGE}
