"""What a metric is (a spec) and what evaluating it gives (a frozen result), SPEC 4 and 5.2."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from healthcheck.loaders.parse import amazon_order_ids, amazon_order_numbers
from healthcheck.loaders.seller_performance import AmazonKey
from healthcheck.outcome import Status

if TYPE_CHECKING:
    from healthcheck.metrics.events import Events
    from healthcheck.metrics.rules import Rule
    from healthcheck.model import AuditData


class Direction(StrEnum):
    LOWER_IS_BETTER = "lower_is_better"
    HIGHER_IS_BETTER = "higher_is_better"


class Basis(StrEnum):
    PURCHASE_DATE = "purchase_date"
    EXPECTED_SHIP_DATE = "expected_ship_date"
    CONFIRMATION_DATE = "confirmation_date"
    PROMISED_DELIVERY_DATE = "promised_delivery_date"
    RECEIVED_DATE = "received_date"
    REPORT_DATE = "report_date"  # Amazon's own report, as of the audit's day: not a window of our data


class Source(StrEnum):
    """Where a metric's number comes from: recomputed from the seller's files, or taken from Amazon's own report.
    Only a recomputed number can make an audit checked (SPEC 5.2 rev 2: Amazon's word alone never makes it OK)."""

    RECOMPUTED = "recomputed"
    AMAZON = "amazon"


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date
    days: int
    basis: Basis

    @classmethod
    def ending(cls, end: dt.date, days: int, basis: Basis) -> Window:
        """N local dates E-N+1 .. E, both ends included (SPEC 2)."""
        return cls(end - dt.timedelta(days=days - 1), end, days, basis)

    def contains(self, days: pd.Series) -> pd.Series:
        """Mask of local-midnight datetimes inside the window."""
        return days.between(pd.Timestamp(self.start), pd.Timestamp(self.end), inclusive="both")


@dataclass(frozen=True)
class Measurement:
    """What a compute function found; the status is decided from it by the spec's thresholds."""

    numerator: int = 0
    denominator: int = 0
    details: Mapping[str, Any] = field(default_factory=dict)
    order_ids: tuple[str, ...] = ()  # every order in the numerator, sorted
    # Orders that hurt the metric: for higher-is-better metrics these are NOT the numerator's orders.
    problem_order_ids: tuple[str, ...] = ()
    first_data_date: dt.date | None = None
    last_data_date: dt.date | None = None  # with the first: the span of the data the population comes from
    notes: tuple[str, ...] = ()
    reason: str | None = None  # set when the metric could not be evaluated
    # False when the inputs the metric needs were missing: its counts are unknown (null), not zero.
    counted: bool = True
    source: Source = Source.RECOMPUTED
    # A rate stated rather than counted (Amazon's figure may give a rate without its counts); None: numerator over
    # denominator.
    stated_rate: float | None = None

    @classmethod
    def not_evaluated(cls, reason: str, span: tuple[dt.date | None, dt.date | None] = (None, None)) -> Measurement:
        return cls(reason=reason, first_data_date=span[0], last_data_date=span[1], counted=False)


@dataclass(frozen=True)
class PlanShape:
    """Where a plan of action for the metric looks for the root cause (`healthcheck/plan/` reads it): the order
    attributes its bad ones are counted by, named as `plan.causes.DIMENSIONS` names them, in the order the plan
    lists them. Every metric counts orders, so SKUs and weekdays suit any; a metric names what else tells its
    causes apart (cancel reasons, carriers, handling times...)."""

    causes: tuple[str, ...] = ("sku", "purchase_weekday")
    # Causes whose values the plan checks for "no new bad one since": a SKU that kept selling without another
    # cancellation is the data showing a fix took.
    quiet: tuple[str, ...] = ("sku",)
    # The plan reports which of the bad orders have been confirmed since (late shipments: shipped after all).
    since_confirmed: bool = False


ComputeFn = Callable[["AuditData", Window, dt.date], Measurement]
# A status decided from the measurement itself rather than from a rate against thresholds (Amazon's own ratings).
JudgeFn = Callable[[Measurement], Status]
# The dated things the metric counts, for its trend and recovery (metrics/events.py); None where it has none.
EventsFn = Callable[["AuditData"], "Events | None"]


@dataclass(frozen=True)
class Variant:
    """An earlier definition of the metric, as a dated rule names it (`Rule.variant`): its own count and unit."""

    compute: ComputeFn
    events: EventsFn | None
    unit: str
    bad: tuple[str, str]


@dataclass(frozen=True)
class MetricSpec:
    """One metric's whole definition: read this to know what the number means."""

    id: str
    title: str
    short: str  # the nagios perfdata label
    direction: Direction
    target: float | None
    at_risk: float | None
    window_days: int
    basis: Basis
    compute: ComputeFn
    population: str
    numerator: str
    advice: str
    end_lag_days: int = 0  # the window ends this many days before as_of
    informational: bool = False  # no target: never changes the status or the exit code
    # The report kinds that add to the metric, as groups of alternatives: a group none of whose kinds was given is
    # named (its first kind) in `coverage.missing_inputs`, so the seller knows which download would complete it.
    inputs: tuple[tuple[str, ...], ...] = ()
    events: EventsFn | None = None
    unit: str = "orders"  # what one counted thing is: the headroom is said in it
    bad: tuple[str, str] = ("bad one", "bad ones")  # one counted against the seller, singular and plural
    odr_lag: bool = False  # the window's lag is the config's `odr_lag_days`
    # Where Amazon's seller performance report states it (tried in order), and what to say when Amazon counts fewer
    # / more bad ones than we do. Metrics sharing the same keys have their figures matched by window length.
    amazon: tuple[AmazonKey, ...] = ()
    amazon_counts_fewer: str = ""
    amazon_counts_more: str = ""
    # Set for a metric whose status is not a rate against a target (amazon_account_status): the status is what
    # this says of the measurement, and its `details["summary"]` stands where a rate would be shown.
    judge: JudgeFn | None = None
    # False when no report this tool reads can show the metric's numerator: its number can only be Amazon's, so its
    # inputs are never what an audit that checked nothing is told to add (SPEC 5.2 rev 2).
    recomputable: bool = True
    # Earlier definitions by name, for the dated rules that name one (metrics/rules.py).
    variants: tuple[tuple[str, Variant], ...] = ()
    program: str | None = None  # a program's metric (`--program`): in the audit only when the seller asks
    # Order reports (or reports the model places, `model.PLACED_REPORTS`) whose rows the metric reads itself
    # (`data.loaded.frame`), not only through the model: the audit keeps them after the model, and lets go of the
    # others (`LoadResult.release`).
    reads_rows: tuple[str, ...] = ()
    target_allowed: bool = False  # Amazon says "no more than": a rate equal to the target still meets it
    rule: Rule | None = None  # the rule the resolved spec is judged by (registry.resolve sets it)
    plan: PlanShape = PlanShape()
    # Amazon's own target, where the seller's config set another (registry.resolve): the report then says whose
    # target it judges by, and a plan of action, written to Amazon, states Amazon's.
    amazon_target: float | None = None

    @property
    def amazons_target(self) -> float | None:
        return self.target if self.amazon_target is None else self.amazon_target

    def missing_inputs(self, given: Callable[[str], bool]) -> tuple[str, ...]:
        """The first kind of each group none of whose kinds was given, each named once (groups share kinds)."""
        return tuple(dict.fromkeys(group[0] for group in self.inputs if not any(given(kind) for kind in group)))

    def window(self, as_of: dt.date) -> Window:
        return Window.ending(as_of - dt.timedelta(days=self.end_lag_days), self.window_days, self.basis)

    def with_overrides(self, **changes: Any) -> MetricSpec:
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def with_variant(self, name: str | None) -> MetricSpec:
        """The spec counting as the named earlier definition does (itself when None or unknown)."""
        found = dict(self.variants).get(name) if name else None
        if found is None:
            return self
        return dataclasses.replace(self, compute=found.compute, events=found.events, unit=found.unit, bad=found.bad)

    def bad_of(self, numerator: int, denominator: int) -> int:
        """The count against the seller: the numerator of a lower-is-better rate, the rest of a higher-is-better one."""
        return numerator if self.direction is Direction.LOWER_IS_BETTER else denominator - numerator

    def classify(self, rate: float | None) -> Status:
        """SPEC 4: lower-is-better breaches at >= target; higher-is-better breaches below target."""
        if rate is None:
            return Status.NOT_EVALUATED
        if self.informational or self.target is None:
            return Status.OK
        at_risk = self.at_risk if self.at_risk is not None else self.target
        if self.direction is Direction.LOWER_IS_BETTER:
            if rate > self.target or (rate == self.target and not self.target_allowed):
                return Status.BREACH
            return Status.AT_RISK if rate >= at_risk else Status.OK
        if rate < self.target:
            return Status.BREACH
        return Status.AT_RISK if rate < at_risk else Status.OK


@dataclass(frozen=True)
class MetricResult:
    spec: MetricSpec
    window: Window
    measurement: Measurement
    status: Status
    rate: float | None
    missing_inputs: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def bad(self) -> int:
        """How many of the counted are against the seller (`MetricSpec.bad_of`)."""
        return self.spec.bad_of(self.measurement.numerator, self.measurement.denominator)

    @property
    def recomputed(self) -> bool:
        """Evaluated from the seller's own files (not Amazon's figure): only these make an audit checked."""
        return self.rate is not None and self.measurement.source is Source.RECOMPUTED

    @property
    def covered_days(self) -> int:
        """How many of the window's days lie between the first and last dates of the metric's data (SPEC 5.2)."""
        first, last = self.measurement.first_data_date, self.measurement.last_data_date
        if first is None or last is None:
            return 0
        start, end = max(first, self.window.start), min(last, self.window.end)
        return max((end - start).days + 1, 0)

    @property
    def coverage_complete(self) -> bool:
        return self.covered_days == self.window.days


def evaluate(spec: MetricSpec, data: AuditData, as_of: dt.date) -> MetricResult:
    window = spec.window(as_of)
    measurement = spec.compute(data, window, as_of)
    if not spec.recomputable and measurement.source is not Source.AMAZON:
        # Evaluated or not, such a metric's number is Amazon's to give (its JSON `source` says so).
        measurement = dataclasses.replace(measurement, source=Source.AMAZON)
    if measurement.reason is None and measurement.denominator == 0 and measurement.stated_rate is None:
        measurement = dataclasses.replace(
            measurement, reason=f"no {spec.population} in the window {window.start} to {window.end}"
        )
    rate: float | None = None
    if measurement.reason is None:
        stated = measurement.stated_rate
        rate = stated if stated is not None else measurement.numerator / measurement.denominator
    from healthcheck.model import NEAR_PEAK, release_memory  # here: `explain` needs the specs, not the model

    release_memory(near_peak=NEAR_PEAK)  # a metric's intermediate frames must not add to the next one's peak
    missing = spec.missing_inputs(data.has)
    status = spec.classify(rate)
    if spec.judge is not None and rate is not None:
        status = spec.judge(measurement)
    return MetricResult(spec, window, measurement, status, rate, missing)


def date_span(days: pd.Series) -> tuple[dt.date | None, dt.date | None]:
    """First and last day of a series of local-midnight datetimes (None, None when it has none): the coverage."""
    if days.empty:
        return None, None
    first, last = days.min(), days.max()
    if pd.isna(first) or pd.isna(last):
        return None, None
    return pd.Timestamp(first).date(), pd.Timestamp(last).date()


def sorted_ids(values: pd.Series) -> tuple[str, ...]:
    """The distinct ids, sorted (as strings): deduplicated and sorted in arrow, then made Python strings once.

    Ids taken from the orders frame in its order are distinct and sorted already (the merge writes orders sorted
    by id): where they are Amazon order ids whose numbers ascend, the sort of up to a million strings is skipped.
    Other Amazon order ids (a confirmation's, in file order) are sorted as their numbers, which order as the
    fixed-width ids do, and written back from the distinct numbers.
    """
    if values.dtype == "str" and not bool(values.isna().any()):
        numbers = amazon_order_numbers(values)
        if numbers is not None and bool((numbers[1:] > numbers[:-1]).all()):
            return tuple(values.tolist())
        if numbers is not None:
            ordered = np.sort(numbers)
            distinct = ordered[np.append(True, ordered[1:] != ordered[:-1])] if len(ordered) else ordered
            return tuple(amazon_order_ids(distinct).tolist())
        return tuple(values.drop_duplicates().sort_values().tolist())
    return tuple(sorted({str(v) for v in values}))
