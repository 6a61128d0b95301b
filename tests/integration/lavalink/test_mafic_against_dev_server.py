"""Unmodified mafic 2.11, driven by a nextcord client that never logs in, against the dev server."""

import asyncio
import warnings
from collections.abc import AsyncIterator, Callable

import pytest

from reprise.adapters.lavalink.dev_server import DevLavalinkServer
from tests.integration.lavalink.offline_discord import (
    OfflineBot,
    voice_server_payload,
    voice_state_payload,
)

with warnings.catch_warnings():
    # nextcord 3.2, imported by mafic, imports the stdlib `audioop`, deprecated in 3.12.
    warnings.simplefilter("ignore", DeprecationWarning)
    import mafic

# mafic 2.11 passes a float `timeout` to aiohttp 3.14's ws_connect, which deprecates it.
pytestmark = pytest.mark.filterwarnings(
    "ignore:parameter 'timeout' of type 'float' is deprecated:DeprecationWarning"
)

BOT_USER_ID = 170939974227541168
GUILD_ID = 817327181659111454
VOICE_CHANNEL_ID = 817327181659111455
PLAYLIST_URL = "https://www.youtube.com/playlist?list=PLreprise-late-night"
TRACK_URL = "https://www.youtube.com/watch?v=reprise0002"
TONE_URL = "https://www.youtube.com/watch?v=reprise0024"


async def eventually(condition: Callable[[], bool]) -> None:
    """Wait (up to 2 s) until `condition` holds."""
    async with asyncio.timeout(2.0):
        # mafic signals no event when a player's state first arrives, so poll.
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


@pytest.fixture
async def bot() -> AsyncIterator[OfflineBot]:
    """The offline bot."""
    client = OfflineBot(BOT_USER_ID)
    yield client
    await client.close()


@pytest.fixture
async def node(
    bot: OfflineBot, dev_server: DevLavalinkServer
) -> AsyncIterator[mafic.Node[OfflineBot]]:
    """A mafic node connected to the dev server through a NodePool, as the bot does it."""
    pool = mafic.NodePool(bot)
    created = await pool.create_node(
        host=dev_server.url.host or "127.0.0.1",
        port=dev_server.port,
        label=f"dev-{dev_server.port}",
        password=dev_server.config.password,
        timeout=5,
    )
    yield created
    for player in created.players:
        # Disconnecting would need Discord's gateway; dropping the player is enough here.
        created.remove_player(player.guild.id)
    await pool.remove_node(created, transfer_players=False)


async def connected_player(
    bot: OfflineBot, node: mafic.Node[OfflineBot]
) -> mafic.Player[OfflineBot]:
    """A player whose voice connection went through mafic's own voice update handlers."""
    player: mafic.Player[OfflineBot] = mafic.Player(
        bot, bot.voice_channel(GUILD_ID, VOICE_CHANNEL_ID)
    )
    await player.on_voice_state_update(voice_state_payload(BOT_USER_ID, VOICE_CHANNEL_ID))
    await player.on_voice_server_update(voice_server_payload(GUILD_ID))
    assert player.node is node
    await eventually(lambda: player.connected)
    return player


async def test_node_connects_and_receives_ready_and_stats(
    bot: OfflineBot, node: mafic.Node[OfflineBot], dev_server: DevLavalinkServer
) -> None:
    assert node.available
    assert node.version == 4
    session = dev_server.find_session(node.session_id or "")
    assert session is not None
    assert session.user_id == str(BOT_USER_ID)
    assert (session.resuming, session.timeout) == (True, 60)  # mafic configures resuming on ready
    stats_node = await bot.wait_for("node_stats", timeout=2)
    assert stats_node is node
    assert node.stats is not None
    assert node.stats.cpu.cores >= 1


async def test_fetch_tracks(node: mafic.Node[OfflineBot]) -> None:
    search = await node.fetch_tracks("mira halden", search_type=mafic.SearchType.YOUTUBE.value)
    assert isinstance(search, list)
    assert {track.title for track in search} == {"Paper Boats", "Glass Harbour"}
    playlist = await node.fetch_tracks(PLAYLIST_URL, search_type="ytsearch")
    assert isinstance(playlist, mafic.Playlist)
    assert (playlist.name, playlist.selected_track, len(playlist.tracks)) == (
        "Late Night Drive",
        -1,
        5,
    )
    by_url = await node.fetch_tracks(TRACK_URL, search_type="ytsearch")
    assert isinstance(by_url, list)
    assert [track.uri for track in by_url] == [TRACK_URL]
    assert await node.fetch_tracks("https://example.invalid/none", search_type="ytsearch") == []
    with pytest.raises(mafic.TrackLoadException):
        await node.fetch_tracks(
            "https://www.youtube.com/watch?v=reprise-gone", search_type="ytsearch"
        )


async def test_decoding(node: mafic.Node[OfflineBot]) -> None:
    loaded = await node.fetch_tracks(TRACK_URL, search_type="ytsearch")
    assert isinstance(loaded, list)
    [track] = loaded
    decoded = await node.decode_track(track.id)
    assert (decoded.title, decoded.length, decoded.id) == (track.title, track.length, track.id)
    assert [t.title for t in await node.decode_tracks([track.id, track.id])] == [track.title] * 2


async def test_a_player_plays_through_to_track_end(
    bot: OfflineBot, node: mafic.Node[OfflineBot]
) -> None:
    player = await connected_player(bot, node)
    loaded = await node.fetch_tracks(TONE_URL, search_type="ytsearch")
    assert isinstance(loaded, list)
    started = asyncio.create_task(bot.wait_for("track_start", timeout=3))
    ended = asyncio.create_task(bot.wait_for("track_end", timeout=3))
    await asyncio.sleep(0)
    await player.play(loaded[0])
    start_event: mafic.TrackStartEvent[mafic.Player[OfflineBot]] = await started
    end_event: mafic.TrackEndEvent[mafic.Player[OfflineBot]] = await ended
    assert start_event.track.uri == TONE_URL
    assert start_event.player is player
    assert end_event.reason is mafic.EndReason.FINISHED
    assert player.current is None


async def test_player_exceptions_and_stops_reach_the_client(
    bot: OfflineBot, node: mafic.Node[OfflineBot], dev_server: DevLavalinkServer
) -> None:
    player = await connected_player(bot, node)
    dev_server.faults.track_exception_at_ms = 1_000
    failed = asyncio.create_task(bot.wait_for("track_exception", timeout=3))
    ended = asyncio.create_task(bot.wait_for("track_end", timeout=3))
    await asyncio.sleep(0)
    await player.play(TRACK_URL)
    exception_event: mafic.TrackExceptionEvent[mafic.Player[OfflineBot]] = await failed
    assert exception_event.exception["severity"] == "fault"
    assert (await ended).reason is mafic.EndReason.LOAD_FAILED
    dev_server.faults.reset()
    stopped = asyncio.create_task(bot.wait_for("track_end", timeout=3))
    await asyncio.sleep(0)
    await player.play(TRACK_URL)
    await player.stop()
    assert (await stopped).reason is mafic.EndReason.STOPPED
