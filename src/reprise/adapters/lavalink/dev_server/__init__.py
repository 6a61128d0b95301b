"""A protocol-faithful Lavalink v4 stand-in for development (`reprise up`) and tests."""

from reprise.adapters.lavalink.dev_server.app import DevLavalinkServer, build_catalogue, main, serve
from reprise.adapters.lavalink.dev_server.catalogue import Catalogue, CatalogueFile
from reprise.adapters.lavalink.dev_server.config import DevServerConfig
from reprise.adapters.lavalink.dev_server.faults import Faults
from reprise.adapters.lavalink.dev_server.player_state import DevPlayer
from reprise.adapters.lavalink.dev_server.track_codec import decode_track, encode_track

__all__ = [
    "Catalogue",
    "CatalogueFile",
    "DevLavalinkServer",
    "DevPlayer",
    "DevServerConfig",
    "Faults",
    "build_catalogue",
    "decode_track",
    "encode_track",
    "main",
    "serve",
]
