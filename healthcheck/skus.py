"""The distinct SKUs of each order (`AuditData.items`), drawn from the order sources' rows the merge coded
(`orders.read_order_rows`) and the cancellations log, whose SKUs are cancelled items too."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from healthcheck.loaders.repeated import from_codes
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
    order_codes: list[npt.NDArray[np.int64]] = []
    skus: list[tuple[pd.Series, npt.NDArray[np.bool_] | None]] = []
    flags: list[npt.NDArray[np.bool_]] = []
    for part, sku, cancelled in parts:
        keep = (sku != "").to_numpy(dtype=bool) & (keys.codes[part] >= 0)
        order_codes.append(keys.codes[part][keep])
        skus.append((sku, None if keep.all() else keep))
        flags.append(cancelled[keep])
    ids = keys.ids
    if log is not None and "sku" in log:
        logged = log.loc[log["sku"].fillna("") != "", ["order_id", "sku"]]
        at = keys.locate(logged["order_id"])
        # Orders only the log knows get codes after the known ones.
        unknown_codes, unknown_ids = pd.factorize(logged["order_id"].loc[at < 0])
        at[at < 0] = keys.count + unknown_codes
        ids = pd.concat([ids, pd.Series(unknown_ids, dtype=ids.dtype)], ignore_index=True)
        order_codes.append(at)
        skus.append((logged["sku"].astype("str"), None))
        flags.append(np.ones(len(logged), dtype=bool))
    if not order_codes:
        empty = pd.DataFrame({"order_id": pd.Series(dtype="str"), "sku": pd.Series(dtype="str"), "cancelled": []})
        return empty, np.zeros(0, dtype=np.int64)
    sku_code_parts, sku_names = sku_codes(skus)
    sku_code = np.concatenate(sku_code_parts)
    del sku_code_parts
    order_code = np.concatenate(order_codes)
    del order_codes
    # One int64 per (order, SKU); its temporaries are let go of at once (five million orders: 13 million rows).
    pair_key = order_code * max(len(sku_names), 1)
    pair_key += sku_code
    pair_codes, pairs = pd.factorize(pair_key)
    del pair_key
    count = len(pairs)
    # factorize numbers the pairs in order of first appearance: a pair's first row is where the running maximum
    # of the codes first reaches it.
    seen = np.maximum.accumulate(pair_codes)
    first = np.flatnonzero(np.diff(seen, prepend=-1) > 0)
    del seen
    cancelled = np.zeros(count, dtype=bool)
    cancelled[pair_codes[np.concatenate(flags)]] = True
    del pair_codes
    pair_orders = order_code[first]
    if leave_out is not None and len(leave_out):
        known = np.flatnonzero(pair_orders < keys.count)
        drop = np.zeros(len(pair_orders), dtype=bool)
        drop[known] = leave_out[pair_orders[known]]
        if drop.any():
            first, pair_orders, cancelled = first[~drop], pair_orders[~drop], cancelled[~drop]
    frame = pd.DataFrame(
        {
            "order_id": ids.take(pair_orders).reset_index(drop=True),
            # A Categorical (`loaders.repeated`): five million orders' SKUs as strings were 350 MB.
            "sku": from_codes(sku_code[first], sku_names),
            "cancelled": cancelled,
        }
    )
    return frame, np.where(pair_orders < keys.count, pair_orders, -1)


def sku_codes(
    parts: Sequence[tuple[pd.Series, npt.NDArray[np.bool_] | None]],
) -> tuple[list[npt.NDArray[np.int64]], pd.Index]:
    """`pd.factorize` of the parts' kept values (`None`: all) concatenated, without concatenating the strings:
    each part is numbered on its own, and its distinct values (a few thousand SKUs) join one list in order of
    first appearance. On five million orders the concatenation alone was 350 MB of strings."""
    names: dict[str, int] = {}
    out: list[npt.NDArray[np.int64]] = []
    for values, keep in parts:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        if keep is not None:
            codes = codes[keep]
        # The part's values in order of first appearance among the kept rows, then numbered in the shared list.
        local, order = pd.factorize(codes)
        known = [names.setdefault(value, len(names)) for value in uniques.take(order).tolist()]
        out.append(np.asarray(known, dtype=np.int64)[local] if len(local) else np.zeros(0, dtype=np.int64))
    return out, pd.Index(list(names), dtype="str")
