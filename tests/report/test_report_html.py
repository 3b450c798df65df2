"""The HTML report opens in a real browser: a headless Chromium renders it to a screenshot (skipped when no
Chromium is installed). The browser runs with networking off; the page must need nothing from outside."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from healthcheck.audit import AuditReport
from healthcheck.outcome import FailOn
from healthcheck.report import Format, render

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = os.environ.get("HEALTHCHECK_SCREENSHOTS")  # keep the screenshot here, to look at it


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.skipif(BROWSER is None, reason="no chromium or chromium-browser on PATH")
def test_html_report_renders_in_headless_chromium(tmp_path: Path, demo: AuditReport) -> None:
    report = demo
    page = tmp_path / "report.html"
    page.write_text(render(report, Format.HTML, fail_on=FailOn.AT_RISK, color=False, width=None))
    shot = tmp_path / "shot.png"
    assert BROWSER is not None
    done = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1200,2000",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert png_size(data) == (1200, 2000)
    # A blank page compresses to a few kilobytes; a rendered report with text and charts is far larger.
    assert len(data) > 60_000
    if SHOTS:
        shutil.copy(shot, Path(SHOTS) / "healthcheck-report.png")
