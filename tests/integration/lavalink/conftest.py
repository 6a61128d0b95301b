"""Fixtures: the dev server in-process, and a parametrized target that can be a real node."""

import os
from collections.abc import AsyncIterator

import aiohttp
import pytest
import yarl

from reprise.adapters.lavalink.dev_server import DevLavalinkServer, DevServerConfig
from tests.integration.lavalink.lavalink_wire import LavalinkRest, LavalinkTarget

TEST_PASSWORD = "contract-test-password"  # noqa: S105 - a throwaway test password
FAST_CONFIG = DevServerConfig(
    password=TEST_PASSWORD,
    time_scale=50.0,
    player_update_interval=0.1,
    stats_interval=0.5,
)
DEV_TRACK_URL = "https://www.youtube.com/watch?v=reprise0002"
DEV_PLAYLIST_URL = "https://www.youtube.com/playlist?list=PLreprise-late-night"


def dev_target(server: DevLavalinkServer) -> LavalinkTarget:
    """The target describing an in-process dev server."""
    return LavalinkTarget(
        url=server.url,
        password=server.config.password,
        track_url=DEV_TRACK_URL,
        playlist_url=DEV_PLAYLIST_URL,
        search="ytsearch:mira halden",
        dev=server,
    )


def real_target() -> LavalinkTarget | None:
    """The real node named by LAVALINK_TEST_URL, if any."""
    url = os.environ.get("LAVALINK_TEST_URL")
    if not url:
        return None
    env = os.environ.get
    return LavalinkTarget(
        url=yarl.URL(url),
        password=env("LAVALINK_TEST_PASSWORD", "youshallnotpass"),
        track_url=env("LAVALINK_TEST_TRACK_URL", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        playlist_url=env(
            "LAVALINK_TEST_PLAYLIST_URL",
            "https://www.youtube.com/playlist?list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI",
        ),
        search=env("LAVALINK_TEST_SEARCH", "ytsearch:never gonna give you up"),
    )


@pytest.fixture
async def dev_server() -> AsyncIterator[DevLavalinkServer]:
    """A dev server on a free port, with clocks 50 times faster than real time."""
    server = DevLavalinkServer(FAST_CONFIG)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client session."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture(params=["dev-server", "real-lavalink"])
async def target(request: pytest.FixtureRequest) -> AsyncIterator[LavalinkTarget]:
    """The node the contract suite runs against: the dev server, then any real node."""
    if request.param == "real-lavalink":
        real = real_target()
        if real is None:
            pytest.skip("LAVALINK_TEST_URL is not set")
        yield real
        return
    server = DevLavalinkServer(FAST_CONFIG)
    await server.start()
    yield dev_target(server)
    await server.stop()


@pytest.fixture
def dev(dev_server: DevLavalinkServer) -> LavalinkTarget:
    """The dev server as a target, for dev-only tests."""
    return dev_target(dev_server)


@pytest.fixture
def rest(http: aiohttp.ClientSession, target: LavalinkTarget) -> LavalinkRest:
    """REST calls to the contract target."""
    return LavalinkRest(http, target)


@pytest.fixture
def dev_rest(http: aiohttp.ClientSession, dev: LavalinkTarget) -> LavalinkRest:
    """REST calls to the dev server."""
    return LavalinkRest(http, dev)
