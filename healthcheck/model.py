"""The audit's view of an account: one row per order, per package, per defect, built once from the loaded files.

Everything a metric needs about an order (channel, cancellation, ship-by deadline, confirmation time) is derived
here, vectorised, so that each metric in `metrics/` is a short filter-and-count over these frames.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from healthcheck.config import Config
from healthcheck.loaders import FILE_FIELD, LoadResult
from healthcheck.marketplaces import Marketplace
from healthcheck.shipcal import OperatingCalendar, operating_days_between, ship_by_dates

CANCELLED = {"cancelled", "canceled"}
MFN = "MFN"
AFN = "AFN"
_CHANNELS = {"merchant": MFN, "mfn": MFN, "amazon": AFN, "afn": AFN}
NON_AMAZON = "non-amazon"

# SPEC 4.1: claim status words.
COUNTING_STATUSES = frozenset(
    {"granted-seller-funded", "refunded-by-seller", "cancelled-after-claim", "open", "under-investigation"}
)
NOT_COUNTING_STATUSES = frozenset({"denied", "withdrawn", "granted-amazon-funded"})
_CLAIM_TYPES = {
    "a-to-z": "a_to_z_claim",
    "atoz": "a_to_z_claim",
    "a-z": "a_to_z_claim",
    "a-to-z-guarantee": "a_to_z_claim",
    "chargeback": "chargeback",
    "service-chargeback": "chargeback",
    "charge-back": "chargeback",
}


@dataclass
class AuditData:
    """The frames every metric reads. Times are UTC instants; `*_date` columns are local calendar days."""

    marketplace: Marketplace
    config: Config
    calendar: OperatingCalendar
    orders: pd.DataFrame  # one row per order
    items: pd.DataFrame  # order_id, sku, cancelled: the distinct SKUs of each order
    confirmations: pd.DataFrame  # ship-confirmation rows with `conf_ts` and the order's channel
    defects: pd.DataFrame  # order_id, defect ('negative_feedback' | 'a_to_z_claim' | 'chargeback'), source
    unmatched_defects: list[dict[str, str]]
    loaded: LoadResult
    buyer_request_known: bool
    warnings: list[str] = field(default_factory=list)

    def has(self, kind: str) -> bool:
        return self.loaded.has(kind)

    @property
    def has_order_data(self) -> bool:
        return not self.orders.empty


def local_dates(instants: pd.Series, timezone: str) -> pd.Series:
    """Local calendar day of each instant, as naive midnight datetimes (comparable with window bounds)."""
    return instants.dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize()


def end_of_local_day(days: pd.Series, timezone: str) -> pd.Series:
    """23:59:59.999999 local on each day, as UTC instants (SPEC 3: the deadline is the end of that day)."""
    next_midnight = (days + pd.Timedelta(days=1)).dt.tz_localize(timezone, ambiguous=False, nonexistent="shift_forward")
    return (next_midnight - pd.Timedelta(microseconds=1)).dt.tz_convert("UTC")


def _object_index(values: pd.Series | pd.Index) -> pd.Index:
    """A hash index over plain Python strings: membership and lookups on it are O(n), not a Python loop."""
    return pd.Index(pd.unique(np.asarray(values, dtype=object)))


def member(keys: pd.Series, values: pd.Series | pd.Index) -> pd.Series:
    """Vectorised `keys.isin(values)` for large string columns (arrow-string `isin` loops in Python)."""
    found = _object_index(values).get_indexer(np.asarray(keys, dtype=object)) >= 0
    return pd.Series(found, index=keys.index)


def lookup(keys: pd.Series, mapping: pd.Series) -> pd.Series:
    """Values of `mapping` (indexed by key) for each key, NA where absent; the first of duplicate keys wins."""
    mapping = mapping[~mapping.index.duplicated(keep="first")]
    positions = pd.Index(np.asarray(mapping.index, dtype=object)).get_indexer(np.asarray(keys, dtype=object))
    taken = mapping.reset_index(drop=True).reindex(positions)
    return pd.Series(taken.to_numpy(), index=keys.index, dtype=mapping.dtype)


def _col(frame: pd.DataFrame, name: str, default: Any = pd.NA) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series(default, index=frame.index)


def _instants(frame: pd.DataFrame, name: str) -> pd.Series:
    """A UTC-instant column, or all-NaT when the file did not carry it."""
    if name in frame.columns:
        return frame[name].astype("datetime64[us, UTC]")
    return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")


def _lower(values: pd.Series) -> pd.Series:
    return values.astype("str").str.strip().str.lower()


def _bool(values: pd.Series) -> pd.Series:
    return values.astype("boolean").fillna(False).astype(bool)


def build_orders(
    loaded: LoadResult, marketplace: Marketplace, config: Config, calendar: OperatingCalendar
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge the order rows of every order source into one row per order (SPEC 1.5, 4).

    Returns (orders, order SKUs): the distinct (order_id, sku) pairs, for the actions that group by SKU.
    """
    tz = marketplace.timezone
    parts: list[pd.DataFrame] = []
    all_orders = loaded.frame("all_orders")
    if all_orders is not None:
        status = _lower(all_orders["order_status"])
        item_status = _lower(all_orders["item_status"])
        parts.append(
            pd.DataFrame(
                {
                    "order_id": all_orders["order_id"],
                    "purchase_ts": all_orders["purchase_ts"],
                    "channel": _lower(all_orders["fulfillment_channel"]).map(_CHANNELS),
                    "source_rank": 0,
                    "sales_channel": _lower(_col(all_orders, "sales_channel", "")),
                    "sku": _col(all_orders, "sku", ""),
                    "status_known": True,
                    "order_cancelled": status.isin(CANCELLED),
                    "item_cancelled": item_status.isin(CANCELLED) | status.isin(CANCELLED),
                    "shipped": status.str.startswith("shipped") | (status == "partiallyshipped"),
                    "ship_by_ts": pd.Series(pd.NaT, index=all_orders.index, dtype="datetime64[us, UTC]"),
                    "latest_delivery_ts": pd.Series(pd.NaT, index=all_orders.index, dtype="datetime64[us, UTC]"),
                    "buyer_requested": False,
                }
            )
        )
    report = loaded.frame("order_report")
    if report is not None:
        parts.append(
            pd.DataFrame(
                {
                    "order_id": report["order_id"],
                    "purchase_ts": report["purchase_ts"],
                    "channel": MFN,
                    "source_rank": 1,
                    "sales_channel": _lower(_col(report, "sales_channel", "")),
                    "sku": _col(report, "sku", ""),
                    "status_known": False,
                    "order_cancelled": False,
                    "item_cancelled": False,
                    "shipped": _col(report, "quantity_shipped", 0).fillna(0).astype("int64") > 0,
                    "ship_by_ts": _instants(report, "ship_by_ts"),
                    "latest_delivery_ts": _instants(report, "latest_delivery_ts"),
                    "buyer_requested": _bool(_col(report, "buyer_requested")),
                }
            )
        )
    fba = loaded.frame("fba_shipments")
    if fba is not None:
        empty_ts = pd.Series(pd.NaT, index=fba.index, dtype="datetime64[us, UTC]")
        parts.append(
            pd.DataFrame(
                {
                    "order_id": fba["order_id"],
                    "purchase_ts": _instants(fba, "purchase_ts"),
                    "channel": AFN,
                    "source_rank": 2,
                    "sales_channel": _lower(_col(fba, "sales_channel", "")),
                    "sku": _col(fba, "sku", ""),
                    "status_known": False,
                    "order_cancelled": False,
                    "item_cancelled": False,
                    "shipped": True,
                    "ship_by_ts": empty_ts,
                    "latest_delivery_ts": empty_ts,
                    "buyer_requested": False,
                }
            )
        )
    if not parts:
        empty_skus = {
            "order_id": pd.Series(dtype="str"),
            "sku": pd.Series(dtype="str"),
            "cancelled": pd.Series(dtype=bool),
        }
        return _empty_orders(), pd.DataFrame(empty_skus)
    items = pd.concat(parts, ignore_index=True)
    items["purchase_ts"] = items["purchase_ts"].astype("datetime64[us, UTC]")
    items["sku"] = items["sku"].fillna("").astype("str")
    handling = items["sku"].map(dict(config.handling_days_by_sku)).fillna(config.handling_days).astype("int64")
    items["handling_days"] = handling
    items["non_amazon"] = items["sales_channel"] == NON_AMAZON
    items = items.sort_values("source_rank", kind="stable")
    grouped = items.groupby("order_id", sort=True)
    orders = pd.DataFrame(
        {
            "purchase_ts": grouped["purchase_ts"].min(),
            "channel": grouped["channel"].first(),
            "non_amazon": grouped["non_amazon"].any(),
            "status_known": grouped["status_known"].any(),
            "order_cancelled": grouped["order_cancelled"].any(),
            "any_item_cancelled": grouped["item_cancelled"].any(),
            # Only All Orders rows say an item was cancelled: fullness is judged on them alone.
            "all_items_cancelled": items.loc[items["status_known"]].groupby("order_id")["item_cancelled"].all(),
            "shipped": grouped["shipped"].any(),
            "explicit_ship_by_ts": grouped["ship_by_ts"].max(),
            "latest_delivery_ts": grouped["latest_delivery_ts"].max(),
            "buyer_requested": grouped["buyer_requested"].any(),
            "handling_days": grouped["handling_days"].max(),
        }
    )
    orders["all_items_cancelled"] = orders["all_items_cancelled"].astype("boolean").fillna(False).astype(bool)
    orders.index.name = "order_id"
    orders = orders.reset_index()
    orders["purchase_date"] = local_dates(orders["purchase_ts"], tz)
    _apply_cancellations(orders, loaded)
    _apply_ship_by(orders, tz, calendar)
    skus = _order_skus(items, loaded)
    return orders, skus


