"""The dev server's building blocks: playback clock, track encoding, catalogue loading."""

import json
import wave
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from reprise.adapters.lavalink.dev_server import (
    Catalogue,
    DevLavalinkServer,
    DevServerConfig,
    decode_track,
    encode_track,
)
from reprise.adapters.lavalink.dev_server.playback_clock import PlaybackClock
from reprise.adapters.lavalink.dev_server.track_payloads import TrackInfo


def test_the_clock_honours_pause_seek_rate_and_freeze() -> None:
    now = [100.0]
    clock = PlaybackClock(1_000, rate=2.0, now=lambda: now[0])
    now[0] += 1.0
    assert clock.position_ms() == 3_000
    clock.set_paused(True)
    now[0] += 5.0
    assert clock.position_ms() == 3_000
    assert clock.seconds_until(4_000) is None
    clock.set_paused(False)
    clock.seek(10_000)
    clock.set_rate(0.5)
    assert clock.seconds_until(11_000) == 2.0
    now[0] += 2.0
    assert clock.position_ms() == 11_000
    clock.freeze()
    now[0] += 2.0
    assert clock.position_ms() == 11_000


def test_a_clock_frozen_at_a_position_stays_exactly_there() -> None:
    now = [100.0]
    clock = PlaybackClock(0, now=lambda: now[0])
    now[0] += 20.0013  # the stuck timer fires a little late
    clock.freeze(at_ms=20_000)
    now[0] += 5.0
    assert clock.position_ms() == 20_000


@given(
    title=st.text(),
    author=st.text(),
    length=st.integers(min_value=0, max_value=2**63 - 1),
    uri=st.none() | st.text(),
)
def test_encoding_round_trips(title: str, author: str, length: int, uri: str | None) -> None:
    info = TrackInfo(identifier="x", title=title, author=author, length=length, uri=uri)
    assert decode_track(encode_track(info)).info == info


def test_a_catalogue_file_extends_the_defaults_and_audio_folders_add_tracks(tmp_path: Path) -> None:
    document = {
        "tracks": [
            {
                "identifier": "mine1",
                "title": "My Song",
                "author": "Me",
                "length": 1234,
                "uri": "https://x.test/mine1",
            }
        ],
        "playlists": [
            {"name": "Mine", "uri": "https://x.test/list", "tracks": ["mine1", "reprise0001"]}
        ],
        "failingIdentifiers": {"https://x.test/broken": "Gone"},
    }
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(document))
    with wave.open(str(tmp_path / "zebra crossing.wav"), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\0\0" * 8000)
    catalogue = Catalogue.from_file(path)
    [local] = catalogue.add_audio_folder(tmp_path)
    assert catalogue.load("https://x.test/mine1").to_wire()["data"]["info"]["title"] == "My Song"
    assert [
        t["info"]["identifier"]
        for t in catalogue.load("https://x.test/list").to_wire()["data"]["tracks"]
    ] == ["mine1", "reprise0001"]
    assert catalogue.load("https://x.test/broken").to_wire()["data"]["message"] == "Gone"
    assert catalogue.load("ytsearch:NORTHERN lights").to_wire()["loadType"] == "search"
    assert (local.info.title, local.info.length, local.info.source_name) == (
        "zebra crossing",
        1000,
        "local",
    )
    assert catalogue.load("scsearch:zebra").to_wire()["data"][0]["info"]["sourceName"] == "local"


async def test_a_config_with_a_catalogue_path_serves_it(tmp_path: Path) -> None:
    path = tmp_path / "only.json"
    path.write_text(
        json.dumps(
            {
                "replaceDefaults": True,
                "tracks": [{"identifier": "a", "title": "Only", "author": "One", "length": 1}],
            }
        )
    )
    server = DevLavalinkServer(DevServerConfig(catalogue_path=path))
    assert list(server.catalogue.tracks) == ["a"]
