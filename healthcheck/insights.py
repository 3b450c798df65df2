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
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from healthcheck.marketplaces import MARKETPLACE_IDS, Marketplace
from healthcheck.metrics.base import Direction, MetricResult, MetricSpec, Status
from healthcheck.metrics.cancellation import EXPIRY_BUSINESS_DAYS
from healthcheck.metrics.delivery import delivered_rows
from healthcheck.metrics.order_defect import DEFECT_SOURCES
from healthcheck.metrics.refunds import refunded_orders
from healthcheck.metrics.tracking import packages
from healthcheck.model import AFN, MFN, ORDER_ROW, AuditData, end_of_local_day, local_dates, member, order_values
from healthcheck.shipcal import add_operating_days

# The trend covers at most this many as-of days, ending on the as-of date.
TREND_MAX_DAYS = 180
_EPOCH = dt.date(1970, 1, 1)
_ALWAYS = np.iinfo(np.int64).min // 4  # counts from any as-of day
_NEVER = np.iinfo(np.int64).max // 4  # never counts

# What one counted thing is, per metric: the unit the headroom is expressed in.
UNITS: Mapping[str, str] = MappingProxyType(
    {
        "valid_tracking_rate": "packages",
        "on_time_delivery_rate": "units",
        "response_time_24h": "messages",
    }
)

RECOVERY_ASSUMPTION = (
    "if nothing new goes wrong: overdue orders are shipped today and counted late as they already are, every "
    "order still to ship goes out on time, no new cancellations, defects, bad packages or late answers, and "
    "the window keeps today's volume"
)


def unit_of(metric_id: str) -> str:
    return UNITS.get(metric_id, "orders")


def _day(value: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(value))


def _day_number(value: dt.date) -> int:
    return (value - _EPOCH).days


# --- headroom ---------------------------------------------------------------------------------------------------


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "until_at_risk": self.until_at_risk,
            "until_breach": self.until_breach,
            "unit": self.unit,
            "budget_used": None if self.budget_used is None else round(self.budget_used, 4),
        }


def _bad_count(result: MetricResult) -> int:
    """Numerator of a lower-is-better metric; the complement for a higher-is-better one."""
    m = result.measurement
    if result.spec.direction is Direction.LOWER_IS_BETTER:
        return m.numerator
    return m.denominator - m.numerator


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
    denominator = result.measurement.denominator
    bad = _bad_count(result)
    spare = denominator - bad

    def status_with(extra: int) -> Status:
        return spec.classify(rate_with_bad(spec, bad + extra, denominator))

    return Headroom(
        until_at_risk=_largest(lambda k: status_with(k) is Status.OK, spare),
        until_breach=_largest(lambda k: status_with(k) is not Status.BREACH, spare),
        unit=unit_of(spec.id),
        budget_used=budget_used(spec, result.rate),
    )


# --- counted things, as intervals of as-of days -----------------------------------------------------------------


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
            basis=_day_numbers(basis[mask]),
            counted_from=frame.loc[mask, "counted_from"].to_numpy(),
            bad_from=frame.loc[mask, "bad_from"].to_numpy(),
            weight=frame.loc[mask, "weight"].to_numpy(),
        )


def _day_numbers(values: pd.Series) -> np.ndarray:
    """Local-midnight datetimes as day numbers."""
    return values.to_numpy(dtype="datetime64[us]").astype("datetime64[D]").astype(np.int64)


def _flag(mask: pd.Series, when: Any = _ALWAYS) -> np.ndarray:
    """`when` where the mask holds, never elsewhere."""
    return np.where(mask.to_numpy(dtype=bool), when, _NEVER)


def _odr_events(channel: str) -> Callable[[AuditData], Events | None]:
    def extract(data: AuditData) -> Events | None:
        if not any(data.has(kind) for kind in DEFECT_SOURCES):
            return None
        orders = data.orders.loc[data.orders["channel"] == channel, ["order_id", "purchase_date"]]
        defective = member(orders["order_id"], data.defects["order_id"])
        return Events.build(orders["purchase_date"], _ALWAYS, _flag(defective))

    return extract


def _cancellation_events(data: AuditData) -> Events | None:
    """Cancellations count from the start; an order Amazon will auto-cancel counts from its expiry day."""
    if not data.has_order_data:
        return None
    # Only the columns read: a row filter copies every column it keeps.
    wanted = [
        "cancelled",
        "conf_ts",
        "shipped",
        "ship_by_date",
        "buyer_requested",
        "purchase_date",
        "cancelled_while_pending",
    ]
    orders = data.orders.loc[data.orders["channel"] == MFN, wanted]
    open_orders = ~orders["cancelled"] & orders["conf_ts"].isna() & ~orders["shipped"] & orders["ship_by_date"].notna()
    expiry = pd.Series(_NEVER, index=orders.index, dtype="int64")
    if bool(open_orders.any()):
        due = orders.loc[open_orders, "ship_by_date"].astype("datetime64[us]")
        expiry[open_orders] = _day_numbers(add_operating_days(due, EXPIRY_BUSINESS_DAYS, data.calendar))
    own = ~orders["buyer_requested"]
    bad_from = np.where((orders["cancelled"] & own).to_numpy(dtype=bool), _ALWAYS, _NEVER)
    bad_from = np.where((open_orders & own).to_numpy(dtype=bool), expiry.to_numpy(), bad_from)
    pending = orders["cancelled_while_pending"].to_numpy(dtype=bool)  # in neither count (SPEC 4.2)
    return Events.build(
        orders["purchase_date"], _flag(~orders["cancelled_while_pending"]), np.where(pending, _NEVER, bad_from)
    )


