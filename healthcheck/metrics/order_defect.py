"""Order Defect Rate, per fulfilment channel (SPEC 4.1)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from healthcheck.defects import CLAIM_APPEAL_DAYS, CLAIM_RESPONSE_HOURS, NEGATIVE_RATING
from healthcheck.loaders.seller_performance import AmazonKey
from healthcheck.metrics.base import (
    Basis,
    ComputeFn,
    Direction,
    Measurement,
    MetricSpec,
    PlanShape,
    Window,
    date_span,
    sorted_ids,
)
from healthcheck.metrics.events import ALWAYS, Events, flag
from healthcheck.model import AFN, MFN, AuditData, member

DEFECT_SOURCES = ("feedback", "claims", "mfn_returns")
# The reports that can show a channel's defects (SPEC 4, rev 2: the inputs must be able to show the numerator): the
# seller-fulfilled returns report's A-to-z flags are on seller-fulfilled orders only, never an FBA defect.
CHANNEL_SOURCES = {MFN: DEFECT_SOURCES, AFN: ("feedback", "claims")}
_NONE_GIVEN = {
    MFN: "no feedback, claims or returns file was given",
    AFN: "no feedback or claims file was given (the seller-fulfilled returns report shows no FBA order's defect)",
}
DEFECT_DETAILS = {
    "negative_feedback": "negative_feedback",
    "a_to_z_claim": "a_to_z_claims",
    "chargeback": "chargebacks",
}


def _compute(channel: str) -> ComputeFn:
    def compute(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
        span = date_span(data.orders["purchase_date"])
        if not any(data.has(kind) for kind in CHANNEL_SOURCES[channel]):
            return Measurement.not_evaluated(_NONE_GIVEN[channel], span)
        orders = data.orders
        population = orders.loc[(orders["channel"] == channel) & window.contains(orders["purchase_date"]), "order_id"]
        defects = data.defects.loc[member(data.defects["order_id"], population)]
        details = {
            name: int(defects.loc[defects["defect"] == defect, "order_id"].nunique())
            for defect, name in DEFECT_DETAILS.items()
        }
        defective = defects["order_id"]
        ids = sorted_ids(defective)
        return Measurement(
            numerator=len(ids),
            denominator=len(population),  # one row per order: the ids are distinct
            details=details,
            order_ids=ids,
            problem_order_ids=ids,
            first_data_date=span[0],
            last_data_date=span[1],
        )

    return compute


def _events(channel: str) -> Callable[[AuditData], Events | None]:
    def extract(data: AuditData) -> Events | None:
        if not any(data.has(kind) for kind in CHANNEL_SOURCES[channel]):
            return None
        orders = data.orders.loc[data.orders["channel"] == channel, ["order_id", "purchase_date"]]
        defective = member(orders["order_id"], data.defects["order_id"])
        return Events.build(orders["purchase_date"], ALWAYS, flag(defective))

    return extract


_AMAZON_COUNTS = (("orderWithDefects", "ordersWithDefects", "defectCount"), ("orderCount",))
_AMAZON_DETAILS = (
    ("negative_feedback", ("negativeFeedback",)),
    ("a_to_z_claims", ("claims", "aToZClaims")),
    ("chargebacks", ("chargebacks", "chargeBacks")),
)

_ADVICE = (
    f"Answer every A-to-z claim within {CLAIM_RESPONSE_HOURS} hours and appeal granted ones within "
    f"{CLAIM_APPEAL_DAYS} days; request removal of feedback that is about the product or about FBA delivery; "
    f"contact buyers who leave 1-{NEGATIVE_RATING} stars; look at "
    "the SKUs behind the defects for listing or quality problems."
)

ODR_MFN = MetricSpec(
    id="order_defect_rate_mfn",
    title="Order defect rate (seller-fulfilled)",
    short="odr_mfn",
    direction=Direction.LOWER_IS_BETTER,
    target=0.01,
    at_risk=0.008,
    window_days=60,
    basis=Basis.PURCHASE_DATE,
    end_lag_days=14,
    compute=_compute(MFN),
    events=_events(MFN),
    bad=("defective order", "defective orders"),
    odr_lag=True,
    # The key says the channel; the entry's own fulfillmentType is sometimes wrong in Amazon's examples.
    amazon=(AmazonKey("orderDefectRate.mfn", *_AMAZON_COUNTS, details=_AMAZON_DETAILS),),
    amazon_counts_fewer="defects Amazon no longer counts (feedback removed, claims decided for you or Amazon-funded)",
    amazon_counts_more="defects missing from the files (feedback, claims or chargebacks not given)",
    population="seller-fulfilled orders (cancelled ones included) purchased",
    numerator="orders with 1-2 star feedback, a counting A-to-z claim or a service chargeback (once per order)",
    advice=_ADVICE,
    inputs=(("all_orders", "order_report"), *((kind,) for kind in CHANNEL_SOURCES[MFN])),
    plan=PlanShape(causes=("defect", "feedback_rating", "sku", "carrier")),
)

ODR_AFN = dataclasses.replace(
    ODR_MFN,
    id="order_defect_rate_afn",
    title="Order defect rate (FBA)",
    short="odr_afn",
    compute=_compute(AFN),
    events=_events(AFN),
    amazon=(AmazonKey("orderDefectRate.afn", *_AMAZON_COUNTS, details=_AMAZON_DETAILS),),
    population="FBA orders purchased",
    inputs=(("all_orders", "fba_shipments"), *((kind,) for kind in CHANNEL_SOURCES[AFN])),
)
