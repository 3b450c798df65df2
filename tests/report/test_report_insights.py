"""Headroom, recovery dates, the daily trend and the reconciliation with Amazon's numbers (healthcheck.insights)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from report_accounts import (
    EXAMPLE_PERFORMANCE,
    SAMPLES,
    TINY,
    audit,
    cancellation_account,
    performance_document,
)

from healthcheck.audit import AuditReport, calendar_for, resolve_marketplace
from healthcheck.config import Config
from healthcheck.insights import TREND_MAX_DAYS, Events, headroom, reconcile, recovery
from healthcheck.loaders import load_inputs
from healthcheck.marketplaces import get_marketplace
from healthcheck.metrics import evaluate, registry, resolve
from healthcheck.metrics.base import Measurement, MetricResult, MetricSpec
from healthcheck.metrics.events import ALWAYS, NEVER, daily, day, day_number
from healthcheck.metrics.late_shipment import LSR_10D
from healthcheck.metrics.tracking import VALID_TRACKING_RATE
from healthcheck.model import AuditData
from healthcheck.outcome import Status
from healthcheck.report.document import document, reconciliation
from healthcheck.schedule import audit_data


def result_of(spec: MetricSpec, numerator: int, denominator: int) -> MetricResult:
    as_of = dt.date(2024, 5, 10)
    rate = numerator / denominator
    measurement = Measurement(numerator=numerator, denominator=denominator)
    return MetricResult(spec, spec.window(as_of), measurement, spec.classify(rate), rate)


# --- headroom ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("late", "until_at_risk", "until_breach", "status"),
    [
        # 250 orders: at risk from 8 late (3.2 % exactly), breach from 10 (4 % exactly).
        (0, 7, 9, Status.OK),
        (5, 2, 4, Status.OK),
        (7, 0, 2, Status.OK),
        (8, None, 1, Status.AT_RISK),
        (9, None, 0, Status.AT_RISK),
        (10, None, None, Status.BREACH),
        (40, None, None, Status.BREACH),
    ],
)
def test_headroom_lower_is_better_at_and_around_the_thresholds(
    late: int, until_at_risk: int | None, until_breach: int | None, status: Status
) -> None:
    result = result_of(LSR_10D, late, 250)
    assert result.status is status
    room = headroom(result)
    assert room is not None
    assert (room.until_at_risk, room.until_breach, room.unit) == (until_at_risk, until_breach, "orders")
    if until_breach is not None:
        # Taking exactly the headroom keeps it under target; one more breaches.
        assert LSR_10D.classify((late + until_breach) / 250) is not Status.BREACH
        assert LSR_10D.classify((late + until_breach + 1) / 250) is Status.BREACH


@pytest.mark.parametrize(
    ("valid", "until_at_risk", "until_breach", "status"),
    [
        # 100 packages: at risk below 96 %, breach below 95 %.
        (100, 4, 5, Status.OK),
        (97, 1, 2, Status.OK),
        (96, 0, 1, Status.OK),
        (95, None, 0, Status.AT_RISK),
        (94, None, None, Status.BREACH),
    ],
)
def test_headroom_higher_is_better_counts_more_bad_packages(
    valid: int, until_at_risk: int | None, until_breach: int | None, status: Status
) -> None:
    result = result_of(VALID_TRACKING_RATE, valid, 100)
    assert result.status is status
    room = headroom(result)
    assert room is not None
    assert (room.until_at_risk, room.until_breach, room.unit) == (until_at_risk, until_breach, "packages")


def test_headroom_follows_the_float_comparison_the_status_uses() -> None:
    """7/100 is 0.07 and 0.07 * 100 is 7.000000000000001: only the spec's own comparison gets this right."""
    spec = LSR_10D.with_overrides(target=0.07, at_risk=0.05)
    room = headroom(result_of(spec, 6, 100))
    assert room is not None
    assert room.until_breach == 0
    assert spec.classify(7 / 100) is Status.BREACH


def test_headroom_budget_used() -> None:
    room = headroom(result_of(LSR_10D, 5, 250))
    assert room is not None and room.budget_used == pytest.approx(0.5)
    tracking = headroom(result_of(VALID_TRACKING_RATE, 975, 1000))
    assert tracking is not None and tracking.budget_used == pytest.approx(0.5)


