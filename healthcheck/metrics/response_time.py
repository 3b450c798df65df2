"""Buyer-message response time within 24 hours (SPEC 4.6): the clock runs through weekends and holidays."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from healthcheck.metrics.base import Basis, Direction, Measurement, MetricSpec, Window, date_span, sorted_ids
from healthcheck.model import AuditData, end_of_local_day, local_dates

RESPONSE_HOURS = 24


def compute(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
    messages = data.loaded.frame("messages")
    if messages is None:
        return Measurement.not_evaluated("no messages file was given")
    tz = data.marketplace.timezone
    received = messages["received_ts"].astype("datetime64[us, UTC]")
    responded = (
        messages["responded_ts"].astype("datetime64[us, UTC]")
        if "responded_ts" in messages
        else pd.Series(pd.NaT, index=messages.index, dtype="datetime64[us, UTC]")
    )
    skip = (
        messages["no_response_needed"].astype("boolean").fillna(False).astype(bool)
        if "no_response_needed" in messages
        else pd.Series(False, index=messages.index)
    )
    received_day = local_dates(received, tz)
    span = date_span(received_day)
    limit = pd.Timedelta(hours=RESPONSE_HOURS)
    end_of_as_of = end_of_local_day(pd.Series([pd.Timestamp(as_of)], dtype="datetime64[us]"), tz).iloc[0]
    in_window = window.contains(received_day) & ~skip
    on_time = in_window & responded.notna() & (responded - received <= limit)
    answered_late = in_window & responded.notna() & (responded - received > limit)
    overdue = in_window & responded.isna() & (received + limit < end_of_as_of)
    late = answered_late | overdue
    order_ids = messages["order_id"] if "order_id" in messages else pd.Series("", index=messages.index)
    return Measurement(
        numerator=int(on_time.sum()),
        denominator=int((on_time | late).sum()),
        details={
            "answered_late": int(answered_late.sum()),
            "unanswered_overdue": int(overdue.sum()),
            "pending": int((in_window & responded.isna() & ~overdue).sum()),
            "no_response_needed": int((window.contains(received_day) & skip).sum()),
        },
        order_ids=sorted_ids(order_ids[on_time & (order_ids != "")]),
        problem_order_ids=sorted_ids(order_ids[late & (order_ids != "")]),
        first_data_date=span[0],
        last_data_date=span[1],
    )


RESPONSE_TIME_24H = MetricSpec(
    id="response_time_24h",
    title="Buyer messages answered within 24 hours",
    short="rt24",
    direction=Direction.HIGHER_IS_BETTER,
    target=0.90,
    at_risk=0.92,
    window_days=30,
    basis=Basis.RECEIVED_DATE,
    compute=compute,
    population="buyer messages needing a response, received",
    numerator="messages answered within 24 hours (weekends and holidays included)",
    advice=(
        "Answer every buyer message within 24 hours, weekends included; mark messages that need no answer "
        "as 'No response needed' in Buyer-Seller Messaging."
    ),
    inputs=(("messages",),),
)
