"""Amazon's `GET_V2_SELLER_PERFORMANCE_REPORT` JSON, read leniently (SPEC 5.4): key variants, numbers given as
strings, counts nested as `{"count": n}`, unknown enum values and missing parts never fail. What each of our
metrics is called there is its spec's `amazon` row (metrics/base.py); this module only reads the document."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence  # noqa: F401
from dataclasses import dataclass, field
from typing import Any

from healthcheck.marketplaces import MARKETPLACE_IDS, Marketplace


@dataclass(frozen=True)
class AmazonKey:
    """Where the report states one of our metrics: a path under a `performanceMetrics` entry (`a.b`; a list
    there holds several dated figures) and the names its numerator and denominator go by."""

    path: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    details: tuple[tuple[str, tuple[str, ...]], ...] = ()  # our details name -> Amazon's names


def _norm(key: str) -> str:
    return key.replace("_", "").replace("-", "").lower()


def get(obj: Any, *names: str) -> Any:
    """The first of `names` present in a dict, matched exactly, else ignoring case and `_`; None otherwise."""
    if not isinstance(obj, Mapping):
        return None
    for name in names:
        if name in obj:
            return obj[name]
    wanted = {_norm(n) for n in names}
    return next((v for k, v in obj.items() if isinstance(k, str) and _norm(k) in wanted), None)


def as_number(value: Any) -> float | None:
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


def as_count(value: Any) -> int | None:
    """A count, also when Amazon nests it as {"count": n, "status": ...}."""
    if isinstance(value, Mapping):
        value = get(value, "count", "value")
    number = as_number(value)
    return int(number) if number is not None else None


def as_text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def as_date(value: Any) -> dt.date | None:
    text = as_text(value)
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


def figures(entry: Mapping[str, Any], key: AmazonKey) -> list[AmazonFigure]:
    """The figures at `key.path` in one marketplace's entry: none, one, or one per item of a list there."""
    found: Any = entry
    for part in key.path.split("."):
        found = get(found, part)
    items = list(enumerate(found)) if isinstance(found, list) else [(None, found)]
    out: list[AmazonFigure] = []
    for index, item in items:
        label = key.path if index is None else f"{key.path}[{index}]"
        figure = _figure(item, label, key)
        if figure is not None:
            out.append(figure)
    return out


def _figure(item: Any, label: str, key: AmazonKey) -> AmazonFigure | None:
    if not isinstance(item, Mapping):
        return None
    numerator = as_count(get(item, *key.numerator))
    denominator = as_count(get(item, *key.denominator))
    rate = as_number(get(item, "rate"))
    if rate is None and numerator is not None and denominator:
        rate = numerator / denominator
    dates = get(item, "reportingDateRange", "dateRange")
    details = {name: value for name, names in key.details if (value := as_count(get(item, *names))) is not None}
    status = get(item, "status")
    return AmazonFigure(
        key=label,
        rate=rate,
        numerator=numerator,
        denominator=denominator,
        start=as_date(get(dates, "reportingDateFrom", "from", "startDate")),
        end=as_date(get(dates, "reportingDateTo", "to", "endDate")),
        status=status if isinstance(status, str) else None,
        details=details,
    )


def entries(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """`performanceMetrics` as a list of per-marketplace entries (a single object is accepted too)."""
    metrics = get(document, "performanceMetrics")
    if metrics is None and isinstance(get(document, "payload"), Mapping):
        metrics = get(get(document, "payload"), "performanceMetrics")
    if isinstance(metrics, Mapping):
        return [metrics]
    if isinstance(metrics, list):
        return [m for m in metrics if isinstance(m, Mapping)]
    return []


def choose_entry(
    entries: list[Mapping[str, Any]], marketplace: Marketplace
) -> tuple[Mapping[str, Any] | None, list[str]]:
    """The entry for the audited marketplace; a lone entry for another one is used with a note."""
    wanted = MARKETPLACE_IDS.get(marketplace.code)
    ids = [as_text(get(e, "marketplaceId")) for e in entries]
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


def warning_list(entry: Mapping[str, Any]) -> tuple[tuple[str, str | None, int | None], ...]:
    """Amazon's warnings as (type, status, count): a list of words or of `{warningType, status}` objects, or an
    object of categories (`{"listingPolicyViolations": {"status": "NORMAL", "defectsCount": 0}}`), of which only
    those not NORMAL are warnings (SPEC 5.4, rev 2). The one reading of them: the reconcile shows them, Amazon's
    account status judges them."""
    states = get(entry, "warningStates", "warningState")
    if isinstance(states, Mapping) and not get(states, "warningType", "type", "status"):
        categories: list[tuple[str, str | None, int | None]] = []
        for category, state in states.items():
            status = as_text(get(state, "status")) if isinstance(state, Mapping) else as_text(state)
            if status is None or status.upper() == "NORMAL":
                continue
            count = as_count(get(state, "defectsCount", "count")) if isinstance(state, Mapping) else None
            categories.append((str(category), status, count))
        return tuple(categories)
    if isinstance(states, Mapping):
        states = [states]
    if not isinstance(states, list):
        return ()
    found: list[tuple[str, str | None, int | None]] = []
    for state in states:
        if isinstance(state, Mapping):
            kind = as_text(get(state, "warningType", "type")) or "warning"
            found.append((kind, as_text(get(state, "status")), None))
        elif isinstance(state, str) and state.strip():
            found.append((state.strip(), None, None))
    return tuple(found)


def warning_states(entry: Mapping[str, Any]) -> tuple[str, ...]:
    """Amazon's warnings, as words: `pricingIssues: AT_RISK (3)`."""
    return tuple(
        (f"{kind}: {status}" if status else kind) + (f" ({count})" if count else "")
        for kind, status, count in warning_list(entry)
    )


def account_status(document: Mapping[str, Any], marketplace_id: str | None) -> str | None:
    statuses = get(document, "accountStatuses", "accountStatus")
    if isinstance(statuses, Mapping):
        statuses = [statuses]
    if not isinstance(statuses, list):
        return None
    for item in statuses:
        if isinstance(item, Mapping) and (marketplace_id is None or get(item, "marketplaceId") == marketplace_id):
            return as_text(get(item, "status"))
    return None
