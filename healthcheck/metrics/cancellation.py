"""Cancellation Rate (SPEC 4.2), with Amazon's auto-cancellation of expired orders (SPEC 4.6)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from healthcheck.loaders.seller_performance import AmazonKey
from healthcheck.metrics.base import Basis, Direction, Measurement, MetricSpec, PlanShape, Window, date_span, sorted_ids
from healthcheck.metrics.events import ALWAYS, NEVER, Events, day_numbers, flag
from healthcheck.model import MFN, AuditData
from healthcheck.shipcal import OperatingCalendar, add_operating_days
from healthcheck.wording import plural

EXPIRY_BUSINESS_DAYS = 7
EXPIRY_WARNING_DAYS = 2  # orders this near their expiry are listed first to ship (SPEC 4.6)
# The seller's own log says the buyer asked, but without Amazon's flag the order still counts: appeal it.
BUYER_REASON_PATTERN = r"buyer|customer"


def unconfirmed_open(orders: pd.DataFrame) -> pd.Series:
    """Seller-fulfilled orders still to ship: never confirmed or shipped, not cancelled in full (one item cancelled
    in All Orders leaves the others to ship, and the late shipment rate counts the order until they are), and not
    in the seller's own cancellation log (order-grain: the seller says it is cancelled, All Orders may not yet)."""
    logged = orders["cancelled"] & ~orders["any_item_cancelled"]
    return (
        (orders["channel"] == MFN) & ~orders["cancelled_full"] & ~logged & orders["conf_ts"].isna() & ~orders["shipped"]
    )


def expiry_dates(orders: pd.DataFrame, calendar: OperatingCalendar) -> pd.Series:
    """The day Amazon auto-cancels each order still open (`unconfirmed_open`, with a ship-by date):
    `EXPIRY_BUSINESS_DAYS` business days after its ship-by date (SPEC 4.6); NaT for every other order. The one
    rule: the rate counts from it, the trend dates by it."""
    open_orders = unconfirmed_open(orders) & orders["ship_by_date"].notna()
    expiry = pd.Series(pd.NaT, index=orders.index, dtype="datetime64[us]")
    if bool(open_orders.any()):
        due = orders.loc[open_orders, "ship_by_date"].astype("datetime64[us]")
        expiry[open_orders] = add_operating_days(due, EXPIRY_BUSINESS_DAYS, calendar).astype("datetime64[us]")
    return expiry


def order_expiry(data: AuditData) -> pd.Series:
    """`expiry_dates` of the audit's orders, worked out once: the rate, its events, the trend and four actions
    read it (eight calendars of a million orders were half a second)."""
    return data.derived(order_expiry, data.orders, lambda: expiry_dates(data.orders, data.calendar))


def expired_orders(data: AuditData, as_of: dt.date) -> pd.Series:
    """Mask over orders: those Amazon has auto-cancelled by `as_of` (`expiry_dates`)."""
    return order_expiry(data) <= pd.Timestamp(as_of)


def seller_cancellations(data: AuditData, expired: pd.Series) -> pd.Series:
    """SPEC 4.2's numerator, over every order (the single rule; callers choose the window): a seller-fulfilled
    order with a cancelled item or expired (`expired_orders`), unless the buyer asked through Amazon or it was
    cancelled while Pending."""
    orders = data.orders
    seller_fulfilled = (orders["channel"] == MFN) & ~orders["cancelled_while_pending"]
    return seller_fulfilled & (orders["cancelled"] | expired) & ~orders["buyer_requested"]


# The reports that show which orders were cancelled; an order report lists paid, seller-fulfilled orders, never
# which were cancelled since.
CANCELLATION_SOURCES = ("all_orders", "cancellations")


def shows_cancellations(data: AuditData) -> bool:
    return any(data.has(kind) for kind in CANCELLATION_SOURCES)


# What an order report alone lacks: it lists paid, seller-fulfilled orders, never which were cancelled.
NO_CANCELLATIONS_SHOWN = (
    "the order data cannot show cancellations: an order report lists paid, seller-fulfilled orders but not which "
    "were cancelled. Add the All Orders report (Reports > Fulfillment > All Orders) or a cancellations file"
)