def _late_shipment_events(data: AuditData) -> Events | None:
    """Confirmed orders count from the start; unconfirmed ones count (late) from the day after their ship-by day."""
    if not data.has("ship_confirmations") or not data.has_order_data:
        return None
    orders = data.orders.loc[
        (data.orders["channel"] == MFN) & ~data.orders["cancelled_full"],
        ["conf_ts", "shipped", "ship_by_deadline", "ship_by_date"],
    ]
    confirmed = orders["conf_ts"].notna()
    waiting = ~confirmed & ~orders["shipped"]
    late_confirmed = confirmed & (orders["conf_ts"] > orders["ship_by_deadline"])
    overdue_from = pd.Series(_NEVER, index=orders.index, dtype="int64")
    dated = waiting & orders["ship_by_date"].notna()
    overdue_from[dated] = _day_numbers(orders.loc[dated, "ship_by_date"]) + 1
    counted_from = np.where(confirmed.to_numpy(dtype=bool), _ALWAYS, overdue_from.to_numpy())
    counted_from = np.where((confirmed | waiting).to_numpy(dtype=bool), counted_from, _NEVER)
    bad_from = np.where(late_confirmed.to_numpy(dtype=bool), _ALWAYS, np.where(confirmed, _NEVER, counted_from))
    return Events.build(orders["ship_by_date"], counted_from, bad_from)


def _tracking_events(data: AuditData) -> Events | None:
    if not data.has("ship_confirmations"):
        return None
    pk = packages(data)
    if pk.empty:
        return None
    return Events.build(pk["conf_date"], _ALWAYS, _flag(~pk["valid"]))


def _delivery_events(data: AuditData) -> Events | None:
    """Units by promised delivery day; late units count against the metric."""
    if not data.has("ship_confirmations"):
        return None
    # The order id only where no order row says which order (order_values joins on either).
    joined_by_row = ORDER_ROW in data.confirmations
    rows = delivered_rows(data, ("delivered_ts", "quantity", ORDER_ROW if joined_by_row else "order_id"))
    if rows.empty:
        return None
    promised = order_values(data, rows, "latest_delivery_ts")
    if bool(promised.isna().all()):
        return None
    rows = rows.assign(promised=promised).loc[promised.notna()]
    late = rows["delivered_ts"] > rows["promised"]
    units = rows["quantity"].fillna(1).astype("int64")
    return Events.build(local_dates(rows["promised"], data.marketplace.timezone), _ALWAYS, _flag(late), units)


def _response_events(data: AuditData) -> Events | None:
    """Answered messages count from the start; an unanswered one counts (late) once its 24 hours are over."""
    messages = data.loaded.frame("messages")
    if messages is None:
        return None
    tz = data.marketplace.timezone
    received = messages["received_ts"].astype("datetime64[us, UTC]")
    if "responded_ts" in messages:
        responded = messages["responded_ts"].astype("datetime64[us, UTC]")
    else:
        responded = pd.Series(pd.NaT, index=messages.index, dtype="datetime64[us, UTC]")
    if "no_response_needed" in messages:
        skip = messages["no_response_needed"].astype("boolean").fillna(False).astype(bool)
    else:
        skip = pd.Series(False, index=messages.index)
    limit = pd.Timedelta(hours=24)
    answered = responded.notna() & ~skip
    waiting = responded.isna() & ~skip & received.notna()
    due_instant = received + limit
    overdue_from = pd.Series(_NEVER, index=messages.index, dtype="int64")
    if bool(waiting.any()):
        due_day = local_dates(due_instant[waiting], tz)
        # Late once the end of the as-of day is after the 24 hours (SPEC 4.6): from the local day they end.
        ends_exactly = due_instant[waiting] >= end_of_local_day(due_day, tz)
        overdue_from[waiting] = _day_numbers(due_day) + ends_exactly.to_numpy(dtype="int64")
    counted_from = np.where(answered.to_numpy(dtype=bool), _ALWAYS, overdue_from.to_numpy())
    late_answered = answered & (responded - received > limit)
    bad_from = np.where(late_answered.to_numpy(dtype=bool), _ALWAYS, np.where(answered, _NEVER, counted_from))
    return Events.build(local_dates(received, tz), counted_from, bad_from)


