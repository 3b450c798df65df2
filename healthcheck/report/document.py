"""The JSON document of SPEC 5.2, in one place: every domain value the audit returns, as the contract spells it.

Keys come in the contract's order; keys the contract does not name come after its own. The domain types carry no
serialisation: the JSON format, the history and the portfolio read the document from here.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from healthcheck import __version__
from healthcheck.action_base import Action, Impact
from healthcheck.errors import InputProblem
from healthcheck.insights import Headroom, Recovery, Series, Trend
from healthcheck.insights.reconciliation import ReconcileRow, Reconciliation
from healthcheck.loaders.seller_performance import AmazonFigure
from healthcheck.metrics.base import MetricResult, Window
from healthcheck.metrics.rules import Rule
from healthcheck.outcome import FailOn
from healthcheck.plan import Cause, Plan, Step

if TYPE_CHECKING:
    from healthcheck.audit import AuditReport

SCHEMA_VERSION = 1


def document(report: AuditReport, fail_on: FailOn = FailOn.AT_RISK) -> dict[str, Any]:
    """The whole audit as the JSON document of SPEC 5.2."""
    trend = report.insights.trend
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "healthcheck", "version": __version__},
        "generated_at": report.generated_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "as_of": report.as_of.isoformat(),
        "marketplace": report.marketplace.code,
        "status": str(report.status),
        "exit_code": int(report.exit_code(fail_on)),
        "metrics": [metric_entry(report, m) for m in report.metrics],
        "actions": [action(a) for a in report.actions],
        "inputs": list(report.inputs),
        "unmatched_defects": list(report.unmatched_defects),
        "errors": [problem(e) for e in report.errors],
        "as_of_source": report.as_of_source,
        "marketplace_source": report.marketplace_source,
        "unknown_reason": report.unknown_reason,
        "warnings": list(report.warnings),
        "reconcile": [reconciliation(r) for r in report.insights.reconcile],
        "trend": _trend(trend) if trend else None,
        # Issue 15: the draft plan of action of each metric in breach (empty when none is).
        "plan": [plan_entry(p) for p in report.plans],
    }


def metric_entry(report: AuditReport, result: MetricResult) -> dict[str, Any]:
    """A metric's SPEC 5.2 entry with the added keys (headroom, recovery) after the contract's own."""
    room = report.insights.headroom.get(result.id)
    found = report.insights.recovery.get(result.id)
    return {
        **metric(result),
        "headroom": _headroom(room) if room else None,
        "recovery": _recovery(found) if found else None,
        # The headline date: back to ok (under target and under at risk) if nothing new goes wrong.
        "recovery_date": found.ok.isoformat() if found and found.ok else None,
        "program": result.spec.program,
        "rule": _rule(result.spec.rule),
    }


def _rule(rule: Rule | None) -> dict[str, Any] | None:
    """The rule the metric was judged by (metrics/rules.py): SPEC's (`contract`) or Amazon's dated one."""
    if rule is None:
        return None
    return {
        "contract": rule.contract,
        "since": rule.since.isoformat() if rule.since else None,
        "marketplaces": sorted(rule.marketplaces),
        "enforcement": rule.enforcement.name.lower(),
        "measures": rule.measures or None,
        "source": rule.source,
    }


def metric(result: MetricResult) -> dict[str, Any]:
    m = result.measurement
    return {
        "id": result.spec.id,
        "title": result.spec.title,
        "status": str(result.status),
        "rate": result.rate,
        "numerator": m.numerator if m.counted else None,
        "denominator": m.denominator if m.counted else None,
        "target": result.spec.target,
        "at_risk_threshold": result.spec.at_risk,
        "direction": str(result.spec.direction),
        "window": _window(result.window),
        "coverage": coverage(result),
        "details": dict(m.details),
        "order_ids": list(m.order_ids),
        "reason": m.reason,
        "problem_order_ids": list(m.problem_order_ids),
        "notes": list(m.notes),
        # `recomputed` from the seller's files, or `amazon`: taken from Amazon's own report (issue 15). Only a
        # recomputed metric makes an audit checked (SPEC 5.2 rev 2).
        "source": str(m.source),
    }


def _window(window: Window) -> dict[str, Any]:
    return {
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
        "days": window.days,
        "basis": str(window.basis),
    }


def coverage(result: MetricResult) -> dict[str, Any]:
    """SPEC 5.2 (rev 2): how much of its window the data covers, and which reports would complete it."""
    m = result.measurement
    return {
        "first_data_date": m.first_data_date.isoformat() if m.first_data_date else None,
        "last_data_date": m.last_data_date.isoformat() if m.last_data_date else None,
        "complete": result.coverage_complete,
        "window_days": result.window.days,
        "covered_days": result.covered_days,
        "missing_inputs": list(result.missing_inputs),
    }


def _headroom(room: Headroom) -> dict[str, Any]:
    return {
        "until_at_risk": room.until_at_risk,
        "until_breach": room.until_breach,
        "unit": room.unit,
        "budget_used": None if room.budget_used is None else round(room.budget_used, 4),
    }


def _recovery(found: Recovery) -> dict[str, Any]:
    return {
        "under_target": found.under_target.isoformat() if found.under_target else None,
        "ok": found.ok.isoformat() if found.ok else None,
        "searched_until": found.searched_until.isoformat(),
    }


def action(item: Action) -> dict[str, Any]:
    return {
        "id": item.id,
        "metric_id": item.metric_id,
        "priority": item.priority,
        "title": item.title,
        "detail": item.detail,
        "order_ids": list(item.order_ids),
        "skus": list(item.skus),
        "impact": _impact(item.impact) if item.impact else None,
    }


def _impact(impact: Impact) -> dict[str, Any]:
    return {
        "orders": impact.orders,
        "effect": str(impact.effect),
        "rate_now": impact.rate_now,
        "rate_if_done": impact.rate_if_done,
    }


def problem(item: InputProblem) -> dict[str, Any]:
    return {"path": item.path, "line": item.line, "type": item.type, "message": item.message}


def _series(series: Series) -> dict[str, Any]:
    return {
        "id": series.metric_id,
        "rates": [None if r is None else round(r, 6) for r in series.rates],
        "numerators": list(series.numerators),
        "denominators": list(series.denominators),
    }


def _trend(trend: Trend) -> dict[str, Any]:
    return {
        "start": trend.start.isoformat(),
        "end": trend.end.isoformat(),
        "days": trend.days,
        "metrics": [_series(s) for s in trend.series],
    }


def reconciliation(item: Reconciliation) -> dict[str, Any]:
    return {
        "path": item.path,
        "marketplace_id": item.marketplace_id,
        "account_status": item.account_status,
        "account_health_rating": {"status": item.ahr_status, "score": item.ahr_score},
        "warning_states": list(item.warning_states),
        "metrics": [_reconcile_row(r) for r in item.rows],
        "notes": list(item.notes),
    }


def _reconcile_row(row: ReconcileRow) -> dict[str, Any]:
    m = row.ours.measurement
    evaluated = row.ours.rate is not None
    return {
        "metric_id": row.metric_id,
        "ours": {
            "rate": row.ours.rate,
            "numerator": m.numerator if evaluated else None,
            "denominator": m.denominator if evaluated else None,
            "window": {"start": row.ours.window.start.isoformat(), "end": row.ours.window.end.isoformat()},
            "status": str(row.ours.status),
        },
        "amazon": amazon_figure(row.amazon),
        "ours_on_amazon_window": _counts(row.ours_on_amazon_window),
        "difference": None if row.difference is None else round(row.difference, 6),
        "agrees": row.agrees,
        "causes": list(row.causes),
    }


def amazon_figure(figure: AmazonFigure) -> dict[str, Any]:
    return {
        "key": figure.key,
        "rate": figure.rate,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "window": {
            "start": figure.start.isoformat() if figure.start else None,
            "end": figure.end.isoformat() if figure.end else None,
        },
        "status": figure.status,
        "details": dict(figure.details),
    }


def _counts(counts: tuple[int, int] | None) -> dict[str, Any] | None:
    if counts is None:
        return None
    numerator, denominator = counts
    return {
        "rate": numerator / denominator if denominator else None,
        "numerator": numerator,
        "denominator": denominator,
    }


def plan_entry(plan: Plan) -> dict[str, Any]:
    """A metric's plan of action in its three parts, with the orders as evidence; `[FILL IN: ...]` in a text is
    the seller's to write."""
    return {
        "metric_id": plan.result.id,
        "orders": plan.order_count,
        "root_cause": {"causes": [_cause(c) for c in plan.causes], "fill_in": plan.why},
        "actions_taken": [_step(s) for s in plan.taken],
        "actions_now": [_step(s) for s in plan.now],
        "preventive_measures": [_step(s) for s in plan.prevent],
        "evidence": [
            {
                "order_id": e.order_id,
                "purchase_date": e.purchase_date.isoformat() if e.purchase_date else None,
                "facts": list(e.facts),
            }
            for e in plan.evidence
        ],
    }


def _cause(cause: Cause) -> dict[str, Any]:
    return {
        "name": cause.name,
        "label": cause.label,
        "values": [{"value": v.value, "count": v.count, "order_ids": list(v.order_ids)} for v in cause.values],
    }


def _step(step: Step) -> dict[str, Any]:
    return {"text": step.text, "order_ids": list(step.order_ids), "skus": list(step.skus)}
