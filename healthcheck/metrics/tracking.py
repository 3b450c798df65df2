"""Valid Tracking Rate, by package and confirmation date (SPEC 4.4)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd

from healthcheck.frames import NAT, NEVER, as_instants, micros
from healthcheck.loaders.repeated import value_codes
from healthcheck.loaders.seller_performance import AmazonKey
from healthcheck.metrics.base import Basis, Direction, Measurement, MetricSpec, PlanShape, Window, date_span, sorted_ids
from healthcheck.metrics.events import ALWAYS, Events, flag
from healthcheck.model import AFN, NEAR_PEAK, ORDER_ROW, AuditData, release_memory

# Carriers Amazon integrates with (tracking is read automatically), by code or name, and common long forms.
INTEGRATED_CARRIERS: tuple[str, ...] = (
    "USPS",
    "United States Postal Service",
    "UPS",
    "United Parcel Service",
    "UPS Mail Innovations",
    "UPS Freight",
    "FedEx",
    "Federal Express",
    "FedEx SmartPost",
    "FedEx Freight",
    "DHL",
    "DHL eCommerce",
    "DHL Express",
    "DHL Global Mail",
    "DHL Paket",
    "OnTrac",
    "Amazon Shipping",
    "Amazon Logistics",
    "AMZN_US",
    "AMZN_UK",
    "AMZN",
    "LaserShip",
    "Veho",
    "Better Trucks",
    "Spee-Dee",
    "Lone Star Overnight",
    "Royal Mail",
    "Parcelforce",
    "DPD",
    "Evri",
    "Hermes",
    "Yodel",
    "GLS",
    "Deutsche Post",
    "Hermes Germany",
    "Colissimo",
    "Chronopost",
    "La Poste",
    "Mondial Relay",
    "Poste Italiane",
    "BRT",
    "Bartolini",
    "SDA",
    "Nexive",
    "SEUR",
    "Correos",
    "Correos Express",
    "MRW",
    "PostNL",
    "PostNord",
    "Bring",
    "InPost",
    "Poczta Polska",
    "Canada Post",
    "Postes Canada",
    "Purolator",
    "Canpar",
    "Australia Post",
    "StarTrack",
    "Sendle",
    "Aramex",
    "Yamato",
    "Yamato Transport",
    "Sagawa",
    "Sagawa Express",
    "Japan Post",
    "Nippon Express",
    "Seino",
    "India Post",
    "Blue Dart",
    "Delhivery",
    "Ecom Express",
    "Emirates Post",
    "Correios",
    "Estafeta",
    "TNT",
    "Asendia",
    "Fastway",
    "CDL",
    "Pitney Bowes",
    "Newgistics",
    "OSM Worldwide",
    "Cainiao",
    "China Post",
)


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def carrier_keys(extra: Iterable[str] = ()) -> frozenset[str]:
    return frozenset(_key(n) for n in (*INTEGRATED_CARRIERS, *extra) if _key(n))


def integrated(code: pd.Series, name: pd.Series, extra: Iterable[str] = ()) -> pd.Series:
    """Matched on carrier-code, or on carrier-name when the code is empty; `Other` is never integrated."""
    keys = carrier_keys(extra)
    # A few distinct carriers over many packages: each distinct value is normalised once, then looked up by code.
    code_at, code_keys = _distinct_keys(code)
    name_at, name_keys = _distinct_keys(name)
    known = keys - {"other"}
    code_empty = np.asarray([k == "" for k in code_keys], dtype=bool)[code_at]
    code_ok = np.asarray([k in known for k in code_keys], dtype=bool)[code_at]
    name_ok = np.asarray([k in known for k in name_keys], dtype=bool)[name_at]
    return pd.Series(np.where(code_empty, name_ok, code_ok), index=code.index)


def _distinct_keys(values: pd.Series) -> tuple[npt.NDArray[np.intp], list[str]]:
    """(each value's position among the distinct values, the distinct values as carrier keys)."""
    at, names = value_codes(values)
    # No carrier (-1) reads the appended empty key.
    return np.where(at < 0, len(names), at).astype(np.intp), [*(_key(name) for name in names), ""]


def packages(data: AuditData) -> pd.DataFrame:
    """One row per (order, tracking number); rows without tracking make one package per order.

    The metric, its action and the trend all read the packages: they are built once per audit data (the
    frame is shared, so callers filter it and never change it in place).
    """
    return data.derived(packages, data.confirmations, lambda: _built_packages(data))


def _built_packages(data: AuditData) -> pd.DataFrame:
    pk = _packages(data)
    release_memory(near_peak=NEAR_PEAK)  # the sort and grouping of every confirmation row are garbage now
    return pk


def _packages(data: AuditData) -> pd.DataFrame:
    confirmations = data.confirmations
    columns = [c for c in (*_PACKAGE_COLUMNS, ORDER_ROW) if c in confirmations.columns]
    kept = np.flatnonzero((confirmations["channel"] != AFN).to_numpy(dtype=bool))
    if not len(kept):
        rows = confirmations.iloc[kept][columns]
        return rows.assign(valid=pd.Series(dtype=bool), carrier_ok=pd.Series(dtype=bool))
    # Rows by confirmation time (a stable sort of one int64 key, missing times last), then integer codes of
    # (order, tracking number) numbered in order of first appearance: a package's first row is its earliest and
    # gives its carrier and times. The rows are positions in `confirmations`: only the packages' rows are taken.
    times = micros(confirmations["conf_ts"])[kept]
    times = np.where(times == NAT, NEVER, times)
    by_time = np.argsort(times, kind="stable")
    orders = _order_codes(confirmations, kept)
    # Only an order with several rows can have several packages: the tracking numbers (strings, hashed) of the
    # others are never looked at.
    several = np.flatnonzero(np.bincount(orders)[orders] > 1)
    tracking_codes = np.zeros(len(kept), dtype=np.int64)
    tracking_count = 1
    if len(several):
        found, distinct = pd.factorize(confirmations["tracking_number"].take(kept[several]), use_na_sentinel=False)
        tracking_codes[several] = found
        tracking_count = max(len(distinct), 1)
    key = orders * tracking_count + tracking_codes
    in_time, _ = pd.factorize(key[by_time])
    codes = np.empty(len(key), dtype=np.int64)
    codes[by_time] = in_time
    first_in_time = np.full(int(in_time.max()) + 1, len(key), dtype=np.int64)
    np.minimum.at(first_in_time, in_time, np.arange(len(key)))
    first = kept[by_time[first_in_time]]  # each package's earliest row, in `confirmations`
    pk = confirmations[list(_PACKAGE_COLUMNS)].take(first).reset_index(drop=True)
    pk["first_scan_ts"] = _earliest(confirmations["first_scan_ts"], kept, codes, pk["first_scan_ts"])
    pk["carrier_ok"] = integrated(pk["carrier_code"], pk["carrier_name"], data.config.carriers)
    pk["valid"] = (pk["tracking_number"] != "") & pk["carrier_ok"]
    return pk


_PACKAGE_COLUMNS = (
    "order_id",
    "tracking_number",
    "conf_ts",
    "conf_date",
    "carrier_code",
    "carrier_name",
    "first_scan_ts",
)


def _order_codes(rows: pd.DataFrame, kept: npt.NDArray[np.intp]) -> npt.NDArray[np.int64]:
    """One integer per row of `rows` at `kept`, per order: its row in the orders where known (no hashing), else a
    code after those."""
    if ORDER_ROW not in rows.columns:
        return np.asarray(pd.factorize(rows["order_id"].take(kept), use_na_sentinel=False)[0], dtype=np.int64)
    codes = rows[ORDER_ROW].to_numpy(dtype=np.int64)[kept]
    unknown = codes < 0
    if unknown.any():
        others, _ = pd.factorize(rows["order_id"].take(kept[unknown]), use_na_sentinel=False)
        codes[unknown] = int(codes.max()) + 1 + others
    return codes


def _earliest(
    values: pd.Series, kept: npt.NDArray[np.intp], codes: npt.NDArray[np.int64], at_first: pd.Series
) -> pd.Series:
    """Per package, the earliest non-missing instant of its rows (`values` at `kept`; NaT when none has one)."""
    instants = micros(values)[kept]
    missing = instants == NAT
    if bool(missing.all()):
        return at_first
    earliest = np.full(len(at_first), NEVER, dtype=np.int64)
    np.minimum.at(earliest, codes, np.where(missing, NEVER, instants))
    earliest[earliest == NEVER] = NAT
    return as_instants(earliest, at_first.index)


SCAN_WITHIN_HOURS = 48  # a first carrier scan later than this after confirmation is reported (SPEC 4.6)


def scanned_late(pk: pd.DataFrame) -> pd.Series:
    """The packages (`packages`) whose first carrier scan came more than SCAN_WITHIN_HOURS after their confirmation:
    the carrier did not pick them up in time, which Amazon treats as a late or invalid shipment."""
    deadline = pk["conf_ts"] + pd.Timedelta(hours=SCAN_WITHIN_HOURS)
    return pk["first_scan_ts"].notna() & (pk["first_scan_ts"] > deadline)


def compute(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
    if not data.has("ship_confirmations"):
        return Measurement.not_evaluated("no ship confirmations were given")
    pk = packages(data)
    span = date_span(pk["conf_date"])
    if pk.empty:
        return Measurement.not_evaluated("the ship confirmations hold no seller-fulfilled package", span)
    pk = pk.loc[window.contains(pk["conf_date"])]
    missing = pk["tracking_number"] == ""
    invalid_carrier = ~missing & ~pk["carrier_ok"]
    late_scan = scanned_late(pk)
    return Measurement(
        numerator=int(pk["valid"].sum()),
        denominator=len(pk),
        details={
            "missing_tracking": int(missing.sum()),
            "invalid_carrier": int(invalid_carrier.sum()),
            "no_scan_48h": int(late_scan.sum()),
        },
        order_ids=sorted_ids(pk.loc[pk["valid"], "order_id"]),
        problem_order_ids=sorted_ids(pk.loc[~pk["valid"], "order_id"]),
        first_data_date=span[0],
        last_data_date=span[1],
    )


def events(data: AuditData) -> Events | None:
    if not data.has("ship_confirmations"):
        return None
    pk = packages(data)
    if pk.empty:
        return None
    return Events.build(pk["conf_date"], ALWAYS, flag(~pk["valid"]))


_CARRIERS = "carriers: Amazon's list of integrated carriers may differ from ours (add yours under `carriers`)"

VALID_TRACKING_RATE = MetricSpec(
    id="valid_tracking_rate",
    title="Valid tracking rate",
    short="vtr",
    direction=Direction.HIGHER_IS_BETTER,
    target=0.95,
    at_risk=0.96,
    window_days=30,
    basis=Basis.CONFIRMATION_DATE,
    compute=compute,
    events=events,
    unit="packages",
    bad=("package without valid tracking", "packages without valid tracking"),
    amazon=(AmazonKey("validTrackingRate", ("validTrackingCount",), ("shipmentCount", "shipmentsCount")),),
    amazon_counts_fewer=_CARRIERS,
    amazon_counts_more=_CARRIERS,
    population="seller-fulfilled packages confirmed",
    numerator="packages with a tracking number and a carrier Amazon integrates with",
    advice=(
        "Enter a tracking number for every package and pick the carrier from Amazon's list (never `Other`); "
        "buy labels through Buy Shipping to fill both automatically."
    ),
    inputs=(("ship_confirmations",),),
    plan=PlanShape(causes=("tracking", "carrier", "ship_weekday"), quiet=("carrier",)),
)
