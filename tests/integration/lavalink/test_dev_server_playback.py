"""Dev-server-only behaviour: the accelerated playback clock, events and session resuming.

A real node only plays with a Discord voice connection, so these cannot run against one.
"""

import asyncio

import aiohttp

from reprise.adapters.lavalink.dev_server import (
    DevLavalinkServer,
)
from tests.integration.lavalink.lavalink_wire import LavalinkRest, LavalinkSocket, LavalinkTarget

GUILD = 4242
TONE_2S = "https://www.youtube.com/watch?v=reprise0024"
LONG_TRACK = "https://www.youtube.com/watch?v=reprise0009"  # 312 s: 6.2 s at 50x
LIVE = "https://www.youtube.com/watch?v=reprise-live"


def player_path(socket: LavalinkSocket) -> str:
    return f"/v4/sessions/{socket.session_id}/players/{GUILD}"


async def play(
    rest: LavalinkRest, socket: LavalinkSocket, identifier: str, **extra: object
) -> dict[str, object]:
    reply = await rest.call(
        "PATCH", player_path(socket), json={"track": {"identifier": identifier}, **extra}
    )
    assert reply.status == 200, reply.body
    body: dict[str, object] = reply.body
    return body


async def position(rest: LavalinkRest, socket: LavalinkSocket) -> int:
    reply = await rest.call("GET", player_path(socket))
    state: dict[str, int] = reply.body["state"]
    return state["position"]


