"""The /v4/websocket endpoint: handshake, ready, and session resuming."""

from http import HTTPStatus

from aiohttp import web

from reprise.adapters.lavalink.dev_server.middlewares import LavalinkHttpError
from reprise.adapters.lavalink.dev_server.server_state import STATE_KEY

routes = web.RouteTableDef()


@routes.get("/v4/websocket")
async def websocket(request: web.Request) -> web.StreamResponse:
    """Open a session (or resume one named by Session-Id) and stream its messages."""
    state = request.app[STATE_KEY]
    user_id = request.headers.get("User-Id")
    if not user_id:
        raise LavalinkHttpError(HTTPStatus.BAD_REQUEST, "Missing User-Id header")
    resume_id = request.headers.get("Session-Id") or None
    resumed = state.sessions.can_resume(resume_id)
    socket = web.WebSocketResponse()
    socket.headers["Session-Resumed"] = str(resumed).lower()
    await socket.prepare(request)
    session = state.sessions.open(
        user_id=user_id, client_name=request.headers.get("Client-Name"), resume_id=resume_id
    )
    if request.transport is not None:
        state.sockets[socket] = request.transport
    session.attach(socket, resumed=resumed)
    try:
        async for _ in socket:
            pass  # A v4 client sends nothing over the websocket; everything goes over REST.
    finally:
        state.sockets.pop(socket, None)
        await state.sessions.disconnect(session, allow_resume=not state.dead)
    return socket
