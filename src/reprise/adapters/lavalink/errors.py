"""The exceptions that mean "Lavalink did not do it"."""

from __future__ import annotations

import aiohttp

from reprise.adapters.lavalink.mafic_import import mafic

# Refused: Lavalink answered with an error status (a track it cannot load or decode).
LAVALINK_REFUSED: tuple[type[Exception], ...] = (mafic.HTTPException,)
# Unreachable: the node is gone or did not answer (failover takes care of it).
LAVALINK_UNREACHABLE: tuple[type[Exception], ...] = (
    aiohttp.ClientError,
    OSError,
    TimeoutError,
    mafic.MaficException,
)
