"""Track resolution over RabbitMQ: requests on the shared `resolve` queue, replies on direct
reply-to (ADR 0007). Any audio process serves the queue; the gateway waits for the reply."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Self
from uuid import uuid4

import aio_pika
from pydantic import ValidationError

from reprise.adapters.rabbitmq.command_bus import REPLY_TO
from reprise.adapters.rabbitmq.dead_letters import DeadLetters
from reprise.adapters.rabbitmq.errors import BROKER_ERRORS
from reprise.adapters.rabbitmq.metrics import CONSUMED
from reprise.adapters.rabbitmq.topology import RESOLVE_QUEUE
from reprise.adapters.rabbitmq.wire import MAX_MESSAGE_BYTES
from reprise.application.voice_messages import Resolution, ResolveRequest
from reprise.application.voice_ports import ResolverUnavailable

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from aio_pika.abc import (
        AbstractChannel,
        AbstractIncomingMessage,
        AbstractRobustChannel,
        AbstractRobustConnection,
    )

_log = logging.getLogger(__name__)


class RabbitTrackResolver:
    """The TrackResolver port over RabbitMQ (the gateway's side)."""

    def __init__(self, channel: AbstractRobustChannel) -> None:
        self._channel = channel
        self._waiting: dict[str, asyncio.Future[Resolution]] = {}

    @classmethod
    async def open(cls, connection: AbstractRobustConnection) -> Self:
        channel = await connection.channel(publisher_confirms=True)
        resolver = cls(channel)
        replies = await channel.declare_queue(REPLY_TO, passive=True)
        await replies.consume(resolver._on_reply, no_ack=True)
        return resolver

    async def resolve(self, query: str, *, reply_within: float = 2.0) -> Resolution:
        request = ResolveRequest(query=query)
        key = uuid4().hex
        future = asyncio.get_running_loop().create_future()
        self._waiting[key] = future
        try:
            await self._channel.ready()
            message = aio_pika.Message(
                body=request.model_dump_json().encode(),
                content_type="application/json",
                correlation_id=key,
                reply_to=REPLY_TO,
                expiration=reply_within,
            )
            await self._channel.default_exchange.publish(message, routing_key=RESOLVE_QUEUE)
            return await asyncio.wait_for(asyncio.shield(future), reply_within)
        except TimeoutError:  # before BROKER_ERRORS: TimeoutError is an OSError
            raise ResolverUnavailable(f"no audio process resolved {query!r} in time") from None
        except BROKER_ERRORS as error:
            raise ResolverUnavailable(f"resolving {query!r}: {error!r}") from error
        finally:
            self._waiting.pop(key, None)

    async def close(self) -> None:
        await self._channel.close()

    async def _on_reply(self, message: AbstractIncomingMessage) -> None:
        future = self._waiting.get(message.correlation_id or "")
        if future is not None and not future.done():
            try:
                future.set_result(Resolution.model_validate_json(message.body))
            except ValidationError as error:
                future.set_exception(ResolverUnavailable(f"unreadable resolution: {error}"))


class ResolveServer:
    """Serves the `resolve` queue with `resolve(query) -> Resolution` (the audio side)."""

    def __init__(
        self,
        channel: AbstractChannel,
        resolve: Callable[[str], Awaitable[Resolution]],
        dead: DeadLetters,
    ) -> None:
        self._channel = channel
        self._resolve = resolve
        self._dead = dead

    @classmethod
    async def start(
        cls,
        connection: AbstractRobustConnection,
        resolve: Callable[[str], Awaitable[Resolution]],
        *,
        prefetch: int = 50,
    ) -> Self:
        channel = await connection.channel(publisher_confirms=True)
        await channel.set_qos(prefetch_count=prefetch)
        dead = DeadLetters(await channel.get_exchange(f"{RESOLVE_QUEUE}.dlx"), RESOLVE_QUEUE)
        server = cls(channel, resolve, dead)
        queue = await channel.get_queue(RESOLVE_QUEUE)
        await queue.consume(server.on_message)
        return server

    async def stop(self) -> None:
        await self._channel.close()

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            if len(message.body) > MAX_MESSAGE_BYTES:
                raise ValueError(f"{len(message.body)} bytes, limit {MAX_MESSAGE_BYTES}")
            request = ResolveRequest.model_validate_json(message.body)
        except ValueError as error:  # pydantic's ValidationError included
            await self._dead.reject(message, "malformed_request", str(error))
            await self._reply(message, Resolution(kind="error", error="malformed request"))
            return
        try:
            resolution = await self._resolve(request.query)
        except Exception as error:  # dead-lettered with the reason; the server keeps serving
            await self._dead.reject(message, "resolver_failed", repr(error))
            await self._reply(message, Resolution(kind="error", error="the resolver failed"))
            return
        try:
            await self._reply(message, resolution)
            await message.ack()
            CONSUMED.labels(RESOLVE_QUEUE).inc()
        except BROKER_ERRORS as error:
            _log.warning("resolve: could not answer (%s); the request comes back", error)

    async def _reply(self, message: AbstractIncomingMessage, resolution: Resolution) -> None:
        if not message.reply_to:
            return
        await self._channel.default_exchange.publish(
            aio_pika.Message(
                body=resolution.model_dump_json().encode(),
                content_type="application/json",
                correlation_id=message.correlation_id,
            ),
            routing_key=message.reply_to,
            mandatory=False,
        )
