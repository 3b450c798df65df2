"""The warning when the ship-by dates Amazon gives (order reports) and the settings give (handling time, operating
days) disagree: it names the SKUs behind the difference and the handling time Amazon's dates imply, so that the
seller sets the same handling time in both places (SPEC 3). Built by `model.order_items` once the orders' SKUs are
known."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from healthcheck.config import Config
from healthcheck.loaders.repeated import value_codes
from healthcheck.shipcal import OperatingCalendar, operating_days_between
from healthcheck.wording import plural


def mismatch_warning(
    orders: pd.DataFrame,
    skus: pd.DataFrame,
    pair_orders: npt.NDArray[np.int64],
    config: Config,
    calendar: OperatingCalendar,
) -> str | None:
    """Where Amazon's ship-by dates disagree with the settings, name the SKUs and the handling time implied. Each
    SKU pair of `skus` is joined to its order by row (`pair_orders`, -1: no order here); `orders` has a default
    index (rows and labels alike).

    Only the differing orders' rows are copied, and the pairs are counted on integer codes (on five million
    orders a frame of every differing pair, sorted and grouped, was the model's peak)."""
    computed, ship_by = orders["computed_ship_by_date"], orders["ship_by_date"]
    both = ((orders["ship_by_source"] == "report") & computed.notna()).to_numpy(dtype=bool)
    differing = both & (ship_by != computed).to_numpy(dtype=bool)
    rows = np.flatnonzero(differing)
    if not len(rows):
        return None
    differs = orders[["order_id", "purchase_date", "ship_by_date", "computed_ship_by_date"]].iloc[rows]
    implied = operating_days_between(
        differs["purchase_date"].astype("datetime64[us]"), differs["ship_by_date"].astype("datetime64[us]"), calendar
    ).to_numpy(dtype=np.float64)
    hints = ", ".join(
        f"{sku} ({plural(count, 'order')}: Amazon's dates imply {plural(int(median), 'day')})"
        for sku, count, median in _implied_by_sku(skus["sku"], pair_orders, differing, rows, implied)
    )
    example = differs.sort_values("order_id").iloc[0]
    return (
        f"{len(differs)} of {int(both.sum())} ship-by dates in the order report differ from those the settings give "
        f"(handling {plural(config.handling_days, 'day')}, {plural(len(config.handling_days_by_sku), 'SKU override')}, "
        f"operating days {', '.join(calendar.operating_days)}): {hints or 'no SKU given'}. E.g. order "
        f"{example['order_id']}: Amazon {example['ship_by_date']:%Y-%m-%d}, settings "
        f"{example['computed_ship_by_date']:%Y-%m-%d}. The handling time in Seller Central is not the one in "
        + (
            f"{config.source}: set [handling_days_by_sku] (or handling_days) to match, or fix it in Seller Central"
            if config.source
            else "the settings, which are the defaults (there is no healthcheck.toml): run `healthcheck init-config` "
            "and set [handling_days_by_sku] (or handling_days) in it to match, or fix it in Seller Central"
        )
    )


def _implied_by_sku(
    sku: pd.Series,
    pair_orders: npt.NDArray[np.int64],
    differing: npt.NDArray[np.bool_],
    rows: npt.NDArray[np.int64],
    implied: npt.NDArray[np.float64],
) -> list[tuple[str, int, float]]:
    """The three SKUs with the most differing orders: (SKU, orders, the median handling time their dates imply).

    Each order counts once, under its SKU with the most such orders (on a tie the SKU first in name order): an
    item that only shares orders with the SKU whose handling time differs is not a cause of its own, and the
    counts then add up to the orders counted. `rows` are the differing orders (ascending) and `implied` theirs."""
    codes, names = value_codes(sku)  # the pairs' SKUs are Categoricals, their categories in name order
    hit = np.flatnonzero(differing.take(pair_orders, mode="clip") & (pair_orders >= 0) & (codes >= 0))
    place = np.cumsum(differing, dtype=np.int32) - 1  # each differing order's place in `rows`
    order = place[pair_orders[hit]]
    dated = ~np.isnan(implied[order])  # an order whose dates imply no handling time is no SKU's
    order, code = order[dated], codes[hit[dated]]
    weight = np.bincount(code, minlength=len(names))[code]
    # Per order, the SKU with the most weight, then the first by name (the smallest code), by ufunc.at on codes.
    most = np.zeros(len(rows), dtype=np.int64)
    np.maximum.at(most, order, weight)
    first = np.full(len(rows), len(names), dtype=np.int64)
    heaviest = weight == most[order]
    np.minimum.at(first, order[heaviest], code[heaviest])
    counted = first < len(names)
    chosen, days = first[counted], implied[counted]
    count = np.bincount(chosen, minlength=len(names))
    seen = np.flatnonzero(count)
    top = seen[np.argsort(-count[seen], kind="stable")[:3]]
    return [(names[c], int(count[c]), float(np.median(days[chosen == c]))) for c in top]
