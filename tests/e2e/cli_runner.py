"""Running the real `reprise` command as a person would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPRISE = str(Path(sys.executable).parent / "reprise")


def run_reprise(
    *args: str, env: dict[str, str] | None = None, stdin: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    environment.update({"COLUMNS": "200", "NO_COLOR": "1", **(env or {})})
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [REPRISE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        check=False,
    )
