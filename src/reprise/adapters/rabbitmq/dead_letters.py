"""Moving a message we will not process to its stream's dead-letter queue, with the reason."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import aio_pika

from reprise.adapters.rabbitmq.metrics import DEAD_LETTERED

if TYPE_CHECKING:
    from aio_pika.abc import AbstractExchange, AbstractIncomingMessage

_log = logging.getLogger(__name__)
REASON_HEADER = "x-reprise-reason"
ROUTING_KEY_HEADER = "x-reprise-routing-key"


class DeadLetters:
    """Publishes the original body and headers plus the reason, then acks the original; or,
    for one item of a batch, that item's body with the batch's headers."""

    def __init__(self, exchange: AbstractExchange, group: str) -> None:
        self._exchange = exchange
        self._group = group

    async def reject(self, message: AbstractIncomingMessage, kind: str, reason: str) -> None:
        await self.dead_letter(message, message.body, kind, reason, message_type=message.type)
        await message.ack()

    async def dead_letter(
        self,
        message: AbstractIncomingMessage,
        body: bytes,
        kind: str,
        reason: str,
        *,
        message_type: str | None = None,
    ) -> None:
        """Dead-letter `body` (the message's or one of its items') without settling `message`."""
        headers = dict(message.headers or {})
        headers[REASON_HEADER] = f"{kind}: {reason}"[:2_000]
        headers[ROUTING_KEY_HEADER] = message.routing_key or ""
        await self._exchange.publish(
            aio_pika.Message(
                body=body,
                headers=headers,
                content_type=message.content_type,
                message_id=message.message_id,
                correlation_id=message.correlation_id,
                type=message_type,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key=message.routing_key or "",
        )
        DEAD_LETTERED.labels(self._group, kind).inc()
        _log.warning("dead-lettered a message from %s: %s: %s", self._group, kind, reason[:200])
