"""Every output format renders every kind of account, and each one is what its readers expect (SPEC 5.1, 5.5).

The golden files in tests/golden/ pin the text formats for the demo account; regenerate them after an intended
change with `UPDATE_GOLDEN=1 make test` and read the diff.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from report_accounts import ROOT, TINY, audit, error_account

from healthcheck.audit import AuditReport
from healthcheck.outcome import FailOn
from healthcheck.report import Format, render

GOLDEN = ROOT / "tests" / "golden"
Check = Callable[[str, AuditReport], None]


def _table(text: str, report: AuditReport) -> None:
    assert text.startswith("healthcheck ")
    assert "Account health" in text and "\x1b" not in text
    assert max(len(line) for line in text.splitlines()) <= 110
    assert all(line == line.rstrip() for line in text.splitlines())


def _json(text: str, report: AuditReport) -> None:
    doc = json.loads(text)
    assert doc["schema_version"] == 1 and len(doc["metrics"]) == len(report.metrics)
    assert "reconcile" in doc and "trend" in doc


def _markdown(text: str, report: AuditReport) -> None:
    assert text.startswith("# healthcheck: ")
    assert "## Metrics" in text and "## Inputs" in text
    _markdown_tables_are_whole(text)


def _markdown_tables_are_whole(text: str) -> None:
    """GitHub renders a table only when its header, delimiter and rows have as many cells."""
    tables = re.findall(r"(?:^\|.*\|\n)+", text, flags=re.MULTILINE)
    assert tables
    for table in tables:
        cells = {len(re.findall(r"(?<!\\)\|", line)) for line in table.splitlines()}
        assert len(cells) == 1, table


def _csv(text: str, report: AuditReport) -> None:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][:3] == ["section", "id", "priority"]
    assert all(len(row) == len(rows[0]) for row in rows)
    expected = sum(len(a.order_ids) for a in report.actions) + sum(
        len(r.measurement.problem_order_ids) for r in report.metrics
    )
    assert len(rows) - 1 == expected


# What the strict JUnit schema (Jenkins' junit-10.xsd, pytest's xunit2) allows inside each element.
JUNIT_CHILDREN = {
    "testsuites": {"testsuite"},
    "testsuite": {"properties", "testcase", "system-out", "system-err"},
    "properties": {"property"},
    "property": set(),
    "testcase": {"skipped", "error", "failure", "system-out", "system-err"},
    "skipped": set(),
    "error": set(),
    "failure": set(),
    "system-out": set(),
    "system-err": set(),
}
JUNIT_REQUIRED = {
    "testsuite": {"name", "tests", "failures", "errors", "skipped", "time", "timestamp"},
    "testcase": {"name", "classname", "time"},
    "property": {"name", "value"},
}


def _junit(text: str, report: AuditReport) -> None:
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    for element in root.iter():
        assert {child.tag for child in element} <= JUNIT_CHILDREN[element.tag], element.tag
        assert JUNIT_REQUIRED.get(element.tag, set()) <= set(element.attrib), element.tag
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(report.metrics) + len(report.errors)
    suite = root.find("testsuite")
    assert suite is not None
    failures = sum(c.find("failure") is not None for c in cases)
    errors = sum(c.find("error") is not None for c in cases)
    skipped = sum(c.find("skipped") is not None for c in cases)
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == (
        str(len(cases)),
        str(failures),
        str(errors),
        str(skipped),
    )


def _nagios(text: str, report: AuditReport) -> None:
    assert text.count("\n") == 1 and text.endswith("\n")
    assert text.startswith(f"HEALTHCHECK {report.status.value.upper().replace('_', ' ')} - ")


def _html(text: str, report: AuditReport) -> None:
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, re.IGNORECASE)


CHECKS: dict[Format, Check] = {
    Format.TABLE: _table,
    Format.JSON: _json,
    Format.MARKDOWN: _markdown,
    Format.CSV: _csv,
    Format.JUNIT: _junit,
    Format.NAGIOS: _nagios,
    Format.HTML: _html,
}


def test_every_format_has_a_check() -> None:
    assert set(CHECKS) == set(Format)


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory, demo: AuditReport) -> dict[str, AuditReport]:
    """The demo account, the tiny one, and one with an unreadable input (status unknown, exit 3)."""
    broken = error_account(tmp_path_factory.mktemp("errors") / "acct")
    return {
        "demo": demo,
        "tiny": audit([TINY], as_of=dt.date(2024, 5, 10)),
        "errors": audit([broken], as_of=dt.date(2024, 5, 10)),
    }


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("account", ["demo", "tiny", "errors"])
def test_every_format_renders_every_account(fmt: Format, account: str, accounts: dict[str, AuditReport]) -> None:
    report = accounts[account]
    text = render(report, fmt, fail_on=FailOn.AT_RISK, color=False, width=None)
    CHECKS[fmt](text, report)
    if account == "errors":
        assert report.errors and int(report.exit_code()) == 3


def test_markdown_tables_are_whole_without_a_trend(tmp_path: Path) -> None:
    """Feedback alone evaluates no metric, so the report has no trend column: the metrics table still has as many
    header cells as its rows."""
    shutil.copy(ROOT / "sample_reports" / "feedback.txt", tmp_path / "feedback.txt")
    report = audit([tmp_path])
    assert report.insights.trend is None
    _markdown_tables_are_whole(render(report, Format.MARKDOWN, fail_on=FailOn.AT_RISK, color=False, width=None))


def test_the_error_account_says_so_in_every_format(accounts: dict[str, AuditReport]) -> None:
    report = accounts["errors"]
    texts = {f: render(report, f, fail_on=FailOn.AT_RISK, color=False, width=None) for f in Format}
    assert texts[Format.NAGIOS].startswith("HEALTHCHECK UNKNOWN - 1 input error: ")
    assert "mystery.txt" in texts[Format.NAGIOS]
    error = ET.fromstring(texts[Format.JUNIT]).find("./testsuite/testcase/error")
    assert error is not None and error.get("type") == "unknown_header"
    for fmt in (Format.TABLE, Format.MARKDOWN, Format.HTML):
        assert "mystery.txt" in texts[fmt]


# --- golden files -----------------------------------------------------------------------------------------------

GOLDEN_FILES = {
    Format.TABLE: "sample_account.table.txt",
    Format.MARKDOWN: "sample_account.md",
    Format.CSV: "sample_account.csv",
    Format.JUNIT: "sample_account.junit.xml",
    Format.NAGIOS: "sample_account.nagios.txt",
}


@pytest.mark.parametrize("fmt", list(GOLDEN_FILES))
def test_demo_account_matches_golden(fmt: Format, accounts: dict[str, AuditReport]) -> None:
    """Table at the default width with colour off, as when piped; CSV keeps its CRLF line endings."""
    text = render(accounts["demo"], fmt, fail_on=FailOn.AT_RISK, color=False, width=None)
    path = GOLDEN / GOLDEN_FILES[fmt]
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8", newline="")
    assert text == path.read_bytes().decode("utf-8")


def test_demo_table_at_80_columns_matches_golden(accounts: dict[str, AuditReport]) -> None:
    """The narrow layout (issue 17, point 11): stacked blocks, short labels, as on an 80-column terminal."""
    text = render(accounts["demo"], Format.TABLE, fail_on=FailOn.AT_RISK, color=False, width=80)
    path = GOLDEN / "sample_account.table80.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8", newline="")
    assert text == path.read_bytes().decode("utf-8")


def _section(text: str, title: str) -> list[str]:
    """The lines of one section of the table report: from its title to the next blank line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


