"""Refund rate (SPEC 4.6): informational, no target; a high rate often means stock-outs or wrong listings."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from healthcheck.metrics.base import Basis, Direction, Measurement, MetricSpec, Window, date_span, sorted_ids
from healthcheck.metrics.events import ALWAYS, Events, flag
from healthcheck.model import AFN, MFN, AuditData, member


def refunded_orders(data: AuditData) -> pd.Series:
    """Order ids with a refund: a seller-fulfilled return with a refunded amount, or any FBA return."""
    parts: list[pd.Series] = []
    mfn = data.loaded.frame("mfn_returns")
    if mfn is not None and "refunded_amount" in mfn:
        parts.append(mfn.loc[mfn["refunded_amount"].astype("Float64").fillna(0) > 0, "order_id"])
    fba = data.loaded.frame("fba_returns")
    if fba is not None:
        parts.append(fba["order_id"])
    if not parts:
        return pd.Series(dtype="str")
    return pd.concat(parts, ignore_index=True).astype("str")


def compute(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
    span = date_span(data.orders["purchase_date"])
    if not (data.has("mfn_returns") or data.has("fba_returns")):
        return Measurement.not_evaluated("no returns report was given", span)
    orders = data.orders
    population = orders.loc[
        orders["channel"].isin([MFN, AFN]) & window.contains(orders["purchase_date"]), ["order_id", "channel"]
    ]
    refunded = member(population["order_id"], refunded_orders(data))
    ids = sorted_ids(population.loc[refunded, "order_id"])
    return Measurement(
        numerator=len(ids),
        denominator=len(population),
        details={
            "refunded_mfn": int((refunded & (population["channel"] == MFN)).sum()),
            "refunded_afn": int((refunded & (population["channel"] == AFN)).sum()),
        },
        order_ids=ids,
        problem_order_ids=ids,
        first_data_date=span[0],
        last_data_date=span[1],
    )


def events(data: AuditData) -> Events | None:
    if not (data.has("mfn_returns") or data.has("fba_returns")):
        return None
    orders = data.orders.loc[data.orders["channel"].isin([MFN, AFN]), ["order_id", "purchase_date"]]
    refunded = member(orders["order_id"], refunded_orders(data))
    return Events.build(orders["purchase_date"], ALWAYS, flag(refunded))


REFUND_RATE = MetricSpec(
    id="refund_rate",
    title="Refund rate (informational)",
    short="refunds",
    direction=Direction.LOWER_IS_BETTER,
    target=None,
    at_risk=None,
    window_days=30,
    basis=Basis.PURCHASE_DATE,
    compute=compute,
    events=events,
    bad=("refund", "refunds"),
    population="orders purchased",
    numerator="orders with a refund (a seller-fulfilled return with a refunded amount, or an FBA return)",
    advice=(
        "Look at the SKUs with the most refunds: wrong listing details, sizes or photos, and stock-outs "
        "that ship a substitute, are the usual causes."
    ),
    informational=True,
    inputs=(("all_orders", "order_report", "fba_shipments"), ("mfn_returns",), ("fba_returns",)),
)
