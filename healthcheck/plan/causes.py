"""The order attributes a plan of action counts a metric's bad orders by (its root cause, from the data).

Each dimension turns the bad orders into (order id, value) pairs read from the audit's order model: the SKUs, the
cancel reasons, the weekdays, the carriers, the handling times... A metric's spec names the dimensions that tell its
causes apart (`PlanShape.causes`); this module knows how to read each one, and what a seller can do against a
cause found in it (the preventive measures, `prevention`). Nothing here names a metric.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from healthcheck.defects import CLAIM_RESPONSE_HOURS, negative_ratings
from healthcheck.model import AuditData, member
from healthcheck.order_actions import cancel_cause, cancel_cause_advice
from healthcheck.selection import items_of, order_mask
from healthcheck.wording import plural

NO_REASON = "(no reason given)"
PAIR_COLUMNS = ["order_id", "value"]
FILL = "[FILL IN: {}]"


def fill_in(what: str) -> str:
    """What the seller must write: the data cannot say it, and the draft never invents it."""
    return FILL.format(what)


def _pairs(order_ids: pd.Series, values: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"order_id": order_ids.astype("str").to_numpy(), "value": values.astype("str").to_numpy()})
    return frame.drop_duplicates().reset_index(drop=True)


@dataclass(frozen=True)
class Selection:
    """Some orders of the audit (the bad ones, or the later ones a fix is read from): their ids, and their rows of
    the order frame, found once for every dimension that reads them (a lookup over a million orders each time
    would cost more than the plan)."""

    data: AuditData
    ids: pd.Series
    rows: pd.DataFrame

    @classmethod
    def of(cls, data: AuditData, ids: pd.Series) -> Selection:
        return cls(data, ids, data.orders.loc[order_mask(data, ids)])


def _orders(selection: Selection, columns: list[str]) -> pd.DataFrame:
    return selection.rows[["order_id", *columns]]


def _skus(selection: Selection) -> pd.DataFrame:
    data, ids = selection.data, selection.ids
    items = items_of(data, ids)
    return _pairs(items["order_id"], items["sku"])


def _cancelled_skus(selection: Selection) -> pd.DataFrame:
    """The cancelled items where the reports say which were (All Orders), else every item of the order."""
    data, ids = selection.data, selection.ids
    items = items_of(data, ids)
    if not items.empty:
        known = items.groupby("order_id")["cancelled"].transform("any")
        items = items.loc[items["cancelled"] | ~known]
    return _pairs(items["order_id"], items["sku"])


def _cancel_reasons(selection: Selection) -> pd.DataFrame:
    orders = _orders(selection, ["cancel_reason"])
    reasons = orders["cancel_reason"].fillna("").astype("str").str.strip().replace("", NO_REASON)
    return _pairs(orders["order_id"], reasons)


def _weekday(column: str) -> Callable[[Selection], pd.DataFrame]:
    def read(selection: Selection) -> pd.DataFrame:
        orders = _orders(selection, [column])
        orders = orders.loc[orders[column].notna()]
        return _pairs(orders["order_id"], orders[column].dt.day_name())

    return read


def _ship_weekday(selection: Selection) -> pd.DataFrame:
    """The local weekday each package was confirmed shipped."""
    data, ids = selection.data, selection.ids
    rows = data.confirmations.loc[member(data.confirmations["order_id"], ids)]
    rows = rows.loc[rows["conf_ts"].notna()]
    days = rows["conf_ts"].dt.tz_convert(data.marketplace.timezone).dt.day_name()
    return _pairs(rows["order_id"], days)


def _handling_days(selection: Selection) -> pd.DataFrame:
    orders = _orders(selection, ["handling_days"])
    return _pairs(orders["order_id"], orders["handling_days"].map(lambda d: plural(int(d), "business day")))


def _carriers(selection: Selection) -> pd.DataFrame:
    """The carrier of each package as the confirmation names it (its name, else its code)."""
    data, ids = selection.data, selection.ids
    rows = data.confirmations.loc[member(data.confirmations["order_id"], ids)]
    name, code = rows["carrier_name"].astype("str"), rows["carrier_code"].astype("str")  # Categoricals, or text
    name = name.where(name != "", code)
    return _pairs(rows["order_id"], name.replace("", "(no carrier given)"))


def _tracking(selection: Selection) -> pd.DataFrame:
    data, ids = selection.data, selection.ids
    rows = data.confirmations.loc[member(data.confirmations["order_id"], ids)]
    missing = rows["tracking_number"] == ""
    return _pairs(rows["order_id"], pd.Series(np.where(missing, "no tracking number", "with a tracking number")))


def _confirmation_lateness(selection: Selection) -> pd.DataFrame:
    """How late each order was confirmed against its ship-by deadline, in whole days started."""
    orders = _orders(selection, ["conf_ts", "ship_by_deadline"])
    late = orders["conf_ts"] - orders["ship_by_deadline"]
    days = np.ceil(late.dt.total_seconds() / 86400).astype("Float64")
    words = ["not confirmed" if pd.isna(d) else f"confirmed {plural(int(d), 'day')} late" for d in days.tolist()]
    late_or_open = (days.isna() | (days > 0)).to_numpy(dtype=bool)  # an order confirmed in time is no cause
    return _pairs(orders["order_id"][late_or_open], pd.Series(words, dtype="str")[late_or_open])


def _delivery_lateness(selection: Selection) -> pd.DataFrame:
    """Per delivered package, how many days after the promised delivery it arrived."""
    data, ids = selection.data, selection.ids
    rows = data.confirmations.loc[member(data.confirmations["order_id"], ids), ["order_id", "delivered_ts"]]
    promised = _orders(selection, ["latest_delivery_ts"]).set_index("order_id")["latest_delivery_ts"]
    rows = rows.loc[rows["delivered_ts"].notna()]
    late = rows["delivered_ts"] - rows["order_id"].map(promised)
    days = np.ceil(late.dt.total_seconds() / 86400).astype("Float64")
    words = ["no promised date" if pd.isna(d) else f"delivered {plural(int(d), 'day')} late" for d in days.tolist()]
    late = (days.isna() | (days > 0)).to_numpy(dtype=bool)  # another package of the order, on time, is no cause
    return _pairs(rows["order_id"][late], pd.Series(words, dtype="str")[late])


_DEFECT_WORDS = {"negative_feedback": "negative feedback", "a_to_z_claim": "A-to-z claim", "chargeback": "chargeback"}


def _defects(selection: Selection) -> pd.DataFrame:
    defects = selection.data.defects.loc[member(selection.data.defects["order_id"], selection.ids)]
    return _pairs(defects["order_id"], defects["defect"].map(lambda d: _DEFECT_WORDS.get(str(d), str(d))))


def _feedback_ratings(selection: Selection) -> pd.DataFrame:
    feedback = selection.data.loaded.frame("feedback")
    if feedback is None:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    rows = feedback.loc[member(feedback["order_id"], selection.ids)]
    rows = rows.loc[negative_ratings(rows["rating"])]
    return _pairs(rows["order_id"], rows["rating"].astype("Int64").map(lambda r: plural(int(r), "star")))


# A cause's preventive measure: given the value and how many bad ones it explains, what to do (None: nothing
# specific beyond the metric's own guidance).
Prevention = Callable[[str, str], str | None]


def _sku_measure(value: str, count: str) -> str:
    return f"SKU {value} ({count}): " + fill_in(
        f"what now keeps {value} from causing more, e.g. its stock sync, quantity, handling time or listing"
    )


def _reason_measure(value: str, count: str) -> str | None:
    advice = cancel_cause_advice(cancel_cause("" if value == NO_REASON else value))
    return f"Cancel reason {value} ({count}): {advice} " + fill_in("what you changed, and from which date")


def _weekday_measure(value: str, count: str) -> str:
    return f"{value}s ({count}): " + fill_in(f"how {value}s are covered now: staff, carrier pick-up, order cut-off")


def _handling_measure(value: str, count: str) -> str:
    return f"Orders with a handling time of {value} ({count}): set the handling time your team can meet per SKU. " + (
        fill_in("the handling times you set, per SKU")
    )


def _carrier_measure(value: str, count: str) -> str:
    return f"Carrier {value} ({count}): " + fill_in(
        "what changed: a carrier Amazon integrates with, its name written as Amazon lists it, labels from Buy "
        "Shipping, or a faster service"
    )


def _tracking_measure(value: str, count: str) -> str | None:
    if value != "no tracking number":
        return None
    return f"Packages with no tracking number ({count}): every confirmation now carries one. " + fill_in(
        "how: labels bought through Buy Shipping, or your shipping tool's upload"
    )


def _lateness_measure(value: str, count: str) -> str | None:
    if value == "not confirmed":
        return f"Orders not confirmed ({count}): confirm each shipment as soon as its label is bought. " + fill_in(
            "who checks the unshipped orders, and when each day"
        )
    if value.startswith("confirmed") and value != "confirmed on time":
        return f"Orders {value} ({count}): " + fill_in("the daily cut-off and the check that ships them in time")
    return None


def _delivery_measure(value: str, count: str) -> str | None:
    if not value.startswith("delivered"):
        return None
    return f"Packages {value} ({count}): set transit times your carriers meet. " + fill_in(
        "the shipping settings or services you changed"
    )


_DEFECT_MEASURES = {
    "negative feedback": "answer every buyer message within 24 hours and make listings describe the product as it is",
    "A-to-z claim": (
        "ship with tracking, answer buyers before they claim, and respond to claims within "
        f"{CLAIM_RESPONSE_HOURS} hours"
    ),
    "chargeback": "keep proof of delivery (tracking, signature for costly orders) to answer chargebacks",
}


def _defect_measure(value: str, count: str) -> str | None:
    measure = _DEFECT_MEASURES.get(value)
    if measure is None:
        return None
    return f"{value[:1].upper()}{value[1:]} ({count}): {measure}. " + fill_in("what you changed")


@dataclass(frozen=True)
class Dimension:
    """One order attribute the bad orders are counted by."""

    label: str  # how the root cause names it: `Cancel reasons`
    read: Callable[[Selection], pd.DataFrame]  # the bad orders' (order_id, value) pairs
    prevention: Prevention | None = None
    # The dimension that finds the same value among later orders (a cancelled SKU is a SKU on a later order).
    same_as: str = ""
    noun: str = ""  # one value, in a sentence: `SKU CAND-SOY-3PK`, `Carrier UPS`
    skus: bool = False  # its values are SKUs (named as such beside a step)
    in_evidence: bool = True  # shown on each order's evidence line (a weekday is already in its date)


DIMENSIONS: Mapping[str, Dimension] = MappingProxyType(
    {
        "sku": Dimension("SKUs", _skus, _sku_measure, "sku", "SKU", skus=True),
        "cancelled_sku": Dimension("Cancelled SKUs", _cancelled_skus, _sku_measure, "sku", "SKU", skus=True),
        "cancel_reason": Dimension("Cancel reasons", _cancel_reasons, _reason_measure),
        "purchase_weekday": Dimension("Weekdays of purchase", _weekday("purchase_date"), in_evidence=False),
        "ship_by_weekday": Dimension(
            "Weekdays of the ship-by date", _weekday("ship_by_date"), _weekday_measure, in_evidence=False
        ),
        "ship_weekday": Dimension("Weekdays of shipping", _ship_weekday, _weekday_measure, in_evidence=False),
        "handling_days": Dimension("Handling times", _handling_days, _handling_measure),
        "carrier": Dimension("Carriers", _carriers, _carrier_measure, "carrier", "Carrier"),
        "tracking": Dimension("Tracking numbers", _tracking, _tracking_measure),
        "confirmation_lateness": Dimension(
            "Confirmation against the ship-by deadline", _confirmation_lateness, _lateness_measure
        ),
        "delivery_lateness": Dimension("Delivery against the promise", _delivery_lateness, _delivery_measure),
        "defect": Dimension("Defects", _defects, _defect_measure),
        "feedback_rating": Dimension("Negative feedback ratings", _feedback_ratings),
    }
)


def dimension(name: str) -> Dimension:
    """The dimension a spec names; an unknown name is a programming error in the spec, said plainly."""
    found = DIMENSIONS.get(name)
    if found is None:
        raise KeyError(f"plan cause {name!r} is not one of {', '.join(DIMENSIONS)} (healthcheck/plan/causes.py)")
    return found
