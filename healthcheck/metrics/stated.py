"""A metric's number taken from Amazon's V2 performance report when no report this tool reads can show its
numerator (SPEC 4 rev 2: never a partial rate presented as the rate). The number is Amazon's (`Source.AMAZON`):
it can make an audit worse, never checked; and only while the report is recent enough to speak for the account
(`too_old`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from healthcheck.loaders.account_health import amazon_figure, latest_account_health
from healthcheck.loaders.seller_performance import AmazonKey
from healthcheck.metrics.base import Measurement, Source, Window
from healthcheck.model import AuditData

# Amazon's report speaks for the day it was made. Older than this before the as-of day, its word is not the
# account's now: its figures stay in the reconcile, but judge nothing (a report of 2020 beside this month's orders
# must not page a seller, nor make an audit look checked). A week: a report fetched daily, or by hand now and then,
# is well inside it.
STALE_AFTER_DAYS = 7


def too_old(data: AuditData, as_of: dt.date) -> str | None:
    """Why Amazon's newest report for the marketplace is too old to stand for the account on `as_of`; None when it
    is recent enough, undated, or not given."""
    health, _notes = latest_account_health(data.loaded.seller_performance, data.marketplace)
    if health is None or health.end is None or (as_of - health.end).days <= STALE_AFTER_DAYS:
        return None
    days = (as_of - health.end).days
    return (
        f"Amazon's report speaks for {health.end}, {days:,} days before the as-of date {as_of}: too old to stand for "
        "the account now (it is still shown beside ours); download a fresh GET_V2_SELLER_PERFORMANCE_REPORT "
        "(`healthcheck fetch` does)"
    )


def from_amazon(
    data: AuditData,
    window: Window,
    as_of: dt.date,
    keys: Sequence[AmazonKey],
    *,
    why_not_ours: str,
    notes: Sequence[str] = (),
    order_ids: tuple[str, ...] = (),
) -> Measurement | None:
    """Amazon's figure at `keys` as the metric's measurement, or None when no report given states it (not evaluated,
    saying so, when the report is too old). The notes say the number is Amazon's, over which dates, and why it is
    not recomputed (`why_not_ours`)."""
    figure = amazon_figure(data.loaded.seller_performance, data.marketplace, keys)
    if figure is None or (figure.rate is None and not figure.denominator):
        return None
    if figure.end is not None and figure.end > as_of:
        # SPEC 1.5 (rev 2): a figure for days after the as-of day was not known then.
        return None
    if (old := too_old(data, as_of)) is not None:
        return Measurement.not_evaluated(old)
    dates = f", {figure.start} to {figure.end}" if figure.start and figure.end else ""
    counted = figure.numerator is not None and figure.denominator is not None
    said = f"Amazon's own figure ({figure.key}{dates}{', status ' + figure.status if figure.status else ''})"
    return Measurement(
        numerator=figure.numerator or 0,
        denominator=figure.denominator or 0,
        details={**figure.details, "amazon_status": figure.status, "amazon_key": figure.key},
        order_ids=order_ids,
        problem_order_ids=order_ids,
        # Amazon's figure speaks for its own dates: the window is not ours to call partly covered.
        first_data_date=window.start,
        last_data_date=window.end,
        notes=(f"{said}: not recomputed, {why_not_ours}", *notes),
        counted=counted,
        source=Source.AMAZON,
        stated_rate=figure.rate if not counted else None,
    )
