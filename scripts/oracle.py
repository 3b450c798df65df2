"""A plain-Python reading of SPEC 4 (revision 2) over the files `make_samples.py` writes: the test oracle.

It shares no code with the tool: it reads the tab files with `str.split`, one dict per row, and counts each metric
the way the SPEC words it, loop by loop. `tests/test_oracle.py` compares it with `run_audit` on random accounts
and several as-of days; `make_samples.py` prints it for the demo account. It knows only what the generator writes
(US, one All Orders layout, the tool's own claims/cancellations/messages files), not every shape the tool reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays

TZ = ZoneInfo("America/Los_Angeles")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
INTEGRATED = ("USPS", "UPS", "FedEx")  # the carriers the generator writes, besides `Other`
COUNTING = ("granted-seller-funded", "refunded-by-seller", "cancelled-after-claim", "open", "under-investigation")
NOT_COUNTING = ("denied", "withdrawn", "granted-amazon-funded")


@dataclass
class Rate:
    """numerator / denominator with the metric's direction and thresholds."""

    num: int
    den: int
    target: float
    at_risk: float
    lower_is_better: bool = True

    @property
    def rate(self) -> float:
        """The fraction (0 for an empty population)."""
        return self.num / self.den if self.den else 0.0

    @property
    def status(self) -> str:
        """ok / at_risk / breach (SPEC 4)."""
        r = self.rate
        if self.lower_is_better:
            return "breach" if r >= self.target else "at_risk" if r >= self.at_risk else "ok"
        return "breach" if r < self.target else "at_risk" if r < self.at_risk else "ok"


@dataclass
class Order:
    """An order as the merged All Orders downloads, the order report and the logs show it."""

    day: date
    mfn: bool
    amazon: bool
    order_status: str
    items: list[str] = field(default_factory=list)  # item statuses
    priced: bool = False
    deadline: datetime | None = None
    promise: datetime | None = None
    in_report: bool = False
    quantity_shipped: int = 0


def read_tsv(path: Path, skip: int = 0) -> list[dict[str, str]]:
    """Read back a written file as dicts (short rows padded)."""
    lines = path.read_text(encoding="utf-8").split("\n")[skip:]
    header = lines[0].split("\t")
    out = []
    for line in lines[1:]:
        if line:
            fields = line.split("\t")
            out.append(dict(zip(header, fields + [""] * (len(header) - len(fields)), strict=True)))
    return out


def parse(ts: str) -> datetime:
    """An ISO timestamp with offset."""
    return datetime.fromisoformat(ts)


def local_day(instant: datetime) -> date:
    return instant.astimezone(TZ).date()


