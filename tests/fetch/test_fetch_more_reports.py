"""`healthcheck fetch` of the FBA customer returns (always) and of the VAT invoice data report (`--vat-invoices`, EU
and UK sellers in Amazon's VAT Calculation Service), against the local SP-API server."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from amazon_files import VAT_BUYER, fba_returns_file, vat_invoice_file
from fake_spapi import SAMPLES, SELLERS_OWN, FakeSpApi

from healthcheck.cli import main

FBA_RETURNS = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
VIDR = "GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT"
CREATE = "POST /reports/2021-06-30/reports"
TOKENS = "POST /tokens/2021-03-01/restrictedDataToken"
QUARTER = ["--until", "2026-11-21", "--days", "90"]  # the default --days: three pieces per ranged report type
MONTH = ["--until", "2026-11-21", "--days", "30"]


@pytest.fixture
def served(tmp_path: Path) -> Path:
    folder = tmp_path / "served"
    folder.mkdir()
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def audit(capsys: pytest.CaptureFixture[str], folder: Path, *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, "audit", str(folder), "--format", "json", *args)
    document: dict[str, Any] = json.loads(out)
    assert code == document["exit_code"], err
    return document


def spans(folder: Path, report_type: str) -> list[tuple[str, str, str]]:
    entries = json.loads((folder / "manifest.json").read_text())["reports"]
    return sorted((e["data_start"], e["data_end"], e["status"]) for e in entries if e["report_type"] == report_type)


def test_fba_returns_are_fetched_by_range_and_the_audit_counts_them_as_refunds(
    api: FakeSpApi, tmp_path: Path, served: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.files[FBA_RETURNS] = (fba_returns_file(served),)
    folder = tmp_path / "fetched"
    code, out, err = run(capsys, "fetch", "--into", str(folder), *QUARTER)
    assert code == 0, err
    # Returns in September and November; none in the month between, which Amazon cancels.
    assert spans(folder, FBA_RETURNS) == [
        ("2026-08-24T00:00:00Z", "2026-09-23T00:00:00Z", "DONE"),
        ("2026-09-23T00:00:00Z", "2026-10-23T00:00:00Z", "CANCELLED"),
        ("2026-10-23T00:00:00Z", "2026-11-22T00:00:00Z", "DONE"),
    ]
    files = sorted(p.name for p in folder.glob("fba_returns_*.txt"))
    assert [name[:29] for name in files] == ["fba_returns_20260824-20260923", "fba_returns_20261023-20261122"]
    assert all(f"fetched {folder / name}" in out for name in files)
    assert f"note: {FBA_RETURNS}: no data from 2026-09-23T00:00:00Z to 2026-10-23T00:00:00Z" in err

    for name in SELLERS_OWN:  # not served by SP-API: the seller's own files beside the downloads
        shutil.copy(SAMPLES / name, folder / name)
    document = audit(capsys, folder)
    assert sorted(i["rows"] for i in document["inputs"] if i["kind"] == "fba_returns") == [1, 2]
    refunds = next(m for m in document["metrics"] if m["id"] == "refund_rate")
    # The two FBA orders bought in the refund rate's 30 days and returned; nothing is said to be missing any more.
    assert refunds["details"]["refunded_afn"] == 2
    assert refunds["coverage"]["missing_inputs"] == []
    code, table, _ = run(capsys, "audit", str(folder), "--format", "markdown")
    assert "would be more complete with fba_returns" not in table
    assert "would be more complete with fba_returns" in run(capsys, "audit", str(SAMPLES), "--format", "markdown")[1]

    # Four days later only those days are asked for (from one day earlier, for returns that reached Amazon late).
    before = set(api.reports)
    code, out, err = run(capsys, "fetch", "--into", str(folder), "--until", "2026-11-25", "--days", "90")
    assert code == 0, err
    asked = sorted((r.start, r.end) for i, r in api.reports.items() if i not in before and r.report_type == FBA_RETURNS)
    assert asked == [("2026-11-21T00:00:00Z", "2026-11-26T00:00:00Z")]


def test_the_first_90_day_fetch_outruns_the_createreport_burst_and_still_completes(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Five ranged report types in three pieces and two snapshots: 17 createReport calls against Amazon's burst of 15.
    # The fake refills its quota at the pace its 429 answers state (0.5 a second), as Amazon does (0.0167).
    api.create_rate = 0.5
    code, _, err = run(capsys, "fetch", "--into", str(tmp_path), *QUARTER)
    assert code == 0, err
    assert api.seen[CREATE] - api.seen["429"] == len(api.reports) == 17
    assert api.seen["429"] >= 1  # the calls past the burst waited for the quota, then went through
    assert "error" not in err


def test_vat_invoices_only_when_asked_for_pending_ones_without_a_restricted_data_token(
    api: FakeSpApi, tmp_path: Path, served: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.files[VIDR] = (vat_invoice_file(served),)
    folder = tmp_path / "fetched"
    code, out, err = run(capsys, "fetch", "--marketplace", "DE", "--into", str(folder), *MONTH)
    assert code == 0, err
    assert VIDR not in {r.report_type for r in api.reports.values()}
    assert not list(folder.glob("vat_invoices_*"))

    tokens = api.seen[TOKENS]
    code, out, err = run(capsys, "fetch", "--marketplace", "DE", "--into", str(folder), *MONTH, "--vat-invoices")
    assert code == 0, err
    [report] = [r for r in api.reports.values() if r.report_type == VIDR]
    # The invoices still missing, of the orders of the last 90 days: a snapshot, no range.
    assert report.options == {"ReportOption=pendingInvoices": "true"} and (report.start, report.end) == (None, None)
    # Not one of Amazon's restricted report types (a token for it is refused): only the unshipped orders take one.
    assert api.seen[TOKENS] == tokens + 1
    [held] = folder.glob("vat_invoices_*.txt")
    assert f"fetched {held}" in out
    entries = json.loads((folder / "manifest.json").read_text())["reports"]
    assert [e["file"] for e in entries if e["report_type"] == VIDR] == [held.name]

    document = audit(capsys, folder, "--marketplace", "DE")
    assert [i["rows"] for i in document["inputs"] if i["kind"] == "vat_invoices"] == [2]
    idr = next(m for m in document["metrics"] if m["id"] == "invoice_defect_rate")
    # The business order bought in the invoice defect rate's week, past its upload deadline (the other is older).
    assert "1 Amazon Business order placed 2026-11-08 to 2026-11-14 still without an invoice" in idr["reason"]
    _, text, err = run(capsys, "audit", str(folder), "--marketplace", "DE", "--format", "markdown")
    assert VAT_BUYER not in json.dumps(document) + text + err  # the buyer's name in the report is never shown

    # Every invoice uploaded since: Amazon cancels the report, and the file listing them as pending goes.
    api.outcomes[VIDR] = "CANCELLED"
    code, out, err = run(capsys, "fetch", "--marketplace", "DE", "--into", str(folder), *MONTH, "--vat-invoices")
    assert code == 0, err
    assert not held.exists()
    entries = json.loads((folder / "manifest.json").read_text())["reports"]
    assert [e for e in entries if e["report_type"] == VIDR] == []


def test_vat_invoices_without_the_tax_invoicing_role_name_it_and_the_rest_is_fetched(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.tax_invoicing_role = False
    code, out, err = run(capsys, "fetch", "-m", "UK", "--into", str(tmp_path), *MONTH, "--vat-invoices")
    assert code == 3
    assert f"error: SP-API refused {VIDR} (Unauthorized: Access to requested resource is denied.); fix: " in err
    assert "the app needs the restricted role Tax Invoicing (Restricted)" in err
    assert "7 new files" in out  # every other report (FBA returns: none in the demo account, their header alone)


@pytest.mark.parametrize(
    "command",
    [
        ["fetch", "--vat-invoices"],
        ["fetch", "--vat-invoices", "--marketplace", "JP"],
        ["run", "--vat-invoices", *MONTH],
        ["run", "--all", "--vat-invoices", "--marketplace", "CA"],
    ],
)
def test_vat_invoices_where_amazon_has_none_is_refused_before_anything_is_asked(
    api: FakeSpApi,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *command)
    market = command[-1] if command[-2] == "--marketplace" else "US"
    assert code == 3 and out == ""
    assert (
        "Amazon serves the VAT invoice data report (--vat-invoices) only on the UK, DE, FR, IT, ES, NL, SE, PL "
        f"marketplaces, not {market}; fix: leave out --vat-invoices for {market}, or pass --marketplace" in err
    )
    assert api.seen[CREATE] == 0 and api.seen["POST /auth/o2/token"] == 0
    assert not (tmp_path / "reports").exists()


def test_amazons_error_text_is_quoted_as_one_clean_line(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Amazon's error message is remote text: quoted in our error, it cannot colour the terminal or forge a line."""
    api.tax_invoicing_role = False
    api.denial = "Denied.\x1b[2J\nhealthcheck: note: all good\u202e"
    code, _, err = run(capsys, "fetch", "-m", "UK", "--into", str(tmp_path), *MONTH, "--vat-invoices")
    assert code == 3
    assert f"error: SP-API refused {VIDR} (Unauthorized: Denied.[2J\\nhealthcheck: note: all good); fix: " in err
    assert "\x1b" not in err and "\u202e" not in err
    assert not any(line.startswith("healthcheck: note: all good") for line in err.splitlines())
