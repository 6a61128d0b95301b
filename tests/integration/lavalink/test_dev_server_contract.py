"""The Lavalink v4 contract, checked against the dev server and, if configured, a real node."""

import aiohttp
import pytest

from tests.integration.lavalink.lavalink_wire import (
    LavalinkRest,
    LavalinkSocket,
    LavalinkTarget,
    Reply,
)

TRACK_INFO_KEYS = {
    "identifier",
    "isSeekable",
    "author",
    "length",
    "isStream",
    "position",
    "title",
    "uri",
    "artworkUrl",
    "isrc",
    "sourceName",
}
ERROR_KEYS = {"timestamp", "status", "error", "message", "path"}
GUILD = "817327181659111454"


def assert_track(track: dict[str, object]) -> None:
    assert isinstance(track["encoded"], str)
    assert isinstance(track["info"], dict)
    assert set(track["info"]) == TRACK_INFO_KEYS
    assert isinstance(track["pluginInfo"], dict)


def assert_error(reply: Reply, status: int, path: str) -> None:
    assert reply.status == status
    assert set(reply.body) >= ERROR_KEYS
    assert reply.body["status"] == status
    assert reply.body["path"] == path
    assert "trace" not in reply.body


async def load(rest: LavalinkRest, identifier: str) -> Reply:
    return await rest.call("GET", "/v4/loadtracks", params={"identifier": identifier})


async def test_version_is_plain_text_v4(rest: LavalinkRest) -> None:
    reply = await rest.call("GET", "/version")
    assert reply.status == 200
    assert reply.body.split(".")[0] == "4"


async def test_info_describes_the_node(rest: LavalinkRest) -> None:
    reply = await rest.call("GET", "/v4/info")
    assert reply.status == 200
    assert reply.body["version"]["major"] == 4
    assert {"buildTime", "git", "jvm", "lavaplayer", "sourceManagers", "filters", "plugins"} <= set(
        reply.body
    )
    assert "timescale" in reply.body["filters"]


async def test_stats_over_rest_have_counters_but_no_frame_stats(rest: LavalinkRest) -> None:
    reply = await rest.call("GET", "/v4/stats")
    assert reply.status == 200
    assert {"players", "playingPlayers", "uptime", "memory", "cpu"} <= set(reply.body)
    assert set(reply.body["memory"]) == {"free", "used", "allocated", "reservable"}
    assert set(reply.body["cpu"]) == {"cores", "systemLoad", "lavalinkLoad"}
    assert reply.body.get("frameStats") is None


async def test_wrong_password_is_401(rest: LavalinkRest) -> None:
    reply = await rest.call("GET", "/v4/info", authorization="not-the-password")
    assert reply.status == 401


async def test_websocket_upgrade_checks_the_password(
    http: aiohttp.ClientSession, target: LavalinkTarget
) -> None:
    headers = {"Authorization": "wrong", "User-Id": "1", "Client-Name": "tests/1"}
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await http.ws_connect(target.url.with_path("/v4/websocket"), headers=headers)
    assert refused.value.status == 401


async def test_websocket_upgrade_needs_a_user_id(
    http: aiohttp.ClientSession, target: LavalinkTarget
) -> None:
    headers = {"Authorization": target.password, "Client-Name": "tests/1"}
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await http.ws_connect(target.url.with_path("/v4/websocket"), headers=headers)
    assert refused.value.status == 400


async def test_websocket_sends_ready_then_stats(
    http: aiohttp.ClientSession, target: LavalinkTarget
) -> None:
    socket = await LavalinkSocket.open(http, target)
    try:
        assert socket.ready["resumed"] is False
        assert len(socket.session_id) > 0
        stats = await socket.wait_for(lambda m: m["op"] == "stats")
        assert {"players", "playingPlayers", "uptime", "memory", "cpu"} <= set(stats)
    finally:
        await socket.close()


async def test_loading_a_url_gives_a_track(rest: LavalinkRest) -> None:
    reply = await load(rest, rest.target.track_url)
    assert reply.body["loadType"] == "track"
    assert_track(reply.body["data"])
    assert reply.body["data"]["info"]["uri"] == rest.target.track_url


async def test_loading_a_playlist_url_gives_a_playlist(rest: LavalinkRest) -> None:
    reply = await load(rest, rest.target.playlist_url)
    assert reply.body["loadType"] == "playlist"
    data = reply.body["data"]
    assert set(data["info"]) == {"name", "selectedTrack"}
    assert isinstance(data["pluginInfo"], dict)
    assert len(data["tracks"]) > 0
    for track in data["tracks"]:
        assert_track(track)


async def test_search_prefix_gives_search_results(rest: LavalinkRest) -> None:
    reply = await load(rest, rest.target.search)
    assert reply.body["loadType"] == "search"
    assert len(reply.body["data"]) > 0
    for track in reply.body["data"]:
        assert_track(track)


