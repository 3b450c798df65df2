"""Risk to single listings rather than the account (issue 15): the SKUs behind late deliveries, which Amazon
deactivates since 2026-02-28 instead of every seller-fulfilled listing, and SKUs with consecutive seller
cancellations, whose offer Amazon can remove (help page 200285210). The rules, with their dates and counts, are
read from `metrics/rules.py`: what the action says depends on the rule in force on the as-of day."""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt
import pandas as pd

from healthcheck.action_base import Action, sku_counts
from healthcheck.frames import micros
from healthcheck.metrics.base import MetricResult
from healthcheck.metrics.cancellation import expired_orders, seller_cancellations
from healthcheck.metrics.rules import Enforcement, listing_rule, next_listing_rule
from healthcheck.model import MFN, AuditData
from healthcheck.selection import item_order_rows
from healthcheck.wording import plural


def _skus_text(counts: list[tuple[str, int]], noun: str) -> str:
    shown = "; ".join(f"{sku}: {plural(n, noun)}" for sku, n in counts[:8])
    more = f"; and {plural(len(counts) - 8, 'other SKU')}" if len(counts) > 8 else ""
    return shown + more


def late_delivery_listings(data: AuditData, result: MetricResult, as_of: dt.date) -> list[Action]:
    """The SKUs of the orders delivered late in the on-time delivery rate's window, most late orders first."""
    late = pd.Series(result.measurement.problem_order_ids, dtype=object)
    if result.rate is None or late.empty:
        return []
    counts = sku_counts(data, late)
    if not counts:
        return []
    skus = _skus_text(counts, "late order")
    rule = listing_rule(result.id, data.marketplace.code, as_of)
    floor = f"{round(rule.target * 100, 2):g} %" if rule is not None and rule.target is not None else ""
    below = rule is not None and rule.target is not None and result.rate < rule.target
    if rule is not None and rule.enforcement is Enforcement.LISTINGS:
        lead = (
            f"Since {rule.since_text} Amazon deactivates only the seller-fulfilled listings behind the late "
            f"deliveries when the on-time delivery rate is below {floor} (far below, or again and again, still all "
            "of them). "
        )
        lead += "Your rate is below it: these listings are the ones due for deactivation. " if below else ""
    elif rule is not None:
        later = next_listing_rule(result.id, data.marketplace.code, as_of)
        change = f"; from {later.since_text}: {later.enforcement.value}" if later is not None else ""
        lead = (
            f"Below {floor} Amazon can deactivate every seller-fulfilled listing (rule in force since "
            f"{rule.since_text}{change}). "
        )
    else:
        lead = f"Amazon states no deactivation for late deliveries in {data.marketplace.code} on {as_of}. "
    return [
        Action(
            "fix_late_delivery_listings",
            result.id,
            f"Fix the {plural(len(counts), 'listing')} behind the late deliveries",
            f"{lead}Late deliveries by SKU: {skus}. For each, set the shipping template's transit time to what the "
            "carrier achieves, lengthen its handling time, or ship it with a faster service.",
            tuple(str(i) for i in late),
            tuple(sku for sku, _ in counts),
        )
    ]


def items_by_sku_then_purchase(
    codes: npt.NDArray[np.int64], order: npt.NDArray[np.int64], purchase: npt.NDArray[np.int64]
) -> npt.NDArray[np.intp]:
    """`np.lexsort((order, purchase[order], codes))`: the rows (each an item: its SKU's code, its order's row) by
    SKU, then their orders' purchase time, then order row. Each order is ranked once by (purchase time, row), and
    the SKU and that rank packed into one int64 sorted once: a third of the time of the three-key sort. The
    pairs are distinct (the items), so no two keys are equal and the sort needs no stability."""
    involved = np.zeros(len(purchase), dtype=bool)
    involved[order] = True
    rows = np.flatnonzero(involved)
    rank = np.empty(len(purchase), dtype=np.int64)
    rank[rows[np.argsort(purchase[rows], kind="stable")]] = np.arange(len(rows))
    rank_bits = max(len(rows) - 1, 1).bit_length()
    if len(codes) and int(codes.max()).bit_length() + rank_bits > 62:
        return np.lexsort((order, purchase[order], codes))
    return np.argsort((codes << rank_bits) | rank[order])


