"""Where and when an audit stands: the marketplace the files name, the as-of day, and what was known by its end.

SPEC 2 (rev 2): with no `--marketplace` the files say which marketplace they are from; with no `--as-of` the audit
is as of the latest day anything in them happened. SPEC 1.5 (rev 2): the audit as of day D shows what Amazon would
have shown at the end of D, so dated events after D are left out and counted under `after_as_of`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from healthcheck.errors import HealthcheckError
from healthcheck.frames import lowered_distinct
from healthcheck.loaders import FILE_FIELD, ORDER_NO, LoadResult, order_ids
from healthcheck.loaders.kinds import KINDS_BY_NAME
from healthcheck.marketplaces import (
    DEFAULT_MARKETPLACE,
    marketplace_for_id,
    marketplace_for_sales_channel,
)
from healthcheck.order_keys import count_distinct

# The columns that record something that happened, per kind: the newest of them is when the newest download was
# taken, as near as the files tell (SPEC 2). Promised and deadline dates are not among them.
HAPPENED: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "all_orders": ("purchase_ts", "last_updated"),
        "order_report": ("purchase_ts",),
        "ship_confirmations": ("confirmed_ts", "ship_ts", "delivered_ts"),
        "fba_shipments": ("shipment_ts", "purchase_ts"),
        "feedback": ("feedback_date",),
        "claims": ("claim_date",),
        "mfn_returns": ("return_date",),
        "fba_returns": ("return_ts",),
        "cancellations": ("cancel_ts",),
        "messages": ("received_ts", "responded_ts"),
        "vat_invoices": ("shipment_ts", "order_ts"),
    }
)

# The date that places each dated event (SPEC 1.5): a row dated after the end of as-of was not known then. Several
# fields: the first one given (a ship confirmation's time is `confirmed-at`, else its `ship-date`). Order rows are
# never cut: the windows place them.
EVENT_DATE: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "feedback": ("feedback_date",),
        "claims": ("claim_date",),
        "mfn_returns": ("return_date",),
        "fba_returns": ("return_ts",),
        "messages": ("received_ts",),
        "cancellations": ("cancel_ts",),
        "fba_shipments": ("shipment_ts",),
        "ship_confirmations": ("confirmed_ts", "ship_ts"),
        "vat_invoices": ("shipment_ts",),
    }
)
AFTER_AS_OF = "after_as_of"
NON_AMAZON = "non-amazon"


class MarketplaceConflict(HealthcheckError):
    """The files name several marketplaces: each is audited on its own (its time zone, holidays and windows)."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.counts = dict(counts)
        listed = ", ".join(f"{code} ({_orders(n)})" for code, n in sorted(counts.items(), key=lambda kv: -kv[1]))
        first = max(counts, key=lambda code: counts[code])
        super().__init__(
            f"the files name several marketplaces by their orders' sales channel: {listed}. Amazon scores each "
            "marketplace on its own, with its own time zone, holidays and windows: put each marketplace's reports "
            f"in a folder of its own and audit them one at a time, passing --marketplace (e.g. --marketplace {first})"
        )


@dataclass(frozen=True)
class MarketplaceChoice:
    """The marketplace audited and where it came from, in words for the report."""

    code: str
    source: str
    given: bool
    # Amazon orders per marketplace code, by their sales channel (distinct orders); when the marketplace was
    # given, only the other marketplaces' (all a mismatch warning needs).
    channel_counts: Mapping[str, int]
    # A given marketplace's own orders by their sales channel, counted only where the files name others too: then
    # the others' rows are left out (`audit.run_audit`), and the warning says so.
    given_orders: int = 0


def _orders(count: int) -> str:
    return f"{count:,} order{'' if count == 1 else 's'}"


def _header(kind: str, field: str) -> str:
    """`purchase-date in the All Orders report`: a column as the seller sees it in a download."""
    spec = KINDS_BY_NAME.get(kind)
    column = next((c for c in spec.columns if c.field == field), None) if spec else None
    title = spec.short_title if spec else kind
    return f"{column.header if column else field} in the {title}"


