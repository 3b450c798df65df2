"""SPEC 1.5 and 4, the order side: the rows of every order source merged into one row per order (channel,
cancellation, ship-by deadline, buyer request); the distinct SKUs of each order are drawn from the same rows
(`skus.py`). `ORDER_COLUMNS` declares the frame as `loaders/kinds.py` declares the inputs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from healthcheck.config import Config
from healthcheck.frames import (
    NAT,
    NEVER,
    as_instants,
    column_or,
    end_of_local_day,
    flags,
    local_dates,
    lowered_distinct,
    micros,
)
from healthcheck.joins import positions
from healthcheck.loaders import FILE_FIELD, LoadResult, order_ids
from healthcheck.loaders.kinds import FULFILLMENT_CHANNELS
from healthcheck.loaders.repeated import from_codes, value_codes
from healthcheck.marketplaces import Marketplace
from healthcheck.order_keys import OrderKeys
from healthcheck.shipcal import OperatingCalendar, ship_by_dates

CANCELLED = {"cancelled", "canceled"}
MFN = "MFN"
AFN = "AFN"
_CHANNELS = {value.lower(): channel for value, channel in FULFILLMENT_CHANNELS.items()}
NON_AMAZON = "non-amazon"


@dataclass(frozen=True)
class OrderColumn:
    dtype: Any
    meaning: str


# The orders frame, one row per order (SPEC 1.5 merged, SPEC 4's facts per order). Times are UTC instants;
# `*_date` columns are local calendar days (naive midnights).
ORDER_COLUMNS: Mapping[str, OrderColumn] = MappingProxyType(
    {
        "order_id": OrderColumn("str", "the Amazon order id"),
        "purchase_ts": OrderColumn("datetime64[us, UTC]", "the earliest purchase time any source gives"),
        "channel": OrderColumn("category", "MFN or AFN: the first source that says"),
        "non_amazon": OrderColumn(bool, "a Multi-Channel order (sales channel Non-Amazon): in no metric"),
        "status_known": OrderColumn(bool, "All Orders has rows for it (only it says what happened to items)"),
        "order_cancelled": OrderColumn(bool, "its order-status is Cancelled"),
        "any_item_cancelled": OrderColumn(bool, "an item (or the order) is Cancelled in All Orders"),
        "all_items_cancelled": OrderColumn(bool, "every item Cancelled in All Orders"),
        "shipped": OrderColumn(bool, "a status says shipped, or the order report a quantity shipped"),
        "explicit_ship_by_ts": OrderColumn("datetime64[us, UTC]", "Amazon's latest-ship-date / promise-date"),
        "latest_delivery_ts": OrderColumn("datetime64[us, UTC]", "the latest promised delivery of its items"),
        "buyer_requested": OrderColumn(bool, "the buyer asked to cancel through Amazon (any source)"),
        "handling_days": OrderColumn("int64", "the largest handling time of its items (SPEC 3)"),
        "cancelled_while_pending": OrderColumn(bool, "cancelled before payment: not the seller's (SPEC 4.2)"),
        "purchase_date": OrderColumn("datetime64[us]", "the local day of purchase_ts"),
        "cancelled": OrderColumn(bool, "an item cancelled, or listed in the cancellations log"),
        "cancelled_full": OrderColumn(bool, "cancelled in full: out of the late shipment rate"),
        "cancel_reason": OrderColumn("str", "the log's and the order report's reasons, joined"),
        "ship_by_deadline": OrderColumn("datetime64[us, UTC]", "Amazon's ship-by, else the computed end of day"),
        "ship_by_date": OrderColumn("datetime64[us]", "the local day of ship_by_deadline"),
        "ship_by_source": OrderColumn("category", "report, computed, or empty"),
        "computed_ship_by_date": OrderColumn("datetime64[us]", "the ship-by day the settings give"),
        "conf_ts": OrderColumn("datetime64[us, UTC]", "its earliest confirmation time known at as-of"),
    }
)


ORDER_SOURCES = ("all_orders", "order_report", "fba_shipments")


@dataclass
class Merged:
    """What the merge knows beyond the frames: the order codes of every source row, and what the SKU pairs
    (`order_skus`) are drawn from."""

    keys: OrderKeys | None
    sources: list[str]  # the kinds `keys.codes` are for, in order
    sku_parts: list[tuple[int, pd.Series, npt.NDArray[np.bool_]]]  # per source: its part, SKUs, item cancelled
    cancel_log: pd.DataFrame | None  # the cancellations log, whose SKUs are cancelled items too
    # Per source: each row's input file (its index in `LoadResult.inputs`), None where the rows carry none; what
    # the rows left out are counted by once the source's frame has been let go of.
    files: list[npt.NDArray[np.int64] | None] = field(default_factory=list)


@dataclass
class _RowValues:
    """What each row of an order source says, before its rows are grouped by order (no order codes needed)."""

    sku: pd.Series
    handling: npt.NDArray[np.int64] | int  # per row, or one for every row (no SKU has its own)
    item_cancelled: npt.NDArray[np.bool_]  # only All Orders says an item was cancelled
    purchase: npt.NDArray[np.int64] | None = None
    non_amazon: npt.NDArray[np.bool_] | None = None
    shipped: npt.NDArray[np.bool_] | None = None
    order_cancelled: npt.NDArray[np.bool_] | None = None
    channel: npt.NDArray[np.int8] | None = None  # index into _CHANNEL_NAMES, -1 where the row names none
    ship_by: npt.NDArray[np.int64] | None = None
    delivery: npt.NDArray[np.int64] | None = None
    buyer: npt.NDArray[np.bool_] | None = None
    priced: npt.NDArray[np.bool_] | None = None  # All Orders rows with an item-price or a currency


def _row_values(kind: str, frame: pd.DataFrame, config: Config, overrides: dict[str, int]) -> _RowValues:
    sku = column_or(frame, "sku", "")  # a Categorical from the loader (`loaders.repeated`), never missing
    values = _RowValues(
        sku=sku,
        handling=_handling_days(sku, overrides, config.handling_days),
        item_cancelled=np.zeros(len(frame), dtype=bool),
    )
    if "purchase_ts" in frame.columns:
        values.purchase = micros(frame["purchase_ts"])
    if "sales_channel" in frame.columns:
        values.non_amazon = lowered_distinct(frame["sales_channel"]).test(lambda channel: channel == NON_AMAZON)
    if kind == "all_orders":
        status = lowered_distinct(frame["order_status"])
        values.order_cancelled = status.test(lambda s: s.isin(CANCELLED))
        values.item_cancelled = (
            lowered_distinct(frame["item_status"]).test(lambda s: s.isin(CANCELLED)) | values.order_cancelled
        )
        # `Shipping` (SPEC 1.4) is on its way too: no longer Unshipped, not late without a confirmation to say so.
        values.shipped = status.test(lambda s: s.str.startswith("shipped") | s.isin(["partiallyshipped", "shipping"]))
        fulfilment = lowered_distinct(frame["fulfillment_channel"])
        mfn = fulfilment.test(lambda f: f.isin([k for k, v in _CHANNELS.items() if v == MFN]))
        afn = fulfilment.test(lambda f: f.isin([k for k, v in _CHANNELS.items() if v == AFN]))
        values.channel = np.select([mfn, afn], [0, 1], -1).astype(np.int8)
        price_columns = [c for c in ("has_price", "has_currency") if c in frame.columns]
        if price_columns:
            priced = np.zeros(len(frame), dtype=bool)
            for name in price_columns:
                priced |= frame[name].to_numpy(dtype=bool, na_value=False)
            values.priced = priced
    elif kind == "order_report":
        values.shipped = (column_or(frame, "quantity_shipped", 0).fillna(0).astype("int64") > 0).to_numpy(dtype=bool)
        if "ship_by_ts" in frame.columns:
            values.ship_by = micros(frame["ship_by_ts"])
        if "latest_delivery_ts" in frame.columns:
            values.delivery = micros(frame["latest_delivery_ts"])
        if "buyer_requested" in frame.columns:
            values.buyer = flags(frame["buyer_requested"]).to_numpy(dtype=bool)
    else:
        values.shipped = np.ones(len(frame), dtype=bool)
    return values


def order_keys(loaded: LoadResult) -> OrderKeys | None:
    """Every order source row's order, coded (`OrderKeys`); None without order sources. The merge's long step,
    which the rest of the merge's reading of rows does not need."""
    frames = [frame for kind in ORDER_SOURCES if (frame := loaded.frame(kind)) is not None]
    return OrderKeys(frames) if frames else None


