"""The daily trend of every metric, and the day each metric at risk or in breach is ok again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from healthcheck.insights.headrooms import rate_with_bad
from healthcheck.metrics.base import MetricResult, Status
from healthcheck.metrics.events import Events, day, day_number, rolled

# The trend covers at most this many as-of days, ending on the as-of date.
TREND_MAX_DAYS = 180

RECOVERY_ASSUMPTION = (
    "if nothing new goes wrong: overdue orders are shipped today and counted late as they already are, every "
    "order still to ship goes out on time, no new cancellations, defects, bad packages or late answers, and "
    "the window keeps today's volume"
)


@dataclass(frozen=True)
class Series:
    """One metric's daily value: rate, numerator and denominator per as-of day (None where nothing counted)."""

    metric_id: str
    numerators: tuple[int, ...]
    denominators: tuple[int, ...]

    @property
    def rates(self) -> tuple[float | None, ...]:
        return tuple(n / d if d else None for n, d in zip(self.numerators, self.denominators, strict=True))


@dataclass(frozen=True)
class Trend:
    start: dt.date
    end: dt.date
    series: tuple[Series, ...]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def get(self, metric_id: str) -> Series | None:
        return next((s for s in self.series if s.metric_id == metric_id), None)


@dataclass(frozen=True)
class Recovery:
    """The first as-of days (from the audit's on) the metric is under target, and ok, if nothing new goes wrong.

    None where that day is not reached by `searched_until` (the window's length and lag after the as-of date).
    """

    under_target: dt.date | None
    ok: dt.date | None
    searched_until: dt.date


def recovery(result: MetricResult, events: Events, as_of: dt.date) -> Recovery | None:
    """Roll the window forward over what is already known: only bad things active by the as-of day count (known
    defects still to enter a lagged window do), and the denominator stays at today's (RECOVERY_ASSUMPTION)."""
    spec = result.spec
    if result.status not in (Status.BREACH, Status.AT_RISK):
        return None
    first = day_number(as_of)
    last = first + spec.window_days + spec.end_lag_days
    known = np.where(events.bad_from <= first, events.bad_from, last + 1)  # after `last`: never counts here
    bad = rolled(events, known, spec, first, last)
    denominator = result.measurement.denominator
    statuses = [spec.classify(rate_with_bad(spec, int(b), denominator)) for b in bad]
    under = next((i for i, s in enumerate(statuses) if s is not Status.BREACH), None)
    ok = next((i for i, s in enumerate(statuses) if s is Status.OK), None)
    return Recovery(
        under_target=None if under is None else day(first + under),
        ok=None if ok is None else day(first + ok),
        searched_until=day(last),
    )
