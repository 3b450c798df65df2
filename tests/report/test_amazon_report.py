"""Issue 15 (part B): Amazon's own V2 performance report fully (the account status line, every policy category in
every format), the invoice defect and return dissatisfaction rates, and Amazon's word never making an audit checked.

The accounts are the tiny one (one day of orders and confirmations: the audit is OK on its own) beside a V2 report
written here, and the demo account; the real schema example is `../shared/formats/`.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from report_accounts import ROOT, TINY

from healthcheck.audit import AuditReport, run_audit
from healthcheck.config import Config, load_config
from healthcheck.loaders.account_health import POLICY_CATEGORIES
from healthcheck.metrics import metric_ids
from healthcheck.metrics.base import MetricResult
from healthcheck.outcome import ExitCode, FailOn, OverallStatus, Status
from healthcheck.report import Format, render
from healthcheck.report.document import document

AS_OF = dt.date(2024, 5, 10)
US = "ATVPDKIKX0DER"
REAL_EXAMPLE = ROOT.parent / "shared" / "formats" / "seller_performance_v2_example.json"
CATEGORY_KEYS = {
    "listing_policy_violations": "listingPolicyViolations",
    "restricted_product_policy_violations": "restrictedProductPolicyViolations",
    "received_ip_complaints": "receivedIntellectualPropertyComplaints",
    "suspected_ip_violations": "suspectedIntellectualPropertyViolations",
    "product_authenticity_complaints": "productAuthenticityCustomerComplaints",
    "product_condition_complaints": "productConditionCustomerComplaints",
    "product_safety_complaints": "productSafetyCustomerComplaints",
    "food_and_product_safety_issues": "foodAndProductSafetyIssues",
    "other_policy_violations": "otherPolicyViolations",
    "document_requests": "documentRequests",
}
DATES = {"reportingDateFrom": "2023-11-12T00:00Z", "reportingDateTo": "2024-05-09T23:59Z"}


def entry(**fields: Any) -> dict[str, Any]:
    """One marketplace's `performanceMetrics` entry: the rating and `fields`."""
    return {"marketplaceId": US, **fields}


