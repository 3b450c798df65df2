"""Vectorised joins on id columns (membership, positions, lookups), in arrow's hash tables where the ids are text:
converting a million ids to Python objects costs more than the whole lookup."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Above this ratio of values to keys, membership hashes the keys instead of the values.
_SMALL_SIDE = 4
_NEVER = np.iinfo(np.int64).max


def arrow_strings(values: pd.Series | pd.Index) -> pa.Array | pa.ChunkedArray | None:
    """The values as arrow `large_string`, zero-copy for the arrow-backed `str` columns; None when not text.

    Membership and lookups on ids then run in arrow's C++ hash tables: converting a million ids to Python
    objects (what `Index.get_indexer` needs) costs more than the whole lookup.
    """
    raw = values.array
    try:
        if hasattr(raw, "__arrow_array__"):
            array = pa.array(raw)
        else:
            array = pa.array(np.asarray(raw, dtype=object), from_pandas=True)
        if pa.types.is_dictionary(array.type):
            array = array.cast(array.type.value_type)
    except (pa.ArrowException, TypeError, ValueError):  # not plain text: the caller takes the general path
        return None
    if pa.types.is_null(array.type) or pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return array.cast(pa.large_string())
    return None


def _value_set(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _object_index(values: pd.Series | pd.Index) -> pd.Index:
    """A hash index over plain Python objects: the fallback for keys that are not text."""
    return pd.Index(pd.unique(np.asarray(values, dtype=object)))


def member(keys: pd.Series, values: pd.Series | pd.Index) -> pd.Series:
    """Vectorised `keys.isin(values)` for large id columns (a missing key matches a missing value)."""
    key_array, value_array = arrow_strings(keys), arrow_strings(values)
    if key_array is None or value_array is None:
        found = _object_index(values).get_indexer(np.asarray(keys, dtype=object)) >= 0
    else:
        if len(value_array) > _SMALL_SIDE * len(key_array):
            # A few keys against a million values: hash the keys and look each value up, then hash only the
            # values that were found (building a hash table costs far more than probing one).
            value_array = value_array.filter(pc.is_in(value_array, value_set=_value_set(key_array)))
        found = pc.is_in(key_array, value_set=_value_set(value_array)).to_numpy(zero_copy_only=False)
    return pd.Series(np.asarray(found, dtype=bool), index=keys.index)


def positions(keys: pd.Series, index: pd.Series | pd.Index) -> npt.NDArray[np.int64]:
    """Position in `index` of each key (the first of duplicates), -1 where absent: the join behind `lookup`."""
    if isinstance(keys.dtype, pd.CategoricalDtype):  # few distinct keys (`loaders.repeated`): each looked up once
        found = positions(pd.Series(keys.cat.categories, dtype="str"), index)
        return np.append(found, -1)[np.asarray(keys.cat.codes, dtype=np.int64)]
    key_array, index_array = arrow_strings(keys), arrow_strings(index)
    if key_array is not None and index_array is not None:
        if len(index_array) > _SMALL_SIDE * len(key_array):
            # Few keys into a large index: hash the keys, find each index row's key, keep the first row per key.
            distinct = _value_set(key_array)
            which = pc.index_in(index_array, value_set=distinct).fill_null(-1).to_numpy(zero_copy_only=False)
            hit = np.flatnonzero(which >= 0)
            first = np.full(len(distinct) + 1, _NEVER, dtype=np.int64)
            np.minimum.at(first, which[hit], hit)
            first[first == _NEVER] = -1
            own = pc.index_in(key_array, value_set=distinct).fill_null(len(distinct))
            return first[np.asarray(own.to_numpy(zero_copy_only=False), dtype=np.int64)]
        found = pc.index_in(key_array, value_set=_value_set(index_array))
        return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
    objects = pd.Index(np.asarray(index, dtype=object))
    first_rows = ~objects.duplicated(keep="first")
    where = pd.Index(objects[first_rows]).get_indexer(np.asarray(keys, dtype=object))
    original = np.flatnonzero(first_rows)
    return np.where(where >= 0, original[np.maximum(where, 0)] if len(original) else -1, -1).astype(np.int64)


def lookup(keys: pd.Series, mapping: pd.Series) -> pd.Series:
    """Values of `mapping` (indexed by key) for each key, NA where absent; the first of duplicate keys wins."""
    found = positions(keys, mapping.index)
    missing = bool((found < 0).any())
    taken = mapping.array.take(found, allow_fill=missing)
    return pd.Series(taken, index=keys.index, dtype=mapping.dtype)
