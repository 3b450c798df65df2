"""The distinct SKUs of each order (`AuditData.items`), drawn from the order sources' rows the merge coded
(`orders.read_order_rows`) and the cancellations log, whose SKUs are cancelled items too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from healthcheck.loaders.parse import CHUNK_ROWS
from healthcheck.loaders.repeated import from_codes, value_codes
from healthcheck.orders import Merged

Pairs = tuple[pd.DataFrame, npt.NDArray[np.int64]]

# In `AuditData.items`, for the items of an order only the cancellations log knows (no row among the orders): its
# id, a Categorical of those few ids, missing for every other item. The other items' ids are their orders'
# (`ORDER_ROW`): `selection.item_order_ids` reads them, so five million orders' items hold no id strings.
LOG_ORDER_ID = "_log_order_id"


@dataclass(frozen=True)
class FoundPairs:
    """The distinct (order, SKU) pairs of the order sources' rows and the cancellations log (`find_pairs`), the
    Multi-Channel orders' among them: which orders those are, the merge says later (`order_skus`)."""

    orders: npt.NDArray[np.int64]  # each pair's order code; from `known` on, an order only the log knows
    skus: pd.Series  # Categorical
    cancelled: npt.NDArray[np.bool_]
    log_ids: pd.Index  # the ids of the orders only the log knows, by code from `known` on
    known: int  # the order sources' order codes (`OrderKeys.count`)


def find_pairs(merged: Merged) -> FoundPairs | None:
    """The distinct (order code, SKU) pairs, with whether that item was cancelled (All Orders or the cancellation
    log), in the order they are first seen (sources in rank order, then the log); None without order codes.

    It reads only the codes and SKUs `orders.read_order_rows` kept, so it can run while the orders are merged."""
    keys, log = merged.keys, merged.cancel_log
    if keys is None:
        return None
    sources: list[tuple[npt.NDArray[np.int64], pd.Series, npt.NDArray[np.bool_]]] = [
        (keys.codes[part], sku, cancelled) for part, sku, cancelled in merged.sku_parts
    ]
    log_ids = pd.Index([], dtype="str")
    if log is not None and "sku" in log:
        logged = log.loc[log["sku"].fillna("") != "", ["order_id", "sku"]]
        at = keys.locate(logged["order_id"])
        # Orders only the log knows get codes after the known ones.
        unknown_codes, unknown_ids = pd.factorize(logged["order_id"].loc[at < 0])
        at[at < 0] = keys.count + unknown_codes
        log_ids = pd.Index(unknown_ids, dtype="str")
        sources.append((at, logged["sku"].astype("str"), np.ones(len(logged), dtype=bool)))
    pair_orders, pair_skus, cancelled = distinct_pairs(sources)
    return FoundPairs(pair_orders, pair_skus, cancelled, log_ids, keys.count)


def order_skus(found: FoundPairs | None, leave_out: npt.NDArray[np.bool_] | None = None) -> Pairs:
    """The pairs as a frame (sku, cancelled, and `LOG_ORDER_ID` where the log knows orders of its own), and each
    pair's order code (-1 for an order only the log knows); the pairs of the orders `leave_out` marks (per order
    code) are left out before the frame is built."""
    if found is None:
        empty = {"sku": "str", "cancelled": "bool"}
        return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in empty.items()}), np.zeros(0, np.int64)
    pair_orders, pair_skus, cancelled = found.orders, found.skus, found.cancelled
    if leave_out is not None and len(leave_out):
        known = np.flatnonzero(pair_orders < found.known)
        drop = np.zeros(len(pair_orders), dtype=bool)
        drop[known] = leave_out[pair_orders[known]]
        if drop.any():
            pair_orders, pair_skus, cancelled = (
                pair_orders[~drop],
                pair_skus[~drop].reset_index(drop=True),
                cancelled[~drop],
            )
    columns: dict[str, object] = {"sku": pair_skus, "cancelled": cancelled}
    log_only = pair_orders >= found.known
    if bool(log_only.any()):
        codes = np.where(log_only, pair_orders - found.known, -1)
        columns[LOG_ORDER_ID] = from_codes(codes, found.log_ids).array
    frame = pd.DataFrame(columns, copy=False)  # the columns are this frame's alone
    return frame, np.where(log_only, -1, pair_orders)


