"""Seller-Fulfilled Prime valid tracking rate (help page 202072550 JP, G201812270 FR): over Prime packages."""

from __future__ import annotations

import dataclasses

from healthcheck.metrics import tracking
from healthcheck.metrics.prime import PRIME_FLAG_SOURCES, on_prime, prime_events, prime_shipments_data

compute = on_prime(prime_shipments_data, tracking.compute)
events = prime_events(prime_shipments_data, tracking.events)


SFP_VALID_TRACKING_RATE = dataclasses.replace(
    tracking.VALID_TRACKING_RATE,
    id="sfp_valid_tracking_rate",
    title="Prime valid tracking rate (SFP)",
    short="sfp_vtr",
    target=0.94,
    at_risk=0.94,
    window_days=7,
    compute=compute,
    events=events,
    amazon=(),
    population="Seller-Fulfilled Prime packages confirmed",
    numerator="Prime packages with a tracking number and a carrier approved for Prime",
    advice="Ship Prime orders only with the carriers and ship methods approved for Seller-Fulfilled Prime, and "
    "confirm each with its tracking number the day it leaves.",
    inputs=(("ship_confirmations",), ("order_report",)),
    program="sfp",
    reads_rows=PRIME_FLAG_SOURCES,
)
