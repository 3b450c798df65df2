"""Valid Tracking Rate, by package and confirmation date (SPEC 4.4)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import pandas as pd

from healthcheck.metrics.base import Basis, Direction, Measurement, MetricSpec, Window, sorted_ids
from healthcheck.model import AFN, AuditData, first_date

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
    code_key = code.fillna("").astype("str").str.lower().str.replace(r"[^0-9a-z]", "", regex=True)
    name_key = name.fillna("").astype("str").str.lower().str.replace(r"[^0-9a-z]", "", regex=True)
    chosen = code_key.where(code_key != "", name_key)
    return chosen.isin(keys) & (chosen != "other")


def packages(data: AuditData) -> pd.DataFrame:
    """One row per (order, tracking number); rows without tracking make one package per order."""
    rows = data.confirmations.loc[data.confirmations["channel"] != AFN]
    if rows.empty:
        return rows.assign(valid=pd.Series(dtype=bool), carrier_ok=pd.Series(dtype=bool))
    rows = rows.sort_values("conf_ts", kind="stable")
    grouped = rows.groupby(["order_id", "tracking_number"], sort=False)
    pk = grouped.agg(
        conf_ts=("conf_ts", "min"),
        conf_date=("conf_date", "min"),
        carrier_code=("carrier_code", "first"),
        carrier_name=("carrier_name", "first"),
        first_scan_ts=("first_scan_ts", "min"),
    ).reset_index()
    pk["carrier_ok"] = integrated(pk["carrier_code"], pk["carrier_name"], data.config.carriers)
    pk["valid"] = (pk["tracking_number"] != "") & pk["carrier_ok"]
    return pk


def compute(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
    if not data.has("ship_confirmations"):
        return Measurement.not_evaluated("no ship confirmations were given")
    pk = packages(data)
    first = first_date(pk["conf_date"]) if not pk.empty else None
    if pk.empty:
        return Measurement.not_evaluated("the ship confirmations hold no seller-fulfilled package", first)
    pk = pk.loc[window.contains(pk["conf_date"])]
    missing = pk["tracking_number"] == ""
    invalid_carrier = ~missing & ~pk["carrier_ok"]
    late_scan = pk["first_scan_ts"].notna() & (pk["first_scan_ts"] > pk["conf_ts"] + pd.Timedelta(hours=48))
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
        first_data_date=first,
    )


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
    population="seller-fulfilled packages confirmed",
    numerator="packages with a tracking number and a carrier Amazon integrates with",
    advice=(
        "Enter a tracking number for every package and pick the carrier from Amazon's list (never `Other`); "
        "buy labels through Buy Shipping to fill both automatically."
    ),
)
