"""What to do about cancelled and unshipped orders (SPEC 5.3, rev 2): each order is named under the action its
data supports, never another: a stock-out is not an undeliverable address, an order Amazon has cancelled is not
one to ship, and an order the buyer asked to cancel is cancelled, not shipped."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from healthcheck.action_base import Action, ids_of, sentence, sku_counts
from healthcheck.metrics.base import MetricResult
from healthcheck.metrics.cancellation import (
    BUYER_REASON_PATTERN,
    CANCELLATION_RATE,
    EXPIRY_BUSINESS_DAYS,
    EXPIRY_WARNING_DAYS,
    expired_orders,
    order_expiry,
    shows_cancellations,
    unconfirmed_open,
)
from healthcheck.model import AuditData
from healthcheck.selection import order_mask
from healthcheck.shipcal import operating_days_between
from healthcheck.wording import plural

# Cancel reasons by cause (Amazon's reason codes and the words sellers' tools log). Stock, or no reason given,
# is what `relist_or_fix_stock` is for; the others have causes of their own.
_STOCK = re.compile(r"no\s*inventory|out[\s_-]*of[\s_-]*stock|stock|inventory", re.IGNORECASE)
_OTHER_CAUSES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "address",
        re.compile(r"undeliverable|address", re.IGNORECASE),
        "an address the carrier cannot deliver to (ShippingAddressUndeliverable): ask the buyer through "
        "Buyer-Seller Messaging to correct it before cancelling, and check the address-validation of your "
        "shipping tool",
    ),
    (
        "pricing",
        re.compile(r"pric", re.IGNORECASE),
        "a pricing error (PricingError): check the price feed or repricer that set it, and set minimum and "
        "maximum prices in Seller Central so a wrong price is refused",
    ),
)


def cancel_cause(reason: str) -> str:
    """`buyer`, `address`, `pricing`, `stock` (a stock reason, or none given) or `other`."""
    if re.search(BUYER_REASON_PATTERN, reason, re.IGNORECASE):
        return "buyer"
    for name, pattern, _ in _OTHER_CAUSES:
        if pattern.search(reason):
            return name
    if not reason.strip() or _STOCK.search(reason):
        return "stock"
    return "other"


_STOCK_ADVICE = (
    "Update inventory several times a day when you also sell these SKUs elsewhere, set the listing inactive "
    "or its quantity to 0 until restocked, check price submissions for errors, and consider FBA for SKUs that "
    "keep running out."
)
_BUYER_ADVICE = (
    "Ask buyers who want to cancel to use Request Cancellation in Your Orders, so that their requests do not count "
    "against you."
)


def cancel_cause_advice(cause: str) -> str:
    """What keeps a cancellation of this cause (`cancel_cause`) from recurring, as a sentence."""
    if cause == "stock":
        return _STOCK_ADVICE
    if cause == "buyer":
        return _BUYER_ADVICE
    for name, _, advice in _OTHER_CAUSES:
        if name == cause:
            return sentence(advice.split(": ", 1)[-1]) + "."
    return "Check what led to each of these cancellations."


def cancellation_actions(data: AuditData, result: MetricResult, as_of: dt.date) -> list[Action]:
    orders = data.orders
    counted = orders.loc[order_mask(data, pd.Series(result.measurement.order_ids, dtype=object))]
    if counted.empty:
        return []
    causes = counted["cancel_reason"].fillna("").astype("str").map(cancel_cause)
    actions: list[Action] = []
    appeal = counted.loc[causes == "buyer"]
    if not appeal.empty:
        actions.append(
            Action(
                "appeal_buyer_cancellation",
                result.id,
                f"Appeal {plural(len(appeal), 'cancellation')} the buyer asked for",
                "Your own records say the buyer asked to cancel, but the request did not come through Amazon's "
                "Request Cancellation button, so it counts against you. Contact Seller Support with the buyer's "
                "message as evidence and ask for the cancellation to be excluded; next time ask the buyer to use "
                "Request Cancellation in Your Orders.",
                ids_of(appeal["order_id"]),
                tuple(s for s, _ in sku_counts(data, appeal["order_id"], cancelled_only=True)),
            )
        )
    stock = counted.loc[causes == "stock"]
    if not stock.empty:
        actions.append(_stock_action(data, result, stock))
    other = counted.loc[causes.isin(["address", "pricing", "other"])]
    if not other.empty:
        actions.append(_other_causes_action(data, result, other, causes.loc[other.index]))
    return actions


def _stock_action(data: AuditData, result: MetricResult, stock: pd.DataFrame) -> Action:
    skus = sku_counts(data, stock["order_id"], cancelled_only=True)
    worst = ", ".join(f"{sku} ({n})" for sku, n in skus[:3]) or "unknown SKUs"
    advice = _STOCK_ADVICE
    if not data.buyer_request_known:
        # SPEC 4.2 (rev 2): with no buyer-request information, the files cannot say who cancelled.
        return Action(
            "relist_or_fix_stock",
            result.id,
            f"Check {plural(len(stock), 'cancellation')} of unknown origin",
            f"The files do not show whether the buyer or you cancelled these orders (no order report with "
            f"is-buyer-requested-cancellation and no cancellations file was given), so every one counts. They "
            f"concentrate on {worst}. Add those reports to tell buyers' requests apart; for the ones you cancelled "
            f"for lack of stock: {advice[:1].lower()}{advice[1:]}",
            ids_of(stock["order_id"]),
            tuple(s for s, _ in skus),
        )
    return Action(
        "relist_or_fix_stock",
        result.id,
        f"Fix the stock behind {plural(len(stock), 'seller cancellation')}",
        f"Seller cancellations for lack of stock (or with no reason given) concentrate on {worst}. {advice}",
        ids_of(stock["order_id"]),
        tuple(s for s, _ in skus),
    )


def _other_causes_action(data: AuditData, result: MetricResult, other: pd.DataFrame, causes: pd.Series) -> Action:
    parts: list[str] = []
    for name, _, advice in _OTHER_CAUSES:
        count = int((causes == name).sum())
        if count:
            parts.append(f"{plural(count, 'cancellation')} for {advice}")
    rest = int((causes == "other").sum())
    if rest:
        reasons = sorted(set(other.loc[causes == "other", "cancel_reason"].astype("str")))
        shown = ", ".join(reasons[:3]) + (", ..." if len(reasons) > 3 else "")
        parts.append(f"{plural(rest, 'cancellation')} for other reasons ({shown}): check each one")
    return Action(
        "review_cancellation_causes",
        result.id,
        f"Remove what caused {plural(len(other), 'seller cancellation')} other than a stock-out",
        sentence("; ".join(parts)) + ". Each counts against you like a stock-out.",
        ids_of(other["order_id"]),
        tuple(s for s, _ in sku_counts(data, other["order_id"], cancelled_only=True)),
    )


def _expiry_text(soon: int) -> str:
    within = f"within {EXPIRY_WARNING_DAYS} business days of Amazon cancelling"
    if soon == 0:
        return f"None of them is {within} it."
    if soon == 1:
        return f"1 of them is {within} it."
    return f"{soon} of them are {within} them."


def _cancellations_unseen(data: AuditData, then: str) -> str:
    """A caveat for the actions on unconfirmed orders when no file shows cancellations: order reports list paid
    orders, so one cancelled since (by the buyer, by the seller) reads as unconfirmed there. `then`: what to do."""
    if shows_cancellations(data):
        return ""
    return f" No file given shows cancellations (no All Orders report, no cancellations log): {then}."


def overdue_action(data: AuditData, as_of: dt.date, metric_id: str) -> list[Action]:
    """Unconfirmed orders still shippable: those past their ship-by date (`ship_overdue_orders`, SPEC 5.3: late
    already), nearest Amazon's auto-cancel first, and those due on the as-of day (`ship_due_today`: not late yet,
    and never late if shipped today). Orders Amazon has cancelled (expired) or whose buyer asked to cancel are never
    here."""
    orders = data.orders
    shippable = unconfirmed_open(data.orders) & ~orders["buyer_requested"] & ~expired_orders(data, as_of)
    day = pd.Timestamp(as_of)
    due = orders.loc[shippable & orders["ship_by_date"].notna() & (orders["ship_by_date"] <= day)]
    if due.empty:
        return []
    due = due.assign(expiry=order_expiry(data).loc[due.index])
    due = due.sort_values(["expiry", "ship_by_date", "order_id"], kind="stable")
    late, today = due.loc[due["ship_by_date"] < day], due.loc[due["ship_by_date"] == day]
    actions: list[Action] = []
    if not late.empty:
        left = operating_days_between(pd.Series(day, index=late.index), late["expiry"], data.calendar)
        soon = int((left <= EXPIRY_WARNING_DAYS).sum())
        verb = "counts as a late shipment" if len(late) == 1 else "count as late shipments"
        first = late.iloc[0]
        actions.append(
            Action(
                "ship_overdue_orders",
                metric_id,
                f"Ship now: {plural(len(late), 'order')} overdue, unconfirmed",
                f"{sentence(plural(len(late), 'order'))} past the ship-by date already {verb}. Ship and confirm them "
                f"today, most urgent first: {first['order_id']} was due {first['ship_by_date']:%Y-%m-%d}. "
                f"{_expiry_text(soon)} Amazon cancels an order left unconfirmed {EXPIRY_BUSINESS_DAYS} business days "
                "past its ship-by date, which also counts as a cancellation and invites an A-to-z claim."
                + _cancellations_unseen(
                    data,
                    "check in Manage Orders that each is still open; All Orders would leave the cancelled ones out",
                ),
                tuple(str(v) for v in late["order_id"]),
                tuple(s for s, _ in sku_counts(data, late["order_id"])),
            )
        )
    if not today.empty:
        verb = "counts" if len(today) == 1 else "count"
        actions.append(
            Action(
                "ship_due_today",
                metric_id,
                f"Ship today: {plural(len(today), 'order')} due today, unconfirmed",
                f"{sentence(plural(len(today), 'order'))} due today {verb} as late unless shipped and confirmed by the "
                "end of the day: confirm each as soon as its label is bought.",
                tuple(str(v) for v in today["order_id"]),
                tuple(s for s, _ in sku_counts(data, today["order_id"])),
            )
        )
    return actions


def expired_action(data: AuditData, as_of: dt.date) -> list[Action]:
    """Orders Amazon cancelled because they were never confirmed (SPEC 4.6, rev 2): do not ship them."""
    expired = data.orders.loc[expired_orders(data, as_of)]
    if expired.empty:
        return []
    return [
        Action(
            "review_expired_orders",
            CANCELLATION_RATE.id,
            f"Do not ship {plural(len(expired), 'order')} Amazon cancelled for never being confirmed",
            f"These orders stayed unconfirmed {EXPIRY_BUSINESS_DAYS} business days past their ship-by date, so "
            "Amazon cancelled them: each counts as a cancellation and as a late shipment, and shipping one now is "
            "wasted. Find out why they were missed (stock that was not there, an order tool that did not sync, "
            "orders no one saw) so it does not happen again."
            + _cancellations_unseen(
                data,
                "they are taken as Amazon's from their ship-by dates alone, and All Orders "
                "would show who cancelled each",
            ),
            ids_of(expired["order_id"]),
            tuple(s for s, _ in sku_counts(data, expired["order_id"])),
        )
    ]


def buyer_requested_action(data: AuditData, as_of: dt.date) -> list[Action]:
    """Unshipped orders the buyer asked to cancel through Amazon: cancel them, never ship them (SPEC 5.3, rev 2)."""
    orders = data.orders
    asked = orders.loc[unconfirmed_open(data.orders) & orders["buyer_requested"] & ~expired_orders(data, as_of)]
    if asked.empty:
        return []
    return [
        Action(
            "cancel_buyer_requested",
            CANCELLATION_RATE.id,
            f"Cancel {plural(len(asked), 'order')} the buyer asked to cancel",
            "The buyer asked to cancel these orders with Amazon's Request Cancellation button. Cancel each in "
            "Manage Orders with the reason Buyer Canceled: it does not count against your cancellation rate, while "
            "shipping it invites a return or a claim.",
            ids_of(asked["order_id"]),
            tuple(s for s, _ in sku_counts(data, asked["order_id"])),
        )
    ]