@dataclass
class OrderRows:
    """Every order source's rows read and coded: what `merge_orders` reduces to one row per order. Once read, the
    sources' frames are no longer needed (`LoadResult.release`): the SKU columns the pairs are drawn from stay."""

    merged: Merged
    values: list[_RowValues]  # per source in `merged.sources`
    reasons: pd.Series | None  # `_cancel_reasons`


def read_order_rows(
    loaded: LoadResult, config: Config, coded: Callable[[], OrderKeys | None] | None = None
) -> OrderRows:
    """What each order source's rows say, and their order codes: `coded()` gives `order_keys(loaded)`, asked for
    once each row's own values are read (the caller may have it worked out on another thread meanwhile)."""
    sources = [(kind, frame) for kind in ORDER_SOURCES if (frame := loaded.frame(kind)) is not None]
    log = loaded.frame("cancellations")
    overrides = dict(config.handling_days_by_sku)
    values = [_row_values(kind, frame, config, overrides) for kind, frame in sources]
    reasons = _cancel_reasons(loaded)
    keys = coded() if coded is not None else order_keys(loaded)
    if keys is None:
        return OrderRows(Merged(None, [], [], log), [], reasons)
    sku_parts = [(part, row.sku, row.item_cancelled) for part, row in enumerate(values)]
    files = [
        frame[FILE_FIELD].to_numpy(dtype=np.int64, copy=True) if FILE_FIELD in frame.columns else None
        for _, frame in sources
    ]
    return OrderRows(Merged(keys, [kind for kind, _ in sources], sku_parts, log, files), values, reasons)