def _order_skus(items: pd.DataFrame, loaded: LoadResult) -> pd.DataFrame:
    """Distinct (order_id, sku) pairs, with whether that item was cancelled (All Orders or the cancellation log)."""
    rows = items.loc[items["sku"] != "", ["order_id", "sku", "item_cancelled"]]
    log = loaded.frame("cancellations")
    if log is not None and "sku" in log:
        logged = log.loc[log["sku"].fillna("") != "", ["order_id", "sku"]].assign(item_cancelled=True)
        rows = pd.concat([rows, logged], ignore_index=True)
    skus = rows.groupby(["order_id", "sku"], sort=False)["item_cancelled"].any().reset_index()
    return skus.rename(columns={"item_cancelled": "cancelled"})


def _empty_orders() -> pd.DataFrame:
    columns = {
        "order_id": "str",
        "purchase_ts": "datetime64[us, UTC]",
        "channel": "object",
        "non_amazon": bool,
        "status_known": bool,
        "order_cancelled": bool,
        "any_item_cancelled": bool,
        "all_items_cancelled": bool,
        "shipped": bool,
        "explicit_ship_by_ts": "datetime64[us, UTC]",
        "latest_delivery_ts": "datetime64[us, UTC]",
        "buyer_requested": bool,
        "handling_days": "int64",
        "purchase_date": "datetime64[us]",
        "cancelled": bool,
        "cancelled_full": bool,
        "cancel_reason": "str",
        "ship_by_deadline": "datetime64[us, UTC]",
        "ship_by_date": "datetime64[us]",
        "ship_by_source": "str",
        "computed_ship_by_date": "datetime64[us]",
        "conf_ts": "datetime64[us, UTC]",
    }
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})