def test_no_headroom_without_a_rate_or_a_target() -> None:
    spec = LSR_10D
    unevaluated = MetricResult(
        spec, spec.window(dt.date(2024, 5, 10)), Measurement(reason="x"), Status.NOT_EVALUATED, None
    )
    assert headroom(unevaluated) is None
    informational = dataclasses.replace(spec, target=None, at_risk=None, informational=True)
    assert headroom(result_of(informational, 1, 10)) is None


# --- recovery ---------------------------------------------------------------------------------------------------


def test_recovery_date_as_cancellations_leave_the_window(tmp_path: Path) -> None:
    report = audit([cancellation_account(tmp_path / "acct")], as_of=dt.date(2024, 5, 10))
    cr = next(r for r in report.metrics if r.id == "cancellation_rate")
    assert (cr.measurement.numerator, cr.measurement.denominator, cr.status) == (5, 140, Status.BREACH)
    found = report.insights.recovery["cancellation_rate"]
    # May 11: the window May 5 .. 11 keeps 3 of 140 at today's volume (2.14 %, at risk); May 12: 2 (1.43 %, ok).
    assert found.under_target == dt.date(2024, 5, 11)
    assert found.ok == dt.date(2024, 5, 12)
    assert found.searched_until == dt.date(2024, 5, 17)
    doc = document(report)
    entry = next(m for m in doc["metrics"] if m["id"] == "cancellation_rate")
    assert entry["recovery"] == {"under_target": "2024-05-11", "ok": "2024-05-12", "searched_until": "2024-05-17"}
    assert entry["recovery_date"] == "2024-05-12"
    assert entry["headroom"]["until_breach"] is None


def test_recovery_counts_known_defects_entering_a_lagged_window_and_ignores_future_ones() -> None:
    """Window of 3 days ending 2 days before as-of, 10 orders a day; as of day 10 the window is days 6-8."""
    spec = LSR_10D.with_overrides(window_days=3, end_lag_days=2, target=0.1, at_risk=0.05)
    as_of = dt.date(2024, 5, 10)
    day = day_number(as_of)
    basis = np.repeat(np.arange(day - 4, day + 1), 10)  # days 6..10, 10 things each
    bad_from = np.full(basis.size, NEVER)
    bad_from[0:4] = ALWAYS  # day 6: 4 bad (known)
    bad_from[20] = ALWAYS  # day 8: 1 bad (known)
    bad_from[30:33] = ALWAYS  # day 9: 3 bad, known, outside today's window (the lag)
    bad_from[40:45] = day + 1  # day 10: 5 that would only go bad tomorrow: assumed not to
    events = Events(basis, np.full(basis.size, ALWAYS), bad_from, np.ones(basis.size, dtype=np.int64))
    result = result_of(spec, 5, 30)  # today: 5 of 30 = 16.7 %, a breach
    assert result.status is Status.BREACH
    found = recovery(result, events, as_of)
    assert found is not None
    # Day 11: window 7-9 holds 1 + 3 = 4 of 30 (13 %, breach); day 12: window 8-10 holds 4 (still breach);
    # day 13: window 9-11 holds 3 (10 %, breach: >= target); day 14: window 10-12 holds 0: ok.
    assert found.under_target == dt.date(2024, 5, 14)
    assert found.ok == dt.date(2024, 5, 14)
    assert found.searched_until == dt.date(2024, 5, 15)


def test_no_recovery_for_an_ok_metric(tmp_path: Path) -> None:
    report = audit([TINY], as_of=dt.date(2024, 5, 10))
    statuses = {r.id: r.status for r in report.metrics}
    assert set(report.insights.recovery) == {k for k, s in statuses.items() if s in (Status.BREACH, Status.AT_RISK)}


# --- trend ------------------------------------------------------------------------------------------------------


def _audit_data(path: Path) -> AuditData:
    config = Config()
    market = resolve_marketplace("US", config)
    loaded = load_inputs([path], marketplace=market, encoding=None)
    return audit_data(loaded, market, config, calendar_for(market, config))