def report_document(
    account_status: str | None = "NORMAL", entries: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    doc: dict[str, Any] = {"performanceMetrics": entries if entries is not None else [entry()]}
    if account_status is not None:
        doc["accountStatuses"] = [{"marketplaceId": US, "status": account_status}]
    return doc


def category(count: int, status: str) -> dict[str, Any]:
    return {
        "reportingDateRange": DATES,
        "defectsCount": count,
        "status": status,
        "targetValue": 0,
        "targetCondition": "EQUALS",
    }


def audit_with(tmp_path: Path, doc: Any | None, *, tiny: bool = True, as_of: dt.date = AS_OF) -> AuditReport:
    folder = tmp_path / "acct"
    folder.mkdir(parents=True)
    if tiny:
        for name in ("all_orders.txt", "ship_confirmations.txt"):
            # The first order alone: three metrics ok on their own (as in the nagios ok line's test).
            lines = (TINY / name).read_text(encoding="utf-8").splitlines()
            (folder / name).write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    if doc is not None:
        (folder / "seller_performance.json").write_text(json.dumps(doc), encoding="utf-8")
    return run_audit(
        [folder], config=Config(), marketplace="US", as_of=as_of, now=dt.datetime(2024, 5, 11, tzinfo=dt.UTC)
    )


def line(report: AuditReport, metric_id: str) -> MetricResult:
    return next(r for r in report.metrics if r.id == metric_id)


def test_the_tiny_account_alone_is_ok_and_the_line_says_which_report_to_add(tmp_path: Path) -> None:
    report = audit_with(tmp_path, None)
    assert report.status is OverallStatus.OK
    status = line(report, "amazon_account_status")
    assert status.status is Status.NOT_EVALUATED
    assert "GET_V2_SELLER_PERFORMANCE_REPORT" in (status.measurement.reason or "")


@pytest.mark.parametrize(
    ("score", "expected", "overall"),
    [
        (99, Status.BREACH, OverallStatus.BREACH),
        (100, Status.AT_RISK, OverallStatus.AT_RISK),
        (199, Status.AT_RISK, OverallStatus.AT_RISK),
        (200, Status.OK, OverallStatus.OK),
        (250, Status.OK, OverallStatus.OK),
    ],
)
def test_the_rating_score_at_and_around_its_bands(
    score: int, expected: Status, overall: OverallStatus, tmp_path: Path
) -> None:
    doc = report_document(entries=[entry(accountHealthRating={"ahrScore": score, "reportingDateRange": DATES})])
    report = audit_with(tmp_path, doc)
    assert line(report, "amazon_account_status").status is expected
    assert report.status is overall


@pytest.mark.parametrize(
    ("account", "rating", "expected"),
    [
        ("NORMAL", "GREAT", Status.OK),
        ("NORMAL", "WARNED", Status.AT_RISK),
        ("AT_RISK", "GREAT", Status.AT_RISK),
        ("DEACTIVATED", "GREAT", Status.BREACH),
        ("SUSPENDED", "WARNED", Status.BREACH),
        ("NORMAL", "CRITICAL", Status.BREACH),
        ("at-risk", "great", Status.AT_RISK),  # case and separators do not matter
    ],
)
def test_amazons_account_and_rating_words_map_to_ours(
    account: str, rating: str, expected: Status, tmp_path: Path
) -> None:
    doc = report_document(account, [entry(accountHealthRating={"ahrStatus": rating, "reportingDateRange": DATES})])
    assert line(audit_with(tmp_path, doc), "amazon_account_status").status is expected


@pytest.mark.parametrize(("word", "expected"), [("GOOD", Status.OK), ("BAD", Status.AT_RISK), ("NONE", Status.OK)])
def test_a_policy_category_bad_is_at_risk_and_none_judges_nothing(word: str, expected: Status, tmp_path: Path) -> None:
    doc = report_document(entries=[entry(listingPolicyViolations=category(3 if word == "BAD" else 0, word))])
    result = line(audit_with(tmp_path, doc), "amazon_account_status")
    assert result.status is expected
    # NONE is shown but not counted among the ratings judged: only the account status is.
    assert result.measurement.denominator == (1 if word == "NONE" else 2)


def test_unknown_words_are_shown_and_never_fail(tmp_path: Path) -> None:
    doc = report_document(
        "UNDER_REVIEW",
        [entry(accountHealthRating={"ahrStatus": "SHINY"}, otherPolicyViolations=category(1, "PURPLE"))],
    )
    report = audit_with(tmp_path, doc)
    result = line(report, "amazon_account_status")
    assert result.status is Status.NOT_EVALUATED  # nothing it can judge: never a guess
    assert "UNDER_REVIEW" in (result.measurement.reason or "") and "PURPLE" in (result.measurement.reason or "")
    assert report.status is OverallStatus.OK  # our own metrics still stand

    doc["accountStatuses"][0]["status"] = "NORMAL"
    result = line(audit_with(tmp_path / "2", doc), "amazon_account_status")
    assert result.status is Status.OK
    assert any("not known to this tool" in n and "SHINY" in n for n in result.measurement.notes)


@pytest.mark.parametrize(
    "doc",
    [
        {"performanceMetrics": [{"marketplaceId": US}]},  # no rating, no category, no account status
        {"performanceMetrics": []},
        {"performanceMetrics": [{"marketplaceId": "A1PA6795UKMFR9"}, {"marketplaceId": "A13V1IB3VIYZZH"}]},
        {"accountStatuses": "NORMAL", "performanceMetrics": [{"accountHealthRating": [1, 2]}]},
    ],
)
def test_documents_missing_what_it_needs_leave_the_line_not_evaluated(doc: dict[str, Any], tmp_path: Path) -> None:
    report = audit_with(tmp_path, doc)
    assert line(report, "amazon_account_status").status is Status.NOT_EVALUATED
    assert report.status is OverallStatus.OK and not report.errors


def test_amazons_word_alone_never_makes_an_audit_checked(tmp_path: Path) -> None:
    for word in ("NORMAL", "AT_RISK", "DEACTIVATED"):
        doc = report_document(word, [entry(accountHealthRating={"ahrStatus": "GREAT", "ahrScore": 900})])
        report = audit_with(tmp_path / word, doc, tiny=False)
        assert line(report, "amazon_account_status").status is not Status.NOT_EVALUATED
        assert report.status is OverallStatus.UNKNOWN and report.exit_code() is ExitCode.UNKNOWN, word
        assert report.unknown_reason is not None
        assert "seller_performance" not in report.unknown_reason  # adding Amazon's report would not check anything
        assert "Amazon's own figures are shown: Amazon's account status" in report.unknown_reason


def test_an_at_risk_account_makes_an_ok_audit_at_risk(tmp_path: Path) -> None:
    report = audit_with(tmp_path, report_document("AT_RISK"))
    assert report.status is OverallStatus.AT_RISK and report.exit_code() is ExitCode.AT_RISK
    assert report.exit_code(FailOn.BREACH) is ExitCode.OK


def test_a_report_from_after_the_as_of_day_was_not_known_then(tmp_path: Path) -> None:
    doc = report_document("AT_RISK", [entry(accountHealthRating={"ahrStatus": "WARNED", "reportingDateRange": DATES})])
    report = audit_with(tmp_path, doc, as_of=dt.date(2024, 5, 8))
    result = line(report, "amazon_account_status")
    assert result.status is Status.NOT_EVALUATED and "not known then" in (result.measurement.reason or "")


def every_category_document() -> dict[str, Any]:
    """All ten categories, each with its own count (11, 12, ...), so that each can be found in any format."""
    fields = {key: category(11 + i, "BAD" if i % 2 else "GOOD") for i, key in enumerate(CATEGORY_KEYS.values())}
    rating = {"ahrStatus": "WARNED", "ahrScore": 180, "reportingDateRange": DATES}
    return report_document("AT_RISK", [entry(accountHealthRating=rating, **fields)])


@pytest.fixture(scope="module")
def every_category(tmp_path_factory: pytest.TempPathFactory) -> AuditReport:
    return audit_with(tmp_path_factory.mktemp("every"), every_category_document())


def test_the_schema_names_every_category() -> None:
    assert {key for key, _title, _names in POLICY_CATEGORIES} == set(CATEGORY_KEYS)


@pytest.mark.parametrize("fmt", [Format.TABLE, Format.MARKDOWN, Format.HTML])
def test_every_policy_category_is_in_every_human_format(every_category: AuditReport, fmt: Format) -> None:
    text = render(every_category, fmt, fail_on=FailOn.AT_RISK, color=False, width=200)
    for i, (_key, title, _names) in enumerate(POLICY_CATEGORIES):
        assert f"{title}: {11 + i} {'BAD' if i % 2 else 'GOOD'}" in text.replace("&#x27;", "'"), (fmt, title)
    assert "WARNED" in text and "AHR 180" in text


def test_every_policy_category_is_in_the_json(every_category: AuditReport) -> None:
    metric = next(m for m in document(every_category)["metrics"] if m["id"] == "amazon_account_status")
    assert metric["source"] == "amazon" and metric["status"] == "at_risk"
    for i, key in enumerate(CATEGORY_KEYS):
        found = metric["details"]["policy"][key]
        assert (found["count"], found["status"]) == (11 + i, "BAD" if i % 2 else "GOOD")
        assert found["ours"] == ("at_risk" if i % 2 else "ok")
    assert metric["details"]["ahr_score"] == 180 and metric["details"]["account_status"] == "AT_RISK"
    # 5 BAD categories, the account status, the rating and its score: 8 of 13 ratings at risk or worse.
    assert (metric["numerator"], metric["denominator"]) == (8, 13)


def test_junit_and_nagios_carry_the_line(every_category: AuditReport) -> None:
    nagios = render(every_category, Format.NAGIOS, fail_on=FailOn.AT_RISK, color=False, width=None)
    assert "amazon_account_status AT RISK (account status AT_RISK; rating WARNED 180; 8 of 13" in nagios
    root = ET.fromstring(render(every_category, Format.JUNIT, fail_on=FailOn.AT_RISK, color=False, width=None))
    case = next(c for c in root.iter("testcase") if c.get("name") == "amazon_account_status")
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "at_risk"
    assert "rating WARNED 180" in (failure.get("message") or "")
    for _key, title, _names in POLICY_CATEGORIES:  # every category as a line of the failure's text
        assert f"\n{title}: " in (failure.text or ""), title


def test_the_real_schema_example(tmp_path: Path) -> None:
    # The day after the example's report: its word is the account's then.
    report = audit_with(tmp_path, json.loads(REAL_EXAMPLE.read_text(encoding="utf-8")), as_of=dt.date(2020, 11, 20))
    result = line(report, "amazon_account_status")
    details = result.measurement.details
    assert result.status is Status.AT_RISK  # AT_RISK account, WARNED rating, BAD categories: none deactivates
    assert (details["account_status"], details["ahr_status"]) == ("AT_RISK", "WARNED")
    policy = details["policy"]
    assert (policy["listing_policy_violations"]["count"], policy["listing_policy_violations"]["status"]) == (86, "BAD")
    assert policy["document_requests"]["count"] == 8  # the example writes `documentRequest`
    assert policy["restricted_product_policy_violations"]["count"] is None  # not in the example
    assert any("spammingSellerMessaging" in n for n in result.measurement.notes)
    assert details["pre_fulfillment_cancel_rate"]["numerator"] == 551  # shown beside, not judged
    assert any(n.startswith("pre-fulfilment cancel rate: 0.50% (551/17197) GOOD") for n in result.measurement.notes)
    idr = line(report, "invoice_defect_rate")
    assert idr.status is Status.OK and idr.measurement.source == "amazon"
    assert (idr.measurement.numerator, idr.measurement.denominator) == (315, 9001)
    assert idr.measurement.details["missing_invoice"] == 214 and idr.measurement.details["late_invoice"] == 101


def test_a_report_older_than_a_week_judges_nothing_and_stays_in_the_reconcile(tmp_path: Path) -> None:
    """2020's example beside a 2024 audit: its AT_RISK account and its invoice defect rate are not the account's
    now. They judge nothing (the tiny account stays ok, exit 0), the line says why, and the report is still shown
    beside ours."""
    report = audit_with(tmp_path, json.loads(REAL_EXAMPLE.read_text(encoding="utf-8")))
    assert report.status is OverallStatus.OK
    result = line(report, "amazon_account_status")
    assert result.status is Status.NOT_EVALUATED
    reason = result.measurement.reason or ""
    assert "speaks for 2020-11-19, 1,268 days before the as-of date 2024-05-10: too old" in reason, reason
    assert "download a fresh GET_V2_SELLER_PERFORMANCE_REPORT" in reason
    # Outside the EU the invoice defect rate is shown only when Amazon's figure stands: here it does not.
    assert "invoice_defect_rate" not in {r.id for r in report.metrics}
    [reconciled] = report.insights.reconcile
    assert reconciled.rows  # Amazon's figures are still shown beside ours


@pytest.mark.parametrize(("as_of", "judged"), [(dt.date(2020, 11, 26), True), (dt.date(2020, 11, 27), False)])
def test_a_week_old_report_still_judges_and_a_day_more_does_not(tmp_path: Path, as_of: dt.date, judged: bool) -> None:
    report = audit_with(tmp_path, json.loads(REAL_EXAMPLE.read_text(encoding="utf-8")), as_of=as_of)
    status = line(report, "amazon_account_status").status
    assert (status is Status.AT_RISK) if judged else (status is Status.NOT_EVALUATED)


def idr_document(defects: int, orders: int = 10000, marketplace_id: str = US) -> dict[str, Any]:
    figure = {
        "reportingDateRange": {"reportingDateFrom": "2024-04-27T00:00Z", "reportingDateTo": "2024-05-03T23:59Z"},
        "orderCount": orders,
        "invoiceDefect": {"count": defects, "status": "GOOD"},
        "missingInvoice": {"count": defects, "status": "NONE"},
        "lateInvoice": {"count": 0, "status": "NONE"},
        "rate": defects / orders,
    }
    return report_document(None, [{**entry(invoiceDefectRate=figure), "marketplaceId": marketplace_id}])


@pytest.mark.parametrize(
    ("defects", "expected"),
    [(399, Status.OK), (400, Status.AT_RISK), (499, Status.AT_RISK), (500, Status.BREACH), (501, Status.BREACH)],
)
def test_the_invoice_defect_rate_at_and_around_its_target(defects: int, expected: Status, tmp_path: Path) -> None:
    report = audit_with(tmp_path, idr_document(defects))
    result = line(report, "invoice_defect_rate")
    assert result.status is expected and result.rate == defects / 10000
    assert report.status.value == {Status.OK: "ok", Status.AT_RISK: "at_risk", Status.BREACH: "breach"}[expected]


def test_the_invoice_defect_rate_alone_never_makes_an_audit_checked(tmp_path: Path) -> None:
    report = audit_with(tmp_path, idr_document(10), tiny=False)
    assert line(report, "invoice_defect_rate").status is Status.OK
    assert report.status is OverallStatus.UNKNOWN


@pytest.mark.parametrize(("as_of", "taken"), [(dt.date(2024, 5, 10), True), (dt.date(2024, 5, 11), False)])
def test_amazons_invoice_defect_rate_stands_only_while_its_report_is_recent(
    as_of: dt.date, taken: bool, tmp_path: Path
) -> None:
    doc = idr_document(450)
    rating = {"ahrStatus": "GREAT", "reportingDateRange": {"reportingDateTo": "2024-05-03T23:59Z"}}
    doc["performanceMetrics"][0]["accountHealthRating"] = rating
    report = audit_with(tmp_path, doc, as_of=as_of)
    shown = {r.id: r for r in report.metrics}
    assert ("invoice_defect_rate" in shown) is taken  # outside the EU: a line only while Amazon's figure stands
    assert report.status is (OverallStatus.AT_RISK if taken else OverallStatus.OK)


VIDR_HEADER = (
    "marketplace-id\torder-id\torder-item-id\tshipping-id\ttransaction-id\ttransaction-type\tinvoice-number\t"
    "invoice-status\tinvoice-status-description\tis-amazon-invoiced\torder-date\tshipment-date\tbuyer-vat-number\t"
    "sku\tquantity-purchased\tis-business-order\trecipient-name\tship-city"
)


def vidr_row(order: str, status: str, *, business: str = "true", shipped: str = "2024-05-01T10:00:00+00:00") -> str:
    return "\t".join(
        [
            "A1PA6795UKMFR9",
            order,
            "1",
            f"S{order}",
            f"T{order}",
            "SHIPMENT",
            "",
            status,
            "",
            "false",
            "2024-04-30T10:00:00+00:00",
            shipped,
            "DE123",
            "MUG-1",
            "1",
            business,
            "Erika Mustermann",
            "Berlin",
        ]
    )


def test_the_vat_invoice_report_names_missing_invoices_but_never_makes_the_rate(tmp_path: Path) -> None:
    folder = tmp_path / "acct"
    folder.mkdir()
    rows = [
        vidr_row("302-0000001-0000001", "Pending"),  # past its deadline (Thursday 2 May): missing
        vidr_row("302-0000002-0000002", "Uploaded"),
        vidr_row("302-0000003-0000003", "Failed"),  # a rejected upload is no invoice either
        vidr_row("302-0000004-0000004", "Pending", business="false"),  # not an Amazon Business order
        vidr_row("302-0000005-0000005", "Pending", shipped="2024-05-10T10:00:00+00:00"),  # deadline not over
    ]
    (folder / "vidr.txt").write_text("\n".join([VIDR_HEADER, *rows]) + "\n", encoding="utf-8")
    report = run_audit([folder], config=Config(), marketplace="DE", as_of=dt.date(2024, 5, 10))
    assert [i["kind"] for i in report.inputs] == ["vat_invoices"] and not report.errors
    idr = line(report, "invoice_defect_rate")
    assert idr.status is Status.NOT_EVALUATED
    reason = idr.measurement.reason or ""
    assert "late invoices cannot be counted" in reason and "2 Amazon Business orders" in reason
    # Buyer names in the report are never read.
    assert "Erika" not in json.dumps(document(report))

    doc = idr_document(600, marketplace_id="A1PA6795UKMFR9")
    (folder / "seller_performance.json").write_text(json.dumps(doc), encoding="utf-8")
    report = run_audit([folder], config=Config(), marketplace="DE", as_of=dt.date(2024, 5, 10))
    idr = line(report, "invoice_defect_rate")
    assert idr.status is Status.BREACH
    assert idr.measurement.problem_order_ids == ("302-0000001-0000001", "302-0000003-0000003")


def test_the_return_dissatisfaction_rate_is_not_recomputed_from_the_returns_report(tmp_path: Path) -> None:
    folder = tmp_path / "acct"
    shutil.copytree(TINY, folder)
    shutil.copy(ROOT.parent / "shared" / "formats" / "returns_mfn_us_2025.tsv", folder / "returns.tsv")
    report = run_audit([folder], config=Config(), marketplace="US", as_of=AS_OF)
    rdr = line(report, "return_dissatisfaction_rate")
    assert rdr.status is Status.NOT_EVALUATED
    assert "returns report given cannot show" in (rdr.measurement.reason or "")
    assert "negative return feedback" in (rdr.measurement.reason or "")


@pytest.mark.parametrize(
    ("count", "expected"), [(79, Status.OK), (80, Status.AT_RISK), (99, Status.AT_RISK), (100, Status.BREACH)]
)
def test_the_return_dissatisfaction_rate_from_amazons_figure(count: int, expected: Status, tmp_path: Path) -> None:
    figure = {"returnDissatisfactionCount": count, "returnRequestCount": 1000, "rate": count / 1000}
    report = audit_with(tmp_path, report_document(entries=[entry(returnDissatisfactionRate=figure)]))
    rdr = line(report, "return_dissatisfaction_rate")
    assert rdr.status is expected and rdr.measurement.source == "amazon"
    assert any("Amazon's own figure" in n for n in rdr.measurement.notes)


def test_a_rate_without_counts_is_shown_with_null_counts(tmp_path: Path) -> None:
    report = audit_with(tmp_path, report_document(entries=[entry(returnDissatisfactionRate={"rate": 0.2})]))
    rdr = next(m for m in document(report)["metrics"] if m["id"] == "return_dissatisfaction_rate")
    assert (rdr["status"], rdr["rate"], rdr["numerator"], rdr["denominator"]) == ("breach", 0.2, None, None)


def test_a_portfolio_row_shows_amazons_words_not_a_rate(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from healthcheck.cli import app

    doc = report_document("DEACTIVATED", [entry(accountHealthRating={"ahrScore": 90, "reportingDateRange": DATES})])
    audit_with(tmp_path, doc)  # writes the account's folder, `acct` (the audit itself is not used)
    portfolio = tmp_path / "portfolio.toml"
    portfolio.write_text('[[account]]\nname = "shop"\npaths = ["acct"]\nas_of = 2024-05-10\n', encoding="utf-8")
    result = CliRunner().invoke(
        app, ["portfolio", str(portfolio), "--format", "markdown", "--jobs", "1"], catch_exceptions=False
    )
    assert result.exit_code == 2, result.output
    assert "Amazon's account status (AHR 90)" in result.output


def test_an_alert_gives_amazons_words_for_the_account_status(every_category: AuditReport) -> None:
    from healthcheck.history import row_from_report
    from healthcheck.notify import changes, compose

    report = document(every_category)
    before = row_from_report({**report, "status": "ok", "metrics": []}, "main")
    composed = compose(changes(before, row_from_report(report, "main")), report, "main")
    assert composed is not None
    assert "Amazon's account status: account status AT_RISK; rating WARNED 180; 8 of 13" in composed[1]
    assert row_from_report(report, "main").ahr_score == 180


def test_strict_never_asks_for_what_only_amazons_report_states(tmp_path: Path) -> None:
    report = run_audit([ROOT / "sample_reports"], config=Config(), strict=True)
    # The demo's own metrics are all evaluated; the rate its Amazon report does not state is not, and no download
    # would change that: --strict finds no error. Amazon measures no invoice defect rate in the US: no line at all.
    assert line(report, "return_dissatisfaction_rate").status is Status.NOT_EVALUATED
    assert "invoice_defect_rate" not in {r.id for r in report.metrics}
    assert report.errors == () and report.status is OverallStatus.BREACH


def test_a_breach_only_amazon_states_gets_no_drafted_plan_but_says_where_to_answer(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from healthcheck.cli import app

    doc = report_document("DEACTIVATED", [entry(accountHealthRating={"ahrScore": 90, "reportingDateRange": DATES})])
    report = audit_with(tmp_path, doc)
    assert report.plans == ()  # nothing of ours to find a root cause in
    action = next(a for a in report.actions if a.id == "plan_of_action")
    assert action.title == "Prepare a plan of action for Amazon's account status"
    assert "Account Health page" in action.detail and "does not draft" in action.detail
    result = CliRunner().invoke(app, ["plan", "amazon", str(tmp_path / "acct"), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 2, result.output
    # stdout alone: the audit's notes (an --as-of past the files) come on stderr.
    assert result.stdout.startswith("No plan of action drafted: Amazon's account status is Amazon's own figure")
    assert "recomputed" not in result.stdout


@pytest.mark.parametrize(("marketplace", "shown"), [("US", False), ("JP", False), ("DE", True), ("UK", True)])
def test_the_invoice_defect_rate_is_a_line_only_where_amazon_measures_it(
    marketplace: str, shown: bool, tmp_path: Path
) -> None:
    """Not stated by Amazon's report: a "not evaluated" line in the EU marketplaces it applies to, none elsewhere;
    stated (the real example, a US report) it is shown wherever it comes from."""
    folder = tmp_path / "acct"
    shutil.copytree(TINY, folder)
    report = run_audit([folder], config=Config(), marketplace=marketplace, as_of=AS_OF)
    assert ("invoice_defect_rate" in {r.id for r in report.metrics}) is shown


@pytest.mark.parametrize(("window", "said"), [(None, "10 and 30 days"), (14, "14 and 30 days")])
def test_a_late_shipment_figure_of_another_length_names_our_windows_as_configured(
    tmp_path: Path, window: int | None, said: str
) -> None:
    """Amazon's 24-day figure matches neither late shipment window: the note names the windows the audit used,
    which the config can change (it said "10 and 30 days" whatever they were)."""
    dates = {"reportingDateFrom": "2024-04-16T00:00Z", "reportingDateTo": "2024-05-09T23:59Z"}
    figure = {"reportingDateRange": dates, "orderCount": 100, "lateShipmentCount": 3, "rate": 0.03}
    folder = tmp_path / "acct"
    audit_with(folder, report_document(entries=[entry(lateShipmentRate=figure)]))
    config = Config()
    if window is not None:
        text = f"[metrics.late_shipment_rate_10d]\nwindow_days = {window}\n"
        (tmp_path / "healthcheck.toml").write_text(text, encoding="utf-8")
        config = load_config(tmp_path / "healthcheck.toml", cwd=tmp_path, metric_ids=metric_ids())
    report = run_audit(
        [folder / "acct"], config=config, marketplace="US", as_of=AS_OF, now=dt.datetime(2024, 5, 11, tzinfo=dt.UTC)
    )
    [row] = [r for rec in report.insights.reconcile for r in rec.rows if r.metric_id.startswith("late_shipment")]
    assert row.agrees is None
    assert f"which matches none of our windows for it ({said})" in " ".join(row.causes)


def test_a_report_for_days_after_the_as_of_day_is_not_compared_nor_taken_as_amazons_word_then() -> None:
    """Auditing the demo as of 2026-10-21 (its V2 report speaks for 2026-11-19): the reconcile compared Amazon's
    later figures and showed its later status, and the history recorded them as Amazon's word on 10-21."""

    def demo_as_of(day: dt.date) -> AuditReport:
        return run_audit(
            [ROOT / "sample_reports"], config=Config(), as_of=day, now=dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
        )

    report = demo_as_of(dt.date(2026, 10, 21))
    [reconciled] = report.insights.reconcile
    assert reconciled.rows == () and reconciled.account_status is None and reconciled.ahr_score is None
    assert reconciled.notes == (
        "Amazon's report speaks for days up to 2026-11-19, after the as-of date 2026-10-21: none of its figures was "
        "known then, so none is compared (audit without --as-of, or add the report downloaded on that day)",
    )
    [entry] = document(report, FailOn.AT_RISK)["reconcile"]
    assert entry["metrics"] == [] and entry["account_status"] is None
    # As of 2026-11-10 its order defect rate's window (to 11-05) ended before the as-of day, but the figure counts
    # the defects Amazon knew on 11-19: it was compared with ours, the gap put down to "defects missing from the
    # files" although the 7th defect was in them, dated after 11-10.
    [reconciled] = demo_as_of(dt.date(2026, 11, 10)).insights.reconcile
    assert reconciled.rows == () and "none of its figures was known then" in reconciled.notes[0]


def test_a_report_given_that_states_no_invoice_defect_rate_is_said_to_state_none(tmp_path: Path) -> None:
    """It said "needs Amazon's GET_V2_SELLER_PERFORMANCE_REPORT JSON" with that very JSON among the inputs."""
    folder = tmp_path / "acct"
    shutil.copytree(TINY, folder)
    result = line(run_audit([folder], config=Config(), marketplace="DE", as_of=AS_OF), "invoice_defect_rate")
    assert result.measurement.reason is not None and result.measurement.reason.startswith("needs Amazon's")
    doc = report_document(None, [{"marketplaceId": "A1PA6795UKMFR9"}])  # Germany's, without the rate
    (folder / "performance.json").write_text(json.dumps(doc), encoding="utf-8")
    result = line(run_audit([folder], config=Config(), marketplace="DE", as_of=AS_OF), "invoice_defect_rate")
    assert result.measurement.reason is not None
    assert result.measurement.reason.startswith("Amazon's GET_V2_SELLER_PERFORMANCE_REPORT JSON given states no")