def _apply_cancellations(orders: pd.DataFrame, loaded: LoadResult) -> None:
    """Combine order statuses with the seller's cancellation log (SPEC 4.2)."""
    log = loaded.frame("cancellations")
    ids = orders["order_id"]
    in_log = pd.Series(False, index=orders.index)
    reasons: list[pd.DataFrame] = []
    if log is not None and not log.empty:
        in_log = member(ids, log["order_id"])
        buyer = _bool(_col(log, "buyer_requested")) | (_col(log, "cancelled_by", "").astype("str") == "buyer")
        orders["buyer_requested"] = orders["buyer_requested"] | member(ids, log.loc[buyer, "order_id"])
        reasons.append(pd.DataFrame({"order_id": log["order_id"], "reason": log["cancel_reason"]}))
    report = loaded.frame("order_report")
    if report is not None and "buyer_cancel_reason" in report:
        # SPEC 5.3: a buyer's cancel reason in the order report without the official flag is an appeal candidate
        # (the flag itself exempts the order, so only unflagged ones can reach the appeal).
        given = report["buyer_cancel_reason"].fillna("").astype("str").str.strip()
        stated = given != ""
        reasons.append(
            pd.DataFrame({"order_id": report.loc[stated, "order_id"], "reason": "buyer-requested: " + given[stated]})
        )
    reason = pd.Series("", index=orders.index, dtype="str")
    if reasons:
        found = pd.concat(reasons, ignore_index=True)
        found["reason"] = found["reason"].fillna("").astype("str").str.strip()
        found = found.loc[found["reason"] != ""].drop_duplicates().sort_values(["order_id", "reason"], kind="stable")
        if not found.empty:
            joined = found.groupby("order_id", sort=False)["reason"].agg("; ".join)
            reason = lookup(ids, joined).fillna("").astype("str")
    orders["cancel_reason"] = reason
    orders["cancelled"] = orders["any_item_cancelled"] | in_log
    # The cancellation log is order-grain: it makes an order cancelled in full only where no All Orders row
    # says which of its items shipped.
    orders["cancelled_full"] = (
        orders["order_cancelled"]
        | (orders["status_known"] & orders["all_items_cancelled"])
        | (in_log & ~orders["status_known"])
    )


