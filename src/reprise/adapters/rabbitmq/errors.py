"""The exceptions that mean "the broker is not there right now" (retry later)."""

from __future__ import annotations

from aio_pika.exceptions import AMQPError, ChannelInvalidStateError, DeliveryError
from aiormq.exceptions import AMQPError as WireError

BROKER_ERRORS: tuple[type[BaseException], ...] = (
    AMQPError,
    WireError,
    ChannelInvalidStateError,
    DeliveryError,
    ConnectionError,
    OSError,
)
