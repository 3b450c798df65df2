"""Actions (SPEC 5.3): tied to their orders and SKUs, measured by how much they move their metric, and ranked
by the metric closest to breach (docs/decisions.md, Actions)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from report_accounts import audit, overdue_account

from healthcheck.actions import Action, Effect, Impact, impact, rank_key
from healthcheck.audit import AuditReport
from healthcheck.metrics.base import Measurement, MetricResult, MetricSpec
from healthcheck.metrics.cancellation import CANCELLATION_RATE
from healthcheck.metrics.late_shipment import LSR_10D
from healthcheck.metrics.tracking import VALID_TRACKING_RATE
from healthcheck.report.document import document
from healthcheck.report.text import impact_sentence


def result_of(spec: MetricSpec, numerator: int, denominator: int, problems: tuple[str, ...] = ()) -> MetricResult:
    rate = numerator / denominator
    measurement = Measurement(numerator=numerator, denominator=denominator, problem_order_ids=problems)
    return MetricResult(spec, spec.window(dt.date(2024, 5, 10)), measurement, spec.classify(rate), rate)


def test_demo_actions_in_priority_order(demo: AuditReport) -> None:
    ranked = [(a.priority, a.id, a.metric_id) for a in demo.actions]
    assert ranked == [
        (1, "appeal_buyer_cancellation", "cancellation_rate"),
        (2, "relist_or_fix_stock", "cancellation_rate"),
        # SPEC 5.3 (rev 2): the ShippingAddressUndeliverable cancellation is not a stock-out.
        # Issue 15: two SKUs with repeated seller cancellations in 30 days, whose offers Amazon can remove.
        (3, "review_offer_removal", "cancellation_rate"),
        (4, "review_cancellation_causes", "cancellation_rate"),
        (5, "plan_of_action", "cancellation_rate"),
        (6, "ship_overdue_orders", "late_shipment_rate_10d"),
        (7, "lengthen_handling_time", "late_shipment_rate_10d"),
        (8, "respond_to_claims", "order_defect_rate_mfn"),
        (9, "request_feedback_removal", "order_defect_rate_mfn"),
        # Issue 15: the SKUs behind the late deliveries (listing-level deactivation since 2026-02-28).
        (10, "fix_late_delivery_listings", "on_time_delivery_rate"),
        (11, "fix_tracking", "valid_tracking_rate"),
        # Feedback on FBA orders is requested apart, under the FBA rate it can move.
        (12, "request_feedback_removal", "order_defect_rate_afn"),
    ]
    for action in demo.actions:
        assert action.order_ids and action.skus, action.id


def test_demo_action_impacts(demo: AuditReport) -> None:
    by_id = {a.id: a for a in demo.actions}
    appeal = by_id["appeal_buyer_cancellation"].impact
    assert appeal is not None
    assert (appeal.orders, appeal.effect) == (2, Effect.REMOVES)
    assert appeal.rate_if_done == pytest.approx(5 / 166)
    stock = by_id["relist_or_fix_stock"].impact
    assert stock is not None and (stock.orders, stock.effect) == (4, Effect.PREVENTS)
    address = by_id["review_cancellation_causes"]
    assert address.impact is not None and address.impact.orders == 1
    assert "ShippingAddressUndeliverable" in address.detail
    plan = by_id["plan_of_action"].impact
    assert plan is not None and (plan.orders, plan.effect, plan.rate_if_done) == (7, Effect.DOCUMENTS, None)
    handling = by_id["lengthen_handling_time"].impact
    assert handling is not None and handling.orders == 6 and handling.rate_if_done == pytest.approx(3 / 240)
    tracking = by_id["fix_tracking"].impact
    assert tracking is not None and tracking.rate_if_done == 1.0  # higher is better: every bad package fixed
    doc = next(a for a in document(demo)["actions"] if a["id"] == "appeal_buyer_cancellation")
    assert doc["impact"] == {
        "orders": 2,
        "effect": "removes",
        "rate_now": pytest.approx(7 / 166),
        "rate_if_done": pytest.approx(5 / 166),
    }
    assert impact_sentence(demo, by_id["appeal_buyer_cancellation"]) == (
        "Removes 2 of the 7 cancellations in the cancellation rate if the appeal is granted: 4.22% -> 3.01%."
    )


def _action(action_id: str, metric: MetricResult, order_ids: tuple[str, ...]) -> Action:
    plain = Action(action_id, metric.id, action_id, "", order_ids)
    return dataclasses.replace(plain, impact=impact(plain, metric))


def test_ranking_rule() -> None:
    """Breach before at risk before ok; within a status, more of the budget used first; within a metric, what
    changes today's number before what prevents, then the bigger mover; the plan of action last."""
    breach = result_of(CANCELLATION_RATE, 5, 100, tuple(f"c{i}" for i in range(5)))  # 5 %: breach
    at_risk = result_of(LSR_10D, 39, 1000, tuple(f"l{i}" for i in range(39)))  # 3.9 %: at risk, 97 % used
    ok_close = result_of(VALID_TRACKING_RATE, 958, 1000, tuple(f"v{i}" for i in range(42)))  # ok, 84 % used
    ok_far = result_of(LSR_10D.with_overrides(), 1, 1000, ("x",))
    ok_far = dataclasses.replace(ok_far, spec=dataclasses.replace(ok_far.spec, id="late_shipment_rate_30d"))
    metrics = {m.id: m for m in (breach, at_risk, ok_close, ok_far)}
    actions = [
        _action("fix_tracking", ok_close, ("v1", "v2")),
        _action("lengthen_handling_time", ok_far, ("x",)),
        _action("lengthen_handling_time", at_risk, ("l1", "l2", "l3", "l4")),
        _action("ship_overdue_orders", at_risk, ("l5",)),
        _action("plan_of_action", breach, breach.measurement.problem_order_ids),
        _action("relist_or_fix_stock", breach, ("c1", "c2", "c3")),
        _action("appeal_buyer_cancellation", breach, ("c4",)),
        _action("relist_or_fix_stock", breach, ("c1",)),
    ]
    ranked = sorted(actions, key=lambda a: rank_key(a, metrics[a.metric_id]))
    assert [(a.id, a.metric_id, a.impact.orders if a.impact else None) for a in ranked] == [
        ("appeal_buyer_cancellation", "cancellation_rate", 1),
        ("relist_or_fix_stock", "cancellation_rate", 3),
        ("relist_or_fix_stock", "cancellation_rate", 1),
        ("plan_of_action", "cancellation_rate", 5),
        ("ship_overdue_orders", "late_shipment_rate_10d", 1),
        ("lengthen_handling_time", "late_shipment_rate_10d", 4),
        ("fix_tracking", "valid_tracking_rate", 2),
        ("lengthen_handling_time", "late_shipment_rate_30d", 1),
    ]


