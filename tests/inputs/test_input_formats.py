"""The real-format examples in shared/formats, audited whole by the CLI, with and without `--marketplace`."""

from __future__ import annotations

from pathlib import Path

import pytest
from input_builders import run_cli

FORMATS = Path(__file__).resolve().parents[2].parent / "shared" / "formats"

pytestmark = pytest.mark.skipif(not FORMATS.is_dir(), reason=f"{FORMATS} is not checked out beside the repo")


@pytest.mark.parametrize("marketplace", [None, "US", "JP", "IN", "IT", "DE"])
def test_the_formats_folder_audits_cleanly(
    marketplace: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [str(FORMATS)] + (["--marketplace", marketplace] if marketplace else [])
    run = run_cli(capsys, tmp_path / "r.json", *args)
    assert run.doc["errors"] == []
    assert run.code in (0, 1, 2)
    assert "Traceback" not in run.stderr
    assert run.doc["marketplace"] == (marketplace or "US")
    kinds = sorted(i["kind"] for i in run.doc["inputs"])
    assert kinds == [
        "all_orders",
        "all_orders",
        "fba_returns",
        "fba_shipments",
        "mfn_returns",
        "order_report",
        "order_report",
        "seller_performance",
    ]
    assert all(i["used_rows"] == i["rows"] and i["encoding"] == "utf-8" for i in run.doc["inputs"])
    assert any("README.md: not a report file (.md), skipped" in w for w in run.doc["warnings"])
    if marketplace is None:
        # The files' sales channels are mostly Amazon.co.jp: the default US is kept, and the warning says so.
        assert any("point to marketplace JP" in w and "--marketplace JP" in w for w in run.doc["warnings"])
