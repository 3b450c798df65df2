"""The plan of action Amazon asks for when a metric is in breach, drafted from the data (issue 15).

Amazon's help page on plans of action (Seller Central 201623610) asks three questions: the root cause, the actions
taken and to take, and the steps that prevent a recurrence; factual, concise, a response for each root cause, with
the evidence. The draft answers each from the audit alone: the metric's bad orders counted by the order attributes
its spec names (`PlanShape`), what the data shows was fixed since, the audit's own actions for the metric, and the
measures against the causes found. What only the seller knows is left as `[FILL IN: ...]`, never made up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from healthcheck.action_base import Action, Effect, kind_of
from healthcheck.metrics.base import Basis, Direction, MetricResult, Status
from healthcheck.model import AuditData, local_dates
from healthcheck.plan.causes import DIMENSIONS, Selection, dimension, fill_in
from healthcheck.selection import order_mask
from healthcheck.wording import plural, the_title, verb

# A value explains enough of the bad orders to call for a measure of its own: at least two of them and a quarter.
MEASURE_MIN_COUNT = 2
MEASURE_MIN_SHARE = 0.25
MEASURES_PER_CAUSE = 3
# A cause quiet for less than a quarter of the metric's window, and less than QUIET_MIN_DAYS in any window (its
# last bad order, then later good ones), shows nothing yet: "none since yesterday" is chance, not a fix a plan
# can claim to Amazon.
QUIET_MIN_DAYS = 3
QUIET_MIN_SHARE = 0.25


@dataclass(frozen=True)
class CauseValue:
    value: str  # from the files: sanitised where it is shown
    count: int  # bad orders with this value
    order_ids: tuple[str, ...]


@dataclass(frozen=True)
class Cause:
    """The bad orders counted by one order attribute, most frequent value first."""

    name: str
    label: str
    values: tuple[CauseValue, ...]


@dataclass(frozen=True)
class Step:
    """One line of the plan: what the data shows, or what to do, and the orders and SKUs it rests on."""

    text: str
    order_ids: tuple[str, ...] = ()
    skus: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """One bad order as the plan lists it: its purchase day and its values of the causes (no buyer data)."""

    order_id: str
    purchase_date: dt.date | None
    facts: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    result: MetricResult
    causes: tuple[Cause, ...]
    why: str  # what the seller must add to the root cause
    taken: tuple[Step, ...]  # what the data shows was fixed
    now: tuple[Step, ...]  # the audit's actions for the metric
    prevent: tuple[Step, ...]
    evidence: tuple[Evidence, ...]

    @property
    def order_count(self) -> int:
        return len(self.evidence)


def plan_needed(result: MetricResult) -> bool:
    """Whether the metric calls for a plan of action: in breach, on orders of ours. A number only Amazon's report
    states has no orders of ours behind it to find a root cause in (issue 15)."""
    return result.status is Status.BREACH and result.recomputed


def with_steps(plan: Plan, actions: Sequence[Action]) -> Plan:
    """The plan with the audit's actions for its metric as the steps to take now (all but those that only
    document)."""
    now = tuple(
        Step(a.title, a.order_ids, a.skus)
        for a in actions
        if a.metric_id == plan.result.id and kind_of(a.id).effect is not Effect.DOCUMENTS
    )
    return dataclasses.replace(plan, now=now)


def draft_plan(data: AuditData, result: MetricResult, as_of: dt.date) -> Plan:
    """The plan from the data alone, its steps to take now still empty (`with_steps` adds the actions): the
    long part, which needs none of the actions."""
    ids = pd.Series(result.measurement.problem_order_ids, dtype=object)
    bad = Selection.of(data, ids)
    pairs = {name: dimension(name).read(bad) for name in result.spec.plan.causes}
    causes = tuple(cause for name, frame in pairs.items() if (cause := _cause(name, frame)).values)
    taken = _since_confirmed(data, bad) if result.spec.plan.since_confirmed else []
    for cause in causes:
        if cause.name in result.spec.plan.quiet:
            taken += _quiet(data, result, _recurring(cause, len(ids)), cause.name, bad)
    return Plan(
        result=result,
        causes=causes,
        why=fill_in(
            "why it happened: what in your stock, listings, shipping or staffing let the causes above occur, and "
            "when it started"
        ),
        taken=tuple(taken),
        now=(),
        prevent=_measures(result, causes, len(ids)),
        evidence=_evidence(bad, pairs),
    )


def _cause(name: str, pairs: pd.DataFrame) -> Cause:
    if pairs.empty:
        return Cause(name, DIMENSIONS[name].label, ())
    # The pairs are distinct (causes.py): each value's orders, sorted, are its positions in the id-sorted frame.
    ordered = pairs.sort_values("order_id", kind="stable")
    ids = ordered["order_id"].to_numpy(dtype=object)
    positions = ordered.groupby("value", sort=False).indices
    values = [CauseValue(str(v), len(at), tuple(ids[at])) for v, at in positions.items()]
    values.sort(key=lambda c: (-c.count, c.value))
    return Cause(name, DIMENSIONS[name].label, tuple(values))


def _basis_dates(data: AuditData, basis: Basis) -> pd.Series | None:
    """Each order's local date on the metric's basis; None where the basis is not an order's (messages)."""
    orders, tz = data.orders, data.marketplace.timezone
    match basis:
        case Basis.PURCHASE_DATE:
            return orders["purchase_date"]
        case Basis.EXPECTED_SHIP_DATE:
            return orders["ship_by_date"]
        case Basis.CONFIRMATION_DATE:
            return local_dates(orders["conf_ts"], tz)
        case Basis.PROMISED_DELIVERY_DATE:
            return local_dates(orders["latest_delivery_ts"], tz)
        case _:
            return None


