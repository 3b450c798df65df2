"""Buyer-message response time within 24 hours (SPEC 4.6): the clock runs through weekends and holidays."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from healthcheck.metrics.base import Basis, Direction, Measurement, MetricSpec, Window, date_span, sorted_ids
from healthcheck.metrics.events import ALWAYS, NEVER, Events, day_numbers
from healthcheck.model import AuditData, end_of_local_day, local_dates

RESPONSE_HOURS = 24


def _clock(messages: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Each message's received and responded instants (NaT: not answered) and whether it needs no response."""
    received = messages["received_ts"].astype("datetime64[us, UTC]")
    if "responded_ts" in messages:
        responded = messages["responded_ts"].astype("datetime64[us, UTC]")
    else:
        responded = pd.Series(pd.NaT, index=messages.index, dtype="datetime64[us, UTC]")
    if "no_response_needed" in messages:
        skip = messages["no_response_needed"].astype("boolean").fillna(False).astype(bool)
    else:
        skip = pd.Series(False, index=messages.index)
    return received, responded, skip


def compute(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
    messages = data.loaded.frame("messages")
    if messages is None:
        return Measurement.not_evaluated("no messages file was given")
    tz = data.marketplace.timezone
    received, responded, skip = _clock(messages)
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


def events(data: AuditData) -> Events | None:
    """Answered messages count from the start; an unanswered one counts (late) once its 24 hours are over."""
    messages = data.loaded.frame("messages")
    if messages is None:
        return None
    tz = data.marketplace.timezone
    received, responded, skip = _clock(messages)
    limit = pd.Timedelta(hours=RESPONSE_HOURS)
    answered = responded.notna() & ~skip
    waiting = responded.isna() & ~skip & received.notna()
    due_instant = received + limit
    overdue_from = pd.Series(NEVER, index=messages.index, dtype="int64")
    if bool(waiting.any()):
        due_day = local_dates(due_instant[waiting], tz)
        # Late once the end of the as-of day is after the 24 hours (SPEC 4.6): from the local day they end.
        ends_exactly = due_instant[waiting] >= end_of_local_day(due_day, tz)
        overdue_from[waiting] = day_numbers(due_day) + ends_exactly.to_numpy(dtype="int64")
    counted_from = np.where(answered.to_numpy(dtype=bool), ALWAYS, overdue_from.to_numpy())
    late_answered = answered & (responded - received > limit)
    bad_from = np.where(late_answered.to_numpy(dtype=bool), ALWAYS, np.where(answered, NEVER, counted_from))
    return Events.build(local_dates(received, tz), counted_from, bad_from)


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
    events=events,
    unit="messages",
    bad=("late answer", "late answers"),
    population="buyer messages needing a response, received",
    numerator="messages answered within 24 hours (weekends and holidays included)",
    advice=(
        "Answer every buyer message within 24 hours, weekends included; mark messages that need no answer "
        "as 'No response needed' in Buyer-Seller Messaging."
    ),
    inputs=(("messages",),),
)
