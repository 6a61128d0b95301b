"""HTTP conventions of Discord's REST API: JSON bodies, error format, auth and rate limits.

Responses carry `Content-Type: application/json` exactly (nextcord compares the
header verbatim) and the `X-RateLimit-*` headers of Rate_Limits.md.
"""

import hashlib
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import orjson
from aiohttp import BodyPartReader, web
from aiohttp.typedefs import Middleware

from tests.fakes.discord.entities import Payload

JSON_HEADERS = {"Content-Type": "application/json"}
UNAUTHENTICATED_PREFIXES = ("/webhooks/", "/interactions/")

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class DiscordError(Exception):
    """Raised by a route to answer with Discord's JSON error body `{"message", "code"}`."""

    def __init__(self, status: int, message: str, code: int = 0) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def json_response(data: object, status: int = 200) -> web.Response:
    return web.Response(status=status, body=orjson.dumps(data), headers=JSON_HEADERS)


def no_content() -> web.Response:
    return web.Response(status=204)


async def read_body(request: web.Request) -> tuple[Payload, list[str]]:
    """The JSON body, or `payload_json` plus file names of a multipart upload."""
    if request.content_type == "multipart/form-data":
        return await _read_multipart(request)
    if not request.body_exists:
        return {}, []
    body = await request.json(loads=orjson.loads)
    return (body if isinstance(body, dict) else {"items": body}), []


async def _read_multipart(request: web.Request) -> tuple[Payload, list[str]]:
    payload: Payload = {}
    filenames: list[str] = []
    reader = await request.multipart()
    async for part in reader:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "payload_json":
            payload = orjson.loads(await part.read())
        else:
            await part.read()
            filenames.append(part.filename or str(part.name))
    return payload, filenames


@dataclass
class RestCall:
    """One request the bot made, for assertions."""

    method: str
    path: str
    status: int


@dataclass
class RateLimits:
    """Per-route buckets as Discord announces them, plus a switch to force 429s."""

    limit: int = 50
    window: float = 1.0
    forced: list[tuple[str, float]] = field(default_factory=list)
    answered_429: list[str] = field(default_factory=list)
    _buckets: dict[str, tuple[float, int]] = field(default_factory=dict)
    _bucket_ids: dict[str, str] = field(default_factory=dict)

    def force_429(
        self, path_contains: str = "", *, times: int = 1, retry_after: float = 0.1
    ) -> None:
        """The next `times` requests whose path contains `path_contains` get a 429."""
        self.forced.extend([(path_contains, retry_after)] * times)

    def answer(self, key: str, path: str) -> tuple[dict[str, str], float | None]:
        """Headers for this request and, if it is limited, its `retry_after`."""
        bucket = self._bucket_ids.get(key)
        if bucket is None:
            bucket = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:16]
            self._bucket_ids[key] = bucket
        now = time.time()
        started, used = self._buckets.get(key, (now, 0))
        if now >= started + self.window:
            started, used = now, 0
        retry_after = self._take_forced(path)
        if retry_after is None and used >= self.limit:
            retry_after = started + self.window - now
        if retry_after is None:
            used += 1
        self._buckets[key] = (started, used)
        reset_after = retry_after if retry_after is not None else started + self.window - now
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(0 if retry_after is not None else self.limit - used),
            "X-RateLimit-Reset": f"{now + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket,
            "Via": "1.1 google",
        }
        if retry_after is not None:
            self.answered_429.append(path)
            headers |= {"X-RateLimit-Scope": "user", "Retry-After": str(math.ceil(retry_after))}
        return headers, retry_after

    def _take_forced(self, path: str) -> float | None:
        for index, (fragment, retry_after) in enumerate(self.forced):
            if fragment in path:
                del self.forced[index]
                return retry_after
        return None


def bucket_key(request: web.Request) -> str:
    """Method, route template and the route's major parameter, as Discord buckets them."""
    resource = request.match_info.route.resource
    template = resource.canonical if resource is not None else request.path
    info = request.match_info
    # An interaction's token is its callback's and follow-ups' major parameter: "interaction
    # endpoints are not bound to the bot's Global Rate Limit" (Rate_Limits.md), nor to each other.
    major = (
        info.get("channel_id")
        or info.get("guild_id")
        or info.get("webhook_token")
        or info.get("token")
        or ""
    )
    return f"{request.method} {template} {major}"


def rest_middleware(
    token: str, api_prefix: str, calls: list[RestCall], limits: RateLimits
) -> Middleware:
    """Checks the bot token, applies rate limits and turns `DiscordError` into responses."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(api_prefix):
            return await handler(request)
        headers, retry_after = limits.answer(bucket_key(request), request.path)
        response = await _answer(request, handler, token, api_prefix, retry_after)
        response.headers.update(headers)
        calls.append(RestCall(request.method, request.path[len(api_prefix) :], response.status))
        return response

    return middleware


async def _answer(
    request: web.Request, handler: Handler, token: str, api_prefix: str, retry_after: float | None
) -> web.StreamResponse:
    route_path = request.path[len(api_prefix) :]
    if retry_after is not None:
        limited = {"message": "You are being rate limited.", "retry_after": retry_after}
        return json_response(limited | {"global": False}, 429)
    needs_auth = not route_path.startswith(UNAUTHENTICATED_PREFIXES)
    if needs_auth and request.headers.get("Authorization") != f"Bot {token}":
        return json_response({"message": "401: Unauthorized", "code": 0}, 401)
    try:
        return await handler(request)
    except DiscordError as error:
        return json_response({"message": error.message, "code": error.code}, error.status)
