"""The REST routes that do not touch sessions: version, info, stats, loading and decoding."""

import json
import time
from http import HTTPStatus

from aiohttp import web

from reprise.adapters.lavalink.dev_server.catalogue import load_failure
from reprise.adapters.lavalink.dev_server.middlewares import LavalinkHttpError
from reprise.adapters.lavalink.dev_server.server_state import STATE_KEY, ServerState
from reprise.adapters.lavalink.dev_server.track_codec import TrackDecodeError, decode_track
from reprise.adapters.lavalink.dev_server.track_payloads import JsonObject, LoadResult, Track

SOURCE_MANAGERS = ["youtube", "soundcloud", "http", "local"]
FILTERS = [
    "volume",
    "equalizer",
    "karaoke",
    "timescale",
    "tremolo",
    "vibrato",
    "distortion",
    "rotation",
    "channelMix",
    "lowPass",
]
_BUILD_TIME_MS = int(time.time() * 1000)

routes = web.RouteTableDef()


def load(state: ServerState, identifier: str) -> LoadResult:
    """Resolve an identifier, honouring the load fault switches."""
    injected = state.faults.take_load_failure(identifier)
    if injected is not None:
        return load_failure(injected, severity="fault")
    return state.catalogue.load(identifier)


def decode(encoded: str) -> Track:
    """Decode a track or fail with a 400."""
    try:
        return decode_track(encoded)
    except TrackDecodeError as error:
        raise LavalinkHttpError(HTTPStatus.BAD_REQUEST, str(error)) from error


def _info(version: str) -> JsonObject:
    core, _, build = version.partition("+")
    release, _, pre_release = core.partition("-")
    major, minor, patch = (int(part) for part in release.split("."))
    return {
        "version": {
            "semver": version,
            "major": major,
            "minor": minor,
            "patch": patch,
            "preRelease": pre_release or None,
            "build": build or None,
        },
        "buildTime": _BUILD_TIME_MS,
        "git": {"branch": "reprise-dev", "commit": "0000000", "commitTime": _BUILD_TIME_MS},
        "jvm": "none (Reprise development stand-in)",
        "lavaplayer": "none (Reprise development stand-in)",
        "sourceManagers": SOURCE_MANAGERS,
        "filters": FILTERS,
        "plugins": [],
    }


@routes.get("/version")
async def version(request: web.Request) -> web.Response:
    """GET /version: the plain-text version."""
    return web.Response(text=request.app[STATE_KEY].config.version)


@routes.get("/v4/info")
async def info(request: web.Request) -> web.Response:
    """GET /v4/info."""
    return web.json_response(_info(request.app[STATE_KEY].config.version))


@routes.get("/v4/stats")
async def stats(request: web.Request) -> web.Response:
    """GET /v4/stats: the stats object without frameStats."""
    state = request.app[STATE_KEY]
    return web.json_response(state.stats.snapshot(state.sessions.players(), with_frames=False))


@routes.get("/v4/loadtracks")
async def load_tracks(request: web.Request) -> web.Response:
    """GET /v4/loadtracks?identifier=..."""
    identifier = request.query.get("identifier")
    if identifier is None:
        raise LavalinkHttpError(
            HTTPStatus.BAD_REQUEST, "Required parameter 'identifier' is missing"
        )
    return web.json_response(load(request.app[STATE_KEY], identifier).to_wire())


@routes.get("/v4/decodetrack")
async def decode_one(request: web.Request) -> web.Response:
    """GET /v4/decodetrack?encodedTrack=..."""
    encoded = request.query.get("encodedTrack") or request.query.get("track")
    if encoded is None:
        raise LavalinkHttpError(HTTPStatus.BAD_REQUEST, "No track to decode provided")
    return web.json_response(decode(encoded).to_wire())


@routes.post("/v4/decodetracks")
async def decode_many(request: web.Request) -> web.Response:
    """POST /v4/decodetracks with a JSON array of encoded tracks."""
    try:
        encoded_tracks = json.loads(await request.text())
    except json.JSONDecodeError as error:
        raise LavalinkHttpError(HTTPStatus.BAD_REQUEST, "Malformed JSON body") from error
    if not isinstance(encoded_tracks, list) or not all(isinstance(t, str) for t in encoded_tracks):
        raise LavalinkHttpError(HTTPStatus.BAD_REQUEST, "Expected an array of encoded tracks")
    if not encoded_tracks:
        raise LavalinkHttpError(HTTPStatus.BAD_REQUEST, "No tracks to decode provided")
    return web.json_response([decode(encoded).to_wire() for encoded in encoded_tracks])
