"""Settings of the development Lavalink server."""

from dataclasses import dataclass
from pathlib import Path

# Lavalink's documented default password; the dev server is for local use only.
DEFAULT_PASSWORD = "youshallnotpass"  # noqa: S105


@dataclass(frozen=True)
class DevServerConfig:
    """How the dev server behaves; the defaults match a stock Lavalink v4 node.

    `time_scale` speeds up every playback clock (50.0 plays a 3-minute track in 3.6 s).
    Intervals are in real seconds.
    """

    password: str = DEFAULT_PASSWORD
    time_scale: float = 1.0
    player_update_interval: float = 5.0
    stats_interval: float = 60.0
    catalogue_path: Path | None = None
    audio_dir: Path | None = None
    # mafic warns about any 4.x newer than 4.0, so the dev server claims 4.0.
    version: str = "4.0.8"
    stuck_threshold_ms: int = 10_000