def channel_counts(loaded: LoadResult, *, but: str | None = None) -> dict[str, int]:
    """Distinct Amazon orders per marketplace code, from the `sales-channel` of every order source; the code
    `but` (a marketplace given by the user, which only the others can contradict) is not counted.

    The channel column is dictionary-encoded by arrow (a few distinct values over a million rows) and the orders
    are counted as the integer order numbers the loader worked out, where it could: no string is hashed per row,
    and a file of the given marketplace alone hashes nothing.
    """
    keys: dict[str, list[Any]] = {}
    frames = [
        frame
        for kind in ("all_orders", "order_report", "fba_shipments")
        if (frame := loaded.frame(kind)) is not None and "sales_channel" in frame and not frame.empty
    ]
    # Numbers only where every source has them: an order counted as a number in one report and as its id string
    # in another (a report holding one id of another shape has no numbers) would be counted twice.
    numbered = all(ORDER_NO in frame.columns for frame in frames)
    for frame in frames:
        distinct = lowered_distinct(frame["sales_channel"])
        codes = distinct.codes
        order_key = frame[ORDER_NO].to_numpy() if numbered else order_ids(frame).to_numpy()
        for index, value in enumerate(distinct.values.to_list()):
            code = marketplace_for_sales_channel(str(value or ""))
            rows = codes == index
            # A Categorical keeps the channels of rows since left out (a portfolio's other marketplace): a channel
            # counts only where some row holds it.
            if code is not None and code != but and bool(rows.any()):
                keys.setdefault(code, []).append(order_key[rows])
    return {code: count_distinct(np.concatenate(parts)) for code, parts in keys.items()}


def _performance_codes(loaded: LoadResult) -> set[str]:
    found: set[str] = set()
    for _, document in loaded.seller_performance:
        metrics = document.get("performanceMetrics") if isinstance(document, Mapping) else None
        entries = metrics if isinstance(metrics, list) else [metrics]
        for entry in entries:
            if isinstance(entry, Mapping) and isinstance(entry.get("marketplaceId"), str):
                code = marketplace_for_id(entry["marketplaceId"])
                if code:
                    found.add(code)
    return found


def choose_marketplace(given: str | None, given_by: str, loaded: LoadResult) -> MarketplaceChoice:
    """`given` (from the option or the config) wins; else the orders' sales channels; else the seller performance
    report's single marketplace id; else US. Several marketplaces in the files stop the audit (SPEC 2, rev 2)."""
    if given:
        others = channel_counts(loaded, but=given)
        own = channel_counts(loaded).get(given, 0) if others else 0
        return MarketplaceChoice(given, f"from {given_by}", True, others, own)
    counts = channel_counts(loaded)
    if len(counts) > 1:
        raise MarketplaceConflict(counts)
    if counts:
        [(code, n)] = counts.items()
        return MarketplaceChoice(code, f"from the sales channel of {_orders(n)}", False, counts)
    codes = _performance_codes(loaded)
    if len(codes) == 1:
        [code] = codes
        return MarketplaceChoice(code, "from the seller performance report's marketplaceId", False, counts)
    return MarketplaceChoice(
        DEFAULT_MARKETPLACE,
        "the default, as no file names its marketplace: pass --marketplace if it is not US",
        False,
        counts,
    )


def mismatch_warning(choice: MarketplaceChoice) -> str | None:
    """A given marketplace the orders' sales channels contradict (SPEC 2: a warning, the option still decides)."""
    others = dict(choice.channel_counts)
    if not choice.given or not others:
        return None
    named = ", ".join(f"{code} ({_orders(n)})" for code, n in sorted(others.items(), key=lambda kv: -kv[1]))
    if choice.given_orders:
        return (
            f"the audit is for marketplace {choice.code} ({choice.source}, {_orders(choice.given_orders)} in the "
            f"files), and the orders' sales channels also name {named}: their rows were left out (`other_marketplace` "
            "in the inputs); audit each marketplace on its own, with its --marketplace"
        )
    return (
        f"the audit is for marketplace {choice.code} ({choice.source}), but the orders' sales channels name "
        f"{named}: check --marketplace (each marketplace is audited on its own)"
    )