@pytest.mark.parametrize(
    ("path", "as_of"),
    [(SAMPLES, dt.date(2026, 11, 20)), (SAMPLES, dt.date(2026, 9, 14)), (TINY, dt.date(2024, 5, 10))],
)
def test_daily_trend_equals_the_metric_evaluated_on_each_day(path: Path, as_of: dt.date) -> None:
    """The rolled counts are the metric itself: checked against `evaluate` on every day of a 3-week span."""
    data = _audit_data(path)
    first, last = day_number(as_of) - 14, day_number(as_of) + 6
    for spec in resolve(Config()):
        events = spec.events(data) if spec.events else None
        if events is None:
            continue
        numerators, denominators = daily(events, spec, first, last)
        for offset in range(last - first + 1):
            when = day(first + offset)
            expected = evaluate(spec, data, when)
            if expected.rate is None:
                assert denominators[offset] == 0, (spec.id, when)
            else:
                got = (int(numerators[offset]), int(denominators[offset]))
                assert got == (expected.measurement.numerator, expected.measurement.denominator), (spec.id, when)


def test_trend_of_the_demo_account_ends_on_the_audited_numbers(demo: AuditReport) -> None:
    report = demo
    trend = report.insights.trend
    assert trend is not None
    assert (trend.start, trend.end, trend.days) == (dt.date(2026, 8, 10), dt.date(2026, 11, 20), 103)
    for result in report.metrics:
        if result.spec.events is None:
            continue  # Amazon's own figures: no dated events of ours, so no daily value
        series = trend.get(result.id)
        assert series is not None, result.id
        assert len(series.rates) == trend.days
        assert series.numerators[-1] == result.measurement.numerator
        assert series.denominators[-1] == result.measurement.denominator
    doc = document(report)["trend"]
    assert doc["days"] == 103 and len(doc["metrics"]) == sum(r.spec.events is not None for r in report.metrics)
    assert report.insights.notes == ()


def test_trend_is_capped(tmp_path: Path) -> None:
    account = cancellation_account(tmp_path / "acct", since=dt.date(2023, 9, 1))
    report = audit([account], as_of=dt.date(2024, 5, 10))
    trend = report.insights.trend
    assert trend is not None and trend.days == TREND_MAX_DAYS
    assert trend.end == dt.date(2024, 5, 10)
    series = trend.get("cancellation_rate")
    assert series is not None and series.rates[-1] == pytest.approx(5 / 140)


def test_a_trend_that_disagrees_with_the_audit_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    def wrong(data: AuditData) -> Events | None:
        events = VALID_TRACKING_RATE.events(data) if VALID_TRACKING_RATE.events else None
        assert events is not None
        return dataclasses.replace(events, bad_from=np.full(events.basis.size, ALWAYS))

    specs = tuple(dataclasses.replace(m, events=wrong) if m is VALID_TRACKING_RATE else m for m in registry.METRICS)
    monkeypatch.setattr(registry, "METRICS", specs)
    report = audit([TINY], as_of=dt.date(2024, 5, 10))
    assert report.insights.trend is not None
    assert report.insights.trend.get("valid_tracking_rate") is None
    assert any("valid_tracking_rate were left out" in w for w in report.warnings)


# --- reconcile (SPEC 5.4) ---------------------------------------------------------------------------------------


