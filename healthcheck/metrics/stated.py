"""A metric's number taken from Amazon's V2 performance report when no report this tool reads can show its
numerator (SPEC 4 rev 2: never a partial rate presented as the rate). The number is Amazon's (`Source.AMAZON`):
it can make an audit worse, never checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from healthcheck.loaders.account_health import amazon_figure
from healthcheck.loaders.seller_performance import AmazonKey
from healthcheck.metrics.base import Measurement, Source, Window
from healthcheck.model import AuditData


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
    """Amazon's figure at `keys` as the metric's measurement, or None when no report given states it. The notes
    say the number is Amazon's, over which dates, and why it is not recomputed (`why_not_ours`)."""
    figure = amazon_figure(data.loaded.seller_performance, data.marketplace, keys)
    if figure is None or (figure.rate is None and not figure.denominator):
        return None
    if figure.end is not None and figure.end > as_of:
        # SPEC 1.5 (rev 2): a figure for days after the as-of day was not known then.
        return None
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