def test_impact_counts_only_the_metrics_counted_orders() -> None:
    metric = result_of(CANCELLATION_RATE, 4, 100, ("a", "b", "c", "d"))
    found = impact(Action("appeal_buyer_cancellation", metric.id, "", "", ("a", "z")), metric)
    assert found == Impact(1, Effect.REMOVES, 0.04, 0.03)
    unevaluated = dataclasses.replace(metric, rate=None)
    assert impact(Action("appeal_buyer_cancellation", metric.id, "", "", ("a",)), unevaluated) is None


def test_overdue_orders_due_today_are_not_called_late(tmp_path: Path) -> None:
    """SPEC 5.3: ship_overdue_orders are past their ship-by date; an order due on the as-of day is not late yet
    and has an action of its own, so that neither list names what the other means."""
    report = audit([overdue_account(tmp_path / "acct")], as_of=dt.date(2024, 5, 10))
    overdue = next(a for a in report.actions if a.id == "ship_overdue_orders")
    assert overdue.order_ids == ("111-0000001-0000001",)
    assert overdue.title == "Ship now: 1 order overdue, unconfirmed"
    assert overdue.detail == (
        "1 order past the ship-by date already counts as a late shipment. Ship and confirm them today, most urgent "
        "first: 111-0000001-0000001 was due 2024-05-08. None of them is within 2 business days of Amazon cancelling "
        "it. Amazon cancels an order left unconfirmed 7 business days past its ship-by date, which also counts as a "
        "cancellation and invites an A-to-z claim."
    )
    assert overdue.impact is not None and overdue.impact.orders == 1
    today = next(a for a in report.actions if a.id == "ship_due_today")
    assert today.order_ids == ("111-0000002-0000002",)
    assert today.title == "Ship today: 1 order due today, unconfirmed"
    assert today.detail.startswith("1 order due today counts as late unless shipped and confirmed by the end of")
    assert (overdue.skus, today.skus) == (("LAMP-1",), ("MUG-1",))
    assert impact_sentence(report, today) == "Stops 1 order from counting as late shipments."
    lsr = next(r for r in report.metrics if r.id == "late_shipment_rate_10d")
    assert lsr.measurement.order_ids == ("111-0000001-0000001",)  # the one due today is not late yet
