"""The RabbitMQ topology, in one place: declared by the processes at start and written out
as `infra/rabbitmq/definitions.json` (`reprise rabbitmq definitions`).

- `commands`, `voice`, `ui`: direct exchanges onto N partition queues, the routing key being
  the partition that `partition_of` hashes the guild id onto (publishers compute it, so they
  can put several messages of one partition in one batch, ADR 0011); each queue is a quorum
  queue with a single active consumer, a delivery limit, and a dead-letter exchange into
  `<stream>.dead`.
- `events`: a direct exchange keyed the same way; every consumer group binds its own
  partition queues `events.<group>.p<i>` to it, so each group sees every event, in order per
  guild.
- `resolve`: one shared quorum queue of track-resolution requests that any audio process
  serves (competing consumers), answered on direct reply-to; stale requests expire.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

DELIVERY_LIMIT = 5
GUILD_HEADER = "guild_id"
PARTITIONED_STREAMS = ("commands", "voice", "ui")
EVENTS_EXCHANGE = "events"
KNOWN_EVENT_GROUPS = ("projector", "audio")
RESOLVE_QUEUE = "resolve"
RESOLVE_TTL_MS = 30_000


@dataclass(frozen=True)
class Exchange:
    name: str
    type: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Queue:
    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Binding:
    source: str
    destination: str
    routing_key: str
    destination_type: str = "queue"


@dataclass(frozen=True)
class Topology:
    exchanges: list[Exchange]
    queues: list[Queue]
    bindings: list[Binding]

    def __add__(self, other: Topology) -> Topology:
        return Topology(
            self.exchanges + other.exchanges,
            self.queues + other.queues,
            self.bindings + other.bindings,
        )


def partition_of(guild_id: int, partitions: int) -> int:
    """The partition of a guild on every partitioned stream: a stable hash of its id."""
    return zlib.crc32(str(guild_id).encode()) % partitions


def partition_key(guild_id: int, partitions: int) -> str:
    """The routing key that reaches the guild's partition queue."""
    return str(partition_of(guild_id, partitions))


def partition_queue(stream: str, index: int) -> str:
    return f"{stream}.p{index}"


def dead_letter_queue(stream: str) -> str:
    return f"{stream}.dead"


def _partitioned_queues(
    source: str, stream: str, partitions: int
) -> tuple[list[Queue], list[Binding]]:
    arguments = {
        "x-queue-type": "quorum",
        "x-single-active-consumer": True,
        "x-delivery-limit": DELIVERY_LIMIT,
        "x-dead-letter-exchange": f"{stream}.dlx",
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }
    queues = [Queue(partition_queue(stream, i), dict(arguments)) for i in range(partitions)]
    bindings = [Binding(source, queue.name, str(i)) for i, queue in enumerate(queues)]
    return queues, bindings


def _dead_letters(stream: str) -> Topology:
    return Topology(
        [Exchange(f"{stream}.dlx", "fanout")],
        [Queue(dead_letter_queue(stream), {"x-queue-type": "quorum"})],
        [Binding(f"{stream}.dlx", dead_letter_queue(stream), "")],
    )


def partitioned_stream(stream: str, partitions: int) -> Topology:
    """A stream whose routing key (the guild's partition) picks one of `partitions` ordered
    queues."""
    queues, bindings = _partitioned_queues(stream, stream, partitions)
    own = Topology([Exchange(stream, "direct")], queues, bindings)
    return own + _dead_letters(stream)


def event_group(group: str, partitions: int) -> Topology:
    """A consumer group's own partition queues on the `events` exchange."""
    stream = f"{EVENTS_EXCHANGE}.{group}"
    queues, bindings = _partitioned_queues(EVENTS_EXCHANGE, stream, partitions)
    return Topology([], queues, bindings) + _dead_letters(stream)


def resolve_queue() -> Topology:
    """The shared queue of resolve requests; any audio process serves it.

    Expired requests are dropped (nobody waits for them any more); malformed ones are moved
    to `resolve.dead` by the server, with the reason."""
    arguments = {"x-queue-type": "quorum", "x-message-ttl": RESOLVE_TTL_MS}
    return Topology([], [Queue(RESOLVE_QUEUE, arguments)], []) + _dead_letters(RESOLVE_QUEUE)


def core_topology(partitions: int) -> Topology:
    """Everything every process may publish to."""
    topology = Topology([Exchange(EVENTS_EXCHANGE, "direct")], [], []) + resolve_queue()
    for stream in PARTITIONED_STREAMS:
        topology = topology + partitioned_stream(stream, partitions)
    return topology


def full_topology(partitions: int) -> Topology:
    topology = core_topology(partitions)
    for group in KNOWN_EVENT_GROUPS:
        topology = topology + event_group(group, partitions)
    return topology


def definitions(topology: Topology, vhost: str = "/") -> dict[str, Any]:
    """The topology in RabbitMQ's definitions format (load_definitions)."""
    return {
        "vhosts": [{"name": vhost}],
        "exchanges": [
            {
                "name": e.name,
                "vhost": vhost,
                "type": e.type,
                "durable": True,
                "auto_delete": False,
                "internal": False,
                "arguments": e.arguments,
            }
            for e in topology.exchanges
        ],
        "queues": [
            {
                "name": q.name,
                "vhost": vhost,
                "durable": True,
                "auto_delete": False,
                "arguments": q.arguments,
            }
            for q in topology.queues
        ],
        "bindings": [
            {
                "source": b.source,
                "vhost": vhost,
                "destination": b.destination,
                "destination_type": b.destination_type,
                "routing_key": b.routing_key,
                "arguments": {},
            }
            for b in topology.bindings
        ],
    }
