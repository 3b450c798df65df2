"""Cancellation Rate (SPEC 4.2), with Amazon's auto-cancellation of expired orders (SPEC 4.6)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from healthcheck.metrics.base import Basis, Direction, Measurement, MetricSpec, Window, sorted_ids
from healthcheck.model import MFN, AuditData, first_date
from healthcheck.shipcal import add_operating_days

EXPIRY_BUSINESS_DAYS = 7
# The seller's own log says the buyer asked, but without Amazon's flag the order still counts: appeal it.
BUYER_REASON_PATTERN = r"buyer|customer"


def expired_orders(data: AuditData, as_of: dt.date) -> pd.Series:
    """Mask over orders: MFN, not cancelled, never confirmed, 7 business days past the ship-by date by as_of."""
    orders = data.orders
    open_orders = (
        (orders["channel"] == MFN)
        & ~orders["cancelled"]
        & orders["conf_ts"].isna()
        & ~orders["shipped"]
        & orders["ship_by_date"].notna()
    )
    expiry = pd.Series(pd.NaT, index=orders.index, dtype="datetime64[us]")
    if bool(open_orders.any()):
        due = orders.loc[open_orders, "ship_by_date"].astype("datetime64[us]")
        expiry[open_orders] = add_operating_days(due, EXPIRY_BUSINESS_DAYS, data.calendar).astype("datetime64[us]")
    return open_orders & (expiry <= pd.Timestamp(as_of))


def compute(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
    orders = data.orders
    first = first_date(orders["purchase_date"])
    if not data.has_order_data:
        return Measurement.not_evaluated("no order report was given", first)
    in_window = (orders["channel"] == MFN) & window.contains(orders["purchase_date"])
    expired = expired_orders(data, as_of) & in_window
    cancelled = (orders["cancelled"] | expired) & in_window
    exempt = cancelled & orders["buyer_requested"]
    counted = cancelled & ~exempt
    # Only the counted orders' reasons matter: the regular expression never runs over every order.
    appeal = orders.loc[counted, "cancel_reason"].str.contains(BUYER_REASON_PATTERN, case=False, regex=True)
    notes: tuple[str, ...] = ()
    if not data.buyer_request_known:
        notes = (
            "no buyer-request information was given (an order report with is-buyer-requested-cancellation, "
            "or a cancellations file): every cancellation counts",
        )
    ids = sorted_ids(orders.loc[counted, "order_id"])
    return Measurement(
        numerator=len(ids),
        denominator=int(in_window.sum()),
        details={
            "buyer_requested_excluded": int(exempt.sum()),
            "expired_unconfirmed": int(expired.sum()),
            "appeal_candidates": int(appeal.sum()),
        },
        order_ids=ids,
        problem_order_ids=ids,
        first_data_date=first,
        notes=notes,
    )


CANCELLATION_RATE = MetricSpec(
    id="cancellation_rate",
    title="Cancellation rate",
    short="cr",
    direction=Direction.LOWER_IS_BETTER,
    target=0.025,
    at_risk=0.02,
    window_days=7,
    basis=Basis.PURCHASE_DATE,
    compute=compute,
    population="seller-fulfilled orders purchased",
    numerator="orders with a cancelled item, unless the buyer requested it through Amazon",
    advice=(
        "Keep inventory in sync (update several times a day when you also sell elsewhere), set quantity 0 "
        "until restocked, check price feeds, and ask buyers to use Request Cancellation so their requests "
        "do not count against you."
    ),
)
