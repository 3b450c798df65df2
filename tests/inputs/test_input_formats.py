"""The real-format examples in shared/formats, audited whole by the CLI, with and without `--marketplace`."""

from __future__ import annotations

from pathlib import Path

import pytest
from input_builders import run_cli

FORMATS = Path(__file__).resolve().parents[2].parent / "shared" / "formats"

pytestmark = pytest.mark.skipif(not FORMATS.is_dir(), reason=f"{FORMATS} is not checked out beside the repo")


def test_a_folder_naming_several_marketplaces_stops_and_asks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SPEC 2 (rev 2): the real downloads are from IT, US, JP and IN: each is its own audit, so it stops (exit 3),
    and its report still says so (SPEC 5.2: the JSON whatever the status)."""
    run = run_cli(capsys, tmp_path / "r.json", str(FORMATS))
    assert run.code == 3
    assert (run.doc["status"], run.doc["exit_code"]) == ("unknown", 3)
    assert {m["status"] for m in run.doc["metrics"]} == {"not_evaluated"}
    for code in ("US", "JP", "IT"):
        assert f"{code} (" in run.stderr
    assert "--marketplace" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("marketplace", ["US", "JP", "IN", "IT", "DE"])
def test_the_formats_folder_audits_cleanly(
    marketplace: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [str(FORMATS)] + (["--marketplace", marketplace] if marketplace else [])
    run = run_cli(capsys, tmp_path / "r.json", *args)
    assert run.doc["errors"] == []
    if marketplace == "JP":
        # Japan's share is 17 FBA shipments and 3 unshipped orders: no All Orders row is Japanese, so nothing can
        # show a cancellation (it was 0/3 "ok" while the Italian and American All Orders stood as given).
        assert run.code == 3 and "Add the Feedback Manager report" in run.doc["unknown_reason"]
        assert "the All Orders report (all_orders)" in run.doc["unknown_reason"]
    else:
        assert run.code in (0, 1, 2)
    assert "Traceback" not in run.stderr
    assert run.doc["marketplace"] == marketplace
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
    # Every row used, but those of the other marketplaces where the files name the one given too (JP, US, IT).
    left_out = [i["skipped"].get("other_marketplace", 0) for i in run.doc["inputs"]]
    assert all(
        i["used_rows"] + n == i["rows"] and i["encoding"] == "utf-8"
        for i, n in zip(run.doc["inputs"], left_out, strict=True)
    )
    assert bool(sum(left_out)) is (marketplace in ("US", "JP", "IT"))
    assert any("README.md: not a report file (.md), skipped" in w for w in run.doc["warnings"])
    # The other marketplaces' orders are named in a warning.
    named = "their rows were left out" if sum(left_out) else "check --marketplace"
    assert any(named in w for w in run.doc["warnings"])
