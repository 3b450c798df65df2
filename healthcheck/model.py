"""The audit's view of an account: one row per order, per package, per defect, built once from the loaded files.

Everything a metric needs about an order (channel, cancellation, ship-by deadline, confirmation time) is derived
here and in `orders.py` (the order frame, declared in `orders.ORDER_COLUMNS`), vectorised, so that each metric in
`metrics/` is a short filter-and-count over these frames. Joins on ids are in `joins.py`, order codes in
`order_keys.py`.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import threading
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from healthcheck.config import Config
from healthcheck.defects import build_defects
from healthcheck.frames import (
    NAT,
    NEVER,
    as_instants,
    column_or,
    end_of_local_day,
    instants_of,
    local_dates,
    micros,
)
from healthcheck.joins import lookup, member, positions
from healthcheck.loaders import FILE_FIELD, InputFile, LoadResult
from healthcheck.loaders.parse import clean_text
from healthcheck.marketplaces import Marketplace
from healthcheck.order_keys import frame_numbers
from healthcheck.orders import (
    AFN,
    MFN,
    Merged,
    OrderRows,
    merge_orders,
)
from healthcheck.ship_by_mismatch import mismatch_warning
from healthcheck.shipcal import OperatingCalendar
from healthcheck.skus import FoundPairs, find_pairs, order_skus
from healthcheck.wording import plural, verb

# Re-exported: the metrics, actions and insights read them from the model.
__all__ = [
    "AFN",
    "MFN",
    "ORDER_ROW",
    "AuditData",
    "MergedOrders",
    "end_of_local_day",
    "local_dates",
    "lookup",
    "member",
    "merge_step",
    "order_values",
    "place_reports",
    "positions",
    "release_memory",
]

T = TypeVar("T")


@dataclass
class FileNotes:
    """What building the model found out about input rows, per input file (its index in `LoadResult.inputs`):
    rows it left out, by reason (SPEC 1.5: nothing dropped without a named reason), and warnings. Returned, not
    written into the loaders' summaries: the audit adds them to the report's inputs."""

    skipped: Counter[tuple[int, str]] = field(default_factory=Counter)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def input_summaries(self, inputs: Sequence[InputFile]) -> tuple[InputFile, ...]:
        """The loaders' summaries with these counts and warnings added (copies: the load result is unchanged)."""
        merged: list[InputFile] = []
        for index, info in enumerate(inputs):
            skipped = Counter(info.skipped)
            for (file_index, reason), count in self.skipped.items():
                if file_index == index:
                    skipped[reason] += count
            warnings = [*info.warnings, *(text for file_index, text in self.warnings if file_index == index)]
            merged.append(dataclasses.replace(info, skipped=skipped, warnings=warnings))
        return tuple(merged)


@dataclass
class AuditData:
    """The frames every metric reads. Times are UTC instants; `*_date` columns are local calendar days."""

    marketplace: Marketplace
    config: Config
    calendar: OperatingCalendar
    orders: pd.DataFrame  # one row per order
    items: pd.DataFrame  # sku, cancelled, ORDER_ROW (LOG_ORDER_ID): the distinct SKUs of each order; ids from
    # `selection.item_order_ids`
    confirmations: pd.DataFrame  # ship-confirmation rows with `conf_ts` and the order's channel
    defects: pd.DataFrame  # order_id, defect ('negative_feedback' | 'a_to_z_claim' | 'chargeback'), source
    unmatched_defects: list[dict[str, str]]
    loaded: LoadResult
    buyer_request_known: bool
    warnings: list[str] = field(default_factory=list)
    file_notes: FileNotes = field(default_factory=FileNotes)
    # Frames derived from these once and read by several metrics, actions and insights (e.g. the packages),
    # keyed by what builds them; each entry remembers what it was built from. Not an init field: `replace`
    # starts afresh.
    cache: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _locks: dict[Hashable, threading.Lock] = field(default_factory=dict, init=False, repr=False, compare=False)

    def has(self, kind: str) -> bool:
        return self.loaded.has(kind)

    @property
    def has_order_data(self) -> bool:
        return not self.orders.empty

    def derived(self, key: Hashable, source: object, build: Callable[[], T]) -> T:
        """`build()`, once per `key` while `source` (what it is built from) stays the same frame.

        Metrics run on several threads: the first to ask builds, the others wait for it instead of building the
        same frame again beside it.
        """
        with self._locks.setdefault(key, threading.Lock()):
            cached = self.cache.get(key)
            if cached is not None and cached[0] is source:
                return cast(T, cached[1])
            value = build()
            self.cache[key] = (source, value)
            return value

    def forget_derived(self) -> None:
        """Let go of every derived frame (a later `derived` builds it again)."""
        self.cache.clear()


