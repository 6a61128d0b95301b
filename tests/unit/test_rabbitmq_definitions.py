"""The committed RabbitMQ definitions file is the topology the processes declare."""

from __future__ import annotations

import json
from pathlib import Path

from reprise.adapters.rabbitmq.topology import (
    DELIVERY_LIMIT,
    definitions,
    full_topology,
    partition_queue,
)

DEFINITIONS = Path(__file__).parents[2] / "infra" / "rabbitmq" / "definitions.json"


def test_the_definitions_file_matches_the_topology_in_code() -> None:
    committed = json.loads(DEFINITIONS.read_text())
    assert committed == definitions(full_topology(4)), (
        "regenerate: reprise rabbitmq definitions > infra/rabbitmq/definitions.json"
    )


def test_command_partitions_are_ordered_quorum_queues_with_dead_letters() -> None:
    queues = {q.name: q.arguments for q in full_topology(4).queues}
    arguments = queues[partition_queue("commands", 3)]
    assert arguments["x-queue-type"] == "quorum"
    assert arguments["x-single-active-consumer"] is True
    assert arguments["x-delivery-limit"] == DELIVERY_LIMIT
    assert arguments["x-dead-letter-exchange"] == "commands.dlx"
    assert "commands.dead" in queues
