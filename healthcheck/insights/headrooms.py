"""Headroom: how many more bad ones a metric's window takes at today's volume (docs/decisions.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from healthcheck.metrics.base import Direction, MetricResult, MetricSpec, Status


@dataclass(frozen=True)
class Headroom:
    """How many more bad ones the current window can take, at today's volume (same denominator).

    `until_at_risk` is the largest k such that k more bad ones leave the metric ok; `until_breach` the largest k
    that leaves it under target. None when the metric is already at that level (0 means the next one tips it).
    `budget_used` is the share of the allowed bad share in use: rate / target for lower-is-better metrics,
    (1 - rate) / (1 - target) for higher-is-better ones; 1 or more is a breach.
    """

    until_at_risk: int | None
    until_breach: int | None
    unit: str
    budget_used: float | None


def rate_with_bad(spec: MetricSpec, bad: int, denominator: int) -> float:
    """The metric's rate when `bad` of `denominator` go wrong."""
    if spec.direction is Direction.LOWER_IS_BETTER:
        return bad / denominator
    return (denominator - bad) / denominator


def budget_used(spec: MetricSpec, rate: float | None) -> float | None:
    """Share of the allowed bad share in use (>= 1 is a breach); None without a rate or a target."""
    if rate is None or spec.target is None or spec.informational:
        return None
    if spec.direction is Direction.LOWER_IS_BETTER:
        return rate / spec.target if spec.target > 0 else None
    allowed = 1 - spec.target
    return (1 - rate) / allowed if allowed > 0 else None


def _largest(ok: Callable[[int], bool], upper: int) -> int | None:
    """Largest k in 0..upper with ok(k), for a predicate true up to some k and false after; None if ok(0) fails."""
    if not ok(0):
        return None
    lo, hi = 0, upper
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def headroom(result: MetricResult) -> Headroom | None:
    """Headroom of an evaluated metric with a target; the statuses come from the spec, so `<`/`>=` match SPEC 4."""
    spec = result.spec
    if result.rate is None or spec.target is None or spec.informational:
        return None
    if not result.recomputed:
        # Amazon's figure: its window and counts are Amazon's, so "how many more" is not ours to say.
        return None
    denominator = result.measurement.denominator
    bad = result.bad
    spare = denominator - bad

    def status_with(extra: int) -> Status:
        return spec.classify(rate_with_bad(spec, bad + extra, denominator))

    return Headroom(
        until_at_risk=_largest(lambda k: status_with(k) is Status.OK, spare),
        until_breach=_largest(lambda k: status_with(k) is not Status.BREACH, spare),
        unit=spec.unit,
        budget_used=budget_used(spec, result.rate),
    )