# Reports whose rows the model places among the orders: after the model they are read from `AuditData` (the
# ship confirmations from `AuditData.confirmations`), so `schedule.audit_data` may let go of the report's frame.
PLACED_REPORTS = ("ship_confirmations",)

# In `AuditData.confirmations` and `AuditData.items`: the row of the row's order in `AuditData.orders`, -1 when
# not there. A `replace` that takes orders out (a program's cut) drops it from the frames it keeps.
ORDER_ROW = "_order"


def order_values(data: AuditData, rows: pd.DataFrame, column: str) -> pd.Series:
    """`column` of each row's order (NA where the order is unknown), for rows of `data.confirmations`.

    Joined on the confirmations' order row, so no id is hashed again; other frames join on the ids.
    """
    if ORDER_ROW in rows.columns:
        at = rows[ORDER_ROW].to_numpy(dtype=np.int64)
        taken = data.orders[column].array.take(at, allow_fill=bool((at < 0).any()))
        return pd.Series(taken, index=rows.index, dtype=data.orders[column].dtype)
    return lookup(rows["order_id"], data.orders.set_index("order_id")[column])


def _confirmations(loaded: LoadResult, orders: pd.DataFrame, timezone: str, at: npt.NDArray[np.int64]) -> pd.DataFrame:
    """Ship-confirmation rows, given each one's row in `orders` (-1 for none): the join is done once."""
    frame = loaded.frame("ship_confirmations")
    if frame is None:
        return pd.DataFrame(
            {
                "order_id": pd.Series(dtype="str"),
                "conf_ts": pd.Series(dtype="datetime64[us, UTC]"),
                "tracking_number": pd.Series(dtype="str"),
                "carrier_code": pd.Series(dtype="str"),
                "carrier_name": pd.Series(dtype="str"),
                "quantity": pd.Series(dtype="Int64"),
                "delivered_ts": pd.Series(dtype="datetime64[us, UTC]"),
                "first_scan_ts": pd.Series(dtype="datetime64[us, UTC]"),
                "channel": pd.Series(dtype="object"),
                FILE_FIELD: pd.Series(dtype="int64"),
            }
        )
    out = frame.copy(deep=False)  # copy-on-write: only the columns replaced below are new
    confirmed = instants_of(out, "confirmed_ts")
    out["conf_ts"] = confirmed.fillna(out["ship_ts"].astype("datetime64[us, UTC]"))
    for name in ("tracking_number", "carrier_code", "carrier_name"):
        # The loader keeps text stripped already: `clean_text` copies only a column that still needs it. The
        # carriers are Categoricals from the loader (`loaders.repeated`: stripped, never missing), kept as they are.
        column = column_or(out, name, "")
        out[name] = (
            column if isinstance(column.dtype, pd.CategoricalDtype) else clean_text(column.fillna("").astype("str"))
        )
    for name in ("delivered_ts", "first_scan_ts"):
        out[name] = instants_of(out, name)
    out["quantity"] = column_or(out, "quantity").astype("Int64")
    out["channel"] = pd.Series(orders["channel"].array.take(at, allow_fill=True), index=out.index)
    out["conf_date"] = local_dates(out["conf_ts"], timezone)
    return out


def count_per_file(frame: pd.DataFrame, mask: pd.Series) -> Iterable[tuple[int, int]]:
    """(file index, rows) for the rows selected by mask: how skip reasons reach the input summary."""
    if FILE_FIELD not in frame.columns or not bool(mask.any()):
        return []
    counts = frame.loc[mask, FILE_FIELD].value_counts()
    return [(int(k), int(v)) for k, v in counts.items()]


@dataclass
class MergedOrders:
    """The model's first step (`merge_step`): the orders merged from every order source, before the other
    reports' rows are placed on them (`place_reports`). `schedule.audit_data` runs the steps."""

    orders: pd.DataFrame
    merged: Merged
    # Per order code (`merged.keys`): its row in `orders`, -1 for a Multi-Channel Fulfillment order (SPEC 1.4),
    # which the frame leaves out.
    rows: npt.NDArray[np.int64]

    @property
    def non_amazon(self) -> npt.NDArray[np.bool_]:
        """Per order code: a Multi-Channel Fulfillment order."""
        return self.rows < 0


def merge_step(
    loaded: LoadResult, marketplace: Marketplace, calendar: OperatingCalendar, rows: OrderRows
) -> MergedOrders:
    """The orders, one row each, from every order source's rows (`orders.read_order_rows`, `merge_orders`)."""
    release_memory()
    orders, non_amazon = merge_orders(loaded, marketplace, calendar, rows)
    at = np.where(non_amazon, -1, np.cumsum(~non_amazon) - 1).astype(np.int64)
    return MergedOrders(orders, rows.merged, at)


