"""Issue 17, point 17: --no-color, NO_COLOR and TERM=dumb mean no colour anywhere, the progress bar included."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent.parent
# Select Graphic Rendition sequences that set a colour: foreground, background, 256-colour and true colour.
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")


def on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Everything the audit writes to a terminal (stdout and stderr both on one pseudo-terminal)."""
    main_end, tty_end = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "healthcheck", "audit", str(REPO / "sample_reports"), *args],
        stdin=subprocess.DEVNULL,
        stdout=tty_end,
        stderr=tty_end,
        cwd=REPO,
        env={**{k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}, **env},
    )
    os.close(tty_end)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([main_end], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(main_end, 65536)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=30)
    os.close(main_end)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_a_terminal_gets_colour_by_default() -> None:
    assert COLOUR.search(on_a_terminal(["--format", "table"], {"TERM": "xterm-256color"}))


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--no-color"], {"TERM": "xterm-256color"}),
        ([], {"TERM": "xterm-256color", "NO_COLOR": "1"}),
        ([], {"TERM": "dumb"}),
    ],
)
def test_no_colour_anywhere_when_refused(args: list[str], env: dict[str, str]) -> None:
    shown = on_a_terminal(["--format", "table", *args], env)
    assert "Worst first" in shown
    assert not COLOUR.search(shown), COLOUR.findall(shown)[:5]
