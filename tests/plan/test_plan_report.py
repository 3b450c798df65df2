"""Issue 15: the plan of action as a section of the report on any breach, in the JSON and the human formats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from healthcheck.audit import AuditReport, run_audit
from healthcheck.config import Config, MetricOverride
from healthcheck.metrics import get_spec, metric_ids
from healthcheck.metrics.base import Status
from healthcheck.outcome import FailOn
from healthcheck.plan import DIMENSIONS
from healthcheck.report import Format, render
from healthcheck.report.document import document

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_reports"
NOW = dt.datetime(2026, 11, 21, 6, 0, tzinfo=dt.UTC)
SPEC_KEYS = [
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


@pytest.fixture(scope="module")
def demo() -> AuditReport:
    return run_audit([SAMPLES], config=Config(), now=NOW)


def test_the_json_document_adds_a_plan_member_after_its_own_keys(demo: AuditReport) -> None:
    doc = document(demo)
    keys = list(doc)
    assert keys[: len(SPEC_KEYS)] == SPEC_KEYS and keys[-1] == "plan"
    [plan] = doc["plan"]
    breached = next(m for m in doc["metrics"] if m["status"] == "breach")
    assert plan["metric_id"] == breached["id"] and plan["orders"] == 7
    assert sorted(e["order_id"] for e in plan["evidence"]) == breached["order_ids"]
    assert [c["name"] for c in plan["root_cause"]["causes"]][:2] == ["cancel_reason", "cancelled_sku"]
    assert plan["root_cause"]["fill_in"].startswith("[FILL IN: ")
    assert {"actions_taken", "actions_now", "preventive_measures"} <= set(plan)


@pytest.mark.parametrize("fmt", [Format.TABLE, Format.MARKDOWN, Format.HTML])
def test_every_human_format_has_the_plan_section(fmt: Format, demo: AuditReport) -> None:
    text = render(demo, fmt, fail_on=FailOn.AT_RISK, color=False, width=None)
    assert "Plan of action: Cancellation rate" in text
    assert "Preventive measures" in text and "FILL IN: " in text
    assert "113-6739304-6682484" in text  # an order of the evidence
    if fmt is Format.HTML:
        assert '<section class="plan"><h2>Plan of action: Cancellation rate</h2>' in text
        assert "<strong>[FILL IN: " in text


def test_no_breach_no_plan(demo: AuditReport) -> None:
    """SPEC 5.3: only a breach calls for a plan; the at-risk late shipment rate gets none."""
    config = Config(metrics={"cancellation_rate": MetricOverride(target=0.05, at_risk=0.045)})
    report = run_audit([SAMPLES], config=config, now=NOW)
    assert not any(r.status is Status.BREACH for r in report.metrics)
    assert report.plans == () and document(report)["plan"] == []
    for fmt in (Format.TABLE, Format.MARKDOWN, Format.HTML):
        assert "Plan of action:" not in render(report, fmt, fail_on=FailOn.AT_RISK, color=False, width=None)


def test_every_metric_names_only_dimensions_the_plan_knows() -> None:
    """A typo in a spec's PlanShape would surface only on the day that metric breaches: caught here instead."""
    for spec in (get_spec(metric_id) for metric_id in metric_ids()):
        assert set(spec.plan.causes) <= set(DIMENSIONS), spec.id
        assert set(spec.plan.quiet) <= set(spec.plan.causes), spec.id
        assert all(DIMENSIONS[name].same_as for name in spec.plan.quiet), spec.id