def test_reconcile_the_demo_account_explains_every_difference_by_the_dates(demo: AuditReport) -> None:
    report = demo
    (rec,) = report.insights.reconcile
    assert rec.marketplace_id == "ATVPDKIKX0DER"
    assert (rec.account_status, rec.ahr_status, rec.ahr_score) == ("AT_RISK", "GOOD", 236)
    rows = {r.metric_id: r for r in rec.rows}
    assert set(rows) == {
        "order_defect_rate_mfn",
        "order_defect_rate_afn",
        "cancellation_rate",
        "late_shipment_rate_10d",
        "late_shipment_rate_30d",
        "valid_tracking_rate",
        "on_time_delivery_rate",
    }
    cr = rows["cancellation_rate"]
    assert (cr.amazon.key, cr.amazon.rate, cr.amazon.numerator, cr.amazon.denominator) == (
        "preFulfillmentCancellationRate",
        0.0414,
        7,
        169,
    )
    assert (cr.amazon.start, cr.amazon.end, cr.amazon.status) == (dt.date(2026, 11, 13), dt.date(2026, 11, 19), "BAD")
    assert rows["late_shipment_rate_10d"].amazon.key == "lateShipmentRateList[0]"
    assert rows["late_shipment_rate_30d"].amazon.key == "lateShipmentRateList[1]"
    assert rows["on_time_delivery_rate"].amazon.key == "unitOnTimeDeliveryRate"
    for row in rec.rows:
        # Amazon's report is one day behind; over its dates our recomputation gives exactly its counts.
        if row.agrees:
            continue
        assert row.ours_on_amazon_window == (row.amazon.numerator, row.amazon.denominator), row.metric_id
        assert row.causes == (
            f"Dates only: Amazon's report is 1 day behind ours. Over Amazon's dates we count "
            f"{row.amazon.numerator}/{row.amazon.denominator} too.",
        )
    doc = document(report)["reconcile"][0]
    assert doc["metrics"][0]["amazon"]["details"] == {"negative_feedback": 5, "a_to_z_claims": 2, "chargebacks": 1}


def test_reconcile_the_schema_example_with_its_key_variants(tmp_path: Path) -> None:
    report = audit([TINY, EXAMPLE_PERFORMANCE], as_of=dt.date(2024, 5, 10))
    assert report.errors == ()
    (rec,) = report.insights.reconcile
    assert rec.marketplace_id == "ATVPDKIKX0DER"
    assert rec.account_status == "AT_RISK"  # the US entry of three accountStatuses
    assert (rec.ahr_status, rec.ahr_score) == ("WARNED", None)
    assert rec.warning_states == ("spammingSellerMessaging: BAD",)  # `warningState`, singular
    rows = {r.metric_id: r for r in rec.rows}
    assert rows["cancellation_rate"].amazon.key == "prefulfillmentCancelRate"
    assert (rows["cancellation_rate"].amazon.numerator, rows["cancellation_rate"].amazon.denominator) == (551, 17197)
    # A single 30-day `lateShipmentRate`, no list: it is the 30-day rate, and no 10-day figure is invented.
    assert rows["late_shipment_rate_30d"].amazon.key == "lateShipmentRate"
    assert "late_shipment_rate_10d" not in rows
    # Unit-based on-time delivery is preferred over the package-based one.
    assert rows["on_time_delivery_rate"].amazon.key == "unitOnTimeDeliveryRate"
    assert rows["on_time_delivery_rate"].amazon.rate == 0.8848
    # The `afn` entry says fulfillmentType "mfn": the key decides.
    assert rows["order_defect_rate_afn"].amazon.key == "orderDefectRate.afn"
    assert rows["late_shipment_rate_30d"].causes  # a different account entirely: differences are explained
    # The example counts more valid packages than shipments: no negative count of bad ones is made of it.
    tracking = " ".join(rows["valid_tracking_rate"].causes)
    assert "Amazon's own counts do not add up" in tracking and "-" not in tracking.split("Amazon's own")[1]


def _results() -> Any:
    return audit([TINY], as_of=dt.date(2024, 5, 10)).metrics


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"performanceMetrics": "nope"},
        {"performanceMetrics": [None, 3, "x"]},
        {"performanceMetrics": [{"marketplaceId": 5, "orderDefectRate": [], "lateShipmentRateList": {"a": 1}}]},
        {
            "performanceMetrics": {
                "marketplaceId": "ATVPDKIKX0DER",
                "preFulfillmentCancellationRate": {"rate": "0.5", "orderCount": "2", "status": "SOMETHING_NEW"},
                "lateShipmentRateList": [{"rate": True, "reportingDateRange": {"reportingDateFrom": "garbage"}}],
                "validTrackingRate": {"rate": float("nan"), "shipmentCount": None},
                "warningStates": {"warningType": "newKind"},
                "accountHealthRating": {"ahrScore": "n/a"},
            }
        },
        ["not", "an", "object"],
    ],
)
def test_reconcile_never_fails_on_odd_documents(document: Any) -> None:
    found = reconcile([("perf.json", document)], _results(), get_marketplace("US"))
    assert len(found) == 1
    json.dumps(reconciliation(found[0]))


