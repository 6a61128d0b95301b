"""The dev server's fault switches, flipped from Python and over /_dev/ HTTP."""

import asyncio

import aiohttp
import pytest

from reprise.adapters.lavalink.dev_server import DevLavalinkServer
from tests.integration.lavalink.lavalink_wire import LavalinkRest, LavalinkSocket, LavalinkTarget

GUILD = 5151
ENDED = {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR}
TRACK = "https://www.youtube.com/watch?v=reprise0001"  # 214 s: 4.3 s at 50x


async def load_type(rest: LavalinkRest, identifier: str) -> str:
    reply = await rest.call("GET", "/v4/loadtracks", params={"identifier": identifier})
    result: str = reply.body["loadType"]
    return result


async def play(rest: LavalinkRest, socket: LavalinkSocket) -> None:
    path = f"/v4/sessions/{socket.session_id}/players/{GUILD}"
    reply = await rest.call("PATCH", path, json={"track": {"identifier": TRACK}})
    assert reply.status == 200, reply.body


async def test_fail_next_loads_from_python(
    dev_rest: LavalinkRest, dev_server: DevLavalinkServer
) -> None:
    dev_server.faults.fail_next_loads = 1
    failed = await dev_rest.call("GET", "/v4/loadtracks", params={"identifier": TRACK})
    assert failed.body["loadType"] == "error"
    assert set(failed.body["data"]) == {"message", "severity", "cause"}
    assert await load_type(dev_rest, TRACK) == "track"


async def test_failing_identifier_over_http(dev_rest: LavalinkRest) -> None:
    switches = {"failingIdentifiers": {TRACK: "Sign in to confirm your age"}}
    reply = await dev_rest.call("POST", "/_dev/faults", json=switches)
    assert reply.body["failingIdentifiers"] == {TRACK: "Sign in to confirm your age"}
    assert await load_type(dev_rest, TRACK) == "error"
    assert await load_type(dev_rest, TRACK) == "error"
    await dev_rest.call("POST", "/_dev/faults/reset")
    assert await load_type(dev_rest, TRACK) == "track"


async def test_a_failing_identifier_cannot_be_played(
    http: aiohttp.ClientSession,
    dev_rest: LavalinkRest,
    dev: LavalinkTarget,
    dev_server: DevLavalinkServer,
) -> None:
    dev_server.faults.failing_identifiers[TRACK] = "Video unavailable"
    socket = await LavalinkSocket.open(http, dev)
    try:
        path = f"/v4/sessions/{socket.session_id}/players/{GUILD}"
        reply = await dev_rest.call("PATCH", path, json={"track": {"identifier": TRACK}})
        assert reply.status == 500
        assert reply.body["message"] == "Video unavailable"
    finally:
        await socket.close()


async def test_an_exception_mid_track(
    http: aiohttp.ClientSession, dev_rest: LavalinkRest, dev: LavalinkTarget
) -> None:
    await dev_rest.call("POST", "/_dev/faults", json={"trackExceptionAtMs": 30_000})
    socket = await LavalinkSocket.open(http, dev)
    try:
        await play(dev_rest, socket)
        start, exception, end = await socket.events(3)
        assert start["type"] == "TrackStartEvent"
        assert exception["type"] == "TrackExceptionEvent"
        assert exception["exception"]["severity"] == "fault"
        assert exception["track"]["info"]["position"] >= 30_000
        assert (end["type"], end["reason"]) == ("TrackEndEvent", "loadFailed")
    finally:
        await socket.close()


async def test_a_stuck_track_freezes(
    http: aiohttp.ClientSession,
    dev_rest: LavalinkRest,
    dev: LavalinkTarget,
    dev_server: DevLavalinkServer,
) -> None:
    dev_server.faults.track_stuck_at_ms = 20_000
    socket = await LavalinkSocket.open(http, dev)
    try:
        await play(dev_rest, socket)
        stuck = await socket.wait_for_event("TrackStuckEvent")
        assert stuck["thresholdMs"] == dev_server.config.stuck_threshold_ms
        await asyncio.sleep(0.1)
        [player] = dev_server.players()
        assert player.playing is not None
        assert player.playing.position_ms() == 20_000
    finally:
        await socket.close()