def _refund_events(data: AuditData) -> Events | None:
    if not (data.has("mfn_returns") or data.has("fba_returns")):
        return None
    orders = data.orders.loc[data.orders["channel"].isin([MFN, AFN]), ["order_id", "purchase_date"]]
    refunded = member(orders["order_id"], refunded_orders(data))
    return Events.build(orders["purchase_date"], _ALWAYS, _flag(refunded))


EXTRACTORS: Mapping[str, Callable[[AuditData], Events | None]] = MappingProxyType(
    {
        "order_defect_rate_mfn": _odr_events(MFN),
        "order_defect_rate_afn": _odr_events(AFN),
        "cancellation_rate": _cancellation_events,
        "late_shipment_rate_10d": _late_shipment_events,
        "late_shipment_rate_30d": _late_shipment_events,
        "valid_tracking_rate": _tracking_events,
        "on_time_delivery_rate": _delivery_events,
        "response_time_24h": _response_events,
        "refund_rate": _refund_events,
    }
)


def rolled(events: Events, active_from: np.ndarray, spec: MetricSpec, first: int, last: int) -> np.ndarray:
    """Weight counted on each as-of day first..last: a thing counts on day X when its basis day is in the window
    ending X - lag and X is on or after its activation day, i.e. for X in [max(basis + lag, active), basis + lag +
    window - 1]."""
    length = last - first + 1
    lag, width = spec.end_lag_days, spec.window_days
    lo = np.maximum(events.basis + lag, active_from)
    hi = events.basis + lag + width - 1
    lo = np.clip(lo, first, last + 1)
    hi = np.clip(hi, first - 1, last)
    keep = lo <= hi
    weights = events.weight[keep].astype(np.float64)
    starts = np.bincount(lo[keep] - first, weights=weights, minlength=length + 1)
    ends = np.bincount(hi[keep] - first + 1, weights=weights, minlength=length + 1)
    return np.cumsum(starts - ends)[:length].round().astype(np.int64)


# --- trend ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One metric's daily value: rate, numerator and denominator per as-of day (None where nothing counted)."""

    metric_id: str
    numerators: tuple[int, ...]
    denominators: tuple[int, ...]

    @property
    def rates(self) -> tuple[float | None, ...]:
        return tuple(n / d if d else None for n, d in zip(self.numerators, self.denominators, strict=True))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.metric_id,
            "rates": [None if r is None else round(r, 6) for r in self.rates],
            "numerators": list(self.numerators),
            "denominators": list(self.denominators),
        }


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "metrics": [s.to_dict() for s in self.series],
        }


def _daily(events: Events, spec: MetricSpec, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """(numerator, denominator) per as-of day, as the metric defines its numerator."""
    population = rolled(events, events.counted_from, spec, first, last)
    bad = rolled(events, events.bad_from, spec, first, last)
    if spec.direction is Direction.LOWER_IS_BETTER:
        return bad, population
    return population - bad, population


# --- recovery ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recovery:
    """The first as-of days (from the audit's on) the metric is under target, and ok, if nothing new goes wrong.

    None where that day is not reached by `searched_until` (the window's length and lag after the as-of date).
    """

    under_target: dt.date | None
    ok: dt.date | None
    searched_until: dt.date

    def to_dict(self) -> dict[str, Any]:
        return {
            "under_target": self.under_target.isoformat() if self.under_target else None,
            "ok": self.ok.isoformat() if self.ok else None,
            "searched_until": self.searched_until.isoformat(),
        }


def recovery(result: MetricResult, events: Events, as_of: dt.date) -> Recovery | None:
    """Roll the window forward over what is already known: only bad things active by the as-of day count (known
    defects still to enter a lagged window do), and the denominator stays at today's (RECOVERY_ASSUMPTION)."""
    spec = result.spec
    if result.status not in (Status.BREACH, Status.AT_RISK):
        return None
    first = _day_number(as_of)
    last = first + spec.window_days + spec.end_lag_days
    known = np.where(events.bad_from <= first, events.bad_from, _NEVER)
    bad = rolled(events, known, spec, first, last)
    denominator = result.measurement.denominator
    statuses = [spec.classify(rate_with_bad(spec, int(b), denominator)) for b in bad]
    under = next((i for i, s in enumerate(statuses) if s is not Status.BREACH), None)
    ok = next((i for i, s in enumerate(statuses) if s is Status.OK), None)
    return Recovery(
        under_target=None if under is None else _day(first + under),
        ok=None if ok is None else _day(first + ok),
        searched_until=_day(last),
    )


# --- Amazon's own numbers (SPEC 5.4) ----------------------------------------------------------------------------

# Amazon's figures round rates to 4 decimals.
_RATE_TOLERANCE = 0.00005


def _norm(key: str) -> str:
    return key.replace("_", "").replace("-", "").lower()


def _get(obj: Any, *names: str) -> Any:
    """The first of `names` present in a dict, matched exactly, else ignoring case and `_`; None otherwise."""
    if not isinstance(obj, Mapping):
        return None
    for name in names:
        if name in obj:
            return obj[name]
    wanted = {_norm(n) for n in names}
    return next((v for k, v in obj.items() if isinstance(k, str) and _norm(k) in wanted), None)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            parsed = float(value.strip())
        except ValueError:
            return None
        return parsed if math.isfinite(parsed) else None
    return None


def _count(value: Any) -> int | None:
    """A count, also when Amazon nests it as {"count": n, "status": ...}."""
    if isinstance(value, Mapping):
        value = _get(value, "count", "value")
    number = _number(value)
    return int(number) if number is not None else None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _date(value: Any) -> dt.date | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class AmazonFigure:
    """One metric as Amazon's seller performance report states it."""

    key: str  # where it came from in the document, e.g. "preFulfillmentCancellationRate"
    rate: float | None
    numerator: int | None
    denominator: int | None
    start: dt.date | None
    end: dt.date | None
    status: str | None  # Amazon's own word (GOOD, BAD, ...), kept as given
    details: Mapping[str, int] = field(default_factory=dict)

    @property
    def days(self) -> int | None:
        return (self.end - self.start).days + 1 if self.start and self.end else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "rate": self.rate,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "window": {
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None,
            },
            "status": self.status,
            "details": dict(self.details),
        }


