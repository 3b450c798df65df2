"""The distinct SKUs of each order (`AuditData.items`), drawn from the order sources' rows the merge coded
(`orders.read_order_rows`) and the cancellations log, whose SKUs are cancelled items too."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from healthcheck.loaders.repeated import from_codes, value_codes
from healthcheck.order_keys import OrderKeys
from healthcheck.orders import Merged

Pairs = tuple[pd.DataFrame, npt.NDArray[np.int64]]


def order_skus(merged: Merged, leave_out: npt.NDArray[np.bool_] | None = None) -> Pairs:
    """The distinct (order, SKU) pairs, and each pair's order code (-1 for an order only the log knows); the
    pairs of the orders `leave_out` marks (per order code) are left out before the frame is built."""
    if merged.keys is None:
        columns = {"order_id": "str", "sku": "str", "cancelled": "bool"}
        return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()}), np.zeros(0, np.int64)
    return _order_skus(merged.keys, merged.sku_parts, merged.cancel_log, leave_out)


def _order_skus(
    keys: OrderKeys,
    parts: Sequence[tuple[int, pd.Series, npt.NDArray[np.bool_]]],
    log: pd.DataFrame | None,
    leave_out: npt.NDArray[np.bool_] | None,
) -> Pairs:
    """Distinct (order_id, sku) pairs, with whether that item was cancelled (All Orders or the cancellation log).

    Pairs come in the order they are first seen (sources in rank order, then the log).
    """
    sources: list[tuple[npt.NDArray[np.int64], pd.Series, npt.NDArray[np.bool_]]] = [
        (keys.codes[part], sku, cancelled) for part, sku, cancelled in parts
    ]
    ids = keys.ids
    if log is not None and "sku" in log:
        logged = log.loc[log["sku"].fillna("") != "", ["order_id", "sku"]]
        at = keys.locate(logged["order_id"])
        # Orders only the log knows get codes after the known ones.
        unknown_codes, unknown_ids = pd.factorize(logged["order_id"].loc[at < 0])
        at[at < 0] = keys.count + unknown_codes
        ids = pd.concat([ids, pd.Series(unknown_ids, dtype=ids.dtype)], ignore_index=True)
        sources.append((at, logged["sku"].astype("str"), np.ones(len(logged), dtype=bool)))
    pair_orders, pair_skus, cancelled = distinct_pairs(sources)
    if leave_out is not None and len(leave_out):
        known = np.flatnonzero(pair_orders < keys.count)
        drop = np.zeros(len(pair_orders), dtype=bool)
        drop[known] = leave_out[pair_orders[known]]
        if drop.any():
            pair_orders, pair_skus, cancelled = (
                pair_orders[~drop],
                pair_skus[~drop].reset_index(drop=True),
                cancelled[~drop],
            )
    frame = pd.DataFrame(
        {"order_id": ids.take(pair_orders).reset_index(drop=True), "sku": pair_skus, "cancelled": cancelled},
        copy=False,  # the columns are this frame's alone
    )
    return frame, np.where(pair_orders < keys.count, pair_orders, -1)


def distinct_pairs(
    sources: Sequence[tuple[npt.NDArray[np.int64], pd.Series, npt.NDArray[np.bool_]]],
) -> tuple[npt.NDArray[np.int64], pd.Series, npt.NDArray[np.bool_]]:
    """The distinct (order code, SKU) pairs of the sources' rows, in the order they are first seen: (each pair's
    order code, its SKU as a Categorical, whether any of its rows is cancelled). Rows with order code -1 or an
    empty SKU are no pair.

    One int64 per row (order code times the number of SKUs, plus the SKU's number) is all that is hashed: the
    pairs' orders and SKUs are read back from the distinct keys, so on five million orders (13 million rows) no
    column of the rows is concatenated but that one.
    """
    numbered: dict[str, int] = {}
    rows: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]] = []
    for orders, sku, _ in sources:
        local, names = value_codes(sku)
        # Each part's SKUs numbered in one list shared by all (a few thousand values, not a row each).
        shared = np.asarray([numbered.setdefault(name, len(numbered)) for name in names], dtype=np.int64)
        keep = np.flatnonzero((local >= 0) & (orders >= 0))
        rows.append((keep, orders, shared[local[keep]] if len(shared) else np.zeros(0, dtype=np.int64)))
    width = max(len(numbered), 1)
    key = np.empty(sum(len(keep) for keep, _, _ in rows), dtype=np.int64)
    flags = np.empty(len(key), dtype=bool)
    at = 0
    for (keep, orders, skus), (_, _, cancelled) in zip(rows, sources, strict=True):
        end = at + len(keep)
        np.multiply(orders[keep], width, out=key[at:end])
        key[at:end] += skus
        flags[at:end] = cancelled[keep]
        at = end
    del rows
    codes, pairs = pd.factorize(key)
    del key
    cancelled_pairs = np.zeros(len(pairs), dtype=bool)
    cancelled_pairs[codes[flags]] = True
    del codes
    pair_orders, pair_skus = np.divmod(np.asarray(pairs, dtype=np.int64), width)
    return pair_orders, from_codes(pair_skus, pd.Index(list(numbered), dtype="str")), cancelled_pairs