async def test_dropping_websockets_lets_a_resuming_client_resume(
    http: aiohttp.ClientSession,
    dev_rest: LavalinkRest,
    dev: LavalinkTarget,
    dev_server: DevLavalinkServer,
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    await dev_rest.call("PATCH", f"/v4/sessions/{socket.session_id}", json={"resuming": True})
    await play(dev_rest, socket)
    assert dev_server.drop_websockets() == 1
    assert await socket.wait_until_closed() in ENDED
    await asyncio.sleep(0.05)
    assert socket.session_id in dev_server.sessions.resumable
    resumed = await LavalinkSocket.open(http, dev, resume_session_id=socket.session_id)
    try:
        assert resumed.ready["resumed"] is True
        assert len(dev_server.players()) == 1
    finally:
        await resumed.close()


async def test_dropping_websockets_over_http(
    http: aiohttp.ClientSession,
    dev_rest: LavalinkRest,
    dev: LavalinkTarget,
    dev_server: DevLavalinkServer,
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    reply = await dev_rest.call("POST", "/_dev/actions/drop-websockets")
    assert reply.body == {"dropped": 1}
    assert await socket.wait_until_closed() in ENDED
    await asyncio.sleep(0.05)
    assert dev_server.sessions.live == {}


async def test_closing_voice_sends_websocket_closed(
    http: aiohttp.ClientSession, dev_rest: LavalinkRest, dev: LavalinkTarget
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    try:
        path = f"/v4/sessions/{socket.session_id}/players/{GUILD}"
        voice = {"token": "t", "endpoint": "e", "sessionId": "s"}
        await dev_rest.call("PATCH", path, json={"voice": voice})
        body = {"guildId": str(GUILD), "code": 4014, "reason": "Disconnected"}
        assert (await dev_rest.call("POST", "/_dev/actions/close-voice", json=body)).body == {
            "closed": 1
        }
        event = await socket.wait_for_event("WebSocketClosedEvent")
        assert (event["code"], event["reason"], event["byRemote"]) == (4014, "Disconnected", True)
        assert (await dev_rest.call("GET", path)).body["state"]["connected"] is False
    finally:
        await socket.close()


async def test_an_unresponsive_server_holds_requests(
    dev_rest: LavalinkRest, dev_server: DevLavalinkServer
) -> None:
    await dev_rest.call("POST", "/_dev/faults", json={"unresponsive": True})
    pending = asyncio.create_task(dev_rest.call("GET", "/v4/info"))
    await asyncio.sleep(0.2)
    assert not pending.done()
    assert (await dev_rest.call("GET", "/_dev/faults")).body["unresponsive"] is True
    dev_server.faults.unresponsive = False
    assert (await asyncio.wait_for(pending, 2)).status == 200


async def test_dying_over_http_cuts_everything(
    http: aiohttp.ClientSession,
    dev_rest: LavalinkRest,
    dev: LavalinkTarget,
    dev_server: DevLavalinkServer,
) -> None:
    socket = await LavalinkSocket.open(http, dev)
    assert (await dev_rest.call("POST", "/_dev/actions/die")).status == 202
    assert await socket.wait_until_closed() in ENDED
    with pytest.raises(aiohttp.ClientConnectionError):
        await dev_rest.call("GET", "/v4/info")
    assert dev_server.players() == []


async def test_control_routes_need_the_password(dev_rest: LavalinkRest) -> None:
    reply = await dev_rest.call("POST", "/_dev/actions/die", authorization="nope")
    assert reply.status == 401
    assert (await dev_rest.call("GET", "/v4/info")).status == 200
