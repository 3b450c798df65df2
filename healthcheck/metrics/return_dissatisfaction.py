"""Return Dissatisfaction Rate (issue 15; Seller Central help 201887610): valid return requests with negative
return feedback, not answered within 48 hours, or incorrectly rejected, over all return requests; under 10 %.

The seller-fulfilled returns report (`mfn_returns`) lists return requests and their state, but not the buyer's
answer to "was your return resolved?" (negative return feedback), nor when the seller answered, nor whether a
rejection was in policy: it cannot show the numerator, so the rate is never recomputed from it (SPEC 4 rev 2). It is
Amazon's figure when a V2 performance report states it (the 2020 schema has no such key; `returnDissatisfactionRate`
is read when a report carries it), else not evaluated, naming where Amazon shows it (docs/rules.md).
"""

from __future__ import annotations

import datetime as dt

from healthcheck.loaders.seller_performance import AmazonKey
from healthcheck.metrics.base import Basis, Direction, Measurement, MetricSpec, Window
from healthcheck.metrics.stated import from_amazon
from healthcheck.model import AuditData

AMAZON_KEYS = tuple(
    AmazonKey(
        key,
        ("returnDissatisfactionCount", "dissatisfiedReturnCount", "defectsCount", "count"),
        ("returnRequestCount", "returnCount", "orderCount"),
        details=(
            ("negative_return_feedback", ("negativeReturnFeedback", "negativeReturnFeedbackCount")),
            ("late_response", ("lateResponse", "lateResponseCount")),
            ("invalid_rejection", ("invalidRejection", "invalidRejectionCount")),
        ),
    )
    for key in ("returnDissatisfactionRate", "returnDissatisfaction")
)
WHY_NOT_OURS = (
    "the returns report cannot show negative return feedback, when a request was answered, or whether a rejection "
    "was in policy"
)
WHERE_AMAZON_SHOWS_IT = (
    "Seller Central shows it under Performance > Customer Satisfaction (Return Dissatisfaction Rate); "
    "no downloadable report carries its parts"
)


def compute(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
    stated = from_amazon(data, window, as_of, AMAZON_KEYS, why_not_ours=WHY_NOT_OURS)
    if stated is not None:
        return stated
    given = "the returns report given cannot" if data.has("mfn_returns") else "no report this tool reads can"
    return Measurement.not_evaluated(
        f"{given} show its numerator ({WHY_NOT_OURS.split('show ', 1)[1]}), and no seller performance report "
        f"given states it: {WHERE_AMAZON_SHOWS_IT}"
    )


RETURN_DISSATISFACTION_RATE = MetricSpec(
    id="return_dissatisfaction_rate",
    title="Return dissatisfaction rate",
    short="rdr",
    direction=Direction.LOWER_IS_BETTER,
    target=0.10,
    at_risk=0.08,
    window_days=30,
    basis=Basis.RECEIVED_DATE,
    compute=compute,
    recomputable=False,
    unit="return requests",
    bad=("dissatisfied return", "dissatisfied returns"),
    population="valid return requests received",
    numerator="requests with negative return feedback, answered after 48 hours, or incorrectly rejected",
    advice=(
        "Answer every return request within 48 hours (authorise, refund or close it), authorise in-policy returns "
        "automatically, and never reject one without addressing the buyer's issue."
    ),
    inputs=(("seller_performance",),),
)