# Per entry kind: the keys of its numerator and denominator.
_COUNTS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = MappingProxyType(
    {
        "odr": (("orderWithDefects", "ordersWithDefects", "defectCount"), ("orderCount",)),
        "cr": (("cancellationCount", "cancelledCount"), ("orderCount",)),
        "lsr": (("lateShipmentCount", "lateCount"), ("orderCount",)),
        "vtr": (("validTrackingCount",), ("shipmentCount", "shipmentsCount")),
        "otdr_units": (("unitOnTimeDeliveryCount", "onTimeDeliveryCount"), ("totalUnitCount", "unitCount")),
        "otdr_packages": (("onTimeDeliveryCount",), ("shipmentCountWithValidTracking", "shipmentCount")),
    }
)


def _figure(entry: Any, key: str, kind: str) -> AmazonFigure | None:
    if not isinstance(entry, Mapping):
        return None
    numerator_keys, denominator_keys = _COUNTS[kind]
    numerator = _count(_get(entry, *numerator_keys))
    denominator = _count(_get(entry, *denominator_keys))
    rate = _number(_get(entry, "rate"))
    if rate is None and numerator is not None and denominator:
        rate = numerator / denominator
    dates = _get(entry, "reportingDateRange", "dateRange")
    details: dict[str, int] = {}
    if kind == "odr":
        for name, keys in (
            ("negative_feedback", ("negativeFeedback",)),
            ("a_to_z_claims", ("claims", "aToZClaims")),
            ("chargebacks", ("chargebacks", "chargeBacks")),
        ):
            value = _count(_get(entry, *keys))
            if value is not None:
                details[name] = value
    status = _get(entry, "status")
    return AmazonFigure(
        key=key,
        rate=rate,
        numerator=numerator,
        denominator=denominator,
        start=_date(_get(dates, "reportingDateFrom", "from", "startDate")),
        end=_date(_get(dates, "reportingDateTo", "to", "endDate")),
        status=status if isinstance(status, str) else None,
        details=details,
    )


def _late_shipment_figures(
    metrics: Mapping[str, Any], specs: Mapping[str, MetricSpec]
) -> tuple[dict[str, AmazonFigure], list[tuple[str, AmazonFigure]]]:
    """`lateShipmentRateList` holds the 10- and 30-day entries; `lateShipmentRate` one of them. Matched by length;
    an entry no window of ours matches (a 24-day one) comes back apart, with the late shipment rate nearest it, to
    be shown but not compared (SPEC 5.4, rev 2)."""
    entries: list[AmazonFigure] = []
    listed = _get(metrics, "lateShipmentRateList", "lateShipmentRates")
    if isinstance(listed, list):
        entries += [f for i, e in enumerate(listed) if (f := _figure(e, f"lateShipmentRateList[{i}]", "lsr"))]
    single = _figure(_get(metrics, "lateShipmentRate"), "lateShipmentRate", "lsr")
    if single is not None:
        entries.append(single)
    lsr_specs = {k: v for k, v in specs.items() if k in ("late_shipment_rate_10d", "late_shipment_rate_30d")}
    found: dict[str, AmazonFigure] = {}
    for metric_id, spec in lsr_specs.items():
        dated = [f for f in entries if f.days is not None and abs(f.days - spec.window_days) <= 2]
        if dated:
            found[metric_id] = min(dated, key=lambda f: abs((f.days or 0) - spec.window_days))
    unmatched: list[tuple[str, AmazonFigure]] = []
    for figure in entries:
        fits = figure.days is not None and any(abs(figure.days - s.window_days) <= 2 for s in lsr_specs.values())
        if fits or not lsr_specs:
            continue
        nearest = min(lsr_specs, key=lambda k: abs((figure.days or 0) - lsr_specs[k].window_days))
        unmatched.append((nearest, figure))
    return found, unmatched


