"""The bundled demo account: golden JSON, and the ship-by equivalence of SPEC 3 (issue: calendar).

Regenerate the golden file after an intended change with `UPDATE_GOLDEN=1 make test`, and read the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

from healthcheck.audit import run_audit
from healthcheck.config import Config
from healthcheck.report.document import document

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path("sample_reports")
GOLDEN = ROOT / "tests" / "golden" / "sample_account.json"
NOW = dt.datetime(2026, 11, 21, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Paths in the report are as the user typed them: run from the repository root like `make run`."""
    monkeypatch.chdir(ROOT)
    return ROOT


def test_sample_account_matches_golden_json(in_repo: Path) -> None:
    report = run_audit([SAMPLES], config=Config(), now=NOW)
    text = json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_sample_account_shows_what_the_tool_is_for(in_repo: Path) -> None:
    doc = document(run_audit([SAMPLES], config=Config(), now=NOW))
    statuses = {m["id"]: m["status"] for m in doc["metrics"]}
    assert doc["as_of"] == "2026-11-20"
    assert statuses["cancellation_rate"] == "breach"
    assert statuses["late_shipment_rate_10d"] == "at_risk"
    assert doc["status"] == "breach" and doc["exit_code"] == 2
    assert doc["errors"] == []
    assert {a["id"] for a in doc["actions"]} >= {
        "appeal_buyer_cancellation",
        "relist_or_fix_stock",
        "ship_overdue_orders",
        "lengthen_handling_time",
        "fix_tracking",
        "request_feedback_removal",
        "respond_to_claims",
        "plan_of_action",
    }


def test_computed_ship_by_dates_give_the_same_late_shipment_rate(in_repo: Path, tmp_path: Path) -> None:
    """All Orders + confirmations + matching settings == an order report carrying Amazon's ship-by dates."""
    without_report = tmp_path / "no_order_report"
    without_report.mkdir()
    for name in ("all_orders_1.txt", "all_orders_2.txt", "ship_confirmations.txt"):
        shutil.copy(SAMPLES / name, without_report / name)
    settings = Config(handling_days_by_sku={"RUG-5X8-GRY": 3})
    as_of = dt.date(2026, 11, 20)

    def late_shipment(paths: list[Path]) -> list[tuple[int, int, dict[str, int]]]:
        doc = document(run_audit(paths, config=settings, as_of=as_of, now=NOW))
        return [(m["numerator"], m["denominator"], m["details"]) for m in doc["metrics"] if m["id"].startswith("late_")]

    with_amazon_dates = late_shipment([SAMPLES])
    computed = late_shipment([without_report])
    assert computed == with_amazon_dates
    assert with_amazon_dates[0][:2] == (9, 240)


def test_settings_that_differ_from_amazon_are_named(in_repo: Path) -> None:
    doc = document(run_audit([SAMPLES], config=Config(), now=NOW))
    warning = next(w for w in doc["warnings"] if "ship-by dates in the order report differ" in w)
    assert "RUG-5X8-GRY" in warning and "imply 3 days" in warning
