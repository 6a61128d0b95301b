"""Prometheus metrics of the message backbone."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

CONSUMED = Counter("reprise_messages_consumed", "Messages handled and acknowledged", ["group"])
DUPLICATES = Counter("reprise_messages_duplicate", "Redelivered events skipped", ["group"])
FAILED = Counter("reprise_messages_failed", "Handler failures (message requeued)", ["group"])
DEAD_LETTERED = Counter(
    "reprise_messages_dead_lettered", "Messages moved to the dead-letter queue", ["group", "reason"]
)
LAG_SECONDS = Gauge(
    "reprise_consumer_lag_seconds", "Age of the last event a group applied", ["group"]
)
RELAYED = Counter("reprise_events_relayed", "Stored events published to the events exchange")
