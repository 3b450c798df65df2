"""Seller-Fulfilled Prime on-time delivery rate (help page 202072550): the on-time delivery rate over Prime units,
trailing 7 days."""

from __future__ import annotations

import dataclasses
import datetime as dt

from healthcheck.metrics import delivery
from healthcheck.metrics.base import Measurement, Window
from healthcheck.metrics.prime import PRIME_FLAG_SOURCES, on_prime, prime_events, prime_shipments_data
from healthcheck.model import AuditData


def compute(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
    found = on_prime(prime_shipments_data, delivery.compute)(data, window, as_of)
    if found.reason is not None:
        return found
    # Amazon excludes labels bought through Buy Shipping in the US and EU; no report says which those were.
    note = (
        "every Prime unit is counted: no report shows which labels were bought through Buy Shipping (Amazon leaves "
        "those out)"
    )
    return dataclasses.replace(found, notes=(*found.notes, note))


events = prime_events(prime_shipments_data, delivery.events)


SFP_ON_TIME_DELIVERY_RATE = dataclasses.replace(
    delivery.ON_TIME_DELIVERY_RATE,
    id="sfp_on_time_delivery_rate",
    title="Prime on-time delivery rate (SFP)",
    short="sfp_otdr",
    target=0.97,
    at_risk=0.97,
    window_days=7,
    end_lag_days=0,
    compute=compute,
    events=events,
    amazon=(),
    population="Seller-Fulfilled Prime units with tracking and a delivery time, promised",
    numerator="Prime units delivered by the latest promised delivery date",
    advice="Ship Prime orders with a service that meets the one- and two-day promise, buy labels through Buy "
    "Shipping (Amazon then takes late carriers off you), and hand parcels over before the carrier's last pickup.",
    inputs=(("ship_confirmations",), ("order_report",)),
    program="sfp",
    reads_rows=PRIME_FLAG_SOURCES,
)
