"""`reprise up` plays through the development Lavalink server: a track ends by itself and the
queue moves on, with no service but the machine's own files."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from typing import TYPE_CHECKING

from tests.e2e.cli_runner import REPRISE, run_reprise

if TYPE_CHECKING:
    from pathlib import Path

SCRUBBED = {"DATABASE_URL", "AMQP_URL", "REDIS_URL", "LAVALINK_NODES", "DISCORD_TOKEN"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_reprise_up_plays_a_console_queue_through_the_dev_server(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env.update(
        {
            "SQLITE_PATH": str(tmp_path / "events.sqlite3"),
            "DEV_LAVALINK_PORT": str(_free_port()),
            "NO_COLOR": "1",
            "COLUMNS": "200",
        }
    )
    up = subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
        [REPRISE, "up"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        started = _wait_for_up(up)
        console_env = {"SQLITE_PATH": env["SQLITE_PATH"]}
        script = 'join 5\nplay "Short Song" 0:02\nplay "Long Song" 3:00\n'
        assert run_reprise("console", "--guild", "1", env=console_env, stdin=script).returncode == 0
        deadline = time.monotonic() + 20
        state = ""
        while time.monotonic() < deadline:
            state = run_reprise("console", "--guild", "1", env=console_env, stdin="state\n").stdout
            if "history 1" in state and "▶ │ Long Song" in state:
                break
            time.sleep(0.5)
        assert "history 1" in state, state
        assert "▶ │ Long Song" in state, state
    finally:
        up.send_signal(signal.SIGINT)
        output, _ = up.communicate(timeout=20)
    assert "Audio: 1 of 1 Lavalink nodes up." in started + output
    assert up.returncode == 0, output


def _wait_for_up(up: subprocess.Popen[str]) -> str:
    """What `reprise up` printed until it said it is up."""
    assert up.stdout is not None
    printed = ""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = up.stdout.readline()
        printed += line
        if "Reprise is up" in line:
            return printed
        if not line and up.poll() is not None:
            break
    raise AssertionError("reprise up did not start")
