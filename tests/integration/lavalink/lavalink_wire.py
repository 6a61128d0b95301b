"""A raw Lavalink v4 client for contract tests: REST with the password, and the websocket."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

import aiohttp
import yarl

from reprise.adapters.lavalink.dev_server import DevLavalinkServer

type Json = Any
type Message = dict[str, Any]


@dataclass(frozen=True)
class LavalinkTarget:
    """A node under test and identifiers known to load on it; `dev` is None for a real node."""

    url: yarl.URL
    password: str
    track_url: str
    playlist_url: str
    search: str
    dev: DevLavalinkServer | None = None


@dataclass(frozen=True)
class Reply:
    """Status and JSON (or text) body of a REST call."""

    status: int
    body: Json


class LavalinkRest:
    """REST calls to a node with its password."""

    def __init__(self, http: aiohttp.ClientSession, target: LavalinkTarget) -> None:
        self.http = http
        self.target = target

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Json = None,
        params: dict[str, str] | None = None,
        authorization: str | None = None,
    ) -> Reply:
        """Send a request and read its body as JSON when it is JSON."""
        headers = {"Authorization": authorization or self.target.password}
        url = self.target.url.with_path(path)
        async with self.http.request(
            method, url, json=json, params=params, headers=headers
        ) as response:
            if response.content_type == "application/json":
                return Reply(response.status, await response.json())
            return Reply(response.status, await response.text())


class LavalinkSocket:
    """An open /v4/websocket connection and the session it belongs to."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse, ready: Message) -> None:
        self.socket = socket
        self.ready = ready
        self.session_id: str = ready["sessionId"]

    @classmethod
    async def open(
        cls,
        http: aiohttp.ClientSession,
        target: LavalinkTarget,
        *,
        resume_session_id: str | None = None,
    ) -> Self:
        """Connect and wait for the ready op."""
        headers = {
            "Authorization": target.password,
            "User-Id": "170939974227541168",
            "Client-Name": "reprise-contract-tests/1.0",
        }
        if resume_session_id is not None:
            headers["Session-Id"] = resume_session_id
        socket = await http.ws_connect(target.url.with_path("/v4/websocket"), headers=headers)
        ready = await socket.receive_json(timeout=5)
        assert ready["op"] == "ready", ready
        return cls(socket, ready)

    async def next_message(self, seconds: float = 5.0) -> Message:
        """The next message, failing after `seconds`."""
        message: Message = await self.socket.receive_json(timeout=seconds)
        return message

    async def wait_for(self, matches: Callable[[Message], bool], seconds: float = 5.0) -> Message:
        """Skip messages until one matches."""
        async with asyncio.timeout(seconds):
            while not matches(message := await self.next_message(seconds)):
                pass
        return message

    async def wait_for_event(self, event_type: str, seconds: float = 5.0) -> Message:
        """Skip messages until an event of this type."""
        return await self.wait_for(
            lambda m: m["op"] == "event" and m["type"] == event_type, seconds
        )

    async def events(self, count: int, seconds: float = 5.0) -> list[Message]:
        """The next `count` event messages, skipping playerUpdate and stats."""
        return [await self.wait_for(lambda m: m["op"] == "event", seconds) for _ in range(count)]

    async def wait_until_closed(self, seconds: float = 2.0) -> aiohttp.WSMsgType:
        """Skip text messages until the connection ends; returns how it ended."""
        async with asyncio.timeout(seconds):
            while (message := await self.socket.receive()).type == aiohttp.WSMsgType.TEXT:
                pass
        return message.type

    async def close(self) -> None:
        """Close the websocket cleanly."""
        await self.socket.close()