def merge_orders(
    loaded: LoadResult, marketplace: Marketplace, calendar: OperatingCalendar, order_rows: OrderRows
) -> tuple[pd.DataFrame, npt.NDArray[np.bool_]]:
    """Merge the order rows of every order source into one row per order (SPEC 1.5, 4): the Amazon orders, in
    the order of their codes, and per order code whether it is a Multi-Channel order (left out of the frame).

    Sources in rank order: All Orders (which alone says an item was cancelled), order reports (seller-fulfilled),
    Amazon Fulfilled Shipments (FBA); an order's channel is the first one they give.
    """
    tz = marketplace.timezone
    keys, rows, reasons = order_rows.merged.keys, order_rows.values, order_rows.reasons
    if keys is None:
        return _empty_orders(), np.zeros(0, dtype=bool)
    sources = order_rows.merged.sources
    n = keys.count
    purchase = np.full(n, NEVER, dtype=np.int64)
    ship_by = np.full(n, NAT, dtype=np.int64)
    delivery = np.full(n, NAT, dtype=np.int64)
    handling = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    channel = np.full(n, -1, dtype=np.int8)  # index into _CHANNEL_NAMES
    none = np.zeros(n, dtype=bool)
    non_amazon, shipped, buyer = none.copy(), none.copy(), none.copy()
    status_known, order_cancelled, any_item_cancelled, all_items_cancelled = none, none, none, none
    unpriced, in_order_report = none, none
    for part, (kind, values) in enumerate(zip(sources, rows, strict=True)):
        if values.purchase is not None:
            keys.reduce(part, values.purchase, purchase, "min")
        if values.non_amazon is not None:
            non_amazon = keys.any(part, values.non_amazon, non_amazon)
        if isinstance(values.handling, int):
            present = keys.present(part)
            handling[present] = np.maximum(handling[present], values.handling)
        else:
            keys.reduce(part, values.handling, handling, "max")
        if values.shipped is not None:
            shipped = keys.any(part, values.shipped, shipped)
        if kind == "all_orders":
            assert values.order_cancelled is not None and values.channel is not None
            status_known = keys.present(part)
            order_cancelled = keys.any(part, values.order_cancelled)
            any_item_cancelled = keys.any(part, values.item_cancelled)
            # Only All Orders rows say an item was cancelled: fullness is judged on them alone.
            all_items_cancelled = status_known & ~keys.any(part, ~values.item_cancelled)
            if values.priced is not None:
                unpriced = status_known & ~keys.any(part, values.priced)
            _first_channel(keys, part, values.channel, channel)
        elif kind == "order_report":
            if values.ship_by is not None:
                keys.reduce(part, values.ship_by, ship_by, "max")
            if values.delivery is not None:
                keys.reduce(part, values.delivery, delivery, "max")
            if values.buyer is not None:
                buyer = keys.any(part, values.buyer, buyer)
            in_order_report = keys.present(part)
            channel[(channel < 0) & in_order_report] = 0
        else:
            channel[(channel < 0) & keys.present(part)] = 1
    purchase[purchase == NEVER] = NAT
    # The Multi-Channel orders are in no metric (SPEC 1.4): the frame is built without them, never copied to
    # leave them out (on five million orders that copy was a gigabyte). `non_amazon` stays, per order code.
    amazon = ~non_amazon
    kept = channel[amazon]
    ids = keys.ids if bool(amazon.all()) else keys.ids[amazon].reset_index(drop=True)
    orders = pd.DataFrame(
        {
            "order_id": ids,
            "purchase_ts": as_instants(purchase[amazon]),
            # Categoricals (`loaders.repeated.from_codes`): a million orders' channels were 11 MB of strings.
            "channel": from_codes(kept, pd.Index(_CHANNEL_NAMES, dtype="str")).array,
            "non_amazon": non_amazon[amazon],
            "status_known": status_known[amazon],
            "order_cancelled": order_cancelled[amazon],
            "any_item_cancelled": any_item_cancelled[amazon],
            "all_items_cancelled": all_items_cancelled[amazon],
            "shipped": shipped[amazon],
            "explicit_ship_by_ts": as_instants(ship_by[amazon]),
            "latest_delivery_ts": as_instants(delivery[amazon]),
            "buyer_requested": buyer[amazon],
            "handling_days": handling[amazon],
            # SPEC 4.2 (rev 2): a Cancelled order whose price was never filled in was cancelled before payment,
            # by the buyer or Amazon; an order report lists paid orders only, so a row there says otherwise.
            "cancelled_while_pending": (order_cancelled & unpriced & ~in_order_report)[amazon],
        },
        copy=False,  # the columns are this frame's alone: pandas would copy each into blocks of one type
    )
    orders["purchase_date"] = local_dates(orders["purchase_ts"], tz)
    row_of_code = np.where(amazon, np.cumsum(amazon) - 1, -1)

    def locate(ids: pd.Series) -> npt.NDArray[np.int64]:
        """Each id's row in `orders`, -1 for none: by the merge's codes, never a hash of the orders' ids."""
        at = keys.locate(ids)
        return np.where(at >= 0, row_of_code[np.maximum(at, 0)], -1) if len(row_of_code) else at

    _apply_cancellations(orders, loaded, reasons, locate)
    _apply_ship_by(orders, tz, calendar)
    return orders, non_amazon


