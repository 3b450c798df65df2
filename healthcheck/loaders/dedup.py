"""De-duplication of overlapping downloads (SPEC 1.5): every dropped row counted against its file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from healthcheck.loaders.kinds import FILE_FIELD, ORDER_NO, order_column
from healthcheck.loaders.reader import LINE_FIELD
from healthcheck.loaders.repeated import value_codes
from healthcheck.wording import plural

if TYPE_CHECKING:
    from healthcheck.loaders import InputFile


def deduplicate(kind: str, frame: pd.DataFrame, inputs: list[InputFile]) -> pd.DataFrame:
    """Overlapping downloads must never double count (SPEC 1.5); every dropped row is counted."""
    value_columns = [c for c in frame.columns if not c.startswith("_")]
    # Where the order ids are held as their numbers only (`Column.numbered`), the numbers stand for them.
    order = order_column(frame.columns)
    if order == ORDER_NO:
        value_columns.append(ORDER_NO)
    key: list[str] | None = None
    if kind == "all_orders":
        # One number per SKU, -1 for none (an empty SKU, a download without the column): equal for equal SKUs
        # across the downloads, whose Categoricals share their categories (`loaders.repeated`).
        sku = pd.Series(value_codes(frame["sku"])[0] if "sku" in frame else -1, index=frame.index)
        # The key is the order id with the order-item id where there is one, else with the SKU: kept as columns,
        # not a million concatenated strings. All Orders downloads usually have no order-item id at all.
        if "order_item_id" in frame:
            # A column one download has and another lacks is NaN in the other's rows: read it as empty, or
            # every such row would share one NaN key and all but one be dropped as "older versions".
            item = frame["order_item_id"].fillna("")
            if bool((item != "").any()):
                sku = sku.where(item == "", -1)
            frame = frame.assign(_item=item, _sku=sku)
            key = [order, "_item", "_sku"]
        else:
            frame = frame.assign(_sku=sku)
            key = [order, "_sku"]
    elif kind == "order_report":
        key = [order, "order_item_id"]
    if key is None:
        drop = duplicated_rows(frame, value_columns)
    else:
        # Identical rows share their key: only rows whose key comes again can be copies or older versions, and
        # in a clean download there are none, so the other columns of a million rows are never compared.
        again = duplicated_rows(frame, key, keep=False)
        drop = pd.Series(False, index=frame.index)
        if bool(again.any()):
            candidates = frame.loc[again]
            copies = duplicated_rows(candidates, value_columns).to_numpy()
            drop.loc[candidates.index[copies]] = True
            remaining = candidates.loc[~copies]
            remaining = remaining.loc[duplicated_rows(remaining, key, keep=False)]
            if "last_updated" in remaining:
                order = remaining.sort_values(
                    ["last_updated", FILE_FIELD, LINE_FIELD], na_position="first", kind="stable"
                )
            else:
                order = remaining.sort_values([FILE_FIELD, LINE_FIELD], kind="stable")
            superseded = order.duplicated(subset=key, keep="last")
            conflicting = superseded[superseded].index
            drop.loc[conflicting] = True
            if len(conflicting):
                for file_index, count in frame.loc[conflicting, FILE_FIELD].value_counts().items():
                    inputs[int(file_index)].warnings.append(
                        plural(int(count), "row is an older version", "rows are older versions")
                        + " of order items found again in a later download "
                        "(the later last-updated-date wins)"
                    )
    if bool(drop.any()):
        for file_index, count in frame.loc[drop, FILE_FIELD].value_counts().items():
            inputs[int(file_index)].skipped["duplicate"] += int(count)
        frame = frame.loc[~drop]  # only when something is dropped: a take of every column of a big file is costly
    if "_sku" in frame:
        frame = frame.drop(columns=[name for name in ("_item", "_sku") if name in frame])
    return frame.reset_index(drop=True)


def duplicated_rows(frame: pd.DataFrame, columns: list[str], keep: Literal["first", False] = "first") -> pd.Series:
    """`frame.duplicated(columns, keep=keep)`, narrowed column by column to the rows still in question.

    Two rows can only be identical where they share an order (or order-item) id: after the id columns almost no
    row is left, so the long text columns of a million rows are never hashed. The narrowing compares digit ids as
    numbers (cheap, and equal values always stay together); the rows left are then compared exactly. Same answer
    as pandas, a fraction of the time.
    """
    # Item ids split the rows most, then order ids, then the SKU (an order's items differ in it); then the rest.
    rank = {"order_id": 1, ORDER_NO: 1, "sku": 2, "_sku": 2}
    ordered = sorted(columns, key=lambda name: rank.get(name, 0 if name.endswith("_id") else 3))
    rows = np.arange(len(frame))
    group: npt.NDArray[np.int64] | None = None  # equal values of the columns so far share a group number
    for name in ordered:
        if len(rows) < 2:
            break
        if name in ("order_id", ORDER_NO) and ORDER_NO in frame.columns:
            keys = frame[ORDER_NO].to_numpy(dtype=np.int64)  # one-to-one with the ids, worked out already
            keys = keys if len(rows) == len(frame) else keys[rows]
        else:
            column = frame[name] if len(rows) == len(frame) else frame[name].iloc[rows]
            keys = _narrowing_keys(column, numeric=name.endswith("_id"))
        if group is not None:
            # (group, value) -> one int64 per distinct pair: the values numbered densely first where they are too
            # large to pack beside the group numbers.
            low, high = (int(keys.min()), int(keys.max())) if len(keys) else (0, 0)
            if low < 0 or (high + 1) * (int(group.max()) + 1) >= 1 << 62:
                keys = _runs(keys)[0]
                high = int(keys.max())
            keys = group * (high + 1) + keys
        group, again = _runs(keys)
        rows, group = rows[again], group[again]
    found = np.zeros(len(frame), dtype=bool)
    if len(rows) >= 2:
        found[rows] = frame[columns].iloc[rows].duplicated(keep=keep).to_numpy()
    return pd.Series(found, index=frame.index)


def _runs(keys: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Each key's rank among the distinct keys (0, 1, ... in sorted order), and whether it comes more than once.

    By a sort, not a hash table: numpy's sort of int64 is vectorised, and pandas' hashing of millions of keys
    misses the cache on almost every lookup (docs/performance.md).
    """
    order = np.argsort(keys)
    ordered = keys[order]
    starts = np.ones(len(keys), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    del ordered
    # A key comes once where its run starts and the next run starts right after it: no run lengths needed.
    alone = starts.copy()
    alone[:-1] &= starts[1:]
    repeated = np.empty(len(keys), dtype=bool)
    repeated[order] = ~alone
    del alone
    rank = np.cumsum(starts)
    rank -= 1
    codes = np.empty(len(keys), dtype=np.int64)
    codes[order] = rank
    return codes, repeated


def _narrowing_keys(column: pd.Series, *, numeric: bool) -> npt.NDArray[np.int64]:
    """One int64 per value: equal values always get the same one; distinct ones may too (`111-2` and `1112`).

    With `numeric`, ids made of digits and dashes are read as the numbers they spell, which is many times cheaper
    than hashing the strings; integers (de-duplication's own SKU numbers) are their own keys; anything else is
    numbered by `pd.factorize`.
    """
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu":  # numpy's: no missing value
        return column.to_numpy(dtype=np.int64)
    if numeric and column.dtype == "str" and hasattr(column.array, "__arrow_array__"):
        text = pa.array(column.array)
        if not text.null_count:
            try:
                numbers = pc.cast(pc.replace_substring(text, "-", ""), pa.int64())
            except pa.ArrowException:  # not all digits and dashes: numbered by factorize below
                numbers = None
            if numbers is not None:
                return np.asarray(numbers.to_numpy(zero_copy_only=False), dtype=np.int64)
    return np.asarray(pd.factorize(column, use_na_sentinel=False)[0], dtype=np.int64)