def amazon_figures(
    metrics: Mapping[str, Any], specs: Mapping[str, MetricSpec]
) -> tuple[dict[str, AmazonFigure], list[tuple[str, AmazonFigure]]]:
    """Amazon's figure for each of our metrics found in one marketplace's `performanceMetrics` entry, and the
    figures whose window matches none of ours (each with the metric it is nearest to)."""
    found: dict[str, AmazonFigure] = {}
    odr = _get(metrics, "orderDefectRate")
    for channel, metric_id in (("mfn", "order_defect_rate_mfn"), ("afn", "order_defect_rate_afn")):
        # The key says the channel; the entry's own fulfillmentType is sometimes wrong in Amazon's examples.
        figure = _figure(_get(odr, channel), f"orderDefectRate.{channel}", "odr")
        if figure is not None:
            found[metric_id] = figure
    for key in ("preFulfillmentCancellationRate", "prefulfillmentCancelRate", "cancellationRate"):
        figure = _figure(_get(metrics, key), key, "cr")
        if figure is not None:
            found["cancellation_rate"] = figure
            break
    matched, unmatched = _late_shipment_figures(metrics, specs)
    found.update(matched)
    tracking = _figure(_get(metrics, "validTrackingRate"), "validTrackingRate", "vtr")
    if tracking is not None:
        found["valid_tracking_rate"] = tracking
    units = _figure(_get(metrics, "unitOnTimeDeliveryRate"), "unitOnTimeDeliveryRate", "otdr_units")
    shipments = _figure(_get(metrics, "onTimeDeliveryRate"), "onTimeDeliveryRate", "otdr_packages")
    if units is not None or shipments is not None:
        found["on_time_delivery_rate"] = units or shipments  # type: ignore[assignment]
    return found, unmatched


@dataclass(frozen=True)
class ReconcileRow:
    """Ours beside Amazon's for one metric, and the likely causes of a difference."""

    metric_id: str
    title: str
    ours: MetricResult
    amazon: AmazonFigure
    agrees: bool | None  # None: not compared (ours not evaluated, Amazon gives no rate, or another window)
    causes: tuple[str, ...]
    # Our (numerator, denominator) recomputed over Amazon's window dates, when those differ from ours.
    ours_on_amazon_window: tuple[int, int] | None = None

    @property
    def difference(self) -> float | None:
        """Our rate minus Amazon's."""
        if self.ours.rate is None or self.amazon.rate is None:
            return None
        return self.ours.rate - self.amazon.rate

    def to_dict(self) -> dict[str, Any]:
        m = self.ours.measurement
        evaluated = self.ours.rate is not None
        return {
            "metric_id": self.metric_id,
            "ours": {
                "rate": self.ours.rate,
                "numerator": m.numerator if evaluated else None,
                "denominator": m.denominator if evaluated else None,
                "window": {"start": self.ours.window.start.isoformat(), "end": self.ours.window.end.isoformat()},
                "status": str(self.ours.status),
            },
            "amazon": self.amazon.to_dict(),
            "ours_on_amazon_window": _counts_dict(self.ours_on_amazon_window),
            "difference": None if self.difference is None else round(self.difference, 6),
            "agrees": self.agrees,
            "causes": list(self.causes),
        }


def _counts_dict(counts: tuple[int, int] | None) -> dict[str, Any] | None:
    if counts is None:
        return None
    numerator, denominator = counts
    return {
        "rate": numerator / denominator if denominator else None,
        "numerator": numerator,
        "denominator": denominator,
    }


@dataclass(frozen=True)
class Reconciliation:
    """One seller performance document, for the audited marketplace, beside the recomputed metrics."""

    path: str
    marketplace_id: str | None
    account_status: str | None
    ahr_status: str | None
    ahr_score: float | None
    warning_states: tuple[str, ...]
    rows: tuple[ReconcileRow, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "marketplace_id": self.marketplace_id,
            "account_status": self.account_status,
            "account_health_rating": {"status": self.ahr_status, "score": self.ahr_score},
            "warning_states": list(self.warning_states),
            "metrics": [r.to_dict() for r in self.rows],
            "notes": list(self.notes),
        }


