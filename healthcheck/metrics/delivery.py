"""On-Time Delivery Rate, by units and promised delivery date (SPEC 4.5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from healthcheck.loaders.seller_performance import AmazonKey
from healthcheck.metrics.base import (
    Basis,
    Direction,
    Measurement,
    MetricSpec,
    PlanShape,
    Variant,
    Window,
    date_span,
    sorted_ids,
)
from healthcheck.metrics.events import ALWAYS, Events, flag
from healthcheck.model import AFN, ORDER_ROW, AuditData, local_dates, order_values


def delivered_rows(data: AuditData, columns: Iterable[str]) -> pd.DataFrame:
    """The confirmation rows SPEC 4.5 counts: seller-fulfilled, tracked, with a delivery time. Only `columns`
    are kept (those the frame has): a row filter copies every column it keeps. The trend reads the same rows."""
    rows = data.confirmations
    chosen = (rows["channel"] != AFN) & (rows["tracking_number"] != "") & rows["delivered_ts"].notna()
    return rows.loc[chosen, [c for c in columns if c in rows.columns]]


def by_package(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per package (order and tracking number), delivered when its last item was, counted once: what the
    on-time delivery rate counted before Amazon's 2024-07-25 definition (metrics/rules.py)."""
    grouped = rows.groupby(["order_id", "tracking_number"], as_index=False, sort=False)
    return grouped.agg(delivered_ts=("delivered_ts", "max"), promised=("promised", "first")).assign(quantity=1)


def compute(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
    return _compute(data, window, per_package=False)


def compute_packages(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
    return _compute(data, window, per_package=True)


def _compute(data: AuditData, window: Window, *, per_package: bool) -> Measurement:
    if not data.has("ship_confirmations"):
        return Measurement.not_evaluated("no ship confirmations (with delivered-at) were given")
    columns = ("order_id", "tracking_number", "delivered_ts", "quantity", ORDER_ROW)
    rows = delivered_rows(data, columns if per_package else ("order_id", "delivered_ts", "quantity", ORDER_ROW))
    if rows.empty:
        return Measurement.not_evaluated("the ship confirmations carry no delivery time (delivered-at)")
    promised = order_values(data, rows, "latest_delivery_ts")
    if bool(promised.isna().all()):
        return Measurement.not_evaluated(
            "no promised delivery date (latest-delivery-date from an order report) for the delivered packages"
        )
    rows = rows.assign(promised=promised).loc[promised.notna()]
    if per_package:
        rows = by_package(rows)
    promised_day = local_dates(rows["promised"], data.marketplace.timezone)
    span = date_span(promised_day)
    rows = rows.loc[window.contains(promised_day)]
    units = rows["quantity"].fillna(1).astype("int64")
    on_time = rows["delivered_ts"] <= rows["promised"]
    return Measurement(
        numerator=int(units[on_time].sum()),
        denominator=int(units.sum()),
        details={"late_units": int(units[~on_time].sum()), "late_packages": int((~on_time).sum())},
        order_ids=sorted_ids(rows.loc[on_time, "order_id"]),
        problem_order_ids=sorted_ids(rows.loc[~on_time, "order_id"]),
        first_data_date=span[0],
        last_data_date=span[1],
    )


def events(data: AuditData) -> Events | None:
    """Units by promised delivery day; late units count against the metric."""
    return _events(data, per_package=False)


def events_packages(data: AuditData) -> Events | None:
    return _events(data, per_package=True)


def _events(data: AuditData, *, per_package: bool) -> Events | None:
    if not data.has("ship_confirmations"):
        return None
    if per_package:
        rows = delivered_rows(data, ("order_id", "tracking_number", "delivered_ts", "quantity", ORDER_ROW))
        promised = order_values(data, rows, "latest_delivery_ts")
        if bool(promised.isna().all()):
            return None
        rows = by_package(rows.assign(promised=promised).loc[promised.notna()])
        late = rows["delivered_ts"] > rows["promised"]
        ones = rows["quantity"].astype("int64")
        return Events.build(local_dates(rows["promised"], data.marketplace.timezone), ALWAYS, flag(late), ones)
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
    return Events.build(local_dates(rows["promised"], data.marketplace.timezone), ALWAYS, flag(late), units)


_DELIVERY_TIMES = "delivery times: Amazon uses the carrier's delivery scan; delivered-at from your tool can differ"

ON_TIME_DELIVERY_RATE = MetricSpec(
    id="on_time_delivery_rate",
    title="On-time delivery rate",
    short="otdr",
    direction=Direction.HIGHER_IS_BETTER,
    target=0.90,
    at_risk=0.92,
    window_days=14,
    basis=Basis.PROMISED_DELIVERY_DATE,
    end_lag_days=7,
    compute=compute,
    events=events,
    unit="units",
    bad=("late unit", "late units"),
    # Amazon's unit-based figure is ours; its package-based one is the fallback.
    amazon=(
        AmazonKey(
            "unitOnTimeDeliveryRate",
            ("unitOnTimeDeliveryCount", "onTimeDeliveryCount"),
            ("totalUnitCount", "unitCount"),
        ),
        AmazonKey("onTimeDeliveryRate", ("onTimeDeliveryCount",), ("shipmentCountWithValidTracking", "shipmentCount")),
    ),
    amazon_counts_fewer=_DELIVERY_TIMES,
    amazon_counts_more=_DELIVERY_TIMES,
    population="seller-fulfilled units with tracking and a delivery time, promised",
    numerator="units delivered by the latest promised delivery date",
    advice=(
        "Set transit times in your shipping templates to what the carrier really achieves, ship early in the "
        "handling window, and use faster services for regions that arrive late."
    ),
    inputs=(("ship_confirmations",), ("order_report",)),
    variants=(("packages", Variant(compute_packages, events_packages, "packages", ("late package", "late packages"))),),
    plan=PlanShape(causes=("delivery_lateness", "carrier", "sku", "ship_weekday"), quiet=("carrier", "sku")),
)