def distinct_pairs(
    sources: Sequence[tuple[npt.NDArray[np.int64], pd.Series, npt.NDArray[np.bool_]]], bits: int = 63
) -> tuple[npt.NDArray[np.int64], pd.Series, npt.NDArray[np.bool_]]:
    """The distinct (order code, SKU) pairs of the sources' rows, in the order they are first seen: (each pair's
    order code, its SKU as a Categorical, whether any of its rows is cancelled). Rows with order code -1 or an
    empty SKU are no pair.

    One int64 per row (order code times the number of SKUs, plus the SKU's number) is all that is sorted (or
    hashed, where it and a row number need more than `bits` bits): the pairs' orders and SKUs are read back from
    the distinct keys, so on five million orders (13 million rows) no column of the rows is concatenated but that
    one.
    """
    numbered: dict[str, int] = {}
    coded: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]] = []
    for orders, sku, cancelled in sources:
        local, names = value_codes(sku)
        # Each part's SKUs numbered in one list shared by all (a few thousand values, not a row each).
        shared = np.asarray([numbered.setdefault(name, len(numbered)) for name in names], dtype=np.int64)
        coded.append((orders, local, shared, cancelled))
    width = max(len(numbered), 1)
    key = np.empty(sum(len(orders) for orders, *_ in coded), dtype=np.int64)  # the pairs' rows fill the start
    flags = np.empty(len(key), dtype=bool)
    at = 0
    for orders, local, shared, cancelled in coded:
        # A chunk at a time, so that each step's temporaries stay in the cache (`parse.CHUNK_ROWS`).
        for start in range(0, len(orders), CHUNK_ROWS):
            part, skus = orders[start : start + CHUNK_ROWS], local[start : start + CHUNK_ROWS]
            pair = (skus >= 0) & (part >= 0)
            end = at + int(np.count_nonzero(pair))
            np.multiply(part[pair], width, out=key[at:end])
            key[at:end] += shared[skus[pair]]
            flags[at:end] = cancelled[start : start + CHUNK_ROWS][pair]
            at = end
    del coded
    key, flags = key[:at], flags[:at]
    pairs, cancelled_pairs = _first_seen(key, flags, bits)
    pair_orders, pair_skus = np.divmod(pairs, width)
    return pair_orders, from_codes(pair_skus, pd.Index(list(numbered), dtype="str")), cancelled_pairs


def _first_seen(
    key: npt.NDArray[np.int64], flags: npt.NDArray[np.bool_], bits: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """The distinct keys (non-negative) in the order first seen, and whether any row of each is flagged.

    Where a key and its row number fit in `bits` bits together (and two row numbers do), both are packed into one
    int64 and sorted: numpy's vectorised sort of 13 million packed keys takes half the time of a hash table of
    them, whose random accesses miss the cache (the five-million-order account: 1.85 s -> 0.7-1.0 s). The rows of
    one key sort together, first seen first; a second sort of (first row, pair) puts the pairs in the order first
    seen."""
    count = len(key)
    row_bits = max(count - 1, 1).bit_length()
    if count and (int(key.max()).bit_length() + row_bits > bits or 2 * row_bits > bits):
        codes, pairs = pd.factorize(key)
        found = np.zeros(len(pairs), dtype=bool)
        found[codes[flags]] = True
        return np.asarray(pairs, dtype=np.int64), found
    packed = key  # the caller's, packed in place
    packed <<= row_bits
    for at in range(0, count, CHUNK_ROWS):
        packed[at : at + CHUNK_ROWS] |= np.arange(at, min(at + CHUNK_ROWS, count), dtype=np.int64)
    packed.sort()
    starts = np.ones(count, dtype=bool)  # where a run of one key starts
    for at in range(1, count, CHUNK_ROWS):
        keys = packed[at - 1 : at + CHUNK_ROWS] >> row_bits  # the chunk's keys and the one before them
        np.not_equal(keys[1:], keys[:-1], out=starts[at : at + CHUNK_ROWS])
    ordered_flags = np.empty(count, dtype=bool)  # each packed key's row's flag
    for at in range(0, count, CHUNK_ROWS):
        ordered_flags[at : at + CHUNK_ROWS] = flags[packed[at : at + CHUNK_ROWS] & ((1 << row_bits) - 1)]
    first = packed[starts]
    del packed
    rows = np.bitwise_and(first, (1 << row_bits) - 1)
    pairs = first >> row_bits
    del first
    found = np.logical_or.reduceat(ordered_flags, np.flatnonzero(starts)) if count else np.zeros(0, dtype=bool)
    del ordered_flags, starts
    pair_bits = max(len(pairs) - 1, 1).bit_length()
    order = rows << pair_bits
    order |= np.arange(len(pairs), dtype=np.int64)
    order.sort()
    order &= (1 << pair_bits) - 1
    return pairs[order], found[order]