@pytest.mark.parametrize("width", [60, 80, 99])
def test_narrow_table_never_cuts_a_line_a_metric_title_or_a_file_name(
    accounts: dict[str, AuditReport], width: int
) -> None:
    report = accounts["demo"]
    text = render(report, Format.TABLE, fail_on=FailOn.AT_RISK, color=False, width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert "┃" not in text  # no side-by-side table: every section is stacked
    health = _section(text, "Account health")
    trend = _section(text, "Trend: daily value")
    for result in report.metrics:
        # Each metric's title whole on its own line (after its status), in the metric blocks and in the trend.
        assert any(line[8:] == result.spec.title for line in health), result.spec.title
        if result.spec.events is not None:  # Amazon's own figures have no daily value, so no trend line
            assert result.spec.title in trend, result.spec.title
    assert "…" not in "\n".join(health + trend)
    inputs = _section(text, "Inputs in sample_reports/")
    for item in report.inputs:
        assert f"- {Path(item['path']).name}" in inputs


def test_wide_table_keeps_file_names_whole(accounts: dict[str, AuditReport]) -> None:
    """At the piped default of 110 columns the file names are whole too (the shared folder named once above)."""
    report = accounts["demo"]
    text = render(report, Format.TABLE, fail_on=FailOn.AT_RISK, color=False, width=None)
    rows = _section(text, "Inputs in sample_reports/")
    for item in report.inputs:
        name = Path(item["path"]).name
        assert any(line.startswith(f"│ {name} ") for line in rows), name


@pytest.mark.parametrize("width", [100, 110, 130, 200])
def test_wide_table_never_cuts_a_metric_title(width: int) -> None:
    """A partial window's note widens the Rate column; rich then shared the shortfall among the columns and cut
    "(seller-fulfilled)" to "(seller-fulfi…". Titles wrap between words, and the table still fits."""
    report = audit([ROOT / "sample_reports"], as_of=dt.date(2026, 10, 15))
    assert any(result.coverage_complete is False for result in report.metrics if result.rate is not None)
    text = render(report, Format.TABLE, fail_on=FailOn.AT_RISK, color=False, width=width)
    health = _section(text, "Account health")
    assert "…" not in "\n".join(health) and max(len(line) for line in health) <= width
    cells = [line.split("│")[1].strip() for line in health if line.startswith("│")]
    words = " ".join(cells)
    for result in report.metrics:  # each title's words, in order, in the first column
        assert result.spec.title in words, result.spec.title


# --- what each reader needs -------------------------------------------------------------------------------------


def test_demo_table_leads_with_the_worst_problem(accounts: dict[str, AuditReport]) -> None:
    text = render(accounts["demo"], Format.TABLE, fail_on=FailOn.AT_RISK, color=False, width=None)
    worst = text.index("Worst first")
    assert text.index("BREACH  Cancellation rate is 4.22%", worst) < text.index("AT RISK Late shipment rate", worst)
    assert "back under target on Mon Nov 23 and ok again on Tue Nov 24" in " ".join(text.split())
    assert "The next late shipment breaches it." in " ".join(text.split())


def test_table_width_and_colour_are_arguments_only(accounts: dict[str, AuditReport]) -> None:
    narrow = render(accounts["demo"], Format.TABLE, fail_on=FailOn.AT_RISK, color=False, width=80)
    assert max(len(line) for line in narrow.splitlines()) <= 80
    coloured = render(accounts["demo"], Format.TABLE, fail_on=FailOn.AT_RISK, color=True, width=None)
    assert "\x1b[" in coloured
    plain = [line.rstrip() for line in re.sub(r"\x1b\[[0-9;]*m", "", coloured).splitlines()]
    uncoloured = render(accounts["demo"], Format.TABLE, fail_on=FailOn.AT_RISK, color=False, width=None)
    assert plain == uncoloured.splitlines()


def test_nagios_line(accounts: dict[str, AuditReport]) -> None:
    text = render(accounts["demo"], Format.NAGIOS, fail_on=FailOn.AT_RISK, color=False, width=None)
    status, perfdata = text.rstrip("\n").split(" | ")
    assert status == (
        "HEALTHCHECK BREACH - cancellation_rate 4.22% >= 2.5%, late_shipment_rate_10d 3.75% >= 3.2%, "
        "amazon_account_status AT RISK (account status AT_RISK; rating GOOD 236; 1 of 10 of Amazon's ratings at risk "
        "or worse) (as of 2026-11-20)"
    )
    labels = {}
    for item in perfdata.split(" "):
        match = re.fullmatch(r"([a-z0-9_]+)=([0-9.]+)%;([0-9.]*:?);([0-9.]*:?);0;100", item)
        assert match, item
        labels[match.group(1)] = match.groups()[1:]
    assert labels["odr_mfn"] == ("0.6211", "0.8", "1")
    assert labels["vtr"] == ("97.5073", "96:", "95:")  # higher is better: alert below
    assert labels["refunds"] == ("0.1759", "", "")  # informational: no thresholds
    assert labels["amazon"] == ("10", "", "")  # Amazon's ratings at risk or worse (1 of 10): judged, no thresholds
    assert set(labels) == {r.spec.short for r in accounts["demo"].metrics if r.rate is not None}


def test_nagios_ok_line_with_one_metric(tmp_path: Path) -> None:
    """FBA shipments and feedback alone: the FBA order defect rate is the one metric checked, and the line says
    how many others could not be (a monitor must see that the ok stands on one metric)."""
    for name in ("fba_shipments.txt", "feedback.txt"):
        (tmp_path / name).write_bytes((ROOT / "sample_reports" / name).read_bytes())
    report = audit([tmp_path])
    text = render(report, Format.NAGIOS, fail_on=FailOn.AT_RISK, color=False, width=None)
    assert text.startswith("HEALTHCHECK OK - 1 metric ok, 10 not evaluated (as of 2026-11-20) | odr_afn=")


def test_nagios_ok_line(tmp_path: Path) -> None:
    lines = (TINY / "all_orders.txt").read_text().splitlines()
    (tmp_path / "all_orders.txt").write_text("\n".join(lines[:2]) + "\n")
    confirmations = (TINY / "ship_confirmations.txt").read_text().splitlines()
    (tmp_path / "ship_confirmations.txt").write_text("\n".join(confirmations[:2]) + "\n")
    report = audit([tmp_path], as_of=dt.date(2024, 5, 10))
    text = render(report, Format.NAGIOS, fail_on=FailOn.AT_RISK, color=False, width=None)
    # One day of data: the ok stands on 1 day of each window, and the line says so (SPEC 5.2, rev 2).
    assert text.startswith(
        "HEALTHCHECK OK - 3 metrics ok, 8 not evaluated; late_shipment_rate_10d partial: 1 of 10 days, "
        "late_shipment_rate_30d partial: 1 of 30 days, valid_tracking_rate partial: 1 of 30 days "
        "(as of 2024-05-10) | "
    )


def test_junit_cases(accounts: dict[str, AuditReport]) -> None:
    text = render(accounts["demo"], Format.JUNIT, fail_on=FailOn.AT_RISK, color=False, width=None)
    root = ET.fromstring(text)
    # SPEC 5.5 (rev 2): under --fail-on at-risk the at-risk metrics fail too, as the exit code does: the late
    # shipment rate and Amazon's account status (AT_RISK in the demo's report); the invoice defect and return
    # dissatisfaction rates, which the demo's report does not state, are skipped.
    assert (root.get("tests"), root.get("failures"), root.get("skipped"), root.get("errors")) == ("11", "3", "1", "0")
    cases = {c.get("name"): c for c in root.iter("testcase")}
    failure = cases["cancellation_rate"].find("failure")
    assert failure is not None and failure.get("type") == "breach"
    assert failure.text is not None and "114-8076460-1606017" in failure.text
    at_risk = cases["late_shipment_rate_10d"].find("failure")
    assert at_risk is not None and at_risk.get("type") == "at_risk"
    assert (at_risk.get("message") or "").startswith("AT RISK: ")
    lenient = ET.fromstring(render(accounts["demo"], Format.JUNIT, fail_on=FailOn.BREACH, color=False, width=None))
    assert lenient.get("failures") == "1"
    passed = next(c for c in lenient.iter("testcase") if c.get("name") == "late_shipment_rate_10d")
    out = passed.find("system-out")
    assert out is not None and out.text is not None and out.text.startswith("AT RISK: ")
    assert root.find("./testsuite/testcase/properties") is None  # not allowed there by the strict schema
    suite_status = root.find("./testsuite/properties/property[@name='status']")
    assert suite_status is not None and suite_status.get("value") == "breach"
    tiny = render(accounts["tiny"], Format.JUNIT, fail_on=FailOn.AT_RISK, color=False, width=None)
    skipped = ET.fromstring(tiny).find("./testsuite/testcase[@name='order_defect_rate_mfn']/skipped")
    assert skipped is not None and "not evaluated" in (skipped.get("message") or "")


def test_csv_worklist_rows(accounts: dict[str, AuditReport]) -> None:
    text = render(accounts["demo"], Format.CSV, fail_on=FailOn.AT_RISK, color=False, width=None)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    first = rows[0]
    assert (first["section"], first["id"], first["priority"]) == ("action", "appeal_buyer_cancellation", "1")
    assert (first["order_id"], first["cancel_reason"], first["purchase_date"]) == (
        "111-9858625-5034981",
        "BuyerCanceled",
        "2026-11-17",
    )
    late = next(r for r in rows if r["section"] == "metric" and r["id"] == "late_shipment_rate_10d")
    assert late["ship_by_date"] and late["metric_status"] == "at_risk"
    defect = next(r for r in rows if r["id"] == "order_defect_rate_mfn" and r["defects"])
    assert set(defect["defects"].split(";")) <= {"negative_feedback", "a_to_z_claim", "chargeback"}
    assert not any("example.com" in v or "Whitfield" in v for r in rows for v in r.values())
