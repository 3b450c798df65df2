"""The Seller-Fulfilled Prime orders (`--program sfp`): the audit data cut to the orders the order report marks
`is-prime`, so the program's metrics count exactly as the account's own metrics do, over Prime orders only."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pandas as pd

from healthcheck.loaders import order_ids
from healthcheck.metrics.base import ComputeFn, EventsFn, Measurement, Window
from healthcheck.model import ORDER_ROW, AuditData, member
from healthcheck.selection import items_of, order_mask
from healthcheck.skus import LOG_ORDER_ID

# Each program metric counts over one of the two Prime cuts below.
PrimeCut = Callable[[AuditData], AuditData | None]

# The report whose rows say which orders were Prime: the program's metrics read it themselves (`reads_rows`).
PRIME_FLAG_SOURCES = ("order_report",)

NO_PRIME_FLAG = (
    "no order report with the is-prime column was given: it is the only report that says which orders were "
    "Seller-Fulfilled Prime (download Orders > Order Reports, which carries it)"
)

NO_PRIME_ORDERS = "the order report marks no order Prime (is-prime is false on every row): there is nothing to count"


def prime_problem(data: AuditData) -> str | None:
    """Why the program's metrics cannot count Prime orders, or None when the order report marks some."""
    ids = prime_order_ids(data)
    if ids is None:
        return NO_PRIME_FLAG
    return NO_PRIME_ORDERS if ids.empty else None


def prime_order_ids(data: AuditData) -> pd.Series | None:
    """The order ids the order report marks Prime; None when no order report says (the column is absent)."""
    (kind,) = PRIME_FLAG_SOURCES
    frame = data.loaded.frame(kind)
    if frame is None or "is_prime" not in frame.columns:
        return None
    flags = frame["is_prime"].fillna(False).astype(bool)
    return pd.Series(order_ids(frame.loc[flags]).drop_duplicates().to_numpy(), dtype=object)


def prime_orders_data(data: AuditData) -> AuditData | None:
    """Orders and items of Prime orders only (for the counts made over orders: cancellations)."""

    def build() -> AuditData | None:
        ids = prime_order_ids(data)
        if ids is None:
            return None
        orders = data.orders.loc[order_mask(data, ids)]
        # The items' order rows point into the whole orders frame: dropped, so joins go by id on the cut.
        items = items_of(data, ids).drop(columns=[ORDER_ROW, LOG_ORDER_ID], errors="ignore")
        return dataclasses.replace(data, orders=orders, items=items)

    return data.derived(prime_orders_data, data.orders, build)


def prime_shipments_data(data: AuditData) -> AuditData | None:
    """Ship confirmations of Prime orders only; the orders stay whole, so each row's order row still points
    at its order (for the counts made over packages and units: tracking, shipment, delivery)."""

    def build() -> AuditData | None:
        ids = prime_order_ids(data)
        if ids is None:
            return None
        rows = data.confirmations
        return dataclasses.replace(data, confirmations=rows.loc[member(rows["order_id"], ids)])

    return data.derived(prime_shipments_data, data.confirmations, build)


def on_prime(cut: PrimeCut, compute: ComputeFn) -> ComputeFn:
    """`compute`, an account metric's count, over the Prime cut of the data; not evaluated, saying why, where the
    order report does not say which orders were Prime."""

    def prime_compute(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
        prime = cut(data)
        problem = prime_problem(data)
        if prime is None or problem is not None:
            return Measurement.not_evaluated(problem or "")
        return compute(prime, window, as_of)

    return prime_compute


def prime_events(cut: PrimeCut, events: EventsFn) -> EventsFn:
    """`events`, an account metric's dated events, over the Prime cut of the data."""
    return lambda data: None if (prime := cut(data)) is None else events(prime)