def _local_days(values: pd.Series, timezone: str) -> pd.Series:
    """Local calendar days (naive midnight datetimes) of instants or of dates."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize()
    return values.astype("datetime64[us]").dt.normalize()


def _local_day(value: pd.Timestamp, timezone: str) -> pd.Timestamp:
    """`_local_days` of one value, without a Series around it (called per dating column, several times an audit)."""
    if value.tzinfo is not None:
        return value.tz_convert(timezone).tz_localize(None).normalize()
    return value.normalize()


def latest_date(loaded: LoadResult, timezone: str) -> tuple[dt.date, str] | None:
    """The latest local day any input records something happening on, and which column said so."""
    return _extreme_date(loaded, timezone, latest=True)


def earliest_date(loaded: LoadResult, timezone: str) -> tuple[dt.date, str] | None:
    """The earliest local day any input records something happening on, and which column said so."""
    return _extreme_date(loaded, timezone, latest=False)


# The reports that say which orders there are: past their newest order, a window holds orders the files lack.
ORDER_KINDS = ("all_orders", "order_report", "fba_shipments")


def _extreme_date(
    loaded: LoadResult, timezone: str, *, latest: bool, kinds: tuple[str, ...] = tuple(HAPPENED)
) -> tuple[dt.date, str] | None:
    best: tuple[pd.Timestamp, str] | None = None
    for kind, fields in HAPPENED.items():
        if kind not in kinds:
            continue
        frame = loaded.frame(kind)
        if frame is None:
            continue
        for field in fields:
            if field not in frame.columns:
                continue
            # The latest (earliest) instant is on the latest (earliest) local day.
            found = frame[field].max() if latest else frame[field].min()
            if found is pd.NaT or pd.isna(found):
                continue
            day = _local_day(found, timezone)
            if best is None or (day > best[0] if latest else day < best[0]):
                best = (day, _header(kind, field))
    if best is None:
        return None
    return best[0].date(), best[1]


def default_as_of(loaded: LoadResult, timezone: str, today: dt.date) -> tuple[dt.date, str]:
    """SPEC 2 (rev 2): the latest day in the inputs; today when nothing is dated."""
    found = latest_date(loaded, timezone)
    if found is None:
        return today, "today: no dated input"
    day, where = found
    return day, f"the latest date in the inputs: {where}"


def future_date_warning(as_of: dt.date, source: str, today: dt.date) -> str | None:
    """The inputs' latest date, taken as the as-of day, is after today: a typo in a file or a clock set wrong, never
    something that happened. Said, since every window then ends where no data is."""
    if (as_of - today).days <= 1:  # a marketplace ahead of UTC is a day ahead of it
        return None
    return (
        f"the as-of day {as_of} ({source}) is after today ({today}): no report records the future, so that date "
        "is a mistake in its file (correct it) or the computer's clock is wrong; or pass --as-of"
    )


def past_data_warning(loaded: LoadResult, timezone: str, as_of: dt.date) -> str | None:
    """A given as-of more than a day after the data: windows past it are understated (SPEC 2)."""
    past = _past(latest_date(loaded, timezone), as_of)
    if past is None:
        return None
    day, where, days = past
    return (
        f"--as-of {as_of} is {days} days after the latest date in the inputs ({day}, {where}): "
        f"windows past the data are understated (see each metric's coverage), {_PAST_ORDERS}; download newer "
        "reports or pass an earlier --as-of"
    )


def _past(found: tuple[dt.date, str] | None, as_of: dt.date) -> tuple[dt.date, str, int] | None:
    """(the day, its column, days before as-of) where as-of is more than a day after it: a day of lag is the
    downloads' own (a marketplace ahead of UTC, a report taken in the morning)."""
    if found is None or (as_of - found[0]).days <= 1:
        return None
    return found[0], found[1], (as_of - found[0]).days


