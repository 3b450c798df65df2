"""The orders behind it all, for the worklist (CSV): each one's dates, SKUs, cancel reason and defects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd

from healthcheck.model import AuditData, member
from healthcheck.selection import items_of, order_mask


@dataclass(frozen=True)
class OrderFact:
    """What a seller needs to find and fix one order: no buyer data, only the order's own dates and SKUs."""

    order_id: str
    channel: str
    purchase_date: dt.date | None
    ship_by_date: dt.date | None
    confirmed_at: str | None  # local time, minutes
    cancel_reason: str
    defects: tuple[str, ...]
    skus: tuple[str, ...]


def _grouped(frame: pd.DataFrame, value: str) -> dict[str, tuple[str, ...]]:
    """Sorted distinct values per order, in one pass over the rows already narrowed to the named orders."""
    pairs = frame[["order_id", value]].drop_duplicates().sort_values(["order_id", value])
    grouped: dict[str, list[str]] = {}
    for order_id, item in zip(pairs["order_id"].tolist(), pairs[value].tolist(), strict=True):
        grouped.setdefault(str(order_id), []).append(str(item))
    return {k: tuple(v) for k, v in grouped.items()}


def order_facts(data: AuditData, order_ids: Sequence[str]) -> Mapping[str, OrderFact]:
    """Facts for the orders named by metrics and actions (the problem orders, never the whole account): the
    rows are narrowed with hash lookups first, so the per-order assembly runs over those few only."""
    wanted = pd.Series(sorted(set(order_ids)), dtype=object)
    if wanted.empty:
        return MappingProxyType({})
    orders = data.orders.loc[order_mask(data, wanted)]
    tz = data.marketplace.timezone
    confirmed = orders["conf_ts"].dt.tz_convert(tz).dt.strftime("%Y-%m-%d %H:%M")
    skus = _grouped(items_of(data, wanted), "sku")
    defects = _grouped(data.defects.loc[member(data.defects["order_id"], wanted)], "defect")
    purchase = [_as_date(v) for v in orders["purchase_date"].tolist()]
    ship_by = [_as_date(v) for v in orders["ship_by_date"].tolist()]
    facts: dict[str, OrderFact] = {}
    columns = zip(
        orders["order_id"].tolist(),
        orders["channel"].tolist(),
        purchase,
        ship_by,
        confirmed.tolist(),
        orders["cancel_reason"].tolist(),
        strict=True,
    )
    for order_id, channel, purchased, due, confirmed_at, reason in columns:
        key = str(order_id)
        facts[key] = OrderFact(
            order_id=key,
            channel=channel if isinstance(channel, str) else "",
            purchase_date=purchased,
            ship_by_date=due,
            confirmed_at=confirmed_at if isinstance(confirmed_at, str) else None,
            cancel_reason=reason if isinstance(reason, str) else "",
            defects=defects.get(key, ()),
            skus=skus.get(key, ()),
        )
    # Orders named only by a ship confirmation or a message are not in the order data: still listed, bare.
    for order_id in wanted.tolist():
        facts.setdefault(str(order_id), OrderFact(str(order_id), "", None, None, None, "", (), ()))
    return MappingProxyType(dict(sorted(facts.items())))


def _as_date(value: Any) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()