def order_items(
    step: MergedOrders, config: Config, calendar: OperatingCalendar, pairs: Callable[[], FoundPairs | None]
) -> tuple[pd.DataFrame, str | None]:
    """The distinct SKUs of each Amazon order (`pairs()` gives `skus.find_pairs`), and the warning when the ship-by
    dates Amazon gives and the settings give disagree (`ship_by_mismatch.mismatch_warning`).

    Reads only the ship-by columns of `step.orders` (`ITEMS_READ`), so that it can run on another thread while
    `place_reports` adds columns to the orders: `items_step` gives it a frame of those columns alone."""
    # The Multi-Channel orders' items are left out before the frame is built (a copy of the frame after was the
    # five-million-order audit's peak); each item's row among the orders, -1 for the log's orders.
    skus, pair_orders = order_skus(pairs(), leave_out=step.non_amazon)
    rows = _order_rows(step, pair_orders)
    mismatch = mismatch_warning(step.orders, skus, rows, config, calendar)
    skus[ORDER_ROW] = rows
    return skus, mismatch


# The orders' columns `order_items` reads (the ship-by dates `mismatch_warning` compares).
ITEMS_READ = ("order_id", "purchase_date", "ship_by_date", "ship_by_source", "computed_ship_by_date")


def items_step(step: MergedOrders) -> MergedOrders:
    """The step as `order_items` reads it: the orders' `ITEMS_READ` columns in a frame of their own (sharing their
    values: no copy), which the columns `place_reports` adds to the orders meanwhile do not touch."""
    return dataclasses.replace(step, orders=step.orders[list(ITEMS_READ)])