_PAST_ORDERS = (
    "orders bought since are missing, and orders shipped since show as unconfirmed, so the late shipment rates "
    "can read high"
)


def orders_end_warning(loaded: LoadResult, timezone: str, as_of: dt.date, source: str) -> str | None:
    """The as-of day, taken from the inputs, more than a day after their newest order: another file (a typo'd
    date, a download newer than the order reports) moved it past the orders, and every window ending there holds
    days the order data does not cover."""
    past = _past(_extreme_date(loaded, timezone, latest=True, kinds=ORDER_KINDS), as_of)
    if past is None:
        return None
    day, where, days = past
    return (
        f"the as-of day {as_of} ({source}) is {days} days after the newest order in the files ({day}, "
        f"{where}): {_PAST_ORDERS}; if that date is a mistake, correct it in its file, else download newer order "
        "reports, or pass --as-of"
    )


def before_data_warning(loaded: LoadResult, timezone: str, as_of: dt.date) -> str | None:
    """A given as-of before anything in the files happened: nothing was known by then."""
    found = earliest_date(loaded, timezone)
    if found is None or as_of >= found[0]:
        return None
    day, where = found
    return (
        f"--as-of {as_of} is before the earliest date in the inputs ({day}, {where}): nothing in the files was "
        "known by then; pass a later --as-of, or none to audit as of the latest date in the inputs"
    )


def _event_days(frame: pd.DataFrame, fields: tuple[str, ...], timezone: str) -> pd.Series | None:
    days: pd.Series | None = None
    for field in fields:
        if field not in frame.columns:
            continue
        found = _local_days(frame[field], timezone)
        days = found if days is None else days.fillna(found)
    return days


def _any_after(frame: pd.DataFrame, fields: tuple[str, ...], timezone: str, end: pd.Timestamp) -> bool:
    """Whether any of the dating columns holds a day after `end` (its newest value is on its newest day)."""
    for field in fields:
        if field in frame.columns:
            newest = frame[field].max()
            if not pd.isna(newest) and _local_day(newest, timezone) > end:
                return True
    return False


def cut_at(loaded: LoadResult, as_of: dt.date, timezone: str) -> None:
    """Leave out what was not known at the end of `as_of` (SPEC 1.5, rev 2), counting each row under
    `after_as_of` of its file; a message answered after it is unanswered at it."""
    end = pd.Timestamp(as_of)
    for kind, fields in EVENT_DATE.items():
        frame = loaded.frame(kind)
        if frame is None or frame.empty:
            continue
        if kind != "messages" and not _any_after(frame, fields, timezone, end):
            continue  # the usual case with the default as-of: no column is converted row by row
        days = _event_days(frame, fields, timezone)
        if days is None:
            continue
        after = (days > end).to_numpy(dtype=bool)
        if after.any():
            files: Counter[int] = Counter(frame.loc[after, FILE_FIELD].tolist()) if FILE_FIELD in frame else Counter()
            for file_index, count in files.items():
                loaded.inputs[int(file_index)].skipped[AFTER_AS_OF] += int(count)
            if kind == "ship_confirmations":
                loaded.confirmed_after_as_of = order_ids(frame.loc[after]).reset_index(drop=True)
            frame = frame.loc[~after].reset_index(drop=True)
        if kind == "messages" and "responded_ts" in frame.columns:
            answered_after = (_local_days(frame["responded_ts"], timezone) > end).to_numpy(dtype=bool)
            if answered_after.any():
                frame = frame.assign(responded_ts=frame["responded_ts"].mask(answered_after))
        loaded.frames[kind] = frame
