"""Late Shipment Rate over 10 and 30 days, by expected-ship-date (SPEC 4.3)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from healthcheck.loaders.seller_performance import AmazonKey
from healthcheck.metrics.base import Basis, Direction, Measurement, MetricSpec, PlanShape, Window, date_span, sorted_ids
from healthcheck.metrics.cancellation import CANCELLATION_SOURCES, expired_orders
from healthcheck.metrics.events import ALWAYS, NEVER, Events, day_numbers
from healthcheck.model import MFN, AuditData
from healthcheck.wording import plural


def lsr_frame(data: AuditData, window: Window, as_of: dt.date) -> pd.DataFrame:
    """The window's MFN orders with their outcome flags; shared with the actions and the trend."""
    orders = data.orders
    candidates = orders.loc[
        (orders["channel"] == MFN) & ~orders["cancelled_full"] & window.contains(orders["ship_by_date"]),
        # Only the columns the metric, the handling-time action and the trend read: a row filter copies them.
        ["order_id", "purchase_date", "ship_by_date", "ship_by_deadline", "ship_by_source", "conf_ts", "shipped"],
    ]
    confirmed = candidates["conf_ts"].notna()
    unknown = ~confirmed & candidates["shipped"]
    past_due = ~confirmed & ~candidates["shipped"] & (candidates["ship_by_date"] < pd.Timestamp(as_of))
    late_confirmed = confirmed & (candidates["conf_ts"] > candidates["ship_by_deadline"])
    return candidates.assign(
        counted=confirmed | past_due,
        late_confirmed=late_confirmed,
        late_unconfirmed=past_due,
        late=late_confirmed | past_due,
        unknown_confirmation=unknown,
    )


def compute(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
    span = date_span(data.orders["purchase_date"])
    if not data.has("ship_confirmations"):
        return Measurement.not_evaluated("no ship confirmations were given, so no confirmation time is known", span)
    if data.confirmations.empty:
        # SPEC 4.3: with no ship confirmations at all (a file with a header only), every order would look
        # unconfirmed and late; no confirmation time is known, so the metric cannot be evaluated.
        later = data.loaded.confirmed_after_as_of
        if later is not None and len(later):  # every row is after the as-of day: none was known then (SPEC 1.5)
            return Measurement.not_evaluated(
                f"every ship confirmation is dated after the as-of day {as_of} ({plural(len(later), 'row')}), so "
                "no confirmation time was known then",
                span,
            )
        return Measurement.not_evaluated("the ship confirmations hold no rows, so no confirmation time is known", span)
    if not data.has_order_data:
        return Measurement.not_evaluated(
            "no order data was given: add the All Orders report, or the order report with its latest-ship-date", span
        )
    frame = lsr_frame(data, window, as_of)
    ids = sorted_ids(frame.loc[frame["late"], "order_id"])
    # SPEC 4.6 (rev 2): of the unconfirmed late orders, those Amazon has cancelled by now.
    expired = expired_orders(data, as_of).loc[frame.index] & frame["late_unconfirmed"]
    notes: tuple[str, ...] = ()
    computed = int((frame["counted"] & (frame["ship_by_source"] == "computed")).sum())
    if computed:
        notes = (f"{plural(computed, 'ship-by date')} computed from the handling time (no latest-ship-date given)",)
    return Measurement(
        numerator=len(ids),
        denominator=int(frame["counted"].sum()),
        details={
            "late_confirmed": int(frame["late_confirmed"].sum()),
            "late_unconfirmed": int(frame["late_unconfirmed"].sum()),
            "unknown_confirmation": int(frame["unknown_confirmation"].sum()),
            "expired": int(expired.sum()),
        },
        order_ids=ids,
        problem_order_ids=ids,
        first_data_date=span[0],
        last_data_date=span[1],
        notes=notes,
    )


def events(data: AuditData) -> Events | None:
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
    overdue_from = pd.Series(NEVER, index=orders.index, dtype="int64")
    dated = waiting & orders["ship_by_date"].notna()
    overdue_from[dated] = day_numbers(orders.loc[dated, "ship_by_date"]) + 1
    counted_from = np.where(confirmed.to_numpy(dtype=bool), ALWAYS, overdue_from.to_numpy())
    counted_from = np.where((confirmed | waiting).to_numpy(dtype=bool), counted_from, NEVER)
    bad_from = np.where(late_confirmed.to_numpy(dtype=bool), ALWAYS, np.where(confirmed, NEVER, counted_from))
    return Events.build(orders["ship_by_date"], counted_from, bad_from)


_CONFIRMATION_TIMES = (
    "confirmation times: Amazon uses the moment you confirmed the shipment; a ship-date in the upload file can "
    "differ (give confirmed-at), and ship-by dates computed from the handling time can differ from Amazon's (give "
    "an order report with latest-ship-date)"
)

LSR_10D = MetricSpec(
    id="late_shipment_rate_10d",
    title="Late shipment rate (10 days)",
    short="lsr_10d",
    direction=Direction.LOWER_IS_BETTER,
    target=0.04,
    at_risk=0.032,
    window_days=10,
    basis=Basis.EXPECTED_SHIP_DATE,
    compute=compute,
    events=events,
    bad=("late shipment", "late shipments"),
    # `lateShipmentRateList` holds the 10- and 30-day figures; `lateShipmentRate` one of them.
    amazon=tuple(
        AmazonKey(key, ("lateShipmentCount", "lateCount"), ("orderCount",))
        for key in ("lateShipmentRateList", "lateShipmentRates", "lateShipmentRate")
    ),
    amazon_counts_fewer=_CONFIRMATION_TIMES,
    amazon_counts_more=_CONFIRMATION_TIMES,
    population="seller-fulfilled orders due to ship (confirmed, or unconfirmed and past due)",
    numerator="orders confirmed after the ship-by deadline, or still unconfirmed past it",
    advice=(
        "Confirm shipment as soon as the label is bought; lengthen the handling time for the SKUs that run "
        "late; enable weekend operating days only if you ship then; plan for holidays."
    ),
    # Order reports alone leave an order cancelled since the download unconfirmed and late: a report that shows
    # cancellations takes it out of the population.
    inputs=(("all_orders", "order_report"), ("ship_confirmations",), CANCELLATION_SOURCES),
    plan=PlanShape(
        causes=("confirmation_lateness", "sku", "handling_days", "ship_by_weekday"),
        quiet=("sku",),
        since_confirmed=True,
    ),
)
LSR_30D = dataclasses.replace(
    LSR_10D, id="late_shipment_rate_30d", title="Late shipment rate (30 days)", short="lsr_30d", window_days=30
)
