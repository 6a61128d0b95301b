"""The /_dev/ routes that flip fault switches and trigger failures over HTTP."""

from http import HTTPStatus

from aiohttp import web
from pydantic import ValidationError

from reprise.adapters.lavalink.dev_server.faults import FaultSwitches, VoiceCloseRequest
from reprise.adapters.lavalink.dev_server.middlewares import LavalinkHttpError
from reprise.adapters.lavalink.dev_server.server_state import STATE_KEY, ServerState

routes = web.RouteTableDef()


async def _parse[M: (FaultSwitches, VoiceCloseRequest)](request: web.Request, model: type[M]) -> M:
    try:
        return model.model_validate_json(await request.read() or b"{}", strict=True)
    except ValidationError as error:
        raise LavalinkHttpError(HTTPStatus.BAD_REQUEST, f"Invalid request body: {error}") from error


def close_voice(state: ServerState, request: VoiceCloseRequest) -> int:
    """Close the voice connection of every player of that guild; returns how many."""
    players = [p for p in state.sessions.players() if str(p.guild_id) == request.guild_id]
    for player in players:
        player.close_voice(request.code, request.reason, by_remote=request.by_remote)
    return len(players)


@routes.get("/_dev/faults")
async def get_faults(request: web.Request) -> web.Response:
    """The current fault switches."""
    return web.json_response(FaultSwitches.of(request.app[STATE_KEY].faults).to_wire())


@routes.post("/_dev/faults")
async def set_faults(request: web.Request) -> web.Response:
    """Change the fault switches named in the body."""
    faults = request.app[STATE_KEY].faults
    (await _parse(request, FaultSwitches)).apply_to(faults)
    return web.json_response(FaultSwitches.of(faults).to_wire())


@routes.post("/_dev/faults/reset")
async def reset_faults(request: web.Request) -> web.Response:
    """Turn every fault switch off."""
    faults = request.app[STATE_KEY].faults
    faults.reset()
    return web.json_response(FaultSwitches.of(faults).to_wire())


@routes.post("/_dev/actions/drop-websockets")
async def drop_websockets(request: web.Request) -> web.Response:
    """Cut every client websocket without a close frame."""
    return web.json_response({"dropped": request.app[STATE_KEY].drop_websockets()})


@routes.post("/_dev/actions/close-voice")
async def close_voice_route(request: web.Request) -> web.Response:
    """Send WebSocketClosedEvent for a guild, as when Discord drops the voice connection."""
    body = await _parse(request, VoiceCloseRequest)
    return web.json_response({"closed": close_voice(request.app[STATE_KEY], body)})


@routes.post("/_dev/actions/die")
async def die(request: web.Request) -> web.StreamResponse:
    """Answer 202, then die like a killed process: stop listening, cut every connection."""
    response = web.Response(status=HTTPStatus.ACCEPTED)
    await response.prepare(request)
    await response.write_eof()
    await request.app[STATE_KEY].die()
    return response