def _apply_ship_by(orders: pd.DataFrame, timezone: str, calendar: OperatingCalendar) -> None:
    """The ship-by deadline: Amazon's own where a report gives it, else computed from handling time (SPEC 3).

    The computed date is kept for every seller-fulfilled order (`computed_ship_by_date`), so that where Amazon's
    own date is known the two can be compared: a difference means the handling time set in Seller Central is
    not the one in the config.
    """
    explicit = orders["explicit_ship_by_ts"]
    computable = orders["purchase_ts"].notna() & (orders["channel"] == MFN)
    computed = pd.Series(pd.NaT, index=orders.index, dtype="datetime64[us]")
    if bool(computable.any()):
        local_purchase = orders.loc[computable, "purchase_ts"].dt.tz_convert(timezone).dt.tz_localize(None)
        days = ship_by_dates(local_purchase, orders.loc[computable, "handling_days"], calendar)
        computed[computable] = days.astype("datetime64[us]")
    need = explicit.isna() & computable
    deadline = explicit.copy()
    if bool(need.any()):
        deadline[need] = end_of_local_day(computed[need], timezone)
    orders["computed_ship_by_date"] = computed
    orders["ship_by_deadline"] = deadline.astype("datetime64[us, UTC]")
    orders["ship_by_date"] = local_dates(orders["ship_by_deadline"], timezone)
    orders["ship_by_source"] = np.where(explicit.notna(), "report", np.where(need, "computed", ""))


def ship_by_mismatch_warning(
    orders: pd.DataFrame, skus: pd.DataFrame, config: Config, calendar: OperatingCalendar
) -> str | None:
    """Where Amazon's ship-by dates disagree with the settings, name the SKUs and the handling time implied."""
    both = orders.loc[(orders["ship_by_source"] == "report") & orders["computed_ship_by_date"].notna()]
    differs = both.loc[both["ship_by_date"] != both["computed_ship_by_date"]]
    if differs.empty:
        return None
    implied = operating_days_between(
        differs["purchase_date"].astype("datetime64[us]"), differs["ship_by_date"].astype("datetime64[us]"), calendar
    )
    per_order = pd.DataFrame({"order_id": differs["order_id"], "implied": implied.to_numpy()})
    per_sku = per_order.merge(skus, on="order_id").groupby("sku")["implied"].agg(["size", "median"])
    per_sku = per_sku.sort_values("size", ascending=False, kind="stable").head(3)
    hints = ", ".join(
        f"{sku} ({int(r['size'])} orders: Amazon's dates imply {int(r['median'])} day(s))"
        for sku, r in per_sku.iterrows()
    )
    example = differs.sort_values("order_id").iloc[0]
    return (
        f"{len(differs)} of {len(both)} ship-by dates in the order report differ from those the settings give "
        f"(handling {config.handling_days} day(s), {len(config.handling_days_by_sku)} SKU override(s), "
        f"operating days {', '.join(calendar.operating_days)}): {hints or 'no SKU given'}. E.g. order "
        f"{example['order_id']}: Amazon {example['ship_by_date']:%Y-%m-%d}, settings "
        f"{example['computed_ship_by_date']:%Y-%m-%d}. The handling time in Seller Central is not the one in "
        "healthcheck.toml: set [handling_days_by_sku] (or handling_days) to match, or fix it in Seller Central"
    )


