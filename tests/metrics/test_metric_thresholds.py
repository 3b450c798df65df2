"""Statuses from rates (SPEC 4): lower-is-better breaches AT the target, higher-is-better breaches BELOW it.

`MetricSpec.classify` is tested directly, then every metric end to end at its target, at its at-risk threshold
and just on the good side of it, with real report files.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from metric_builders import (
    ao,
    audit,
    claim,
    counts,
    end_of_day,
    la,
    oid,
    orep,
    sc,
    write_all_orders,
    write_claims,
    write_order_report,
    write_ship_confirmations,
)

from healthcheck.config import Config, MetricOverride
from healthcheck.metrics import METRIC_IDS, get_spec
from healthcheck.outcome import Status

AS_OF = "2024-05-15"

DEFAULTS = {
    "order_defect_rate_mfn": ("lower_is_better", 0.01, 0.008),
    "order_defect_rate_afn": ("lower_is_better", 0.01, 0.008),
    "cancellation_rate": ("lower_is_better", 0.025, 0.02),
    "late_shipment_rate_10d": ("lower_is_better", 0.04, 0.032),
    "late_shipment_rate_30d": ("lower_is_better", 0.04, 0.032),
    "valid_tracking_rate": ("higher_is_better", 0.95, 0.96),
    "on_time_delivery_rate": ("higher_is_better", 0.90, 0.92),
}


def test_every_metric_has_amazons_default_thresholds() -> None:
    assert tuple(METRIC_IDS[: len(DEFAULTS)]) == tuple(DEFAULTS)  # SPEC 4's table, in its order
    for metric_id, (direction, target, at_risk) in DEFAULTS.items():
        spec = get_spec(metric_id)
        assert (str(spec.direction), spec.target, spec.at_risk) == (direction, target, at_risk)


@pytest.mark.parametrize(
    ("metric_id", "rate", "status"),
    [
        # lower is better: >= target is a breach, >= at-risk is at risk
        ("cancellation_rate", 0.0, Status.OK),
        ("cancellation_rate", 0.0199, Status.OK),
        ("cancellation_rate", 0.02, Status.AT_RISK),
        ("cancellation_rate", 0.0249, Status.AT_RISK),
        ("cancellation_rate", 0.025, Status.BREACH),
        ("cancellation_rate", 1.0, Status.BREACH),
        ("order_defect_rate_mfn", 0.0079, Status.OK),
        ("order_defect_rate_mfn", 0.008, Status.AT_RISK),
        ("order_defect_rate_mfn", 0.01, Status.BREACH),
        ("order_defect_rate_afn", 0.0099, Status.AT_RISK),
        ("late_shipment_rate_10d", 0.0319, Status.OK),
        ("late_shipment_rate_10d", 0.032, Status.AT_RISK),
        ("late_shipment_rate_10d", 0.04, Status.BREACH),
        ("late_shipment_rate_30d", 0.0399, Status.AT_RISK),
        # higher is better: below target is a breach, below at-risk is at risk, at-risk itself is ok
        ("valid_tracking_rate", 1.0, Status.OK),
        ("valid_tracking_rate", 0.96, Status.OK),
        ("valid_tracking_rate", 0.9599, Status.AT_RISK),
        ("valid_tracking_rate", 0.95, Status.AT_RISK),
        ("valid_tracking_rate", 0.9499, Status.BREACH),
        ("valid_tracking_rate", 0.0, Status.BREACH),
        ("on_time_delivery_rate", 0.92, Status.OK),
        ("on_time_delivery_rate", 0.9199, Status.AT_RISK),
        ("on_time_delivery_rate", 0.90, Status.AT_RISK),
        ("on_time_delivery_rate", 0.8999, Status.BREACH),
        # no rate: not evaluated
        ("cancellation_rate", None, Status.NOT_EVALUATED),
        ("valid_tracking_rate", None, Status.NOT_EVALUATED),
    ],
)
def test_classify(metric_id: str, rate: float | None, status: Status) -> None:
    assert get_spec(metric_id).classify(rate) is status


@pytest.mark.parametrize(
    ("rate", "status"),
    [(0.03, Status.OK), (0.05, Status.AT_RISK), (0.06, Status.BREACH)],
)
def test_classify_with_overridden_thresholds(rate: float, status: Status) -> None:
    spec = get_spec("late_shipment_rate_10d").with_overrides(target=0.06, at_risk=0.05)
    assert spec.classify(rate) is status


def test_classify_without_an_at_risk_threshold_goes_straight_from_ok_to_breach() -> None:
    lower = dataclasses.replace(get_spec("cancellation_rate"), at_risk=None)
    higher = dataclasses.replace(get_spec("valid_tracking_rate"), at_risk=None)
    assert (lower.classify(0.0249), lower.classify(0.025)) == (Status.OK, Status.BREACH)
    assert (higher.classify(0.95), higher.classify(0.9499)) == (Status.OK, Status.BREACH)


def test_informational_metrics_are_always_ok() -> None:
    spec = dataclasses.replace(get_spec("cancellation_rate"), informational=True)
    assert spec.classify(0.9) is Status.OK
    assert spec.classify(None) is Status.NOT_EVALUATED


# ------------------------------------------------------------------------------------------------------------
# End to end: rate exactly at the target, exactly at the at-risk threshold, just on the good side


@pytest.mark.parametrize(
    ("bad", "total", "status"), [(1, 40, "breach"), (1, 41, "at_risk"), (1, 50, "at_risk"), (1, 51, "ok")]
)
def test_cancellation_rate_thresholds(tmp_path: Path, bad: int, total: int, status: str) -> None:
    write_all_orders(
        tmp_path,
        [ao(oid(n), la("2024-05-13"), status="Cancelled" if n <= bad else "Shipped") for n in range(1, total + 1)],
    )
    m = audit(tmp_path, AS_OF).metric("cancellation_rate")
    assert counts(m) == (bad, total)
    assert m["rate"] == bad / total
    assert m["status"] == status


@pytest.mark.parametrize(("bad", "total", "status"), [(1, 25, "breach"), (4, 125, "at_risk"), (4, 126, "ok")])
def test_late_shipment_rate_thresholds(tmp_path: Path, bad: int, total: int, status: str) -> None:
    numbers = range(1, total + 1)
    write_order_report(
        tmp_path, [orep(oid(n), la("2024-05-06"), latest_ship_date=end_of_day("2024-05-10")) for n in numbers]
    )
    write_ship_confirmations(tmp_path, [sc(oid(n), "2024-05-13" if n <= bad else "2024-05-09") for n in numbers])
    result = audit(tmp_path, AS_OF)
    for metric_id in ("late_shipment_rate_10d", "late_shipment_rate_30d"):
        m = result.metric(metric_id)
        assert counts(m) == (bad, total)
        assert m["rate"] == bad / total
        assert m["status"] == status


@pytest.mark.parametrize(("bad", "total", "status"), [(1, 100, "breach"), (1, 125, "at_risk"), (1, 126, "ok")])
def test_order_defect_rate_thresholds(tmp_path: Path, bad: int, total: int, status: str) -> None:
    rows = [ao(oid(n), la("2024-04-10")) for n in range(1, total + 1)]
    rows += [ao(oid(n), la("2024-04-10"), channel="Amazon") for n in range(1001, 1001 + total)]
    write_all_orders(tmp_path, rows)
    write_claims(tmp_path, [claim(oid(n), "open") for n in (*range(1, bad + 1), *range(1001, 1001 + bad))])
    result = audit(tmp_path, AS_OF)
    for metric_id in ("order_defect_rate_mfn", "order_defect_rate_afn"):
        m = result.metric(metric_id)
        assert counts(m) == (bad, total)
        assert m["rate"] == bad / total
        assert m["status"] == status


@pytest.mark.parametrize(
    ("good", "total", "status"),
    [(19, 20, "at_risk"), (23, 24, "at_risk"), (24, 25, "ok"), (94, 99, "breach"), (18, 19, "breach")],
)
def test_valid_tracking_rate_thresholds(tmp_path: Path, good: int, total: int, status: str) -> None:
    write_ship_confirmations(
        tmp_path, [sc(oid(n), "2024-05-10", carrier="UPS" if n <= good else "Other") for n in range(1, total + 1)]
    )
    m = audit(tmp_path, AS_OF).metric("valid_tracking_rate")
    assert counts(m) == (good, total)
    assert m["rate"] == good / total
    assert m["status"] == status


@pytest.mark.parametrize(
    ("good", "total", "status"), [(9, 10, "at_risk"), (23, 25, "ok"), (91, 100, "at_risk"), (89, 99, "breach")]
)
def test_on_time_delivery_rate_thresholds(tmp_path: Path, good: int, total: int, status: str) -> None:
    promised = end_of_day("2024-05-05")
    write_order_report(tmp_path, [orep(oid(n), la("2024-04-29"), latest_delivery_date=promised) for n in (1, 2)])
    write_ship_confirmations(
        tmp_path,
        [
            sc(oid(1), "2024-04-30", quantity=good, delivered_at=la("2024-05-05", "20:00:00")),
            sc(oid(2), "2024-04-30", quantity=total - good, delivered_at=la("2024-05-06", "08:00:00")),
        ],
    )
    m = audit(tmp_path, AS_OF).metric("on_time_delivery_rate")
    assert counts(m) == (good, total)
    assert m["rate"] == good / total
    assert m["status"] == status


def test_configured_thresholds_reach_the_report(tmp_path: Path) -> None:
    write_all_orders(
        tmp_path, [ao(oid(n), la("2024-05-13"), status="Cancelled" if n == 1 else "Shipped") for n in range(1, 21)]
    )
    config = Config(metrics={"cancellation_rate": MetricOverride(target=0.10, at_risk=0.05)})
    m = audit(tmp_path, AS_OF, config=config).metric("cancellation_rate")
    assert (m["rate"], m["target"], m["at_risk_threshold"], m["status"]) == (0.05, 0.10, 0.05, "at_risk")
