"""Selecting the audit's orders and items by order id: the metrics name their orders by id, and the actions, plans
and insights select them again a dozen times an audit. Amazon order ids are found by binary search among the
orders' sorted numbers and the items joined on their order row (`ORDER_ROW`), never by hashing a million id strings
per call; any other id takes `joins.member`."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from healthcheck.joins import member, positions
from healthcheck.model import ORDER_ROW, AuditData
from healthcheck.order_keys import amazon_numbers, rows_of


def _sorted_order_numbers(data: AuditData) -> npt.NDArray[np.int64] | None:
    """The orders' ids as the numbers their digits make, in the frame's order, when every id is an Amazon order id
    and they ascend (the merge writes orders sorted by id); None otherwise. Worked out once per orders frame."""

    def build() -> npt.NDArray[np.int64] | None:
        numbers = amazon_numbers(data.orders["order_id"]) if len(data.orders) else None
        if numbers is None or not bool((numbers[1:] > numbers[:-1]).all()):
            return None
        return numbers

    return data.derived(_sorted_order_numbers, data.orders, build)


def _order_hits(data: AuditData, ids: pd.Series) -> npt.NDArray[np.bool_] | None:
    """Per row of `data.orders`: is its id among `ids`; found by binary search of the ids' numbers among the
    orders' (no hash of a million id strings per call). None where either side is not all Amazon order ids."""
    numbers = _sorted_order_numbers(data)
    wanted = amazon_numbers(ids) if numbers is not None and len(ids) else None
    if numbers is None or wanted is None:
        return None
    at = rows_of(numbers, wanted)
    hits = np.zeros(len(numbers), dtype=bool)
    hits[at[at >= 0]] = True
    return hits


def order_mask(data: AuditData, ids: pd.Series) -> pd.Series:
    """`member(data.orders["order_id"], ids)`: which orders are among `ids`. The metrics name their orders by id
    and the actions, plans and insights select them again, a dozen times an audit."""
    hits = _order_hits(data, ids)
    if hits is None:
        return member(data.orders["order_id"], ids)
    return pd.Series(hits, index=data.orders.index)


def item_mask(data: AuditData, ids: pd.Series) -> pd.Series:
    """`member(data.items["order_id"], ids)`: which items belong to orders among `ids`, joined on each item's order
    row (`ORDER_ROW`); the items of orders only the cancellations log knows are matched by id."""
    items = data.items
    hits = _order_hits(data, ids) if ORDER_ROW in items.columns else None
    if hits is None:
        return member(items["order_id"], ids)
    rows = items[ORDER_ROW].to_numpy(dtype=np.int64)
    found = np.append(hits, False)[rows]  # row -1 reads the appended False
    unplaced = rows < 0
    if bool(unplaced.any()):
        found[unplaced] = member(items["order_id"].loc[unplaced], ids).to_numpy(dtype=bool)
    return pd.Series(found, index=items.index)


def item_order_rows(data: AuditData) -> npt.NDArray[np.int64]:
    """The row in `data.orders` of each item's order, -1 for an order only the cancellations log knows: joined
    on the model's order codes (`ORDER_ROW`) where the items carry them, else on the ids."""
    if ORDER_ROW in data.items.columns:
        return data.items[ORDER_ROW].to_numpy(dtype=np.int64)
    return positions(data.items["order_id"], data.orders["order_id"])
