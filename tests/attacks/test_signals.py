"""Issue 17, point 10: SIGTERM and SIGINT stop the audit in order: no temporary file left beside --output, no
cut-off report on stdout, a message, and exit 3."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent.parent
SAMPLES = REPO / "sample_reports"


def start(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "healthcheck", "audit", str(SAMPLES), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )


def _status(process: subprocess.Popen[bytes], field: str) -> str:
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return line.split(":", 1)[1].strip()
    return ""


def wait_until(check: object, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while not check() and process.poll() is None and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.01)
    assert process.poll() is None, "the audit ended before it could be interrupted"


def catches(process: subprocess.Popen[bytes], signum: int) -> bool:
    """Whether the process has its own handler for `signum` yet (the `SigCgt` mask of /proc)."""
    mask = _status(process, "SigCgt")
    return bool(mask) and bool(int(mask, 16) & (1 << (signum - 1)))


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_while_auditing_leaves_no_file_and_exits_3(signum: int, tmp_path: Path) -> None:
    target = tmp_path / "worklist.csv"
    process = start("--format", "csv", "--output", str(target))
    # Python catches SIGINT from its start; a handler for SIGTERM appears only when the CLI installs both.
    wait_until(lambda: catches(process, signal.SIGTERM), process)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 3, err
    assert f"healthcheck: interrupted by {signal.Signals(signum).name}" in err.decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # neither the report nor its temporary file


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_while_the_report_is_piped_never_cuts_it(signum: int) -> None:
    """The JSON report is larger than a pipe holds: the write blocks until it is read; the stop waits for it."""
    process = start("--format", "json")
    wait_until(lambda: "pipe" in Path(f"/proc/{process.pid}/wchan").read_text(), process)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 3, err
    assert json.loads(out)["status"] == "breach"  # whole
    assert f"interrupted by {signal.Signals(signum).name}" in err.decode()