def end_of_day(day: date) -> datetime:
    """The last microsecond of `day`, local."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=TZ) - timedelta(microseconds=1)


def window(end: date, days: int) -> tuple[date, date]:
    return end - timedelta(days=days - 1), end


def inside(day: date, win: tuple[date, date]) -> bool:
    return win[0] <= day <= win[1]


def business_day_after(day: date, n: int) -> date:
    """The n-th weekday after `day` that is no US national holiday."""
    found = 0
    calendar = holidays.country_holidays("US", years=range(day.year - 1, day.year + 2))
    while found < n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in calendar:
            found += 1
    return day


def _orders(out: Path) -> dict[str, Order]:
    merged: dict[tuple[str, str], dict[str, str]] = {}
    for path in sorted(out.glob("all_orders*.txt")):
        for row in read_tsv(path):
            key = (row["amazon-order-id"], row["sku"])
            if key not in merged or parse(row["last-updated-date"]) > parse(merged[key]["last-updated-date"]):
                merged[key] = row
    orders: dict[str, Order] = {}
    for (oid, _), row in merged.items():
        order = orders.setdefault(
            oid,
            Order(
                local_day(parse(row["purchase-date"])),
                row["fulfillment-channel"] == "Merchant",
                row["sales-channel"] != "Non-Amazon",
                row["order-status"],
            ),
        )
        order.items.append(row["item-status"])
        order.priced |= bool(row["item-price"].strip() or row["currency"].strip())
    for r in read_tsv(out / "order_report.txt"):
        order = orders[r["order-id"]]
        order.in_report = True
        order.quantity_shipped += int(r["quantity-shipped"] or 0)
        deadline, promise = parse(r["latest-ship-date"]), parse(r["latest-delivery-date"])
        order.deadline = max(order.deadline or deadline, deadline)
        order.promise = max(order.promise or promise, promise)
    return orders


def audit(out: Path, as_of: date, known_by: date | None = None) -> dict[str, Rate]:
    """Recompute every targeted SPEC 4 metric from the files in `out`, as of the end of `as_of`, with what was known
    by the end of `known_by` (SPEC 1.5: as-of itself; Amazon's own report, a day behind, knows one day more)."""
    cutoff = end_of_day(as_of)
    known = known_by or as_of
    seen = end_of_day(known)
    orders = _orders(out)
    amazon_mfn = {oid: o for oid, o in orders.items() if o.mfn and o.amazon}
    amazon_afn = {oid: o for oid, o in orders.items() if not o.mfn and o.amazon}

    # SPEC 1.5: only what was known at the end of as-of.
    log = [
        r
        for r in read_tsv(out / "cancellations.txt")
        if not r["cancel-date"] or date.fromisoformat(r["cancel-date"]) <= known
    ]
    every_confirmation = read_tsv(out / "ship_confirmations.txt", skip=2)
    confirmations = [r for r in every_confirmation if parse(r["confirmed-at"]) <= seen]
    # An order confirmed only after as-of was unconfirmed then, whatever a later download's status says.
    confirmed_later = {r["order-id"] for r in every_confirmation} - {r["order-id"] for r in confirmations}
    feedback = [r for r in read_tsv(out / "feedback.txt") if datetime.strptime(r["Date"], "%m/%d/%y").date() <= known]
    claims = [r for r in read_tsv(out / "claims.txt") if date.fromisoformat(r["claim-date"]) <= known]
    returns = [r for r in read_tsv(out / "mfn_returns.txt") if _dd_mon_yyyy(r["Return request date"]) <= known]
    messages = [r for r in read_tsv(out / "messages.txt") if local_day(parse(r["received-at"])) <= known]

    logged = {r["order-id"] for r in log}
    buyer_requested = _flagged(out)
    buyer_requested |= {
        r["order-id"] for r in log if r["is-buyer-requested-cancellation"] == "true" or r["cancelled-by"] == "buyer"
    }
    by_seller = {r["order-id"] for r in log if r["cancelled-by"] == "seller"}
    confirmed: dict[str, datetime] = {}
    for r in confirmations:
        t = parse(r["confirmed-at"])
        confirmed[r["order-id"]] = min(confirmed.get(r["order-id"], t), t)

    def cancelled(oid: str, o: Order) -> bool:
        return o.order_status == "Cancelled" or "Cancelled" in o.items or oid in logged

    def shipped(oid: str, o: Order) -> bool:
        if oid in confirmed_later:
            return False
        said = o.order_status.startswith("Shipped") or o.order_status in ("PartiallyShipped", "Shipping")
        return said or o.quantity_shipped > 0

    def fully_cancelled(oid: str, o: Order) -> bool:
        return o.order_status == "Cancelled" or all(s == "Cancelled" for s in o.items)

    def expired(oid: str, o: Order) -> bool:
        if fully_cancelled(oid, o) or oid in confirmed or shipped(oid, o) or o.deadline is None:
            return False
        return business_day_after(local_day(o.deadline), 7) <= as_of

    def pending(oid: str, o: Order) -> bool:
        return o.order_status == "Cancelled" and not o.priced and not o.in_report and oid not in by_seller

    result: dict[str, Rate] = {}
    cr_win = window(as_of, 7)
    pop = [oid for oid, o in amazon_mfn.items() if inside(o.day, cr_win) and not pending(oid, o)]
    num = [
        oid
        for oid in pop
        if (cancelled(oid, amazon_mfn[oid]) or expired(oid, amazon_mfn[oid])) and oid not in buyer_requested
    ]
    result["cancellation_rate"] = Rate(len(num), len(pop), 0.025, 0.02)

    for days in (10, 30):
        win = window(as_of, days)
        counted, late = 0, 0
        for oid, o in amazon_mfn.items():
            fully = o.order_status == "Cancelled" or all(s == "Cancelled" for s in o.items)
            if fully or o.deadline is None or not inside(local_day(o.deadline), win):
                continue
            if oid in confirmed:
                counted += 1
                late += confirmed[oid] > o.deadline
            elif not shipped(oid, o) and local_day(o.deadline) < as_of:
                counted += 1
                late += 1
        result[f"late_shipment_rate_{days}d"] = Rate(late, counted, 0.04, 0.032)

    packages: dict[tuple[str, str], tuple[datetime, bool]] = {}
    for r in confirmations:
        key, t = (r["order-id"], r["tracking-number"]), parse(r["confirmed-at"])
        valid = bool(r["tracking-number"]) and r["carrier-code"] in INTEGRATED
        if key not in packages or t < packages[key][0]:
            packages[key] = (t, valid)
    vtr_win = window(as_of, 30)
    in_vtr = [v for t, v in packages.values() if inside(local_day(t), vtr_win)]
    result["valid_tracking_rate"] = Rate(sum(in_vtr), len(in_vtr), 0.95, 0.96, lower_is_better=False)

    defective = {r["Order ID"] for r in feedback if int(r["Rating"]) <= 2}
    a_to_z = set()
    for r in claims:
        status = r["status"]
        counts = status in COUNTING or status not in NOT_COUNTING
        fraud = r["claim-type"] == "chargeback" and r["reason"] == "fraud"
        if counts and not fraud:
            defective.add(r["order-id"])
        if r["claim-type"] == "a-to-z":
            a_to_z.add(r["order-id"])
    # A return's claim of unknown status yields to the claims file's own row for the same order.
    defective |= {r["Order ID"] for r in returns if r["A-to-Z Claim"] == "Y" and r["Order ID"] not in a_to_z}
    odr_win = window(as_of - timedelta(days=14), 60)
    for name, group in (("order_defect_rate_mfn", amazon_mfn), ("order_defect_rate_afn", amazon_afn)):
        pop = [oid for oid, o in group.items() if inside(o.day, odr_win)]
        result[name] = Rate(len([oid for oid in pop if oid in defective]), len(pop), 0.01, 0.008)

    otdr_win = window(as_of - timedelta(days=7), 14)
    units = on_time = 0
    for r in confirmations:
        promised = orders[r["order-id"]].promise if r["order-id"] in orders else None
        if not r["tracking-number"] or not r["delivered-at"] or promised is None:
            continue
        if inside(local_day(promised), otdr_win):
            quantity = int(r["quantity"] or 1)
            units += quantity
            on_time += quantity if parse(r["delivered-at"]) <= promised else 0
    result["on_time_delivery_rate"] = Rate(on_time, units, 0.90, 0.92, lower_is_better=False)

    msg_win = window(as_of, 30)
    answered = total = 0
    for r in messages:
        received = parse(r["received-at"])
        if r["no-response-needed"] == "true" or not inside(local_day(received), msg_win):
            continue
        responded = parse(r["responded-at"]) if r["responded-at"] else None
        if responded is not None and responded > seen:
            responded = None  # answered after what is known: unanswered then
        if responded is None and received + timedelta(hours=24) >= cutoff:
            continue  # its 24 hours are not over at the end of as-of: pending
        total += 1
        answered += responded is not None and responded - received <= timedelta(hours=24)
    result["response_time_24h"] = Rate(answered, total, 0.90, 0.92, lower_is_better=False)

    overdue = [
        oid
        for oid, o in amazon_mfn.items()
        if oid not in confirmed and not shipped(oid, o) and not fully_cancelled(oid, o) and not expired(oid, o)
        and oid not in buyer_requested and o.deadline is not None and local_day(o.deadline) < as_of
    ]  # fmt: skip
    result["_ship_overdue"] = Rate(len(overdue), 0, 0, 0)
    return result


def _flagged(out: Path) -> set[str]:
    return {r["order-id"] for r in read_tsv(out / "order_report.txt") if r["is-buyer-requested-cancellation"] == "true"}


def _dd_mon_yyyy(text: str) -> date:
    day, month, year = text.strip().split("-")
    return date(int(year), MONTHS.index(month) + 1, int(day))


def per_day(values: dict[str, Rate]) -> dict[str, tuple[int, int]]:
    """(numerator, denominator) per metric id, the shape the tests compare."""
    return {key: (r.num, r.den) for key, r in values.items() if not key.startswith("_")}
