"""Buyer data (SPEC 6): never read, so never shown, unless --show-pii; then only the CSV worklist names buyers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from healthcheck.audit import AuditReport, run_audit
from healthcheck.config import Config
from healthcheck.outcome import FailOn
from healthcheck.report import Format, render

SAMPLES = Path(__file__).resolve().parents[2] / "sample_reports"
NOW = dt.datetime(2026, 11, 21, 6, 0, tzinfo=dt.UTC)


def _buyer_values() -> set[str]:
    """Every buyer name, e-mail and phone in the demo account's order report."""
    with (SAMPLES / "order_report.txt").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {row[c].strip() for row in rows for c in ("buyer-name", "buyer-email", "buyer-phone-number") if row[c]}


@pytest.fixture(scope="module")
def buyers() -> set[str]:
    values = _buyer_values()
    assert len(values) > 1000
    return values


@pytest.fixture(scope="module", params=[False, True], ids=["default", "show-pii"])
def report(request: pytest.FixtureRequest) -> AuditReport:
    return run_audit([SAMPLES], config=Config(), now=NOW, show_pii=request.param)


@pytest.mark.parametrize("fmt", list(Format))
def test_no_format_but_the_worklist_ever_shows_a_buyer(fmt: Format, report: AuditReport, buyers: set[str]) -> None:
    text = render(report, fmt, fail_on=FailOn.AT_RISK, color=False, width=None)
    if fmt is Format.CSV and report.buyers:
        return
    leaked = sorted(value for value in buyers if value in text)
    assert leaked == []


def test_without_show_pii_buyer_columns_are_never_read(report: AuditReport) -> None:
    if report.buyers:
        pytest.skip("the show-pii run")
    csv_text = render(report, Format.CSV, fail_on=FailOn.AT_RISK, color=False, width=None)
    assert "buyer_name" not in csv_text.splitlines()[0]


def test_show_pii_names_the_buyer_of_each_order_in_the_worklist(report: AuditReport) -> None:
    if not report.buyers:
        pytest.skip("the default run")
    rows = list(
        csv.DictReader(io.StringIO(render(report, Format.CSV, fail_on=FailOn.AT_RISK, color=False, width=None)))
    )
    appeal = [r for r in rows if r["id"] == "appeal_buyer_cancellation"]
    assert appeal and all(r["buyer_name"] and "@" in r["buyer_email"] for r in appeal)
    # The phone starts with "+": the worklist keeps it from being read as a formula.
    assert all(r["buyer_phone"].startswith("'+") for r in appeal if r["buyer_phone"])
