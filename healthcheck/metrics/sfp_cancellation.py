"""Seller-Fulfilled Prime cancellation rate (help page 202072550): the cancellation rate over Prime orders."""

from __future__ import annotations

import dataclasses

from healthcheck.metrics import cancellation
from healthcheck.metrics.prime import PRIME_FLAG_SOURCES, on_prime, prime_events, prime_orders_data

compute = on_prime(prime_orders_data, cancellation.compute)
events = prime_events(prime_orders_data, cancellation.events)


# Thresholds and window by marketplace come from metrics/rules.py; these are the US ones.
SFP_CANCELLATION_RATE = dataclasses.replace(
    cancellation.CANCELLATION_RATE,
    id="sfp_cancellation_rate",
    title="Prime cancellation rate (SFP)",
    short="sfp_cr",
    target=0.005,
    at_risk=0.005,
    target_allowed=True,
    window_days=7,
    compute=compute,
    events=events,
    amazon=(),
    population="Seller-Fulfilled Prime orders purchased",
    numerator="Prime orders with a cancelled item, unless the buyer requested it through Amazon (counted per order: "
    "Amazon counts units)",
    advice="Keep Prime inventory in sync first: one Prime cancellation in 200 orders is the whole allowance. Set a "
    "Prime order limit rather than cancel, and never cancel for an address change (send the buyer to Customer "
    "Service).",
    inputs=(*cancellation.CANCELLATION_RATE.inputs, ("order_report",)),
    program="sfp",
    reads_rows=PRIME_FLAG_SOURCES,
)
