"""Amazon's own numbers beside ours (SPEC 5.4): the seller performance report read leniently, each figure matched
to one of our metrics, and the likely causes of every difference."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from healthcheck.loaders.seller_performance import (
    AmazonFigure,
    AmazonKey,
    account_status,
    as_number,
    as_text,
    choose_entry,
    entries,
    figures,
    get,
    warning_states,
)
from healthcheck.marketplaces import Marketplace
from healthcheck.metrics.base import MetricResult, MetricSpec
from healthcheck.metrics.events import Events, daily, day_number

# Amazon's figures round rates to 4 decimals.
_RATE_TOLERANCE = 0.00005
# Days an Amazon figure's window may differ from ours and still be the same metric's.
_WINDOW_SLACK = 2


def amazon_figures(
    entry: Mapping[str, Any], specs: Sequence[MetricSpec]
) -> tuple[dict[str, AmazonFigure], list[tuple[str, AmazonFigure]]]:
    """Amazon's figure for each of our metrics found in one marketplace's `performanceMetrics` entry (where each
    spec's `amazon` row says it is), and the figures whose window matches none of ours, each with the metric it is
    nearest to (SPEC 5.4, rev 2: shown, not compared)."""
    groups: dict[tuple[AmazonKey, ...], list[MetricSpec]] = {}
    for spec in specs:
        if spec.amazon:
            groups.setdefault(spec.amazon, []).append(spec)
    found: dict[str, AmazonFigure] = {}
    unmatched: list[tuple[str, AmazonFigure]] = []
    for keys, group in groups.items():
        listed = [figure for key in keys for figure in figures(entry, key)]
        if len(group) == 1:
            if listed:
                found[group[0].id] = listed[0]
            continue
        # Several of our metrics share these keys (the 10- and 30-day late shipment rates): match by length.
        for spec in group:
            dated = [f for f in listed if f.days is not None and abs(f.days - spec.window_days) <= _WINDOW_SLACK]
            if dated:
                found[spec.id] = min(dated, key=lambda f: abs((f.days or 0) - spec.window_days))
        for figure in listed:
            if figure.days is None or all(abs(figure.days - s.window_days) > _WINDOW_SLACK for s in group):
                nearest = min(group, key=lambda s: abs((figure.days or 0) - s.window_days))
                unmatched.append((nearest.id, figure))
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


def _sentence(text: str) -> str:
    """A cause as a sentence: capitalised and closed, so that causes shown one after another never run together."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


def _count(count: int, unit: str) -> str:
    """`1 order`, `3 orders`: the metric's unit is a plural noun."""
    return f"{count} {unit[:-1] if count == 1 and unit.endswith('s') else unit}"


def _not_compared(ours: MetricResult) -> tuple[str, ...]:
    if ours.rate is None:
        return (_sentence(f"not compared: not recomputed: {ours.measurement.reason}"),)
    return (_sentence("not compared: Amazon's report gives no rate for it"),)


def _dates_differ(result: MetricResult, start: dt.date, end: dt.date) -> str:
    """How Amazon's window (`start` to `end`) stands to ours: a few days behind, or another period altogether."""
    window = result.window
    lag = (window.end - end).days
    dates = f"Amazon's covers {start} to {end}, ours {window.start} to {window.end}"
    # Further apart than a window's length, the two do not share a day: calling it "behind" misleads.
    if abs(lag) > result.spec.window_days:
        return f"Amazon's report is from another period ({dates})"
    if lag > 0:
        return f"Amazon's report is {lag} day{'s' if lag != 1 else ''} behind ours"
    return f"the window dates differ ({dates})"


def _causes(result: MetricResult, amazon: AmazonFigure, same_window: tuple[int, int] | None) -> tuple[str, ...]:
    """The likely reasons our number and Amazon's differ, most likely first, each a sentence of its own."""
    if result.rate is None:
        return (_sentence(f"not recomputed: {result.measurement.reason}"),)
    causes: list[str] = []
    window = result.window
    unit = result.spec.unit
    m = result.measurement
    numerator, denominator, where = m.numerator, m.denominator, "in our window"
    if amazon.start and amazon.end and (amazon.start, amazon.end) != (window.start, window.end):
        dates = _sentence(_dates_differ(result, amazon.start, amazon.end))
        if same_window is not None:
            numerator, denominator, where = same_window[0], same_window[1], "over Amazon's dates"
            if (numerator, denominator) == (amazon.numerator, amazon.denominator):
                return (f"Dates only: {dates} Over Amazon's dates we count {numerator}/{denominator} too.",)
            causes.append(f"{dates} Over Amazon's dates we count {numerator}/{denominator}.")
        else:
            causes.append(dates)
    if amazon.denominator is not None and amazon.denominator != denominator:
        gap = amazon.denominator - denominator
        if gap > 0:
            text = _sentence(
                f"missing orders: we count {gap} fewer {unit} than Amazon {where} (download reports covering it)"
            )
            if not result.coverage_complete:
                text += f" Our data starts {m.first_data_date}, after the window start."
            causes.append(text)
        else:
            causes.append(
                _sentence(
                    f"we count {_count(-gap, unit)} more than Amazon {where}: ones Amazon leaves out of its "
                    "population (orders it exempts, or changes since its report)"
                )
            )
    ours_bad = result.spec.bad_of(numerator, denominator)
    if amazon.numerator is not None:
        amazon_bad = result.spec.bad_of(amazon.numerator, amazon.denominator or 0)
        if amazon_bad < 0:
            # The schema's own example counts more valid packages than shipments: no count of bad ones follows.
            causes.append(
                _sentence(
                    f"Amazon's own counts do not add up ({amazon.numerator} of {amazon.denominator} {unit}), so its "
                    f"bad {unit} cannot be counted to compare"
                )
            )
        elif amazon_bad != ours_bad:
            causes += _numerator_causes(result, ours_bad, amazon_bad, amazon)
    return tuple(causes)


def _numerator_causes(result: MetricResult, ours: int, amazon_count: int, amazon: AmazonFigure) -> list[str]:
    spec, m = result.spec, result.measurement
    counted = f"we count {_count(ours, 'bad ' + spec.unit)}, Amazon {amazon_count}: "
    if ours > amazon_count and m.details.get("origin_unknown"):
        return [
            _sentence(
                counted + "buyer-requested exclusions: no buyer-request information was given, so every "
                "cancellation counted (add an order report with is-buyer-requested-cancellation)"
            )
        ]
    why = spec.amazon_counts_fewer if ours > amazon_count else spec.amazon_counts_more
    parts = [
        f"{name.replace('_', ' ')}: ours {m.details.get(name, 0)}, Amazon {count}"
        for name, count in amazon.details.items()
        if m.details.get(name, 0) != count
    ]
    return [_sentence(counted + why + (f" ({'; '.join(parts)} in our window)" if parts else ""))]


def _after(figure: AmazonFigure, as_of: dt.date | None) -> bool:
    """A figure for days after the as-of day: not known then."""
    return as_of is not None and figure.end is not None and figure.end > as_of


def reconcile(
    documents: Sequence[tuple[str, Mapping[str, Any]]],
    results: Sequence[MetricResult],
    marketplace: Marketplace,
    *,
    events: Mapping[str, Events] | None = None,
    as_of: dt.date | None = None,
) -> tuple[Reconciliation, ...]:
    """Each seller performance document beside the recomputed metrics (SPEC 5.4); unknown shapes never fail.
    A report with a figure for days after `as_of` was made after it (SPEC 1.5, rev 2): named in a note, none of
    its figures compared, and so none recorded in the history as Amazon's word on that day."""
    by_id = {r.id: r for r in results}
    specs = [r.spec for r in results]
    out: list[Reconciliation] = []
    for path, document in documents:
        if not isinstance(document, Mapping):
            out.append(Reconciliation(path, None, None, None, None, (), (), ("not a JSON object",)))
            continue
        entry, notes = choose_entry(entries(document), marketplace)
        if entry is None:
            out.append(Reconciliation(path, None, account_status(document, None), None, None, (), (), tuple(notes)))
            continue
        marketplace_id = as_text(get(entry, "marketplaceId"))
        rating = get(entry, "accountHealthRating")
        rows: list[ReconcileRow] = []
        found, unmatched = amazon_figures(entry, specs)
        later = [f.end for f in [*found.values(), *(f for _, f in unmatched)] if _after(f, as_of) and f.end]
        if later:
            # The report was made after the as-of day: every figure in it, a window that ended before that day
            # included (the order defect rate's, 14 days back), counts what Amazon knew then, not at the as-of day.
            found, unmatched = {}, []
            notes.append(
                f"Amazon's report speaks for days up to {max(later)}, after the as-of date {as_of}: none of its "
                "figures was known then, so none is compared (audit without --as-of, or add the report downloaded "
                "on that day)"
            )
        for metric_id, figure in found.items():
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
            causes = () if agrees else _causes(ours, figure, same)
            rows.append(ReconcileRow(metric_id, ours.spec.title, ours, figure, agrees, causes, same))
        for metric_id, figure in unmatched:
            ours = by_id[metric_id]
            span = f"{figure.days} days" if figure.days else "undated"
            # The windows of our metrics that read the same figure of Amazon's (the two late shipment rates).
            lengths = sorted({s.window_days for s in specs if s.amazon and s.amazon == ours.spec.amazon})
            ours_are = " and ".join(str(n) for n in lengths) + " days"
            why = _sentence(
                f"not compared: Amazon's figure covers {span} ({figure.start} to {figure.end}), which matches none "
                f"of our windows for it ({ours_are})"
            )
            same = _same_window(ours, figure, (events or {}).get(metric_id)) if ours.rate is not None else None
            if same is not None:
                why += f" Over Amazon's dates we count {same[0]}/{same[1]}."
            rows.append(ReconcileRow(metric_id, ours.spec.title, ours, figure, None, (why,), same))
        order = {r.id: i for i, r in enumerate(results)}
        rows.sort(key=lambda r: order[r.metric_id])
        if not rows and not later:
            notes.append("no metric this tool recomputes was found in the report")
        # The account's status and rating are the report's day's: after the as-of day, not known then either.
        known = not later
        out.append(
            Reconciliation(
                path=path,
                marketplace_id=marketplace_id,
                account_status=account_status(document, marketplace_id) if known else None,
                ahr_status=as_text(get(rating, "ahrStatus", "status")) if known else None,
                ahr_score=as_number(get(rating, "ahrScore", "score")) if known else None,
                warning_states=warning_states(entry) if known else (),
                rows=tuple(rows),
                notes=tuple(notes),
            )
        )
    return tuple(out)
