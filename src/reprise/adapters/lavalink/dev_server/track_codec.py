"""Reversible track encoding: base64 of a tagged JSON document (not Lavaplayer's format)."""

import base64
import binascii

from pydantic import ValidationError

from reprise.adapters.lavalink.dev_server.track_payloads import Track, TrackInfo

_MAGIC = b"reprise-dev-track/1\n"


class TrackDecodeError(ValueError):
    """The string is not a track this server encoded."""


def encode_track(info: TrackInfo) -> str:
    """Encode a track's info so that `decode_track` gives it back."""
    document = info.model_copy(update={"position": 0}).model_dump_json(by_alias=True)
    return base64.b64encode(_MAGIC + document.encode()).decode()


def make_track(info: TrackInfo) -> Track:
    """Build the wire track for this info, with its encoded form."""
    return Track(encoded=encode_track(info), info=info)


def decode_track(encoded: str) -> Track:
    """Decode a string produced by `encode_track`, or raise `TrackDecodeError`."""
    # A '+' sent unescaped in a query string arrives as a space.
    candidate = encoded.strip().replace(" ", "+")
    try:
        raw = base64.b64decode(candidate, validate=True)
    except (binascii.Error, ValueError) as error:
        raise TrackDecodeError("Invalid base64 track data") from error
    if not raw.startswith(_MAGIC):
        raise TrackDecodeError("Not a track encoded by this server")
    try:
        info = TrackInfo.model_validate_json(raw[len(_MAGIC) :])
    except ValidationError as error:
        raise TrackDecodeError("Corrupt track data") from error
    return Track(encoded=encoded, info=info)