_CHANNEL_NAMES = (MFN, AFN)


def _first_channel(keys: OrderKeys, part: int, codes: npt.NDArray[np.int8], channel: npt.NDArray[np.int8]) -> None:
    """Each order's channel from the first of its rows that names one (rows in file order)."""
    known = np.flatnonzero((codes >= 0) & (keys.codes[part] >= 0))
    first = np.full(keys.count, len(codes), dtype=np.int64)
    np.minimum.at(first, keys.codes[part][known], known)
    has = (first < len(codes)) & (channel < 0)
    channel[has] = codes[first[has]]


def _handling_days(sku: pd.Series, overrides: dict[str, int], default: int) -> npt.NDArray[np.int64] | int:
    """Each row's handling time: its SKU's override, else the default (SPEC 3); the default alone where no SKU
    has an override (no column of one value per row)."""
    if not overrides:
        return int(default)
    found = positions(sku, pd.Index(list(overrides), dtype="str"))
    days = np.asarray(list(overrides.values()), dtype=np.int64)
    return np.where(found >= 0, days[np.maximum(found, 0)], default)


def _empty_orders() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=column.dtype) for name, column in ORDER_COLUMNS.items()})


def _cancel_reasons(loaded: LoadResult) -> pd.Series | None:
    """Each cancelled order's reasons (indexed by order id; several joined by `; `), from the seller's log and
    the order report's buyer reasons; None when neither gives one. Needs no order codes: worked out while the
    order numbers are hashed."""
    log = loaded.frame("cancellations")
    reasons: list[pd.DataFrame] = []
    if log is not None and not log.empty:
        reasons.append(pd.DataFrame({"order_id": log["order_id"], "reason": log["cancel_reason"]}))
    report = loaded.frame("order_report")
    if report is not None and "buyer_cancel_reason" in report:
        # SPEC 5.3: a buyer's cancel reason in the order report without the official flag is an appeal candidate
        # (the flag itself exempts the order, so only unflagged ones can reach the appeal).
        # A Categorical of stripped values (`loaders.repeated`): the few rows that state one are found by code,
        # without a string per row.
        codes, names = value_codes(report["buyer_cancel_reason"])
        stated = codes >= 0
        given = pd.Series(np.asarray(names, dtype=object)[codes[stated]], dtype="str")
        # The buyer's words only with --show-pii: the order report holds buyer data, and a shifted row can put a
        # name or an address in this column. "buyer-requested" alone still reads as the buyer's (`cancel_cause`).
        said = "buyer-requested: " + given if loaded.pii_shown else pd.Series("buyer-requested", index=given.index)
        reasons.append(pd.DataFrame({"order_id": order_ids(report.loc[stated]).to_numpy(), "reason": said.array}))
    if not reasons:
        return None
    found = pd.concat(reasons, ignore_index=True)
    found["reason"] = found["reason"].fillna("").astype("str").str.strip()
    found = found.loc[found["reason"] != ""].drop_duplicates().sort_values(["order_id", "reason"], kind="stable")
    if found.empty:
        return None
    # Most orders have one reason; those with several are joined as arrow lists (sorted, so each order's reasons
    # are one run of rows), not a Python join per order.
    several = found["order_id"].duplicated(keep=False)
    single = found.loc[~several].set_index("order_id")["reason"]
    grouped = found.loc[several]
    starts = np.flatnonzero(~grouped["order_id"].duplicated().to_numpy(dtype=bool))
    offsets = pa.array(np.append(starts, len(grouped)).astype(np.int32))
    values = pa.array(grouped["reason"].array, type=pa.large_string())
    if isinstance(values, pa.ChunkedArray):  # the log's reasons and the order report's, concatenated
        values = values.combine_chunks()
    lists = pa.ListArray.from_arrays(offsets, values)
    joined = pd.Series(
        pc.binary_join(lists, pa.scalar("; ", pa.large_string())),
        index=pd.Index(grouped["order_id"].iloc[starts], name="order_id"),
        dtype="str",
    )
    return pd.concat([single, joined])


