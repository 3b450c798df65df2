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
from healthcheck.skus import LOG_ORDER_ID


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
    # One more (never set) after the orders: an item's order row -1 (no order) reads it, with no copy to append it.
    hits = np.zeros(len(numbers) + 1, dtype=bool)
    hits[at[at >= 0]] = True
    return hits


def order_mask(data: AuditData, ids: pd.Series) -> pd.Series:
    """`member(data.orders["order_id"], ids)`: which orders are among `ids`. The metrics name their orders by id
    and the actions, plans and insights select them again, a dozen times an audit."""
    hits = _order_hits(data, ids)
    if hits is None:
        return member(data.orders["order_id"], ids)
    return pd.Series(hits[:-1], index=data.orders.index)


def item_mask(data: AuditData, ids: pd.Series) -> pd.Series:
    """`member(item_order_ids(data), ids)`: which items belong to orders among `ids`, joined on each item's order
    row (`ORDER_ROW`); the items of orders only the cancellations log knows are matched by id."""
    items = data.items
    hits = _order_hits(data, ids) if ORDER_ROW in items.columns else None
    if hits is None:
        return member(item_order_ids(data), ids)
    found = hits[items[ORDER_ROW].to_numpy(dtype=np.int64)]  # row -1 reads the False after the orders
    unplaced = _unplaced_items(data)
    if len(unplaced):
        found[unplaced] = member(item_order_ids(data, items.iloc[unplaced]), ids).to_numpy(dtype=bool)
    return pd.Series(found, index=items.index)


def _unplaced_items(data: AuditData) -> npt.NDArray[np.intp]:
    """The positions of the items whose order only the cancellations log knows (no order row): found once per
    items frame, not on each of the dozen selections an audit makes."""
    return data.derived(_unplaced_items, data.items, lambda: np.flatnonzero(data.items[ORDER_ROW].to_numpy() < 0))


def items_of(data: AuditData, ids: pd.Series) -> pd.DataFrame:
    """The items of the orders among `ids` (`item_mask`), each with its order id (`order_id`)."""
    items = data.items.loc[item_mask(data, ids)]
    return items if "order_id" in items.columns else items.assign(order_id=item_order_ids(data, items))


def item_order_ids(data: AuditData, items: pd.DataFrame | None = None) -> pd.Series:
    """The order id of each of `items` (rows of `data.items`; all of them by default).

    The model's items hold no ids: an item's order id is its order's (`ORDER_ROW`), or, for an order only the
    cancellations log knows, `LOG_ORDER_ID`. Frames cut from them by id (a program's) carry `order_id` itself."""
    items = data.items if items is None else items
    if "order_id" in items.columns:
        return items["order_id"]
    rows = items[ORDER_ROW].to_numpy(dtype=np.int64)
    placed = rows >= 0
    if bool(placed.all()):
        return pd.Series(data.orders["order_id"].take(rows).array, index=items.index, dtype="str")
    ids = np.empty(len(rows), dtype=object)
    ids[placed] = data.orders["order_id"].take(rows[placed]).to_numpy(dtype=object)
    ids[~placed] = items[LOG_ORDER_ID].to_numpy(dtype=object)[~placed]
    return pd.Series(ids, index=items.index, dtype="str")


def item_order_rows(data: AuditData) -> npt.NDArray[np.int64]:
    """The row in `data.orders` of each item's order, -1 for an order only the cancellations log knows: joined
    on the model's order codes (`ORDER_ROW`) where the items carry them, else on the ids."""
    if ORDER_ROW in data.items.columns:
        return data.items[ORDER_ROW].to_numpy(dtype=np.int64)
    return positions(data.items["order_id"], data.orders["order_id"])