def compute(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
    orders = data.orders
    span = date_span(orders["purchase_date"])
    if not data.has_order_data:
        return Measurement.not_evaluated(
            "no order data was given: add the All Orders report (Reports > Fulfillment > All Orders)", span
        )
    if not shows_cancellations(data):
        return Measurement.not_evaluated(NO_CANCELLATIONS_SHOWN, span)
    seller_fulfilled = (orders["channel"] == MFN) & window.contains(orders["purchase_date"])
    # SPEC 4.2 (rev 2): an order cancelled while Pending was not the seller's to cancel: in neither count.
    pending = seller_fulfilled & orders["cancelled_while_pending"]
    in_window = seller_fulfilled & ~pending
    expired_by_then = expired_orders(data, as_of)
    expired = expired_by_then & in_window
    exempt = (orders["cancelled"] | expired) & in_window & orders["buyer_requested"]
    counted = seller_cancellations(data, expired_by_then) & in_window
    # Only the counted orders' reasons matter: the regular expression never runs over every order.
    appeal = orders.loc[counted, "cancel_reason"].str.contains(BUYER_REASON_PATTERN, case=False, regex=True)
    notes: tuple[str, ...] = ()
    ids = sorted_ids(orders.loc[counted, "order_id"])
    origin_unknown = 0 if data.buyer_request_known else len(ids)
    if origin_unknown:
        notes = (
            f"{plural(origin_unknown, 'cancellation')} of unknown origin: no buyer-request information was given, "
            "so the files cannot tell a buyer's request from a seller's cancellation and every one counts (add the "
            "order report with is-buyer-requested-cancellation, or a cancellations file)",
        )
    return Measurement(
        numerator=len(ids),
        denominator=int(in_window.sum()),
        details={
            "buyer_requested_excluded": int(exempt.sum()),
            "cancelled_while_pending": int(pending.sum()),
            "origin_unknown": origin_unknown,
            "expired_unconfirmed": int(expired.sum()),
            "appeal_candidates": int(appeal.sum()),
        },
        order_ids=ids,
        problem_order_ids=ids,
        first_data_date=span[0],
        last_data_date=span[1],
        notes=notes,
    )


def events(data: AuditData) -> Events | None:
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
        "channel",
    ]
    seller_fulfilled = data.orders["channel"] == MFN
    orders = data.orders.loc[seller_fulfilled, wanted]
    expiry = order_expiry(data).loc[seller_fulfilled]
    open_orders = expiry.notna()
    expiry_day = np.full(len(orders), NEVER, dtype=np.int64)
    expiry_day[open_orders.to_numpy()] = day_numbers(expiry[open_orders])
    own = ~orders["buyer_requested"]
    bad_from = np.where((orders["cancelled"] & own).to_numpy(dtype=bool), ALWAYS, NEVER)
    # An order with an item cancelled counts from the start, even while its other items may still expire.
    expiring = open_orders & own & ~orders["cancelled"]
    bad_from = np.where(expiring.to_numpy(dtype=bool), expiry_day, bad_from)
    pending = orders["cancelled_while_pending"].to_numpy(dtype=bool)  # in neither count (SPEC 4.2)
    return Events.build(
        orders["purchase_date"], flag(~orders["cancelled_while_pending"]), np.where(pending, NEVER, bad_from)
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
    events=events,
    bad=("cancellation", "cancellations"),
    amazon=tuple(
        AmazonKey(key, ("cancellationCount", "cancelledCount"), ("orderCount",))
        for key in ("preFulfillmentCancellationRate", "prefulfillmentCancelRate", "cancellationRate")
    ),
    amazon_counts_fewer=(
        "Amazon excluded cancellations we count (buyer requests it recorded, or ones it did not hold against you)"
    ),
    amazon_counts_more="cancellations we do not see: Amazon's own cancellations, or orders missing from the files",
    population="seller-fulfilled orders purchased",
    numerator="orders with a cancelled item, unless the buyer requested it through Amazon",
    advice=(
        "Keep inventory in sync (update several times a day when you also sell elsewhere), set quantity 0 "
        "until restocked, check price feeds, and ask buyers to use Request Cancellation so their requests "
        "do not count against you."
    ),
    inputs=(("all_orders", "order_report"), CANCELLATION_SOURCES, ("order_report", "cancellations")),
    plan=PlanShape(causes=("cancel_reason", "cancelled_sku", "purchase_weekday"), quiet=("cancelled_sku",)),
)
