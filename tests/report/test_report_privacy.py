"""Buyer data (SPEC 6): never read, so never shown, unless --show-pii; then only the CSV worklist names buyers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
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


BUYER_WORDS = "Jane Q Buyer 12 Elm Street"  # a shifted row: the buyer's name and street in the reason column


def _reason_in_order_report(folder: Path) -> Path:
    """The demo account, with a buyer's words as the order report's cancel reason of a counted cancellation."""
    shutil.copytree(SAMPLES, folder)
    path = folder / "order_report.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    reason = header.index("buyer-requested-cancel-reason")
    for number, line in enumerate(lines):
        if line.startswith("114-2112738-9958098\t"):
            cells = line.split("\t")
            cells[reason] = BUYER_WORDS
            lines[number] = "\t".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("show_pii", [False, True], ids=["default", "show-pii"])
def test_a_buyers_cancel_reason_is_quoted_only_with_show_pii(tmp_path: Path, show_pii: bool) -> None:
    """The order report holds buyer data: its cancel reason, which is the buyer's, is "buyer-requested" alone in
    every format unless --show-pii, and the order is still an appeal candidate (a reason without Amazon's flag)."""
    folder = _reason_in_order_report(tmp_path / "account")
    report = run_audit([folder], config=Config(), now=NOW, show_pii=show_pii)
    texts = {fmt: render(report, fmt, fail_on=FailOn.AT_RISK, color=False, width=None) for fmt in Format}
    rows = list(csv.DictReader(io.StringIO(texts[Format.CSV])))
    [row] = [r for r in rows if r["id"] == "appeal_buyer_cancellation" and r["order_id"] == "114-2112738-9958098"]
    # The seller's own log gives its reason too; the two are joined.
    if show_pii:
        assert row["cancel_reason"] == f"ShippingAddressUndeliverable; buyer-requested: {BUYER_WORDS}"
    else:
        assert row["cancel_reason"] == "ShippingAddressUndeliverable; buyer-requested"
        assert [fmt for fmt, text in texts.items() if "Elm Street" in text] == []
