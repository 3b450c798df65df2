"""What every action is (SPEC 5.3): the orders and SKUs behind it, and how much acting moves its metric."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

import pandas as pd

from healthcheck.model import AuditData
from healthcheck.selection import items_of


class Effect(StrEnum):
    """What acting does to the metric the action serves."""

    REMOVES = "removes"  # a successful appeal, removal or claim takes the orders out of the rate
    PREVENTS = "prevents"  # stops the cause, so the same does not count again
    DOCUMENTS = "documents"  # the plan of action: explains, moves nothing by itself


@dataclass(frozen=True)
class ActionKind:
    """What is the same for every action of one kind: how it is ranked and what acting does to its metric."""

    phase: int  # within one metric: 0 changes today's number, 1 stops it recurring, 2 documents it
    urgency: int  # the last tie-breaker: a clock is running
    effect: Effect = Effect.PREVENTS
    granted: str = ""  # for `removes`: what has to happen for the orders to leave the rate
    # For an action that un-counts none of its orders but keeps each from getting worse (shipping them): what it
    # keeps them from, in words.
    stops: str = ""


# Every kind of action the audit recommends (SPEC 5.3), in one table.
ACTION_KINDS: Mapping[str, ActionKind] = MappingProxyType(
    {
        "ship_overdue_orders": ActionKind(0, 0, stops="getting worse (late, then cancelled by Amazon)"),
        # Not yet late (SPEC 5.3's ship_overdue_orders are past their ship-by date): shipped today, never late.
        "ship_due_today": ActionKind(0, 0, stops="counting as late shipments"),
        "cancel_buyer_requested": ActionKind(0, 0),
        "respond_to_claims": ActionKind(0, 1, Effect.REMOVES, "if the claims are decided for you"),
        "appeal_buyer_cancellation": ActionKind(0, 2, Effect.REMOVES, "if the appeal is granted"),
        "request_feedback_removal": ActionKind(0, 6, Effect.REMOVES, "if Amazon removes the feedback"),
        "relist_or_fix_stock": ActionKind(1, 3),
        "review_cancellation_causes": ActionKind(1, 3),
        "review_expired_orders": ActionKind(1, 3),
        # Listing-level risk (issue 15): one offer or listing at a time, before the account.
        "review_offer_removal": ActionKind(1, 3),
        "fix_late_delivery_listings": ActionKind(1, 4),
        "lengthen_handling_time": ActionKind(1, 4),
        "fix_tracking": ActionKind(1, 5),
        "plan_of_action": ActionKind(2, 7, Effect.DOCUMENTS),
    }
)
_UNKNOWN_KIND = ActionKind(1, 9)


def kind_of(action_id: str) -> ActionKind:
    return ACTION_KINDS.get(action_id, _UNKNOWN_KIND)


@dataclass(frozen=True)
class Impact:
    """How much an action moves its metric: the counted orders it addresses, and the rate without them."""

    orders: int
    effect: Effect
    rate_now: float | None
    rate_if_done: float | None  # for `prevents`: what the rate would have been without those orders


@dataclass(frozen=True)
class Action:
    id: str
    metric_id: str
    title: str
    detail: str
    order_ids: tuple[str, ...] = ()
    skus: tuple[str, ...] = ()
    priority: int = 0
    impact: Impact | None = None


def ids_of(values: pd.Series) -> tuple[str, ...]:
    return tuple(sorted({str(v) for v in values.tolist()}))


def sku_counts(data: AuditData, order_ids: pd.Series, *, cancelled_only: bool = False) -> list[tuple[str, int]]:
    """SKUs by how many of these orders carry them, most first.

    With `cancelled_only`, an order's cancelled items are named where the reports say which they were.
    """
    items = items_of(data, order_ids)
    if cancelled_only and not items.empty:
        known = items.groupby("order_id")["cancelled"].transform("any")
        items = items.loc[items["cancelled"] | ~known]
    counts = items.groupby("sku")["order_id"].nunique().sort_values(ascending=False, kind="stable")
    return [(str(k), int(v)) for k, v in counts.items()]


def skus_of(data: AuditData, order_ids: pd.Series, *, cancelled_only: bool = False) -> tuple[str, ...]:
    """The SKUs of these orders, the most frequent first: where to look for the cause."""
    return tuple(s for s, _ in sku_counts(data, order_ids, cancelled_only=cancelled_only))


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
