"""The dated things a metric counts, as intervals of as-of days (the trend's and the recovery's common ground).

Every metric counts dated things (orders, packages, units, messages) whose basis date must fall in the window; a
few only start to count from some as-of day on (an unconfirmed order counts as late from the day after its
ship-by date; an unanswered message from 24 hours after it came). So each thing counts for the as-of days of one
interval, and the metric's daily numerator and denominator over any span of days are a difference array rolled
once: no per-day re-evaluation, cheap for a million orders. Each metric module says what its things are
(`events`); the audit checks the as-of day's value against the metric's own count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from healthcheck.metrics.base import MetricSpec

EPOCH = dt.date(1970, 1, 1)
# Day numbers far outside any audit, and far enough from int64's ends that adding a window never overflows.
ALWAYS = np.iinfo(np.int64).min // 4  # counts from any as-of day
NEVER = np.iinfo(np.int64).max // 4  # never counts
# An `Events` holds its days as int32 (issue 16: a five-million-order audit keeps every metric's events until its
# trend is drawn, 0.5 GB as int64); ALWAYS and NEVER become these, as far from any audit.
_DAYS = np.int32
_ALWAYS_DAY, _NEVER_DAY = np.iinfo(_DAYS).min // 4, np.iinfo(_DAYS).max // 4


def day(value: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(value))


def day_number(value: dt.date) -> int:
    return (value - EPOCH).days


@dataclass(frozen=True)
class Events:
    """The things a metric counts: basis day, first as-of day in the population, first as-of day counted bad.

    Days are day numbers since 1970-01-01. `bad_from` is never earlier than `counted_from`.
    """

    basis: np.ndarray
    counted_from: np.ndarray
    bad_from: np.ndarray
    weight: np.ndarray

    @classmethod
    def build(cls, basis: pd.Series, counted_from: Any, bad_from: Any, weight: Any = 1) -> Events:
        """Align the columns, drop things without a basis date (they fall in no window)."""
        frame = pd.DataFrame(
            {"counted_from": counted_from, "bad_from": bad_from, "weight": weight}, index=basis.index
        ).astype("int64")
        mask = basis.notna()
        return cls(
            basis=day_numbers(basis[mask]).astype(_DAYS),
            counted_from=_days(frame.loc[mask, "counted_from"].to_numpy()),
            bad_from=_days(frame.loc[mask, "bad_from"].to_numpy()),
            weight=frame.loc[mask, "weight"].to_numpy().astype(np.int32),
        )


def _days(values: np.ndarray) -> np.ndarray:
    """Day numbers as `_DAYS`, ALWAYS and NEVER (and anything as far) as their int32 counterparts."""
    return np.clip(values, _ALWAYS_DAY, _NEVER_DAY).astype(_DAYS)


def day_numbers(values: pd.Series) -> np.ndarray:
    """Local-midnight datetimes as day numbers."""
    return values.to_numpy(dtype="datetime64[us]").astype("datetime64[D]").astype(np.int64)


def flag(mask: pd.Series, when: Any = ALWAYS) -> np.ndarray:
    """`when` where the mask holds, never elsewhere."""
    return np.where(mask.to_numpy(dtype=bool), when, NEVER)


def rolled(events: Events, active_from: np.ndarray, spec: MetricSpec, first: int, last: int) -> np.ndarray:
    """Weight counted on each as-of day first..last: a thing counts on day X when its basis day is in the window
    ending X - lag and X is on or after its activation day, i.e. for X in [max(basis + lag, active), basis + lag +
    window - 1]."""
    length = last - first + 1
    lag, width = spec.end_lag_days, spec.window_days
    # In place where it can be: on five million orders every temporary is fresh memory, and this runs 18 times.
    lo = events.basis + lag
    np.maximum(lo, active_from, out=lo)
    np.clip(lo, first, last + 1, out=lo)
    hi = events.basis + (lag + width - 1)
    np.clip(hi, first - 1, last, out=hi)
    keep = lo <= hi
    lo, hi = lo[keep], hi[keep]
    lo -= first
    hi -= first - 1
    weight = events.weight
    if not len(weight) or int(weight.min()) == 1 == int(weight.max()):
        # Each thing counts once (orders, packages): plain counts, no float weights.
        return np.cumsum(np.bincount(lo, minlength=length + 1) - np.bincount(hi, minlength=length + 1))[:length]
    weights = events.weight[keep].astype(np.float64)
    starts = np.bincount(lo, weights=weights, minlength=length + 1)
    ends = np.bincount(hi, weights=weights, minlength=length + 1)
    return np.cumsum(starts - ends)[:length].round().astype(np.int64)


def daily(events: Events, spec: MetricSpec, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """(numerator, denominator) per as-of day, as the metric defines its numerator."""
    from healthcheck.metrics.base import Direction  # the specs import this module

    population = rolled(events, events.counted_from, spec, first, last)
    bad = rolled(events, events.bad_from, spec, first, last)
    if spec.direction is Direction.LOWER_IS_BETTER:
        return bad, population
    return population - bad, population