def _cancellation_runs(
    codes: npt.NDArray[np.intp], names: pd.Index, flags: npt.NDArray[np.bool_], ids: npt.NDArray[np.object_], count: int
) -> tuple[dict[str, list[str]], list[str]]:
    """Over rows sorted by SKU and purchase (each row's SKU as its code into `names`, whether it is bad, and the
    order ids of the bad rows in that order): each SKU with at least `count` bad rows -> their order ids, and the
    SKUs among them with `count` bad rows in a row. One pass over all rows, whatever the number of SKUs (a
    million-order account has tens of thousands)."""
    new_sku = np.ones(len(codes), dtype=bool)
    new_sku[1:] = codes[1:] != codes[:-1]
    # A run of bad rows ends at a good row or at the next SKU: each bad row's run is the number of breaks so far.
    run = np.cumsum(~flags | new_sku)[flags]
    bad_codes = codes[flags]
    per_sku = np.bincount(bad_codes, minlength=len(names))
    longest = np.zeros(len(names), dtype=np.int64)
    if len(run):
        starts = np.flatnonzero(np.r_[True, run[1:] != run[:-1]])
        np.maximum.at(longest, bad_codes[starts], np.diff(np.r_[starts, len(run)]))
    by_sku = np.argsort(bad_codes, kind="stable")  # each SKU's bad rows together, still in purchase order
    chosen = np.flatnonzero(per_sku >= count)
    ends = np.searchsorted(bad_codes[by_sku], chosen, side="right")
    at_risk = {
        str(names[c]): [str(o) for o in ids[by_sku[end - per_sku[c] : end]]]
        for c, end in zip(chosen, ends, strict=True)
    }
    return at_risk, [str(names[c]) for c in chosen if longest[c] >= count]


def offer_removal_risk(data: AuditData, result: MetricResult, as_of: dt.date) -> list[Action]:
    """SKUs whose last orders include consecutive seller cancellations, orders placed in the rule's window."""
    rule = listing_rule(result.id, data.marketplace.code, as_of)
    if rule is None or rule.count is None or rule.window_days is None:
        return []
    orders = data.orders
    start = pd.Timestamp(as_of - dt.timedelta(days=rule.window_days - 1))
    placed = (orders["channel"] == MFN) & orders["purchase_date"].between(start, pd.Timestamp(as_of))
    placed &= ~orders["cancelled_while_pending"]  # not the seller's (SPEC 4.2): no part of a run either
    own = seller_cancellations(data, expired_orders(data, as_of))  # the cancellation rate's own rule (SPEC 4.2)
    seller_cancelled = (own & placed).to_numpy(dtype=bool)
    if not seller_cancelled.any():
        return []
    # The items of the orders placed in the window, joined to their orders by row: ints, no id is hashed.
    at = item_order_rows(data)
    rows = np.flatnonzero(at >= 0)
    rows = rows[placed.to_numpy(dtype=bool)[at[rows]]]
    order = at[rows]
    cancelled = data.items["cancelled"].to_numpy(dtype=bool)[rows]
    # An order's cancelled items where the reports say which; all its items where they do not.
    flagged = np.bincount(order[cancelled], minlength=len(orders))[order] > 0
    bad = seller_cancelled[order] & (cancelled | ~flagged)
    sku = data.items["sku"].iloc[rows]
    named = sku.notna().to_numpy(dtype=bool)
    codes, names = pd.factorize(sku[named], sort=True)
    order, bad = order[named], bad[named]
    # By SKU, then purchase time, then order id (the orders' rows follow their sorted ids).
    sequence = items_by_sku_then_purchase(np.asarray(codes, dtype=np.int64), order, micros(orders["purchase_ts"]))
    codes, order, bad = codes[sequence], order[sequence], bad[sequence]
    ids = orders["order_id"].iloc[order[bad]].to_numpy()
    # The page names two triggers: two consecutive seller cancellations, and "a history of seller-canceled orders";
    # two of a SKU in the window is flagged (docs/rules.md), the consecutive ones said first.
    at_risk, in_a_row = _cancellation_runs(codes, names, bad, ids, rule.count)
    if not at_risk:
        return []
    consecutive = set(in_a_row)
    counts = sorted(((sku, len(ids)) for sku, ids in at_risk.items()), key=lambda c: (c[0] not in consecutive, -c[1]))
    order_ids = tuple(sorted({o for ids in at_risk.values() for o in ids}))
    row_text = f" In a row (no order of the SKU shipped between them): {', '.join(in_a_row)}." if in_a_row else ""
    return [
        Action(
            "review_offer_removal",
            result.id,
            f"Check the {plural(len(counts), 'offer')} Amazon can remove for repeated seller cancellations",
            f"Amazon can remove an offer after {rule.count} consecutive seller cancellations of orders placed in the "
            f"last {rule.window_days} days, or for a history of them (help page 200285210). Seller cancellations in "
            f"those days by SKU: {_skus_text(counts, 'cancelled order')}.{row_text} Correct the stock of each before "
            "the next order; if an offer "
            "shows as Inactive (Ineligible for seller-fulfillment) in Manage Inventory, edit its price to reactivate "
            "it once it is in stock.",
            order_ids,
            tuple(sku for sku, _ in counts),
        )
    ]
