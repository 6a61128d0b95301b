"""Lavalink's error format, its password check, and the availability fault switches."""

import time
import traceback
from collections.abc import Awaitable, Callable
from http import HTTPStatus

from aiohttp import web

from reprise.adapters.lavalink.dev_server.server_state import STATE_KEY
from reprise.adapters.lavalink.dev_server.track_payloads import JsonObject

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CONTROL_PREFIX = "/_dev/"


class LavalinkHttpError(Exception):
    """An error answered with Lavalink's JSON error body."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_body(request: web.Request, status: int, message: str, error: BaseException) -> JsonObject:
    """Lavalink's error object; the trace only when the request asked with trace=true."""
    body: JsonObject = {
        "timestamp": int(time.time() * 1000),
        "status": status,
        "error": HTTPStatus(status).phrase,
        "message": message,
        "path": request.path,
    }
    if request.query.get("trace") == "true":
        body["trace"] = "".join(traceback.format_exception(error))
    return body


@web.middleware
async def lavalink_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn errors, including aiohttp's own 404/405, into Lavalink's error body."""
    try:
        return await handler(request)
    except LavalinkHttpError as error:
        body = error_body(request, error.status, error.message, error)
        return web.json_response(body, status=error.status)
    except web.HTTPException as error:
        if error.status < HTTPStatus.BAD_REQUEST:
            raise
        body = error_body(request, error.status, error.reason, error)
        return web.json_response(body, status=error.status)


@web.middleware
async def password_check(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every route, the websocket upgrade included, needs the configured password."""
    password = request.app[STATE_KEY].config.password
    if request.headers.get("Authorization") != password:
        raise LavalinkHttpError(HTTPStatus.UNAUTHORIZED, "Unauthorized")
    return await handler(request)


@web.middleware
async def availability_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A dead server drops connections; an unresponsive one never answers (except /_dev/)."""
    state = request.app[STATE_KEY]
    if state.dead:
        if request.transport is not None:
            request.transport.close()
        raise web.HTTPServiceUnavailable
    if not request.path.startswith(CONTROL_PREFIX):
        await state.faults.wait_until_responsive()
    return await handler(request)
