"""Text columns of a few distinct values (`Column.repeated`: statuses, sales channels, carriers, SKUs), held as
pandas Categoricals: a small integer per row, not a string (issue 16: a million orders' statuses, channels and
SKUs were 200 MB of strings). The model builds its own such columns with `from_codes`.

The one shape every reader of such a column sees, whichever path read the file: a Categorical of the stripped
values, its categories sorted, so that it sorts, groups and compares as the strings did (arrow's dictionaries
list values in the order they first appear, and an unordered Categorical sorts by its categories' order), and no
missing value: a row without one (of a file that lacks the column, in a kind read from several files) holds "",
which is what every reader made of a missing value (a Categorical refuses a `fillna("")` it has no category for).
A Categorical keeps categories no row holds any more once rows are left out: count values by row, never by
category.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from healthcheck.loaders import parse


def arrow_type() -> pa.DataType:
    """What pyarrow's CSV reader reads such a column as: it then never builds the strings of its rows."""
    return pa.dictionary(pa.int32(), pa.large_string())


def categorical_text(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(the column as the Categorical of its stripped values, whether each value is empty).

    Only the distinct values are stripped; values that differ only in white space become one category."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = np.asarray(values.cat.codes)  # as narrow as the categories allow (int8 for a few statuses)
        distinct = pd.Series(values.cat.categories, dtype="str")
    else:
        found, uniques = pd.factorize(values)
        codes, distinct = np.asarray(found, dtype=np.int64), pd.Series(uniques, dtype="str")
    cleaned = parse.clean_text(distinct).to_numpy(dtype=object)
    if bool((codes < 0).any()):
        cleaned = np.append(cleaned, "")  # code -1 (a missing value) reads it
    categories, inverse = np.unique(cleaned, return_inverse=True)
    # The new codes in the width a Categorical of these categories keeps (so `from_codes` need not convert
    # them), looked up a distinct value at a time: no column of int64 per row.
    width = np.int8 if len(categories) < 127 else np.int16 if len(categories) < 32767 else np.int32
    recoded = np.asarray(inverse, dtype=width)[codes]
    column = pd.Series(pd.Categorical.from_codes(recoded, dtype=_dtype(categories), validate=False), index=values.index)
    blank = np.flatnonzero(categories == "")
    return column, pd.Series(recoded == (blank[0] if len(blank) else -1), index=values.index)


def concat(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """`pd.concat(frames, ignore_index=True)`, the Categorical columns kept Categorical: pandas makes strings of
    Categoricals whose categories differ (two downloads with different statuses), so they first share the union
    of the categories; a frame that lacks such a column gets it as "" (no missing values, above)."""
    names = {str(n) for f in frames for n, dtype in f.dtypes.items() if isinstance(dtype, pd.CategoricalDtype)}
    # Only a column that is missing or text is converted: the loader's Categoricals are in shape already.
    filled = [
        f.assign(
            **{
                n: categorical_text(f[n] if n in f else pd.Series("", index=f.index, dtype="str"))[0]
                for n in names
                if n not in f or not isinstance(f[n].dtype, pd.CategoricalDtype)
            }
        )
        for f in frames
    ]
    shared = {
        n: _dtype(np.unique(np.concatenate([np.asarray(f[n].cat.categories, dtype=object) for f in filled])))
        for n in names
    }
    aligned = [
        f.assign(**{n: f[n].cat.set_categories(dtype.categories) for n, dtype in shared.items() if f[n].dtype != dtype})
        for f in filled
    ]
    return pd.concat(aligned, ignore_index=True)


def value_codes(values: pd.Series) -> tuple[npt.NDArray[np.int64], list[str]]:
    """(each row's number among the column's distinct values, -1 where it has none: missing or empty; those
    values). A Categorical is numbered already; text is numbered by `pd.factorize`. What de-duplication, the SKU
    pairs, the carriers and the portfolio's marketplaces key rows by."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = np.asarray(values.cat.codes, dtype=np.int64)
        names = [str(name) for name in values.cat.categories]
    else:
        found, uniques = pd.factorize(values)  # a missing value is -1
        codes, names = np.asarray(found, dtype=np.int64), [str(name) for name in uniques]
    if "" in names:
        codes = np.where(codes == names.index(""), -1, codes)
    return codes, names


def from_codes(codes: npt.NDArray[np.integer[Any]], names: pd.Index) -> pd.Series:
    """The Categorical whose row i is `names[codes[i]]`, its categories sorted as above; `names` are distinct, in
    any order. A code -1 is a missing value (the model's columns may have them; the loader's never do)."""
    order = np.asarray(names.argsort(), dtype=np.int64)
    rank = np.empty(len(order) + 1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    rank[-1] = -1  # code -1 reads it
    categories = _dtype(np.asarray(names.take(order), dtype=object))
    return pd.Series(pd.Categorical.from_codes(rank[codes], dtype=categories))


def _dtype(categories: np.ndarray) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(pd.Index(categories, dtype="str"), ordered=False)
