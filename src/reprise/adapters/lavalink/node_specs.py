"""`LAVALINK_NODES`: the Lavalink nodes to use, as `[label=]http[s]://password@host:port`.

Several nodes are separated by commas, e.g.
`main=http://youshallnotpass@10.0.0.5:2333,backup=https://s3cret@lavalink.example:443`.
A node without a label is named after its host and port.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True, slots=True)
class NodeSpec:
    label: str
    host: str
    port: int
    password: str
    secure: bool


def parse_nodes(text: str) -> list[NodeSpec]:
    """The nodes of a `LAVALINK_NODES` value; raises ValueError naming the bad entry."""
    specs = [_parse_one(part.strip()) for part in text.split(",") if part.strip()]
    labels = [spec.label for spec in specs]
    if len(set(labels)) != len(labels):
        raise ValueError(f"LAVALINK_NODES names a node twice: {labels}")
    return specs


def _parse_one(entry: str) -> NodeSpec:
    label, _, url = (
        entry.rpartition("=") if "=" in entry.split("://", maxsplit=1)[0] else ("", "", entry)
    )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"LAVALINK_NODES entry {entry!r} is not [label=]http[s]://pw@host:port")
    password = unquote(parts.password or parts.username or "")
    port = parts.port or (443 if parts.scheme == "https" else 2333)
    return NodeSpec(
        label=label or f"{parts.hostname}:{port}",
        host=parts.hostname,
        port=port,
        password=password,
        secure=parts.scheme == "https",
    )