def build_confirmations(loaded: LoadResult, orders: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """Ship-confirmation rows with their confirmation instant and the order's channel."""
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
    out = frame.copy()
    confirmed = _instants(out, "confirmed_ts")
    out["conf_ts"] = confirmed.fillna(out["ship_ts"].astype("datetime64[us, UTC]"))
    for name in ("tracking_number", "carrier_code", "carrier_name"):
        out[name] = _col(out, name, "").fillna("").astype("str").str.strip()
    for name in ("delivered_ts", "first_scan_ts"):
        out[name] = _instants(out, name)
    out["quantity"] = _col(out, "quantity").astype("Int64")
    out["channel"] = lookup(out["order_id"], orders.set_index("order_id")["channel"])
    out["conf_date"] = local_dates(out["conf_ts"], timezone)
    return out


def build_defects(loaded: LoadResult) -> tuple[pd.DataFrame, list[str]]:
    """Every ODR defect event as (order_id, defect, source), with warnings for unknown claim statuses."""
    warnings: list[str] = []
    parts: list[pd.DataFrame] = []
    feedback = loaded.frame("feedback")
    if feedback is not None:
        negative = feedback.loc[feedback["rating"].astype("Int64") <= 2, ["order_id"]]
        parts.append(negative.assign(defect="negative_feedback", source="feedback"))
    claims = loaded.frame("claims")
    if claims is not None:
        kind = claims["claim_type"].map(_CLAIM_TYPES)
        unknown_type = sorted(set(claims.loc[kind.isna(), "claim_type"]))
        if unknown_type:
            warnings.append(
                f"claims: claim-type {', '.join(repr(t) for t in unknown_type)} is not `a-to-z` or `chargeback`; "
                "those rows were counted as A-to-z claims"
            )
        kind = kind.fillna("a_to_z_claim")
        status = claims["status"]
        unknown = ~status.isin(COUNTING_STATUSES | NOT_COUNTING_STATUSES)
        if bool(unknown.any()):
            words = ", ".join(repr(w) for w in sorted(set(status[unknown])))
            warnings.append(
                f"claims: unknown status {words} counted as a defect (known: "
                f"{', '.join(sorted(COUNTING_STATUSES | NOT_COUNTING_STATUSES))})"
            )
        fraud = (kind == "chargeback") & (_col(claims, "reason", "").astype("str") == "fraud")
        counts = (status.isin(COUNTING_STATUSES) | unknown) & ~fraud
        parts.append(
            pd.DataFrame({"order_id": claims.loc[counts, "order_id"], "defect": kind[counts], "source": "claims"})
        )
    returns = loaded.frame("mfn_returns")
    if returns is not None:
        claimed = returns.loc[_bool(returns["a_to_z_claim"]), ["order_id"]]
        if claims is not None:
            # The claims file knows the same claim's status: it decides, whether the status counts or not.
            known = claims.loc[claims["claim_type"].map(_CLAIM_TYPES) == "a_to_z_claim", "order_id"]
            claimed = claimed.loc[~member(claimed["order_id"], known)]
        if not claimed.empty:
            warnings.append(
                f"mfn_returns: {len(claimed)} return(s) carry an A-to-z claim with no status; counted as "
                "defects (list them in a claims file with their status, which then decides)"
            )
        parts.append(claimed.assign(defect="a_to_z_claim", source="mfn_returns"))
    if not parts:
        return pd.DataFrame(
            {
                "order_id": pd.Series(dtype="str"),
                "defect": pd.Series(dtype="str"),
                "source": pd.Series(dtype="str"),
            }
        ), warnings
    defects = pd.concat(parts, ignore_index=True)
    defects["order_id"] = defects["order_id"].astype("str")
    return defects, warnings


def count_per_file(frame: pd.DataFrame, mask: pd.Series) -> Iterable[tuple[int, int]]:
    """(file index, rows) for the rows selected by mask: how skip reasons reach the input summary."""
    if FILE_FIELD not in frame.columns or not bool(mask.any()):
        return []
    counts = frame.loc[mask, FILE_FIELD].value_counts()
    return [(int(k), int(v)) for k, v in counts.items()]


def build_audit_data(
    loaded: LoadResult, marketplace: Marketplace, config: Config, calendar: OperatingCalendar
) -> AuditData:
    """Derive the audit frames and account for every row that will not be used (SPEC 1.5)."""
    orders, skus = build_orders(loaded, marketplace, config, calendar)
    excluded = orders.loc[orders["non_amazon"], "order_id"]
    known = orders["order_id"]
    for kind, frame in loaded.frames.items():
        if "order_id" not in frame.columns:
            continue
        for file_index, count in count_per_file(frame, member(frame["order_id"], excluded)):
            loaded.inputs[file_index].skipped["excluded_non_amazon"] += count
        if kind == "cancellations":
            for file_index, count in count_per_file(frame, ~member(frame["order_id"], known)):
                loaded.inputs[file_index].skipped["unmatched_order"] += count
    confirmations = build_confirmations(loaded, orders, marketplace.timezone)
    confirmations = confirmations.loc[~member(confirmations["order_id"], excluded)]
    # SPEC 4.3: an order's confirmation time is that of its earliest ship-confirmation row.
    first_confirmation = confirmations.groupby("order_id")["conf_ts"].min()
    orders["conf_ts"] = lookup(orders["order_id"], first_confirmation).astype("datetime64[us, UTC]")
    outside = ~member(confirmations["order_id"], known)
    if bool(outside.any()) and not known.empty:
        for file_index, count in count_per_file(confirmations, outside):
            loaded.inputs[file_index].warnings.append(
                f"{count} row(s) are for orders not in the order data: they count in the valid tracking rate only"
            )
    defects, warnings = build_defects(loaded)
    mismatch = ship_by_mismatch_warning(orders.loc[~orders["non_amazon"]], skus, config, calendar)
    if mismatch:
        warnings.append(mismatch)
    defects = defects.loc[~member(defects["order_id"], excluded)]
    unmatched_mask = ~member(defects["order_id"], known)
    unmatched = (
        defects.loc[unmatched_mask, ["order_id", "source"]]
        .drop_duplicates()
        .sort_values(["order_id", "source"])
        .to_dict("records")
    )
    buyer_request_known = "buyer_requested" in loaded.fields.get("order_report", set()) or bool(
        {"buyer_requested", "cancelled_by"} & loaded.fields.get("cancellations", set())
    )
    return AuditData(
        marketplace=marketplace,
        config=config,
        calendar=calendar,
        orders=orders.loc[~orders["non_amazon"]].reset_index(drop=True),
        items=skus.loc[~member(skus["order_id"], excluded)].reset_index(drop=True),
        confirmations=confirmations.reset_index(drop=True),
        defects=defects.loc[~unmatched_mask].reset_index(drop=True),
        unmatched_defects=[{"order_id": str(r["order_id"]), "source": str(r["source"])} for r in unmatched],
        loaded=loaded,
        buyer_request_known=buyer_request_known,
        warnings=warnings,
    )


def first_date(values: pd.Series) -> dt.date | None:
    """Earliest day in a series of local-midnight datetimes, for coverage."""
    if values.empty or values.isna().all():
        return None
    return pd.Timestamp(values.min()).date()
