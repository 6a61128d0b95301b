"""Declaring a Topology on a channel, idempotently."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aio_pika.abc import AbstractChannel

    from reprise.adapters.rabbitmq.topology import Topology


async def declare(channel: AbstractChannel, topology: Topology) -> None:
    exchanges = {
        spec.name: await channel.declare_exchange(
            spec.name, spec.type, durable=True, arguments=spec.arguments
        )
        for spec in topology.exchanges
    }
    queues = {
        spec.name: await channel.declare_queue(spec.name, durable=True, arguments=spec.arguments)
        for spec in topology.queues
    }
    for binding in topology.bindings:
        source = exchanges.get(binding.source) or await channel.get_exchange(binding.source)
        if binding.destination_type == "exchange":
            destination = exchanges[binding.destination]
            await destination.bind(source, routing_key=binding.routing_key)
        else:
            await queues[binding.destination].bind(source, routing_key=binding.routing_key)
