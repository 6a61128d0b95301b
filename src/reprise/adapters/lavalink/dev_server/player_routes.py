"""The session and player REST routes under /v4/sessions/{sessionId}."""

from dataclasses import dataclass
from http import HTTPStatus

from aiohttp import web
from pydantic import ValidationError

from reprise.adapters.lavalink.dev_server.middlewares import LavalinkHttpError
from reprise.adapters.lavalink.dev_server.player_payloads import (
    PlayerUpdate,
    SessionState,
    SessionUpdate,
)
from reprise.adapters.lavalink.dev_server.player_state import DevPlayer, new_playing_track
from reprise.adapters.lavalink.dev_server.rest import decode, load
from reprise.adapters.lavalink.dev_server.server_state import STATE_KEY, ServerState
from reprise.adapters.lavalink.dev_server.session import Session
from reprise.adapters.lavalink.dev_server.track_payloads import (
    JsonObject,
    LoadFailed,
    NothingLoaded,
    Track,
    TrackLoaded,
)

routes = web.RouteTableDef()


@dataclass(frozen=True)
class TrackChange:
    """What an update asks of the track: nothing, stop (no encoded track), or a new one."""

    requested: bool = False
    encoded: str | None = None
    identifier: str | None = None
    user_data: JsonObject | None = None


def _bad_request(message: str) -> LavalinkHttpError:
    return LavalinkHttpError(HTTPStatus.BAD_REQUEST, message)


def _session(request: web.Request) -> Session:
    session = request.app[STATE_KEY].sessions.find(request.match_info["session_id"])
    if session is None:
        raise LavalinkHttpError(HTTPStatus.NOT_FOUND, "Session not found")
    return session


def _guild_id(request: web.Request) -> int:
    try:
        return int(request.match_info["guild_id"])
    except ValueError as error:
        raise _bad_request("Invalid guild id") from error


async def _body[M: (PlayerUpdate, SessionUpdate)](request: web.Request, model: type[M]) -> M:
    try:
        return model.model_validate_json(await request.read() or b"{}", strict=True)
    except ValidationError as error:
        details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise _bad_request(f"Invalid request body: {details}") from error


def _track_change(update: PlayerUpdate) -> TrackChange:
    legacy = update.has("encoded_track") or update.has("identifier")
    if update.has("track") and legacy:
        raise _bad_request("Cannot specify both track and encodedTrack/identifier")
    if update.track is not None:
        sent = update.track.model_fields_set
        if "encoded" in sent and "identifier" in sent:
            raise _bad_request("Cannot specify both encodedTrack and identifier")
        requested = "encoded" in sent or "identifier" in sent
        track = update.track
        return TrackChange(requested, track.encoded, track.identifier, track.user_data)
    if update.has("encoded_track") and update.has("identifier"):
        raise _bad_request("Cannot specify both encodedTrack and identifier")
    return TrackChange(legacy, update.encoded_track, update.identifier)


def _validate(update: PlayerUpdate) -> None:
    if update.voice is not None and update.voice.is_partial():
        raise _bad_request(f"Partial Lavalink voice state: {update.voice.to_wire()}")
    if update.end_time is not None and update.end_time <= 0:
        raise _bad_request("End time must be greater than 0")


def _apply_settings(player: DevPlayer, update: PlayerUpdate, change: TrackChange) -> None:
    if update.voice is not None:
        player.connect_voice(update.voice)
    if update.paused is not None and not change.requested:
        player.set_paused(update.paused)
    if change.user_data is not None and not change.requested:
        player.set_user_data(change.user_data)
    if update.volume is not None:
        player.volume = update.volume
    if update.position is not None and not change.requested:
        player.seek(update.position)
    if update.has("end_time") and not change.requested:
        player.set_end_time(update.end_time)
    if update.filters is not None:
        player.set_filters(update.filters)


def _load_single(state: ServerState, identifier: str) -> Track:
    result = load(state, identifier)
    if isinstance(result, TrackLoaded):
        return result.data
    if isinstance(result, LoadFailed):
        message = result.data.message or "Failed to load track"
        raise LavalinkHttpError(HTTPStatus.INTERNAL_SERVER_ERROR, message)
    if isinstance(result, NothingLoaded):
        raise _bad_request("No matches found for identifier")
    raise _bad_request("Cannot play a playlist or search result")


def _change_track(
    state: ServerState, player: DevPlayer, update: PlayerUpdate, change: TrackChange
) -> None:
    player.set_paused(bool(update.paused))
    if change.identifier is not None:
        track: Track | None = _load_single(state, change.identifier)
    else:
        track = None if change.encoded is None else decode(change.encoded)
    if track is None:
        player.stop("stopped")
        return
    if change.user_data is not None:
        track = track.model_copy(update={"user_data": change.user_data})
    playing = new_playing_track(
        track, position_ms=update.position or 0, end_time_ms=update.end_time
    )
    playing.exception_at_ms = state.faults.track_exception_at_ms
    playing.stuck_at_ms = state.faults.track_stuck_at_ms
    player.play(playing)


@routes.get("/v4/sessions/{session_id}/players")
async def get_players(request: web.Request) -> web.Response:
    """GET the session's players."""
    players = _session(request).players.values()
    return web.json_response([player.to_payload().to_wire() for player in players])


@routes.get("/v4/sessions/{session_id}/players/{guild_id}")
async def get_player(request: web.Request) -> web.Response:
    """GET one player."""
    session, guild_id = _session(request), _guild_id(request)
    if guild_id not in session.players:
        raise LavalinkHttpError(HTTPStatus.NOT_FOUND, "Player not found")
    return web.json_response(session.players[guild_id].to_payload().to_wire())


@routes.patch("/v4/sessions/{session_id}/players/{guild_id}")
async def update_player(request: web.Request) -> web.Response:
    """PATCH (create or update) a player."""
    session, guild_id = _session(request), _guild_id(request)
    update = await _body(request, PlayerUpdate)
    change = _track_change(update)
    _validate(update)
    player = session.player(guild_id)
    _apply_settings(player, update, change)
    no_replace = request.query.get("noReplace", "false").lower() == "true"
    if change.requested and not (no_replace and player.playing is not None):
        _change_track(request.app[STATE_KEY], player, update, change)
    return web.json_response(player.to_payload().to_wire())


@routes.delete("/v4/sessions/{session_id}/players/{guild_id}")
async def destroy_player(request: web.Request) -> web.Response:
    """DELETE a player."""
    session, guild_id = _session(request), _guild_id(request)
    session.destroy_player(guild_id)
    return web.Response(status=HTTPStatus.NO_CONTENT)


@routes.patch("/v4/sessions/{session_id}")
async def update_session(request: web.Request) -> web.Response:
    """PATCH the session's resuming settings."""
    session = _session(request)
    update = await _body(request, SessionUpdate)
    if update.resuming is not None:
        session.resuming = update.resuming
    if update.timeout is not None:
        session.timeout = update.timeout
    state = SessionState(resuming=session.resuming, timeout=session.timeout)
    return web.json_response(state.to_wire())