def _order_rows(step: MergedOrders, codes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Each order code's row in `step.orders`, -1 for no code (-1) and for a Multi-Channel order."""
    return np.where(codes >= 0, step.rows[np.maximum(codes, 0)] if len(step.rows) else -1, -1).astype(np.int64)


def _excluded(non_amazon: npt.NDArray[np.bool_], at: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Rows (given their order's row, -1 for none) of Multi-Channel Fulfillment orders (SPEC 1.4): in no metric."""
    found = at >= 0
    found[found] = non_amazon[at[found]]
    return found


def place_reports(
    step: MergedOrders,
    loaded: LoadResult,
    marketplace: Marketplace,
    config: Config,
    calendar: OperatingCalendar,
    items: Callable[[], tuple[pd.DataFrame, str | None]] | None = None,
) -> AuditData:
    """The model's second step: the other reports' rows placed on the merged orders (confirmations, defects),
    every row left out counted, and the orders' SKUs. `items()` gives `order_items` (the caller may have it worked
    out on another thread meanwhile, from `items_step(step)`)."""
    orders, merged, non_amazon = step.orders, step.merged, step.non_amazon

    def locate(ids: pd.Series, numbers: npt.NDArray[np.int64] | None = None) -> npt.NDArray[np.int64]:
        """Row in `orders` of each id, -1 where none (the merge's codes, never a new hash table of all ids)."""
        if merged.keys is None:
            return np.full(len(ids), -1, dtype=np.int64)
        return merged.keys.locate(ids, numbers)

    excluded = partial(_excluded, non_amazon)
    notes = FileNotes()

    def place(kind: str, frame: pd.DataFrame) -> npt.NDArray[np.int64]:
        """Each row's order in `orders`, with the rows left out counted in `notes` and, but for the confirmations
        (placed below), let go of: a metric reading a report's rows itself never sees a Multi-Channel order's."""
        at = locate(frame["order_id"], frame_numbers(frame))
        left_out = excluded(at)
        for file_index, count in count_per_file(frame, pd.Series(left_out, index=frame.index)):
            notes.skipped[(file_index, "excluded_non_amazon")] += count
        if kind != "ship_confirmations" and left_out.any():
            frame, at = frame.loc[~left_out].reset_index(drop=True), at[~left_out]
            loaded.frames[kind] = frame
        if kind == "cancellations":
            for file_index, count in count_per_file(frame, pd.Series(at < 0, index=frame.index)):
                notes.skipped[(file_index, "unmatched_order")] += count
        return at

    # The order sources' rows were coded by the merge (and their frames may be let go of already).
    for part, files in enumerate(merged.files):
        if files is not None and merged.keys is not None:
            left_out = np.bincount(files[excluded(merged.keys.codes[part])])
            for index in np.flatnonzero(left_out):
                notes.skipped[(int(index), "excluded_non_amazon")] += int(left_out[index])
    rows_of = {
        kind: place(kind, frame)
        for kind, frame in list(loaded.frames.items())  # `place` lets go of rows in `loaded.frames`
        if "order_id" in frame.columns and kind not in merged.sources
    }
    at = rows_of.get("ship_confirmations", np.zeros(0, dtype=np.int64))
    # Each confirmation's row in the audit's orders, -1 for an order not in the order data: the metrics join on
    # it instead of hashing the ids again. The Multi-Channel orders' rows are left out (counted above).
    order_row = _order_rows(step, at)
    confirmations = _confirmations(loaded, orders, marketplace.timezone, order_row)
    kept = ~excluded(at)
    if not kept.all():
        confirmations, at, order_row = confirmations.loc[kept], at[kept], order_row[kept]
    # SPEC 4.3: an order's confirmation time is that of its earliest ship-confirmation row.
    first_confirmation = np.full(len(orders), NEVER, dtype=np.int64)
    matched = at >= 0
    conf = micros(confirmations["conf_ts"])
    np.minimum.at(first_confirmation, order_row[matched], np.where(conf == NAT, NEVER, conf)[matched])
    first_confirmation[first_confirmation == NEVER] = NAT
    orders["conf_ts"] = as_instants(first_confirmation)
    if loaded.confirmed_after_as_of is not None and not orders.empty:
        # Confirmed only after the as-of day: unconfirmed then, though a later download says shipped (SPEC 1.5).
        later = _order_rows(step, locate(loaded.confirmed_after_as_of))
        waiting = np.zeros(len(orders), dtype=bool)
        waiting[later[later >= 0]] = True
        orders["shipped"] &= ~(waiting & orders["conf_ts"].isna().to_numpy())
    has_orders = not orders.empty
    confirmations = confirmations.assign(**{ORDER_ROW: order_row})
    outside = pd.Series(~matched, index=confirmations.index)
    if bool(outside.any()) and has_orders:
        for file_index, count in count_per_file(confirmations, outside):
            notes.warnings.append(
                (
                    file_index,
                    f"{plural(count, 'row')} {verb(count, 'is', 'are')} for orders not in the order data: they count "
                    "in the valid tracking rate only",
                )
            )
    defects, warnings = build_defects(loaded)
    defect_rows = locate(defects["order_id"])
    defects, defect_rows = defects.loc[~excluded(defect_rows)], defect_rows[~excluded(defect_rows)]
    unmatched_mask = pd.Series(defect_rows < 0, index=defects.index)
    unmatched = (
        defects.loc[unmatched_mask, ["order_id", "source"]]
        .drop_duplicates()
        .sort_values(["order_id", "source"])
        .to_dict("records")
    )
    buyer_request_known = "buyer_requested" in loaded.fields.get("order_report", set()) or bool(
        {"buyer_requested", "cancelled_by"} & loaded.fields.get("cancellations", set())
    )
    found_items, mismatch = (
        items() if items is not None else order_items(step, config, calendar, partial(find_pairs, merged))
    )
    if mismatch:
        warnings.append(mismatch)
    return AuditData(
        marketplace=marketplace,
        config=config,
        calendar=calendar,
        orders=orders,
        items=found_items,
        confirmations=confirmations.reset_index(drop=True),
        defects=defects.loc[~unmatched_mask].reset_index(drop=True),
        unmatched_defects=[{"order_id": str(r["order_id"]), "source": str(r["source"])} for r in unmatched],
        loaded=loaded,
        buyer_request_known=buyer_request_known,
        warnings=warnings,
        file_notes=notes,
    )


def release_memory(*, near_peak: float | None = None) -> None:
    """Hand memory a stage freed back to the system before the next stage's peak.

    Arrow's allocator and glibc's heap keep freed blocks for reuse; on a million orders that is hundreds of MB
    counted in the process's peak for nothing. A no-op where the C library has no `malloc_trim`.

    With `near_peak` (a share), glibc's heap is trimmed only while the process holds at least that share of its
    peak so far: between metrics, whose threads reuse what the one before freed, a trim made them fault it all
    back in (on a million orders 90,000-120,000 page faults, up to half a second of system time) where the peak
    was set long before; near the peak (five million orders) it still keeps the next metric from setting a new
    one.
    """
    pa.default_memory_pool().release_unused()
    if near_peak is not None and not _near_peak(near_peak):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


# Between metrics the heap is trimmed only from this share of the peak so far (`release_memory`).
NEAR_PEAK = 0.85


def _near_peak(share: float) -> bool:
    """Whether the resident memory is at least `share` of the peak so far; True where Linux's /proc cannot say."""
    found: dict[str, int] = {}
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                found[key] = int(value.split()[0])
    if len(found) < 2:
        return True
    return found["VmRSS"] >= share * found["VmHWM"]