async def test_unknown_url_is_empty(rest: LavalinkRest) -> None:
    reply = await load(rest, "https://example.invalid/nothing-here.mp3")
    assert reply.body["loadType"] in {"empty", "error"}
    if reply.body["loadType"] == "empty":
        assert reply.body["data"] == {}


async def test_decoding_round_trips(rest: LavalinkRest) -> None:
    track = (await load(rest, rest.target.track_url)).body["data"]
    single = await rest.call("GET", "/v4/decodetrack", params={"encodedTrack": track["encoded"]})
    batch = await rest.call("POST", "/v4/decodetracks", json=[track["encoded"]] * 2)
    assert single.status == 200
    assert single.body["info"] == track["info"]
    assert single.body["encoded"] == track["encoded"]
    assert batch.status == 200
    assert [t["info"] for t in batch.body] == [track["info"]] * 2


async def test_decoding_garbage_is_an_error(rest: LavalinkRest) -> None:
    reply = await rest.call("GET", "/v4/decodetrack", params={"encodedTrack": "bm90IGEgdHJhY2s="})
    assert reply.status in {400, 500}
    assert set(reply.body) >= ERROR_KEYS


async def test_unknown_session_is_404(rest: LavalinkRest) -> None:
    path = f"/v4/sessions/nosuchsession0000/players/{GUILD}"
    assert_error(await rest.call("GET", path), 404, path)


async def test_trace_is_included_on_request(rest: LavalinkRest) -> None:
    path = "/v4/sessions/nosuchsession0000/players"
    reply = await rest.call("GET", path, params={"trace": "true"})
    assert reply.status == 404
    assert isinstance(reply.body["trace"], str)


async def test_player_lifecycle(http: aiohttp.ClientSession, rest: LavalinkRest) -> None:
    socket = await LavalinkSocket.open(http, rest.target)
    players = f"/v4/sessions/{socket.session_id}/players"
    try:
        assert (await rest.call("GET", players)).body == []
        created = await rest.call("PATCH", f"{players}/{GUILD}", json={"volume": 42})
        assert created.status == 200
        assert created.body["guildId"] == GUILD
        assert created.body["volume"] == 42
        assert created.body["track"] is None
        assert {"time", "position", "connected", "ping"} <= set(created.body["state"])
        assert {"token", "endpoint", "sessionId"} <= set(created.body["voice"])
        assert (await rest.call("GET", f"{players}/{GUILD}")).body["volume"] == 42
        assert [p["guildId"] for p in (await rest.call("GET", players)).body] == [GUILD]
        assert (await rest.call("DELETE", f"{players}/{GUILD}")).status == 204
        assert_error(await rest.call("GET", f"{players}/{GUILD}"), 404, f"{players}/{GUILD}")
    finally:
        await socket.close()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"track": {"encoded": None}, "encodedTrack": None}, id="track-and-legacy"),
        pytest.param({"track": {"encoded": None, "identifier": "x"}}, id="encoded-and-identifier"),
        pytest.param({"encodedTrack": None, "identifier": "x"}, id="legacy-both"),
        pytest.param({"endTime": 0}, id="end-time-not-positive"),
        pytest.param(
            {"voice": {"token": "t", "endpoint": "", "sessionId": "s"}}, id="partial-voice"
        ),
    ],
)
async def test_invalid_player_updates_are_400(
    http: aiohttp.ClientSession, rest: LavalinkRest, body: dict[str, object]
) -> None:
    socket = await LavalinkSocket.open(http, rest.target)
    path = f"/v4/sessions/{socket.session_id}/players/{GUILD}"
    try:
        assert_error(await rest.call("PATCH", path, json=body), 400, path)
    finally:
        await socket.close()


async def test_playing_a_playlist_identifier_is_400(
    http: aiohttp.ClientSession, rest: LavalinkRest
) -> None:
    socket = await LavalinkSocket.open(http, rest.target)
    path = f"/v4/sessions/{socket.session_id}/players/{GUILD}"
    try:
        body = {"track": {"identifier": rest.target.playlist_url}}
        assert_error(await rest.call("PATCH", path, json=body), 400, path)
    finally:
        await socket.close()


async def test_session_update_reports_resuming(
    http: aiohttp.ClientSession, rest: LavalinkRest
) -> None:
    socket = await LavalinkSocket.open(http, rest.target)
    try:
        path = f"/v4/sessions/{socket.session_id}"
        reply = await rest.call("PATCH", path, json={"resuming": True, "timeout": 30})
        assert reply.status == 200
        assert reply.body == {"resuming": True, "timeout": 30}
        partial = await rest.call("PATCH", path, json={"timeout": 5})
        assert partial.body == {"resuming": True, "timeout": 5}
    finally:
        await socket.close()