async def test_a_track_starts_updates_and_finishes(
    http: aiohttp.ClientSession, dev_rest: LavalinkRest, dev: LavalinkTarget
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    try:
        track = {"identifier": TONE_2S, "userData": {"requester": "ada"}}
        await dev_rest.call("PATCH", player_path(socket), json={"track": track})
        start = await socket.wait_for_event("TrackStartEvent")
        assert start["guildId"] == str(GUILD)
        assert start["track"]["info"]["uri"] == TONE_2S
        assert start["track"]["userData"] == {"requester": "ada"}
        update = await socket.wait_for(lambda m: m["op"] == "playerUpdate")
        assert set(update["state"]) == {"time", "position", "connected", "ping"}
        end = await socket.wait_for_event("TrackEndEvent")
        assert end["reason"] == "finished"
        assert (await dev_rest.call("GET", player_path(socket))).body["track"] is None
    finally:
        await socket.close()


async def test_replacing_ends_the_old_track_as_replaced(
    http: aiohttp.ClientSession, dev_rest: LavalinkRest, dev: LavalinkTarget
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    try:
        await play(dev_rest, socket, LONG_TRACK)
        await play(dev_rest, socket, TONE_2S)
        kinds = [
            (e["type"], e.get("reason"), e["track"]["info"]["uri"]) for e in await socket.events(3)
        ]
        assert kinds == [
            ("TrackStartEvent", None, LONG_TRACK),
            ("TrackEndEvent", "replaced", LONG_TRACK),
            ("TrackStartEvent", None, TONE_2S),
        ]
    finally:
        await socket.close()


async def test_no_replace_keeps_the_current_track(
    http: aiohttp.ClientSession, dev_rest: LavalinkRest, dev: LavalinkTarget
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    try:
        await play(dev_rest, socket, LONG_TRACK)
        reply = await dev_rest.call(
            "PATCH",
            player_path(socket),
            json={"track": {"identifier": TONE_2S}},
            params={"noReplace": "true"},
        )
        assert reply.body["track"]["info"]["uri"] == LONG_TRACK
    finally:
        await socket.close()


async def test_a_null_encoded_track_stops(
    http: aiohttp.ClientSession, dev_rest: LavalinkRest, dev: LavalinkTarget
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    try:
        await play(dev_rest, socket, LONG_TRACK)
        await dev_rest.call("PATCH", player_path(socket), json={"encodedTrack": None})
        end = await socket.wait_for_event("TrackEndEvent")
        assert end["reason"] == "stopped"
    finally:
        await socket.close()


async def test_destroying_a_player_stops_its_track(
    http: aiohttp.ClientSession, dev_rest: LavalinkRest, dev: LavalinkTarget
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    try:
        await play(dev_rest, socket, LONG_TRACK)
        assert (await dev_rest.call("DELETE", player_path(socket))).status == 204
        assert (await socket.wait_for_event("TrackEndEvent"))["reason"] == "stopped"
    finally:
        await socket.close()


async def test_pause_freezes_and_seek_moves_the_position(
    http: aiohttp.ClientSession, dev_rest: LavalinkRest, dev: LavalinkTarget
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    try:
        await play(dev_rest, socket, LONG_TRACK, paused=True)
        await asyncio.sleep(0.1)
        assert await position(dev_rest, socket) == 0
        await dev_rest.call("PATCH", player_path(socket), json={"position": 100_000})
        assert await position(dev_rest, socket) == 100_000
        await dev_rest.call("PATCH", player_path(socket), json={"paused": False})
        await asyncio.sleep(0.1)
        assert await position(dev_rest, socket) >= 100_000 + 4_000
    finally:
        await socket.close()


async def test_end_time_finishes_early(
    http: aiohttp.ClientSession, dev_rest: LavalinkRest, dev: LavalinkTarget
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    try:
        await play(dev_rest, socket, LONG_TRACK, endTime=3_000)
        end = await socket.wait_for_event("TrackEndEvent", seconds=1.0)
        assert end["reason"] == "finished"
    finally:
        await socket.close()


async def test_timescale_speeds_up_the_clock(
    http: aiohttp.ClientSession, dev_rest: LavalinkRest, dev: LavalinkTarget
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    try:
        filters = {"timescale": {"speed": 2.0, "rate": 2.0}}
        await play(dev_rest, socket, LONG_TRACK, filters=filters)
        await asyncio.sleep(0.1)
        # 0.1 s at 50x is 5 s of track; with speed x rate = 4 it is 20 s.
        assert await position(dev_rest, socket) >= 15_000
    finally:
        await socket.close()


async def test_a_stream_never_ends(
    http: aiohttp.ClientSession, dev_rest: LavalinkRest, dev: LavalinkTarget
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    try:
        body = await play(dev_rest, socket, LIVE)
        assert body["track"]["info"]["isStream"] is True  # type: ignore[index]
        assert body["track"]["info"]["isSeekable"] is False  # type: ignore[index]
        await asyncio.sleep(0.3)
        assert await position(dev_rest, socket) > 10_000
        assert (await dev_rest.call("GET", player_path(socket))).body["track"] is not None
    finally:
        await socket.close()


async def test_voice_state_connects_the_player(
    http: aiohttp.ClientSession, dev_rest: LavalinkRest, dev: LavalinkTarget
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    try:
        voice = {"token": "t", "endpoint": "e.discord.media", "sessionId": "s", "channelId": "9"}
        reply = await dev_rest.call("PATCH", player_path(socket), json={"voice": voice})
        assert reply.body["voice"] == voice
        assert reply.body["state"]["connected"] is True
        update = await socket.wait_for(lambda m: m["op"] == "playerUpdate")
        assert update["state"]["connected"] is True
    finally:
        await socket.close()


async def test_a_resumed_session_replays_what_it_missed(
    http: aiohttp.ClientSession, dev_rest: LavalinkRest, dev: LavalinkTarget
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    await dev_rest.call(
        "PATCH", f"/v4/sessions/{socket.session_id}", json={"resuming": True, "timeout": 5}
    )
    await play(dev_rest, socket, TONE_2S)
    await socket.wait_for_event("TrackStartEvent")
    await socket.close()
    await asyncio.sleep(0.2)  # the 2 s tone finishes (40 ms) while nobody listens
    resumed = await LavalinkSocket.open(http, dev, resume_session_id=socket.session_id)
    try:
        assert resumed.ready == {"op": "ready", "resumed": True, "sessionId": socket.session_id}
        assert (await resumed.wait_for_event("TrackEndEvent"))["reason"] == "finished"
        assert (await dev_rest.call("GET", player_path(resumed))).status == 200
    finally:
        await resumed.close()


async def test_without_resuming_a_closed_session_is_gone(
    http: aiohttp.ClientSession,
    dev_rest: LavalinkRest,
    dev: LavalinkTarget,
    dev_server: DevLavalinkServer,
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    await play(dev_rest, socket, LONG_TRACK)
    await socket.close()
    await asyncio.sleep(0.05)
    assert dev_server.players() == []
    assert (await dev_rest.call("GET", player_path(socket))).status == 404
    fresh = await LavalinkSocket.open(http, dev, resume_session_id=socket.session_id)
    try:
        assert fresh.ready["resumed"] is False
        assert fresh.session_id != socket.session_id
    finally:
        await fresh.close()


async def test_an_unresumed_session_expires_after_its_timeout(
    http: aiohttp.ClientSession,
    dev_rest: LavalinkRest,
    dev: LavalinkTarget,
    dev_server: DevLavalinkServer,
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    await dev_rest.call(
        "PATCH", f"/v4/sessions/{socket.session_id}", json={"resuming": True, "timeout": 0}
    )
    await play(dev_rest, socket, LONG_TRACK)
    await socket.close()
    await asyncio.sleep(0.1)
    assert dev_server.sessions.resumable == {}
    assert dev_server.players() == []
