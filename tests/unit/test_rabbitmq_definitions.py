"""The committed RabbitMQ definitions file is the topology the processes declare."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from reprise.adapters.rabbitmq.topology import (
    DELIVERY_LIMIT,
    definitions,
    full_topology,
    partition_key,
    partition_of,
    partition_queue,
)
from reprise.settings import Settings

DEFINITIONS = Path(__file__).parents[2] / "infra" / "rabbitmq" / "definitions.json"


def test_the_definitions_file_matches_the_topology_in_code() -> None:
    committed = json.loads(DEFINITIONS.read_text())
    default = Settings.model_fields["partitions"].default
    assert committed == definitions(full_topology(default)), (
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


def test_every_partition_is_reachable_by_its_routing_key_and_guilds_spread_over_them() -> None:
    topology = full_topology(4)
    for stream in ("commands", "voice", "ui", "events"):
        keys = {b.routing_key for b in topology.bindings if b.source == stream}
        assert {"0", "1", "2", "3"} <= keys, stream
    counts = Counter(partition_of(guild, 4) for guild in range(1_000))
    assert set(counts) == {0, 1, 2, 3}
    assert min(counts.values()) > 200  # roughly even
    snowflake = 1_180_000_000_000_000_000
    assert partition_of(snowflake, 4) == partition_of(snowflake, 4)  # stable, not hash()
    assert partition_key(snowflake, 4) == str(partition_of(snowflake, 4))


def test_the_broker_configuration_loads_the_definitions_and_the_plugins_it_needs() -> None:
    folder = DEFINITIONS.parent
    settings = dict(
        line.split(" = ", 1)
        for line in (folder / "rabbitmq.conf").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert settings["load_definitions"] == "/etc/rabbitmq/definitions.json"
    assert settings["listeners.tcp.default"] == "5672"
    plugins = (folder / "enabled_plugins").read_text()
    for plugin in (
        "rabbitmq_management",
        "rabbitmq_consistent_hash_exchange",
        "rabbitmq_prometheus",
    ):
        assert plugin in plugins