def _apply_cancellations(
    orders: pd.DataFrame,
    loaded: LoadResult,
    reasons: pd.Series | None,
    locate: Callable[[pd.Series], npt.NDArray[np.int64]],
) -> None:
    """Combine order statuses with the seller's cancellation log (SPEC 4.2); `reasons` from `_cancel_reasons`,
    `locate` each id's row in `orders` (-1 for none)."""
    log = loaded.frame("cancellations")
    in_log = np.zeros(len(orders), dtype=bool)
    if log is not None and not log.empty:
        logged = locate(log["order_id"])  # each log row's order, found once for the three marks below
        in_log = _among(len(orders), logged)
        by = column_or(log, "cancelled_by", "").fillna("").astype("str")
        buyer = (flags(column_or(log, "buyer_requested")) | (by == "buyer")).to_numpy(dtype=bool)
        orders["buyer_requested"] = orders["buyer_requested"] | _among(len(orders), logged[buyer])
        # The seller's own log saying the seller cancelled overrides a Pending cancellation (SPEC 4.2, rev 2).
        by_seller = _among(len(orders), logged[(by == "seller").to_numpy(dtype=bool)])
        orders["cancelled_while_pending"] = orders["cancelled_while_pending"] & ~by_seller
    reason = np.full(len(orders), -1, dtype=np.int64)  # each order's position in `reasons`, -1 for none
    if reasons is not None:
        at = locate(pd.Series(reasons.index, dtype="str"))
        found = np.flatnonzero(at >= 0)
        # The first of an order's reasons where the index names it twice (as a lookup would).
        reason[at[found][::-1]] = found[::-1]
        texts = pa.chunked_array([pa.array(reasons.fillna("").astype("str").array, type=pa.large_string()), [""]])
        chosen = texts.take(reason % len(texts))  # -1 reads the "" put last
        orders["cancel_reason"] = pd.Series(chosen, index=orders.index, dtype="str")
    else:
        orders["cancel_reason"] = pd.Series("", index=orders.index, dtype="str")
    orders["cancelled"] = orders["any_item_cancelled"] | in_log
    # The cancellation log is order-grain: it makes an order cancelled in full only where no All Orders row
    # says which of its items shipped.
    orders["cancelled_full"] = (
        orders["order_cancelled"]
        | (orders["status_known"] & orders["all_items_cancelled"])
        | (in_log & ~orders["status_known"])
    )