def test_unknown_enum_values_and_string_numbers_are_kept() -> None:
    document = {
        "performanceMetrics": [
            {
                "marketplaceId": "ATVPDKIKX0DER",
                "preFulfillmentCancellationRate": {"rate": "0.5", "orderCount": "2", "status": "SOMETHING_NEW"},
            }
        ]
    }
    (rec,) = reconcile([("p.json", document)], _results(), get_marketplace("US"))
    (row,) = rec.rows
    assert (row.amazon.rate, row.amazon.denominator, row.amazon.status) == (0.5, 2, "SOMETHING_NEW")


def test_the_audited_marketplace_is_picked_from_several(tmp_path: Path) -> None:
    entries = [
        {"marketplaceId": "A1PA6795UKMFR9", "validTrackingRate": {"rate": 0.9, "shipmentCount": 10}},
        {"marketplaceId": "ATVPDKIKX0DER", "validTrackingRate": {"rate": 0.99, "shipmentCount": 100}},
    ]
    document = {"performanceMetrics": entries}
    (us,) = reconcile([("p.json", document)], _results(), get_marketplace("US"))
    assert us.marketplace_id == "ATVPDKIKX0DER" and us.rows[0].amazon.rate == 0.99
    (de,) = reconcile([("p.json", document)], _results(), get_marketplace("DE"))
    assert de.marketplace_id == "A1PA6795UKMFR9" and de.rows[0].amazon.rate == 0.9
    (fr,) = reconcile([("p.json", document)], _results(), get_marketplace("FR"))
    assert fr.rows == () and "no entry for FR" in fr.notes[0]
    lone = {"performanceMetrics": entries[:1]}
    (other,) = reconcile([("p.json", lone)], _results(), get_marketplace("US"))
    assert other.rows and "not US" in other.notes[0]


def test_buyer_requested_exclusions_are_named_as_a_cause(tmp_path: Path) -> None:
    account = cancellation_account(tmp_path / "acct")
    document = {
        "performanceMetrics": [
            {
                "marketplaceId": "ATVPDKIKX0DER",
                "preFulfillmentCancellationRate": {
                    "reportingDateRange": {
                        "reportingDateFrom": "2024-05-04T00:00Z",
                        "reportingDateTo": "2024-05-10T23:59Z",
                    },
                    "orderCount": 140,
                    "cancellationCount": 3,
                    "rate": 0.0214,
                },
            }
        ]
    }
    perf = performance_document(tmp_path / "perf.json", document)
    report = audit([account, perf], as_of=dt.date(2024, 5, 10))
    (row,) = report.insights.reconcile[0].rows
    assert row.ours_on_amazon_window is None  # same dates
    assert len(row.causes) == 1
    assert "buyer-requested exclusions" in row.causes[0] and "We count 5 bad orders, Amazon 3" in row.causes[0]


def test_missing_orders_are_named_as_a_cause(tmp_path: Path) -> None:
    account = cancellation_account(tmp_path / "acct")
    document = {
        "performanceMetrics": [
            {
                "marketplaceId": "ATVPDKIKX0DER",
                "preFulfillmentCancellationRate": {
                    "reportingDateRange": {
                        "reportingDateFrom": "2024-05-04T00:00Z",
                        "reportingDateTo": "2024-05-10T23:59Z",
                    },
                    "orderCount": 150,
                    "cancellationCount": 5,
                },
            }
        ]
    }
    perf = performance_document(tmp_path / "perf.json", document)
    (row,) = audit([account, perf], as_of=dt.date(2024, 5, 10)).insights.reconcile[0].rows
    assert row.amazon.rate == pytest.approx(5 / 150)  # computed from the counts when the rate is absent
    assert row.causes == (
        "Missing orders: we count 10 fewer orders than Amazon in our window (download reports covering it).",
    )