def _recurring(cause: Cause, total: int) -> list[CauseValue]:
    """The values that explain enough of the bad orders to be a cause of their own; at least the first."""
    chosen = [v for v in cause.values if v.count >= MEASURE_MIN_COUNT and v.count >= MEASURE_MIN_SHARE * total]
    return chosen[:MEASURES_PER_CAUSE] or list(cause.values[:1])


def _quiet(
    data: AuditData, result: MetricResult, values: Sequence[CauseValue], name: str, bad_orders: Selection
) -> list[Step]:
    """Per recurring value of a cause: no bad order after its last one, while later orders with it shipped within
    the window. Only what the files show: later orders in the metric's window, shipped, and not bad."""
    same = DIMENSIONS[name].same_as
    quiet_days = max(QUIET_MIN_DAYS, round(result.spec.window_days * QUIET_MIN_SHARE))
    dates = _basis_dates(data, result.spec.basis)
    if not same or dates is None or data.orders.empty:
        return []
    orders = data.orders
    bad = pd.Series(False, index=orders.index)
    bad.loc[bad_orders.rows.index] = True
    day = pd.Series(dates.to_numpy(), index=orders.index)
    end = pd.Timestamp(result.window.end)
    channels = orders.loc[bad, "channel"].dropna().unique().tolist()
    shipped = orders["conf_ts"].notna() | orders["shipped"]
    later_mask = ~bad & shipped & orders["channel"].isin(channels) & day.notna() & (day <= end)
    if result.spec.direction is Direction.HIGHER_IS_BETTER:
        # Its counted good orders are known: a later order not among them may simply not be counted yet (a
        # package not yet delivered is neither on time nor late).
        later_mask &= order_mask(data, pd.Series(result.measurement.order_ids, dtype=object))
    # The few bad orders, as plain lists (not a Series iterated value by value).
    bad_day = dict(zip(orders.loc[bad, "order_id"].astype("str").tolist(), day[bad].tolist(), strict=True))
    lasts: dict[str, tuple[pd.Timestamp, str]] = {}
    for entry in values:
        dated = [(bad_day[o], o) for o in entry.order_ids if o in bad_day and pd.notna(bad_day[o])]
        if dated:
            lasts[entry.value] = max(dated)
    if not lasts:
        return []
    # Only orders after the earliest of those last bad days can show a fix: the SKUs of fewer orders are read.
    later_mask &= day > min(last for last, _ in lasts.values())
    later = pd.DataFrame({"order_id": orders.loc[later_mask, "order_id"].astype("str"), "day": day[later_mask]})
    selection = Selection(data, later["order_id"], orders.loc[later_mask])
    found = DIMENSIONS[same].read(selection) if not later.empty else None
    if found is None or found.empty:
        return []
    found = found.loc[found["value"].isin(list(lasts))].merge(later, on="order_id")
    steps: list[Step] = []
    for entry in values:
        if entry.value not in lasts:
            continue
        last, last_id = lasts[entry.value]
        after = found.loc[(found["value"] == entry.value) & (found["day"] > last)]
        after = after.drop_duplicates("order_id").sort_values(["day", "order_id"])
        if after.empty or (after["day"].iloc[-1] - last).days < quiet_days:
            continue
        since = tuple(after["order_id"].tolist())
        found_as = DIMENSIONS[same]
        basis = result.spec.basis.value.replace("_", " ")
        steps.append(
            Step(
                f"{found_as.noun} {entry.value}: no {result.spec.bad[0]} after {last:%Y-%m-%d} (by {basis}; the "
                f"last was order {last_id}), and {plural(len(since), 'later order')} with it, up to "
                f"{after['day'].iloc[-1]:%Y-%m-%d}, {verb(len(since), 'was', 'were')} shipped without one.",
                since,
                (entry.value,) if found_as.skus else (),
            )
        )
    return steps