def _among(count: int, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Per order of a frame of `count`: is it one of `rows` (-1 is none)."""
    hit = np.zeros(count, dtype=bool)
    hit[rows[rows >= 0]] = True
    return hit


def _apply_ship_by(orders: pd.DataFrame, timezone: str, calendar: OperatingCalendar) -> None:
    """The ship-by deadline: Amazon's own where a report gives it, else computed from handling time (SPEC 3).

    The computed date is kept for every seller-fulfilled order (`computed_ship_by_date`), so that where Amazon's
    own date is known the two can be compared: a difference means the handling time set in Seller Central is
    not the one in the config.
    """
    explicit = orders["explicit_ship_by_ts"]
    computable = (orders["purchase_ts"].notna() & (orders["channel"] == MFN)).to_numpy(dtype=bool)
    # Filled as numpy arrays: a masked Series assignment over a million rows costs more than the calendar.
    computed = np.full(len(orders), np.datetime64("NaT"), dtype="datetime64[us]")
    if bool(computable.any()):
        chosen = orders.loc[computable, ["purchase_ts", "handling_days"]]
        local_purchase = chosen["purchase_ts"].dt.tz_convert(timezone).dt.tz_localize(None)
        days = ship_by_dates(local_purchase, chosen["handling_days"], calendar)
        computed[computable] = days.to_numpy(dtype="datetime64[us]")
    need = explicit.isna().to_numpy(dtype=bool) & computable
    deadline = explicit
    if bool(need.any()):
        filled = micros(explicit).copy()
        filled[need] = micros(end_of_local_day(pd.Series(computed[need]), timezone))
        deadline = as_instants(filled, orders.index)
    orders["computed_ship_by_date"] = pd.Series(computed, index=orders.index)
    orders["ship_by_deadline"] = deadline.astype("datetime64[us, UTC]")
    orders["ship_by_date"] = local_dates(orders["ship_by_deadline"], timezone)
    source = np.where(explicit.notna(), 0, np.where(need, 1, 2)).astype(np.int8)
    orders["ship_by_source"] = from_codes(source, pd.Index(["report", "computed", ""], dtype="str")).set_axis(
        orders.index
    )