def _entries(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """`performanceMetrics` as a list of per-marketplace entries (a single object is accepted too)."""
    metrics = _get(document, "performanceMetrics")
    if metrics is None and isinstance(_get(document, "payload"), Mapping):
        metrics = _get(_get(document, "payload"), "performanceMetrics")
    if isinstance(metrics, Mapping):
        return [metrics]
    if isinstance(metrics, list):
        return [m for m in metrics if isinstance(m, Mapping)]
    return []


def _choose_entry(
    entries: list[Mapping[str, Any]], marketplace: Marketplace
) -> tuple[Mapping[str, Any] | None, list[str]]:
    """The entry for the audited marketplace; a lone entry for another one is used with a note."""
    wanted = MARKETPLACE_IDS.get(marketplace.code)
    ids = [_text(_get(e, "marketplaceId")) for e in entries]
    for entry, marketplace_id in zip(entries, ids, strict=True):
        if marketplace_id is not None and marketplace_id == wanted:
            return entry, []
    if len(entries) == 1:
        if ids[0] is None:
            return entries[0], []
        return entries[0], [
            f"the report is for marketplace id {ids[0]}, not {marketplace.code} ({wanted}); compared anyway"
        ]
    if not entries:
        return None, ["the report holds no performanceMetrics entry"]
    named = ", ".join(i or "(none)" for i in ids)
    return None, [f"no entry for {marketplace.code} ({wanted}) among marketplace ids {named}; audit with --marketplace"]


def _warning_states(entry: Mapping[str, Any]) -> tuple[str, ...]:
    """Amazon's warnings, as words: a list of words or of `{warningType, status}` objects, or an object of
    categories (`{"listingPolicyViolations": {"status": "NORMAL", "defectsCount": 0}}`), of which only those not
    NORMAL are shown (SPEC 5.4, rev 2)."""
    states = _get(entry, "warningStates", "warningState")
    if isinstance(states, Mapping) and not _get(states, "warningType", "type", "status"):
        shown: list[str] = []
        for category, state in states.items():
            status = _text(_get(state, "status")) if isinstance(state, Mapping) else _text(state)
            if status is None or status.upper() == "NORMAL":
                continue
            count = _count(_get(state, "defectsCount", "count")) if isinstance(state, Mapping) else None
            shown.append(f"{category}: {status}" + (f" ({count})" if count else ""))
        return tuple(shown)
    if isinstance(states, Mapping):
        states = [states]
    if not isinstance(states, list):
        return ()
    found: list[str] = []
    for state in states:
        if isinstance(state, Mapping):
            kind = _text(_get(state, "warningType", "type")) or "warning"
            status = _text(_get(state, "status"))
            found.append(f"{kind}: {status}" if status else kind)
        elif isinstance(state, str):
            found.append(state)
    return tuple(found)


def _account_status(document: Mapping[str, Any], marketplace_id: str | None) -> str | None:
    statuses = _get(document, "accountStatuses", "accountStatus")
    if isinstance(statuses, Mapping):
        statuses = [statuses]
    if not isinstance(statuses, list):
        return None
    for item in statuses:
        if isinstance(item, Mapping) and (marketplace_id is None or _get(item, "marketplaceId") == marketplace_id):
            return _text(_get(item, "status"))
    return None


def _same_window(result: MetricResult, amazon: AmazonFigure, events: Events | None) -> tuple[int, int] | None:
    """Our numbers over Amazon's window dates (same length and lag rules), when those differ from ours."""
    window = result.window
    if events is None or amazon.start is None or amazon.end is None or amazon.days is None or amazon.days < 1:
        return None
    if (amazon.start, amazon.end) == (window.start, window.end):
        return None
    spec = result.spec.with_overrides(window_days=amazon.days)
    day = _day_number(amazon.end) + spec.end_lag_days
    numerators, denominators = _daily(events, spec, day, day)
    return int(numerators[0]), int(denominators[0])


def _not_compared(ours: MetricResult) -> tuple[str, ...]:
    if ours.rate is None:
        return (f"not compared: not recomputed: {ours.measurement.reason}",)
    return ("not compared: Amazon's report gives no rate for it",)


def _causes(
    result: MetricResult, amazon: AmazonFigure, same_window: tuple[int, int] | None, facts: Mapping[str, Any]
) -> tuple[str, ...]:
    """The likely reasons our number and Amazon's differ, most likely first."""
    if result.rate is None:
        return (f"not recomputed: {result.measurement.reason}",)
    causes: list[str] = []
    window = result.window
    unit = unit_of(result.id)
    m = result.measurement
    numerator, denominator, where = m.numerator, m.denominator, "in our window"
    if amazon.start and amazon.end and (amazon.start, amazon.end) != (window.start, window.end):
        lag = (window.end - amazon.end).days
        behind = f"Amazon's report is {lag} day{'s' if lag != 1 else ''} behind ours" if lag > 0 else ""
        dates = f"Amazon {amazon.start} to {amazon.end}, ours {window.start} to {window.end}"
        if same_window is not None:
            numerator, denominator, where = same_window[0], same_window[1], "over Amazon's dates"
            if (numerator, denominator) == (amazon.numerator, amazon.denominator):
                return (f"dates only: {behind or dates}; over Amazon's dates we count {numerator}/{denominator} too",)
            causes.append(
                f"window dates differ ({dates}{'; ' + behind if behind else ''}); over Amazon's dates we count "
                f"{numerator}/{denominator}"
            )
        else:
            causes.append(f"window dates differ ({dates}{'; ' + behind if behind else ''})")
    if amazon.denominator is not None and amazon.denominator != denominator:
        gap = amazon.denominator - denominator
        if gap > 0:
            text = f"missing orders: we count {gap} fewer {unit} than Amazon {where} (download reports covering it)"
            if not result.coverage_complete:
                text += f"; our data starts {m.first_data_date}, after the window start"
            causes.append(text)
        else:
            causes.append(
                f"we count {-gap} more {unit} than Amazon {where}: ones Amazon leaves out of its population "
                "(orders it exempts, or changes since its report)"
            )
    lower = result.spec.direction is Direction.LOWER_IS_BETTER
    ours_bad = numerator if lower else denominator - numerator
    if amazon.numerator is not None:
        amazon_bad = amazon.numerator if lower else (amazon.denominator or 0) - amazon.numerator
        if amazon_bad != ours_bad:
            causes += _numerator_causes(result, ours_bad, amazon_bad, amazon, facts)
    return tuple(causes)


def _numerator_causes(
    result: MetricResult, ours: int, amazon_count: int, amazon: AmazonFigure, facts: Mapping[str, Any]
) -> list[str]:
    more = ours > amazon_count
    metric_id = result.id
    unit = unit_of(metric_id)
    counted = f"we count {ours} bad {unit}, Amazon {amazon_count}: "
    if metric_id == "cancellation_rate":
        if more and not facts.get("buyer_request_known", True):
            return [
                counted + "buyer-requested exclusions: no buyer-request information was given, so every cancellation "
                "counted (add an order report with is-buyer-requested-cancellation)"
            ]
        if more:
            return [
                "Amazon excluded cancellations we count (buyer requests it recorded, or ones it did not hold "
                "against you)"
            ]
        return ["cancellations we do not see: Amazon's own cancellations, or orders missing from the files"]
    if metric_id.startswith("order_defect_rate"):
        parts = [
            f"{name.replace('_', ' ')}: ours {result.measurement.details.get(name, 0)}, Amazon {count}"
            for name, count in amazon.details.items()
            if result.measurement.details.get(name, 0) != count
        ]
        why = (
            "defects Amazon no longer counts (feedback removed, claims decided for you or Amazon-funded)"
            if more
            else "defects missing from the files (feedback, claims or chargebacks not given)"
        )
        return [counted + why + (f" ({'; '.join(parts)} in our window)" if parts else "")]
    if metric_id.startswith("late_shipment_rate"):
        return [
            counted
            + "confirmation times: Amazon uses the moment you confirmed the shipment; a ship-date in the upload file "
            "can differ (give confirmed-at), and ship-by dates computed from the handling time can differ from "
            "Amazon's (give an order report with latest-ship-date)"
        ]
    if metric_id == "valid_tracking_rate":
        return [
            counted + "carriers: Amazon's list of integrated carriers may differ from ours (add yours under `carriers`)"
        ]
    if metric_id == "on_time_delivery_rate":
        return [
            counted + "delivery times: Amazon uses the carrier's delivery scan; delivered-at from your tool can differ"
        ]
    return [counted.rstrip(": ")]


def reconcile(
    documents: Sequence[tuple[str, Mapping[str, Any]]],
    results: Sequence[MetricResult],
    marketplace: Marketplace,
    *,
    buyer_request_known: bool,
    events: Mapping[str, Events] | None = None,
) -> tuple[Reconciliation, ...]:
    """Each seller performance document beside the recomputed metrics (SPEC 5.4); unknown shapes never fail."""
    by_id = {r.id: r for r in results}
    specs = {r.id: r.spec for r in results}
    facts = {"buyer_request_known": buyer_request_known}
    out: list[Reconciliation] = []
    for path, document in documents:
        if not isinstance(document, Mapping):
            out.append(Reconciliation(path, None, None, None, None, (), (), ("not a JSON object",)))
            continue
        entry, notes = _choose_entry(_entries(document), marketplace)
        if entry is None:
            out.append(Reconciliation(path, None, _account_status(document, None), None, None, (), (), tuple(notes)))
            continue
        marketplace_id = _text(_get(entry, "marketplaceId"))
        rating = _get(entry, "accountHealthRating")
        rows: list[ReconcileRow] = []
        figures, unmatched = amazon_figures(entry, specs)
        for metric_id, figure in figures.items():
            ours = by_id.get(metric_id)
            if ours is None:
                continue
            same = _same_window(ours, figure, (events or {}).get(metric_id)) if ours.rate is not None else None
            if ours.rate is None or figure.rate is None:
                # Nothing to compare (SPEC 5.4, rev 2: `agrees` is null whenever no comparison was made).
                rows.append(ReconcileRow(metric_id, ours.spec.title, ours, figure, None, _not_compared(ours), same))
                continue
            agrees = (
                abs(ours.rate - figure.rate) <= _RATE_TOLERANCE
                and figure.numerator in (None, ours.measurement.numerator)
                and figure.denominator in (None, ours.measurement.denominator)
            )
            causes = () if agrees else _causes(ours, figure, same, facts)
            rows.append(ReconcileRow(metric_id, ours.spec.title, ours, figure, agrees, causes, same))
        for metric_id, figure in unmatched:
            ours = by_id[metric_id]
            span = f"{figure.days} days" if figure.days else "undated"
            why = (
                f"not compared: Amazon's figure covers {span} ({figure.start} to {figure.end}), which matches none "
                "of our late shipment windows (10 and 30 days)"
            )
            same = _same_window(ours, figure, (events or {}).get(metric_id)) if ours.rate is not None else None
            if same is not None:
                why += f"; over Amazon's dates we count {same[0]}/{same[1]}"
            rows.append(ReconcileRow(metric_id, ours.spec.title, ours, figure, None, (why,), same))
        order = {r.id: i for i, r in enumerate(results)}
        rows.sort(key=lambda r: order[r.metric_id])
        if not rows:
            notes.append("no metric this tool recomputes was found in the report")
        out.append(
            Reconciliation(
                path=path,
                marketplace_id=marketplace_id,
                account_status=_account_status(document, marketplace_id),
                ahr_status=_text(_get(rating, "ahrStatus", "status")),
                ahr_score=_number(_get(rating, "ahrScore", "score")),
                warning_states=_warning_states(entry),
                rows=tuple(rows),
                notes=tuple(notes),
            )
        )
    return tuple(out)


# --- the orders behind it all, for the worklist -----------------------------------------------------------------


@dataclass(frozen=True)
class OrderFact:
    """What a seller needs to find and fix one order: no buyer data, only the order's own dates and SKUs."""

    order_id: str
    channel: str
    purchase_date: dt.date | None
    ship_by_date: dt.date | None
    confirmed_at: str | None  # local time, minutes
    cancel_reason: str
    defects: tuple[str, ...]
    skus: tuple[str, ...]


def _grouped(frame: pd.DataFrame, value: str) -> dict[str, tuple[str, ...]]:
    """Sorted distinct values per order, in one pass over the rows already narrowed to the named orders."""
    pairs = frame[["order_id", value]].drop_duplicates().sort_values(["order_id", value])
    grouped: dict[str, list[str]] = {}
    for order_id, item in zip(pairs["order_id"].tolist(), pairs[value].tolist(), strict=True):
        grouped.setdefault(str(order_id), []).append(str(item))
    return {k: tuple(v) for k, v in grouped.items()}


def order_facts(data: AuditData, order_ids: Sequence[str]) -> Mapping[str, OrderFact]:
    """Facts for the orders named by metrics and actions (the problem orders, never the whole account): the
    rows are narrowed with hash lookups first, so the per-order assembly runs over those few only."""
    wanted = pd.Series(sorted(set(order_ids)), dtype=object)
    if wanted.empty:
        return MappingProxyType({})
    orders = data.orders.loc[member(data.orders["order_id"], wanted)]
    tz = data.marketplace.timezone
    confirmed = orders["conf_ts"].dt.tz_convert(tz).dt.strftime("%Y-%m-%d %H:%M")
    skus = _grouped(data.items.loc[member(data.items["order_id"], wanted)], "sku")
    defects = _grouped(data.defects.loc[member(data.defects["order_id"], wanted)], "defect")
    purchase = [_as_date(v) for v in orders["purchase_date"].tolist()]
    ship_by = [_as_date(v) for v in orders["ship_by_date"].tolist()]
    facts: dict[str, OrderFact] = {}
    columns = zip(
        orders["order_id"].tolist(),
        orders["channel"].tolist(),
        purchase,
        ship_by,
        confirmed.tolist(),
        orders["cancel_reason"].tolist(),
        strict=True,
    )
    for order_id, channel, purchased, due, confirmed_at, reason in columns:
        key = str(order_id)
        facts[key] = OrderFact(
            order_id=key,
            channel=channel if isinstance(channel, str) else "",
            purchase_date=purchased,
            ship_by_date=due,
            confirmed_at=confirmed_at if isinstance(confirmed_at, str) else None,
            cancel_reason=reason if isinstance(reason, str) else "",
            defects=defects.get(key, ()),
            skus=skus.get(key, ()),
        )
    # Orders named only by a ship confirmation or a message are not in the order data: still listed, bare.
    for order_id in wanted.tolist():
        facts.setdefault(str(order_id), OrderFact(str(order_id), "", None, None, None, "", (), ()))
    return MappingProxyType(dict(sorted(facts.items())))


def _as_date(value: Any) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


# --- all of it --------------------------------------------------------------------------------------------------


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
    extract = EXTRACTORS.get(result.id)
    if extract is None or result.rate is None:
        return None
    # Keyed by the first metric the extractor serves (both late shipment rates: `late_shipment_rate_10d`).
    first = next(metric_id for metric_id, found in EXTRACTORS.items() if found is extract)
    return data.derived(f"events:{first}", extract, lambda: extract(data))


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
    last = _day_number(as_of)
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
        numerators, denominators = _daily(found, result.spec, min(first, last), last)
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
    trend = Trend(_day(first), as_of, tuple(series)) if series else None
    return Insights(
        headroom=MappingProxyType(rooms),
        recovery=MappingProxyType(recoveries),
        trend=trend,
        reconcile=reconcile(
            seller_performance,
            results,
            data.marketplace,
            buyer_request_known=data.buyer_request_known,
            events={k: v for k, v in events.items() if k not in dropped},
        ),
        notes=tuple(notes),
    )
