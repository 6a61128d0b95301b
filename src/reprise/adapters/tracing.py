"""OpenTelemetry context carried in message headers (W3C traceparent)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from opentelemetry import context, propagate, trace

if TYPE_CHECKING:
    from collections.abc import Mapping

    from opentelemetry.context import Context

TRACER = trace.get_tracer("reprise")


def current_headers() -> dict[str, str]:
    """The current trace context as headers (`traceparent`, `tracestate`)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def current_traceparent() -> str | None:
    return current_headers().get("traceparent")


def context_from(headers: Mapping[str, object] | None) -> Context:
    """The trace context a message carried (an empty context if it carried none)."""
    carrier = {
        k: v.decode() if isinstance(v, bytes) else str(v) for k, v in (headers or {}).items()
    }
    return propagate.extract(carrier, context=context.Context())


def context_from_traceparent(traceparent: str | None) -> Context:
    return context_from({"traceparent": traceparent} if traceparent else {})
