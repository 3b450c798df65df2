"""Amazon's own numbers beside ours (SPEC 5.4): the seller performance report read leniently, each figure matched
to one of our metrics, and the likely causes of every difference."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from healthcheck.marketplaces import MARKETPLACE_IDS, Marketplace
from healthcheck.metrics.base import Direction, MetricResult, MetricSpec
from healthcheck.metrics.events import Events, daily, day_number

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
    day = day_number(amazon.end) + spec.end_lag_days
    numerators, denominators = daily(events, spec, day, day)
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
    unit = result.spec.unit
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
    unit = result.spec.unit
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
