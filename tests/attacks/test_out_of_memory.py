"""Issue 17, point 5: running out of memory ends with a message and exit 3, never a signal or a traceback."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

from tests.attacks.corpus import AS_OF, TINY

REPO = Path(__file__).parent.parent.parent
LIMIT = 1200 << 20  # address space: enough to start and audit the tiny account, far from enough for 3 GB


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def test_a_report_larger_than_the_memory_left_is_a_message(tmp_path: Path) -> None:
    huge = tmp_path / "all_orders.txt"
    with huge.open("wb") as file:
        file.truncate(3 << 30)  # sparse: takes no disk, still 3 GB to read
    result = subprocess.run(
        [sys.executable, "-m", "healthcheck", "audit", str(huge), str(TINY), "--as-of", AS_OF, "-f", "nagios"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        preexec_fn=_limit_memory,
    )
    assert result.returncode == 3
    assert result.stderr.startswith("healthcheck: error: out of memory:")
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
