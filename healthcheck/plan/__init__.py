"""The plan of action: the draft Amazon asks for when a metric is in breach, from the audit's data (issue 15)."""

from healthcheck.plan.build import (
    Cause,
    CauseValue,
    Evidence,
    Plan,
    Step,
    draft_plan,
    plan_needed,
    with_steps,
)
from healthcheck.plan.causes import DIMENSIONS, FILL, fill_in

__all__ = [
    "DIMENSIONS",
    "FILL",
    "Cause",
    "CauseValue",
    "Evidence",
    "Plan",
    "Step",
    "draft_plan",
    "fill_in",
    "plan_needed",
    "with_steps",
]
