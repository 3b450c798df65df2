"""What the report adds to the metrics: headroom, recovery dates, the daily trend, and Amazon's own numbers.

Pure functions over `AuditData` and the metric results, returning frozen values that `AuditReport` carries.

The trend and the recovery dates rest on one idea. Every metric counts dated things (orders, packages, units,
messages) whose basis date must fall in the window; a few only start to count from some as-of day on (an
unconfirmed order counts as late from the day after its ship-by date; an unanswered message from 24 hours after
it came). So each thing counts for the as-of days of one interval, and the metric's daily numerator and
denominator over any span of days are a difference array rolled once: no per-day re-evaluation, cheap for a
million orders. The daily value on the as-of day is checked against the audited metric, so the trend can never
disagree with the number above it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from healthcheck.insights.headrooms import Headroom, budget_used, headroom, rate_with_bad
from healthcheck.insights.reconciliation import Reconciliation, reconcile
from healthcheck.insights.trend import RECOVERY_ASSUMPTION, TREND_MAX_DAYS, Recovery, Series, Trend, recovery
from healthcheck.insights.worklist import OrderFact, order_facts
from healthcheck.metrics.base import MetricResult
from healthcheck.metrics.events import Events, daily, day, day_number
from healthcheck.model import AuditData

__all__ = [
    "RECOVERY_ASSUMPTION",
    "TREND_MAX_DAYS",
    "Events",
    "Headroom",
    "Insights",
    "OrderFact",
    "Recovery",
    "Series",
    "Trend",
    "budget_used",
    "build_insights",
    "headroom",
    "metric_events",
    "order_facts",
    "rate_with_bad",
    "reconcile",
    "recovery",
]


@dataclass(frozen=True)
class Insights:
    headroom: Mapping[str, Headroom]
    recovery: Mapping[str, Recovery]
    trend: Trend | None
    reconcile: tuple[Reconciliation, ...]
    notes: tuple[str, ...]


def metric_events(data: AuditData, result: MetricResult) -> Events | None:
    """The day-by-day events behind an evaluated metric's number, for its trend and recovery (None without).

    Metrics that share an extractor (the two late shipment rates) share its events: extracted once per audit
    data, by whichever asks first.
    """
    extract = result.spec.events
    if extract is None or result.rate is None:
        return None
    return data.derived(extract, extract, lambda: extract(data))


def build_insights(
    data: AuditData,
    results: Sequence[MetricResult],
    as_of: dt.date,
    seller_performance: Sequence[tuple[str, Mapping[str, Any]]] = (),
    events: Mapping[str, Events] | None = None,
) -> Insights:
    """Headroom and recovery per metric, the daily trend, and the reconciliation with Amazon's numbers.

    `events` are the metrics' `metric_events`, when the caller extracted them already (the audit does, on the
    thread that evaluated each metric); otherwise they are extracted here.
    """
    notes: list[str] = []
    rooms = {r.id: room for r in results if (room := headroom(r)) is not None}
    if events is None:
        events = {r.id: found for r in results if (found := metric_events(data, r)) is not None}
    last = day_number(as_of)
    starts = [
        int(e.basis.min()) + r.spec.end_lag_days
        for r in results
        if (e := events.get(r.id)) is not None and e.basis.size
    ]
    series: list[Series] = []
    recoveries: dict[str, Recovery] = {}
    dropped: set[str] = set()
    first = max(min(starts), last - TREND_MAX_DAYS + 1) if starts else last + 1
    for result in results:
        found = events.get(result.id)
        if found is None:
            continue
        numerators, denominators = daily(found, result.spec, min(first, last), last)
        m = result.measurement
        if (int(numerators[-1]), int(denominators[-1])) != (m.numerator, m.denominator):
            # Guard: the daily recomputation must reproduce the audited number, or it is not shown at all.
            notes.append(
                f"the trend and recovery date of {result.id} were left out: the daily recomputation gives "
                f"{numerators[-1]}/{denominators[-1]}, the audit {m.numerator}/{m.denominator} (please report this)"
            )
            dropped.add(result.id)
            continue
        if first <= last:
            series.append(Series(result.id, tuple(map(int, numerators)), tuple(map(int, denominators))))
        found_recovery = recovery(result, found, as_of)
        if found_recovery is not None:
            recoveries[result.id] = found_recovery
    trend = Trend(day(first), as_of, tuple(series)) if series else None
    return Insights(
        headroom=MappingProxyType(rooms),
        recovery=MappingProxyType(recoveries),
        trend=trend,
        reconcile=reconcile(
            seller_performance,
            results,
            data.marketplace,
            events={k: v for k, v in events.items() if k not in dropped},
            as_of=as_of,
        ),
        notes=tuple(notes),
    )