def _since_confirmed(data: AuditData, bad: Selection) -> list[Step]:
    """The bad orders confirmed after their deadline: shipped late, but shipped."""
    orders = bad.rows[["order_id", "conf_ts"]]
    confirmed = orders.loc[orders["conf_ts"].notna()].sort_values(["conf_ts", "order_id"])
    if confirmed.empty:
        return []
    latest = confirmed["conf_ts"].iloc[-1].tz_convert(data.marketplace.timezone)
    n, waiting = len(confirmed), len(orders) - len(confirmed)
    return [
        Step(
            f"{n} of the {plural(len(orders), 'order')} {verb(n, 'has', 'have')} been confirmed shipped since "
            f"(the latest on {latest:%Y-%m-%d}); {plural(waiting, 'order')} still {verb(waiting, 'waits', 'wait')} "
            "for a confirmation.",
            tuple(confirmed["order_id"].astype("str")),
        )
    ]


def _measures(result: MetricResult, causes: Sequence[Cause], total: int) -> tuple[Step, ...]:
    """A measure for each value that explains enough of the bad orders, then Amazon's guidance for the metric and
    the monitoring that would have caught it sooner."""
    steps: list[Step] = []
    for cause in causes:
        prevention = DIMENSIONS[cause.name].prevention
        if prevention is None:
            continue
        for value in _recurring(cause, total):
            text = prevention(value.value, f"{value.count} of the {plural(total, 'order')}")
            if text:
                skus = (value.value,) if DIMENSIONS[cause.name].skus else ()
                steps.append(Step(text, value.order_ids, skus))
    spec = result.spec
    steps.append(
        Step(
            f"Following Amazon's guidance for {the_title(spec.title)}: {spec.advice} "
            + fill_in("keep what you do, remove the rest")
        )
    )
    steps.append(
        Step(
            f"Monitoring: {the_title(spec.title)} is checked "
            + fill_in("how often, e.g. a daily healthcheck audit, and who acts on it")
        )
    )
    return tuple(steps)


def _evidence(bad: Selection, pairs: Mapping[str, pd.DataFrame]) -> tuple[Evidence, ...]:
    """Every bad order, by purchase day, with its values of the causes (weekdays show in the date already)."""
    orders = bad.rows[["order_id", "purchase_date"]]
    # One conversion of the whole column to dates (NaT to None), not a Timestamp per order.
    days = orders["purchase_date"].dt.date.astype(object).where(orders["purchase_date"].notna(), None)
    purchased = dict(zip(orders["order_id"].astype("str").tolist(), days.tolist(), strict=True))
    facts: dict[str, list[str]] = {}
    for name, frame in pairs.items():
        if not DIMENSIONS[name].in_evidence:
            continue
        for order_id, value in zip(frame["order_id"].tolist(), frame["value"].tolist(), strict=True):
            facts.setdefault(str(order_id), []).append(str(value))
    rows = [
        Evidence(str(o), purchased.get(str(o)), tuple(dict.fromkeys(facts.get(str(o), [])))) for o in bad.ids.tolist()
    ]
    rows.sort(key=lambda e: (e.purchase_date or dt.date.max, e.order_id))
    return tuple(rows)
