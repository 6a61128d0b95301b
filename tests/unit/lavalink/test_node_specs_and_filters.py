"""LAVALINK_NODES parsing and the filter presets' Lavalink payloads."""

from __future__ import annotations

import pytest

from reprise.adapters.lavalink.filters import lavalink_filter
from reprise.adapters.lavalink.node_specs import NodeSpec, parse_nodes
from reprise.domain.values import FilterPreset


def test_nodes_are_read_with_labels_passwords_and_schemes() -> None:
    text = "main=http://youshallnotpass@10.0.0.5:2333, https://:s%40cret@lavalink.example"
    assert parse_nodes(text) == [
        NodeSpec("main", "10.0.0.5", 2333, "youshallnotpass", secure=False),
        NodeSpec("lavalink.example:443", "lavalink.example", 443, "s@cret", secure=True),
    ]


@pytest.mark.parametrize(
    "text", ["ws://pw@host:1", "main=pw@host:2333", "a=http://p@h:1,a=http://p@h:2"]
)
def test_bad_node_lists_are_refused_with_the_entry_named(text: str) -> None:
    with pytest.raises(ValueError, match="LAVALINK_NODES"):
        parse_nodes(text)


def test_each_preset_is_its_own_lavalink_filter_set_and_off_clears_them() -> None:
    payloads = {preset: lavalink_filter(preset).payload for preset in FilterPreset}
    assert payloads[FilterPreset.OFF] == {}
    assert set(payloads[FilterPreset.BASSBOOST]) == {"equalizer"}
    assert payloads[FilterPreset.NIGHTCORE]["timescale"] == {
        "speed": 1.2,
        "pitch": 1.2,
        "rate": 1.0,
    }
    assert set(payloads[FilterPreset.VAPORWAVE]) == {"timescale", "equalizer"}
    assert payloads[FilterPreset.EIGHT_D] == {"rotation": {"rotationHz": 0.2}}
    assert set(payloads[FilterPreset.KARAOKE]) == {"karaoke"}
