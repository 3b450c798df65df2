"""Seller-Fulfilled Prime on-time shipment rate (help page 202072550): Prime packages whose carrier's first scan
came by the ship-by deadline. Amazon counts a Prime package shipped at its first carrier scan, not at confirmation,
and counts one shipped late but delivered by the promise as on time."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from healthcheck.metrics import tracking
from healthcheck.metrics.base import Basis, Direction, Measurement, MetricSpec, PlanShape, Window, date_span, sorted_ids
from healthcheck.metrics.prime import PRIME_FLAG_SOURCES, prime_problem, prime_shipments_data
from healthcheck.model import AuditData, lookup
from healthcheck.wording import plural

NO_FIRST_SCAN = (
    "no Prime package has a carrier's first scan (first-scan-at in the ship confirmations): Amazon counts a Prime "
    "package shipped at its first scan, not at confirmation, so confirmations alone cannot show this rate"
)


def _packages(data: AuditData) -> pd.DataFrame | None:
    """Prime packages with their order's ship-by deadline and day, promised delivery and latest delivery time."""
    prime = prime_shipments_data(data)
    if prime is None:
        return None
    pk = tracking.packages(prime)
    orders = data.orders.set_index("order_id")
    delivered = prime.confirmations.groupby("order_id")["delivered_ts"].max()
    return pk.assign(
        ship_by=lookup(pk["order_id"], orders["ship_by_deadline"]),
        ship_by_date=lookup(pk["order_id"], orders["ship_by_date"]),
        promised=lookup(pk["order_id"], orders["latest_delivery_ts"]),
        delivered=lookup(pk["order_id"], delivered),
    )


def compute(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
    if not data.has("ship_confirmations"):
        return Measurement.not_evaluated("no ship confirmations were given")
    pk = _packages(data)
    problem = prime_problem(data)
    if pk is None or problem is not None:
        return Measurement.not_evaluated(problem or "")
    scanned = pk["first_scan_ts"].notna() & pk["ship_by"].notna()
    if not bool(scanned.any()):
        return Measurement.not_evaluated(NO_FIRST_SCAN)
    rows = pk.loc[scanned]
    span = date_span(rows["ship_by_date"])
    rows = rows.loc[window.contains(rows["ship_by_date"])]
    delivered_in_time = (rows["delivered"] <= rows["promised"]).fillna(False).astype(bool)
    on_time = (rows["first_scan_ts"] <= rows["ship_by"]) | delivered_in_time
    unscanned = int((~scanned).sum())
    notes = (
        (f"{plural(unscanned, 'Prime package')} without a carrier's first scan left out (add first-scan-at)",)
        if unscanned
        else ()
    )
    return Measurement(
        numerator=int(on_time.sum()),
        denominator=len(rows),
        details={"late_packages": int((~on_time).sum()), "no_first_scan": unscanned},
        order_ids=sorted_ids(rows.loc[on_time, "order_id"]),
        problem_order_ids=sorted_ids(rows.loc[~on_time, "order_id"]),
        first_data_date=span[0],
        last_data_date=span[1],
        notes=notes,
    )


SFP_ON_TIME_SHIPMENT_RATE = MetricSpec(
    id="sfp_on_time_shipment_rate",
    title="Prime on-time shipment rate (SFP)",
    short="sfp_ots",
    direction=Direction.HIGHER_IS_BETTER,
    target=0.99,
    at_risk=0.99,
    window_days=7,
    basis=Basis.EXPECTED_SHIP_DATE,
    compute=compute,
    unit="packages",
    bad=("late package", "late packages"),
    population="Seller-Fulfilled Prime packages with a carrier's first scan, due to ship",
    numerator="Prime packages first scanned by the ship-by deadline, or delivered by the promise",
    advice="Have the carrier scan Prime parcels the day they are due: orders placed before your cut-off need a "
    "first scan that same day. Move the cut-off earlier or book a later pickup if they miss it.",
    inputs=(("ship_confirmations",), ("order_report",)),
    program="sfp",
    reads_rows=PRIME_FLAG_SOURCES,
    plan=PlanShape(causes=("ship_by_weekday", "carrier", "sku", "handling_days"), quiet=("carrier", "sku")),
)
