"""The JSON document (SPEC 5.2) as the metrics fill it, and exit codes after --fail-on (SPEC 5.5)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from metric_builders import (
    ao,
    audit,
    end_of_day,
    la,
    oid,
    orep,
    sc,
    write_all_orders,
    write_order_report,
    write_ship_confirmations,
)

from healthcheck.metrics import METRIC_IDS
from healthcheck.metrics.rules import measured_in
from healthcheck.outcome import ExitCode, FailOn
from healthcheck.report.document import document

AS_OF = "2024-05-15"
TOP_KEYS = [
    "schema_version",
    "tool",
    "generated_at",
    "as_of",
    "marketplace",
    "status",
    "exit_code",
    "metrics",
    "actions",
    "inputs",
    "unmatched_defects",
    "errors",
]
METRIC_KEYS = [
    "id",
    "title",
    "status",
    "rate",
    "numerator",
    "denominator",
    "target",
    "at_risk_threshold",
    "direction",
    "window",
    "coverage",
    "details",
    "order_ids",
    "reason",
]


def _cancellations(tmp_path: Path, cancelled: int, total: int) -> None:
    # Cancelled orders listed in a scrambled order, so that sorting is visible.
    numbers = list(range(1, total + 1))
    numbers = numbers[::2] + numbers[1::2]
    write_all_orders(
        tmp_path,
        [ao(oid(n), la("2024-05-13"), status="Cancelled" if n > total - cancelled else "Shipped") for n in numbers],
    )


def test_document_keys_come_in_the_contract_order(tmp_path: Path) -> None:
    _cancellations(tmp_path, 1, 10)
    doc = audit(tmp_path, AS_OF).doc
    assert list(doc)[: len(TOP_KEYS)] == TOP_KEYS
    assert doc["schema_version"] == 1
    assert doc["tool"]["name"] == "healthcheck"
    assert (doc["as_of"], doc["marketplace"]) == (AS_OF, "US")
    # Every registered metric Amazon measures in the US (not the EU's invoice defect rate), in the registry's order.
    us = [i for i in METRIC_IDS if measured_in(i, "US", dt.date.fromisoformat(AS_OF))]
    assert [m["id"] for m in doc["metrics"]] == us and len(us) >= len(METRIC_IDS) - 1
    for m in doc["metrics"]:
        assert list(m)[: len(METRIC_KEYS)] == METRIC_KEYS
        assert list(m["window"]) == ["start", "end", "days", "basis"]
        assert list(m["coverage"]) == [
            "first_data_date",
            "last_data_date",
            "complete",
            "window_days",
            "covered_days",
            "missing_inputs",
        ]
    assert list(doc["inputs"][0])[:7] == ["path", "kind", "encoding", "rows", "used_rows", "skipped", "warnings"]
    json.dumps(doc)  # every value is plain JSON


def test_order_ids_list_every_numerator_order_sorted(tmp_path: Path) -> None:
    _cancellations(tmp_path, 25, 60)
    m = audit(tmp_path, AS_OF).metric("cancellation_rate")
    assert m["numerator"] == 25
    assert m["order_ids"] == [oid(n) for n in range(36, 61)]


def test_not_evaluated_metrics_have_null_rate_and_a_reason(tmp_path: Path) -> None:
    _cancellations(tmp_path, 0, 3)
    doc = audit(tmp_path, AS_OF).doc
    for m in doc["metrics"]:
        if m["id"] == "cancellation_rate":
            assert (m["status"], m["rate"]) == ("ok", 0.0)
            continue
        assert m["status"] == "not_evaluated", m["id"]
        assert m["rate"] is None
        assert isinstance(m["reason"], str) and m["reason"]
    assert doc["status"] == "ok"
    assert doc["exit_code"] == 0


@pytest.mark.parametrize(
    ("cancelled", "total", "status", "codes"),
    [
        (1, 40, "breach", {FailOn.AT_RISK: 2, FailOn.BREACH: 2, FailOn.NEVER: 0}),
        (1, 50, "at_risk", {FailOn.AT_RISK: 1, FailOn.BREACH: 0, FailOn.NEVER: 0}),
        (1, 51, "ok", {FailOn.AT_RISK: 0, FailOn.BREACH: 0, FailOn.NEVER: 0}),
    ],
)
def test_status_is_the_worst_metric_and_exit_code_follows_fail_on(
    tmp_path: Path, cancelled: int, total: int, status: str, codes: dict[FailOn, int]
) -> None:
    _cancellations(tmp_path, cancelled, total)
    result = audit(tmp_path, AS_OF)
    assert result.doc["status"] == status
    for fail_on, code in codes.items():
        assert result.report.exit_code(fail_on) == ExitCode(code)
        assert document(result.report, fail_on)["exit_code"] == code
    assert result.doc["exit_code"] == codes[FailOn.AT_RISK]  # the default


def test_a_breach_anywhere_beats_at_risk_elsewhere(tmp_path: Path) -> None:
    # CR at risk (1/50), LSR in breach (1/1).
    _cancellations(tmp_path, 1, 50)
    write_order_report(tmp_path, [orep(oid(90), la("2024-05-06"), latest_ship_date=end_of_day("2024-05-08"))])
    write_ship_confirmations(tmp_path, [sc(oid(90), "2024-05-10")])
    result = audit(tmp_path, AS_OF)
    assert result.metric("cancellation_rate")["status"] == "at_risk"
    assert result.metric("late_shipment_rate_10d")["status"] == "breach"
    assert result.doc["status"] == "breach"
    assert result.report.exit_code(FailOn.BREACH) == ExitCode.BREACH
    plan = result.action("plan_of_action")
    assert plan is not None and plan["metric_id"] == "late_shipment_rate_10d"


def test_the_plan_of_action_says_which_way_a_metric_misses_its_target(tmp_path: Path) -> None:
    # Valid tracking (higher is better) in breach: every package has carrier `Other`.
    write_ship_confirmations(tmp_path, [sc(oid(n), "2024-05-10", carrier="Other") for n in range(1, 11)])
    result = audit(tmp_path, AS_OF)
    assert result.metric("valid_tracking_rate")["status"] == "breach"
    plan = result.action("plan_of_action")
    assert plan is not None and plan["metric_id"] == "valid_tracking_rate"
    assert "The valid tracking rate falls short of Amazon's target." in plan["detail"]


def test_an_input_error_makes_the_status_unknown_whatever_fail_on(tmp_path: Path) -> None:
    _cancellations(tmp_path, 1, 40)
    (tmp_path / "mystery.txt").write_text("order-id\tbar\n1\t2\n", encoding="utf-8")  # a damaged report
    result = audit(tmp_path, AS_OF)
    assert result.doc["status"] == "unknown"
    assert result.doc["errors"]
    assert result.metric("cancellation_rate")["status"] == "breach"  # still computed
    for fail_on in FailOn:
        assert result.report.exit_code(fail_on) == ExitCode.UNKNOWN


def test_counts_are_zero_for_an_empty_window_and_null_for_missing_inputs(tmp_path: Path) -> None:
    """0 of 0 is a fact (no orders in the window); a metric without its inputs has no counts at all."""
    orders = write_all_orders(tmp_path, [ao(oid(1), "2024-01-02T18:00:00+00:00")])
    doc = audit([orders], "2024-05-10").doc
    by_id = {m["id"]: m for m in doc["metrics"]}
    empty = by_id["cancellation_rate"]
    assert (empty["status"], empty["numerator"], empty["denominator"], empty["rate"]) == ("not_evaluated", 0, 0, None)
    missing = by_id["late_shipment_rate_10d"]
    assert (missing["status"], missing["numerator"], missing["denominator"]) == ("not_evaluated", None, None)
