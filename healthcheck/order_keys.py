"""Integer codes for orders: every order source's rows share one code per order (its row in the merged orders),
so grouping, any/min/max and joins run on ints, never on id strings. Codes follow the sorted order ids."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from healthcheck.frames import NAT, NEVER
from healthcheck.joins import arrow_strings, positions
from healthcheck.loaders import ORDER_NO, order_ids
from healthcheck.loaders.parse import amazon_order_ids, amazon_order_numbers_of


def sorted_codes(
    ids: pd.Series, numbers: npt.NDArray[np.int64] | None = None
) -> tuple[npt.NDArray[np.intp], pd.Series, npt.NDArray[np.int64] | None]:
    """`pd.factorize(ids, sort=True)`: each id's code into the sorted distinct ids (a missing id is -1), and for
    Amazon order ids the sorted numbers they stand for (None otherwise).

    Amazon order ids (`ddd-ddddddd-ddddddd`) sort as the numbers their digits make, and numbers are hashed and
    sorted many times faster than strings; any other id takes pandas' string path. `numbers`, when given, are
    those of the ids (the loader's `ORDER_NO`).
    """
    if numbers is None:
        numbers = amazon_numbers(ids)
    if numbers is not None:
        codes, uniques = pd.factorize(numbers, sort=True)
        first = np.full(len(uniques), len(codes), dtype=np.int64)
        np.minimum.at(first, codes, np.arange(len(codes)))
        return codes, ids.iloc[first].reset_index(drop=True), np.asarray(uniques, dtype=np.int64)
    codes, uniques = pd.factorize(ids, sort=True)
    return codes, pd.Series(uniques, dtype=ids.dtype if len(ids) else "str"), None


def amazon_numbers(ids: pd.Series) -> npt.NDArray[np.int64] | None:
    """The ids as the numbers their digits make when every one is an Amazon order id (one-to-one), else None."""
    text = arrow_strings(ids)
    return None if text is None else amazon_order_numbers_of(text)


def frame_numbers(frame: pd.DataFrame) -> npt.NDArray[np.int64] | None:
    """The order numbers the loader worked out (on its threads, while the file was read), if it could."""
    return frame[ORDER_NO].to_numpy(dtype=np.int64) if ORDER_NO in frame.columns else None


def count_distinct(values: npt.NDArray[Any]) -> int:
    """How many distinct values. Integers are sorted, not hashed: on millions of order numbers numpy's vectorised
    sort and one comparison of neighbours take a third of the time of pandas' hash table (13 million numbers:
    1.1-1.3 s -> 0.3-0.7 s), whose random accesses miss the cache once the table outgrows it."""
    if values.dtype.kind in "iu":
        if not len(values):
            return 0
        ordered = np.sort(values)
        return 1 + int(np.count_nonzero(ordered[1:] != ordered[:-1]))
    return int(pd.unique(values).size)


def sorted_search(sorted_values: npt.NDArray[np.int64], queries: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """`np.searchsorted(sorted_values, queries)`, the queries sorted first when there are many: binary searches in
    order stay in the cache (680,000 confirmations among a million orders: 0.15 s -> 0.09 s)."""
    if len(queries) < 10_000:
        return np.searchsorted(sorted_values, queries)
    # Any order that sorts the queries will do (equal queries find the same place), so not a stable sort: numpy's
    # vectorised one is three times faster (3.4 million queries: 0.42 s -> 0.15 s).
    order = np.argsort(queries)
    found = np.empty(len(queries), dtype=np.intp)
    found[order] = np.searchsorted(sorted_values, queries[order])
    return found


def rows_of(sorted_numbers: npt.NDArray[np.int64], numbers: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Each number's position among `sorted_numbers` (ascending, distinct), -1 where it is not there."""
    if not len(sorted_numbers):
        return np.full(len(numbers), -1, dtype=np.int64)
    at = np.minimum(sorted_search(sorted_numbers, numbers), len(sorted_numbers) - 1)
    return np.where(sorted_numbers[at] == numbers, at, -1).astype(np.int64)


class OrderKeys:
    """Every order source's rows with one shared integer code per order: groupby, any/min/max and joins then
    run on ints (bincount, ufunc.at), never on the id strings. Codes follow the sorted order ids."""

    def __init__(self, frames: Sequence[pd.DataFrame]) -> None:
        known = [frame_numbers(f) for f in frames]
        if all(n is not None for n in known):
            # Amazon order ids throughout: numbered and sorted as numbers, and the ids written back from the
            # distinct numbers (one-to-one), so the millions of id strings are never concatenated.
            codes, uniques = pd.factorize(np.concatenate([n for n in known if n is not None]), sort=True)
            self.numbers: npt.NDArray[np.int64] | None = np.asarray(uniques, dtype=np.int64)
            self.ids = amazon_order_ids(self.numbers)
        else:
            ids = pd.concat([order_ids(f) for f in frames], ignore_index=True)
            codes, self.ids, self.numbers = sorted_codes(ids)
        self.count = len(self.ids)
        bounds = np.cumsum([0, *(len(f) for f in frames)])
        self.codes = [np.asarray(codes[a:b], dtype=np.int64) for a, b in pairwise(bounds)]
        # Per source, its rows with an order code: all of them (a slice, no copy) unless some id is missing.
        self._valid: list[slice | npt.NDArray[np.bool_]] = [
            slice(None) if not len(part) or int(part.min()) >= 0 else part >= 0 for part in self.codes
        ]

    def locate(self, ids: pd.Series, numbers: npt.NDArray[np.int64] | None = None) -> npt.NDArray[np.int64]:
        """Each id's order code (its row in the orders), -1 for an id that is no order's.

        Amazon ids are found by binary search among the sorted order numbers (`numbers`, when the caller has
        them): no hash table of a million strings is built for it.
        """
        if self.numbers is not None and len(ids):
            if numbers is None:
                numbers = amazon_numbers(ids)
            if numbers is not None:
                return rows_of(self.numbers, numbers)
        return positions(ids, self.ids)

    def any(self, part: int, mask: npt.ArrayLike, out: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.bool_]:
        """Per order: does any of its rows in source `part` satisfy mask (or'ed into `out`)."""
        # A scatter into one bool per order: a bincount would count into an int64 per order, fresh memory each
        # call (on five million orders 40 MB, eleven times a merge).
        hit = np.zeros(self.count, dtype=bool) if out is None else out.copy()
        hit[self._coded(part)[np.asarray(mask, dtype=bool)[self._valid[part]]]] = True
        return hit

    def present(self, part: int) -> npt.NDArray[np.bool_]:
        """Per order: has source `part` any row of it."""
        hit = np.zeros(self.count, dtype=bool)
        hit[self._coded(part)] = True
        return hit

    def reduce(self, part: int, values: npt.NDArray[np.int64], out: npt.NDArray[np.int64], how: str) -> None:
        """min or max of int64 values per order, in place (NaT-aware for microsecond instants)."""
        codes, chosen = self._coded(part), values[self._valid[part]]
        if how == "min":
            np.minimum.at(out, codes, np.where(chosen == NAT, NEVER, chosen))
        else:
            np.maximum.at(out, codes, chosen)

    def _coded(self, part: int) -> npt.NDArray[np.int64]:
        """The order codes of source `part`'s rows that have one."""
        return self.codes[part][self._valid[part]]
