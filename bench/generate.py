"""Generate a large synthetic seller account for `make bench`: every report kind healthcheck reads for the metrics.

Usage::

    python bench/generate.py OUT_DIR --orders 1000000 [--seed 7]

Everything is synthetic (no real buyer, order or seller). It is built with numpy and pyarrow, column by column,
so a million orders take seconds, not minutes: no Python loop ever runs per row.

The account: ORDERS orders over SPAN_DAYS days ending on AS_OF (US marketplace, America/Los_Angeles), about 1.3
items per order, 55 % seller-fulfilled (MFN) and 45 % FBA, a few percent cancelled (whole orders and single
items, some at the buyer's request through Amazon, some only in the seller's own log), late, unconfirmed past
due, shipped without a confirmation, untracked or with a carrier Amazon does not integrate with, and with
negative feedback and claims. Every MFN order has order-report rows carrying `latest-ship-date`, so the DuckDB
baseline needs no business-day calendar. Files written (tab-separated, UTF-8, LF):

    all_orders.txt           All Orders, the 32-column header of shared/formats/all_orders_us_fba_2020.tsv
    order_report.txt         order report (MFN items): latest-ship-date, latest-delivery-date, buyer-requested flag
    ship_confirmations.txt   order-id order-item-id quantity ship-date carrier-code carrier-name tracking-number
                             confirmed-at delivered-at
    fba_shipments.txt        Amazon Fulfilled Shipments (49 columns)
    feedback.txt             Date Rating Comments Your Response Order ID Rater Email, M/D/YY dates
    claims.txt               order-id claim-type status claim-date
    cancellations.txt        order-id sku cancel-date cancel-reason is-buyer-requested-cancellation cancelled-by
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import holidays
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Bump when the generated data changes, so a cached account is regenerated.
GENERATOR_VERSION = 4
TZ = "America/Los_Angeles"
AS_OF = dt.date(2026, 11, 20)
SPAN_DAYS = 100
FIRST_DAY = AS_OF - dt.timedelta(days=SPAN_DAYS - 1)
HOUR = 3600
DAY = 86400

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def _columns(header: str) -> list[str]:
    """A report's header, written as Amazon's documentation lists it (space-separated)."""
    return header.split()


ALL_ORDERS_HEADER = _columns(
    "amazon-order-id merchant-order-id purchase-date last-updated-date order-status fulfillment-channel "
    "sales-channel order-channel url ship-service-level product-name sku asin item-status quantity currency "
    "item-price item-tax shipping-price shipping-tax gift-wrap-price gift-wrap-tax item-promotion-discount "
    "ship-promotion-discount ship-city ship-state ship-postal-code ship-country promotion-ids is-business-order "
    "purchase-order-number price-designation"
)
ORDER_REPORT_HEADER = _columns(
    "order-id order-item-id purchase-date payments-date buyer-email buyer-name buyer-phone-number sku "
    "product-name quantity-purchased quantity-shipped currency item-price ship-service-level recipient-name "
    "ship-address-1 ship-city ship-state ship-postal-code ship-country earliest-ship-date latest-ship-date "
    "earliest-delivery-date latest-delivery-date is-buyer-requested-cancellation buyer-requested-cancel-reason "
    "sales-channel is-prime"
)
CONFIRMATIONS_HEADER = _columns(
    "order-id order-item-id quantity ship-date carrier-code carrier-name tracking-number confirmed-at delivered-at"
)
FBA_HEADER = _columns(
    "amazon-order-id merchant-order-id shipment-id shipment-item-id amazon-order-item-id merchant-order-item-id "
    "purchase-date payments-date shipment-date reporting-date buyer-email buyer-name buyer-phone-number sku "
    "product-name quantity-shipped currency item-price item-tax shipping-price shipping-tax gift-wrap-price "
    "gift-wrap-tax ship-service-level recipient-name ship-address-1 ship-address-2 ship-address-3 ship-city "
    "ship-state ship-postal-code ship-country ship-phone-number bill-address-1 bill-address-2 bill-address-3 "
    "bill-city bill-state bill-postal-code bill-country item-promotion-discount ship-promotion-discount carrier "
    "tracking-number estimated-arrival-date fulfillment-center-id fulfillment-channel sales-channel points-granted"
)
FEEDBACK_HEADER = ["Date", "Rating", "Comments", "Your Response", "Order ID", "Rater Email"]
CLAIMS_HEADER = ["order-id", "claim-type", "status", "claim-date"]
CANCELLATIONS_HEADER = [
    "order-id",
    "sku",
    "cancel-date",
    "cancel-reason",
    "is-buyer-requested-cancellation",
    "cancelled-by",
]

# The catalogue: names are built from these parts, as a home-goods seller's listings read.
BRANDS = ("Trendy Home", "Acme Home", "Northwood", "Casa Bella", "Urban Nest", "Pinecrest", "Lumen & Co", "Oakline")
PRODUCTS = (
    ('Premium Hypoallergenic Throw Pillow Insert {w}" x {h}"', "PILLOW", (12, 26)),
    ('Blackout Curtains {w}" x {h}", 2 Panels', "CURT", (42, 96)),
    ("Washable Area Rug {w}' x {h}'", "RUG", (2, 10)),
    ('Floating Wall Shelves {w}", Set of 3', "SHELF", (12, 48)),
    ('Round Wall Mirror {w}"', "MIRROR", (16, 40)),
    ('Coir Doormat "Welcome", {w}" x {h}"', "DOORMAT", (18, 36)),
    ('Ceramic Planter {w}" with Drainage Hole', "PLANTER", (4, 14)),
    ("Cotton Bath Towels, {w}-Piece", "TOWEL", (2, 8)),
    ('Seagrass Storage Basket, {w}" x {h}"', "BASKET", (10, 20)),
    ('Chunky Knit Throw Blanket {w}" x {h}"', "THROW", (40, 80)),
    ("Stoneware Mugs, Set of {w}, 14 oz", "MUG", (2, 8)),
    ('Silent Wall Clock {w}", Battery Operated', "CLOCK", (8, 16)),
    ("LED Desk Lamp with USB Port, {w}W", "LAMP", (5, 15)),
    ("Soy Candles, {w} x 8 oz, Scented", "CANDLE", (2, 6)),
    ("Bamboo Drawer Organizers, {w}-Piece", "ORG", (4, 12)),
    ('Engraved Walnut Cutting Board {w}" x {h}"', "BOARD", (10, 20)),
)
COLORS = ("White", "Black", "Grey", "Navy", "Cream", "Sage Green", "Terracotta", "Natural", "Charcoal", "Blush")
CITIES = (
    ("Salt Lake City", "UT", "84105"),
    ("NEW ORLEANS", "LA", "70115"),
    ("Baltimore", "MD", "21218"),
    ("Chicago", "IL", "60614"),
    ("MEMPHIS", "TN", "38117-3311"),
    ("GRAND PRAIRIE", "TX", "75050-7893"),
    ("Las Vegas", "NV", "89104"),
    ("Tampa", "FL", "33606"),
    ("Portland", "OR", "97214"),
    ("Brooklyn", "NY", "11215"),
    ("Denver", "CO", "80205"),
    ("Seattle", "WA", "98103"),
)
FIRST_NAMES = ("Marcus", "Priya", "Jordan", "Elena", "Mei", "Connor", "Aisha", "Lucas", "Sofia", "Grace", "José")
LAST_NAMES = ("Okafor", "Nguyen", "Kowalski", "Martínez", "O'Connor", "Patel", "Lindqvist", "Haddad", "Fischer")
STREETS = ("Oak St", "Juniper Trl", "Meadowlark Dr", "Maple Ave", "Cedar Ln", "Harbor Rd")
SERVICE_LEVELS = ("Standard", "Expedited", "SecondDay", "NextDay")
FULFILMENT_CENTERS = ("PHX6", "ONT8", "BFI4", "MDW2", "TPA1", "JFK8")
# Carriers on MFN packages: (code, name, share). An empty code with a name is matched on the name.
CARRIERS = (
    ("USPS", "USPS", 0.42),
    ("UPS", "UPS", 0.22),
    ("FedEx", "FedEx", 0.14),
    ("Amazon Shipping", "Amazon Shipping", 0.06),
    ("DHL eCommerce", "DHL eCommerce", 0.04),
    ("OnTrac", "OnTrac", 0.03),
    ("", "United States Postal Service", 0.04),
    ("", "Federal Express", 0.02),
    ("Other", "Speedy Local Courier", 0.02),
    ("", "", 0.01),
)
CANCEL_REASONS = ("OutOfStock", "PricingError", "BuyerCanceled", "ShippingAddressUndeliverable")
CLAIM_STATUSES = (
    ("open", 0.15),
    ("under-investigation", 0.10),
    ("granted-seller-funded", 0.20),
    ("refunded-by-seller", 0.10),
    ("denied", 0.25),
    ("withdrawn", 0.10),
    ("granted-amazon-funded", 0.10),
)
COMMENTS = {
    1: ("Never arrived and the seller did not respond.", "Item was broken, cheap material.", "Shipped very late."),
    2: ("Arrived late, package damaged.", "Not as described, smaller than expected.", "Wrong item sent."),
    3: ("OK product, slow shipping.", "Does the job."),
    4: ("Good quality, arrived on time.", "Nice, as pictured."),
    5: ("Perfect gift, thank you!", "Great seller, fast shipping.", "Exactly as described, would buy again."),
}


def _local_midnight_utc(days: IntArray) -> IntArray:
    """UTC epoch seconds of local midnight starting each local day (days since 1970-01-01)."""
    naive = pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[s]"))
    local = naive.tz_localize(TZ, ambiguous=np.ones(len(days), dtype=bool), nonexistent="shift_forward")
    return np.asarray(local.as_unit("s").asi8, dtype=np.int64)


def _localize(naive_seconds: IntArray) -> IntArray:
    """UTC epoch seconds of local wall-clock times (seconds since 1970-01-01 local)."""
    naive = pd.DatetimeIndex(naive_seconds.astype("datetime64[s]"))
    local = naive.tz_localize(TZ, ambiguous=np.ones(len(naive_seconds), dtype=bool), nonexistent="shift_forward")
    return np.asarray(local.as_unit("s").asi8, dtype=np.int64)


def _local_day(utc_seconds: IntArray) -> IntArray:
    """Local calendar day (days since 1970-01-01) of UTC epoch seconds."""
    utc = pd.DatetimeIndex(utc_seconds.astype("datetime64[s]")).tz_localize("UTC")
    naive = utc.tz_convert(TZ).tz_localize(None)
    return np.asarray(naive.as_unit("s").asi8 // DAY, dtype=np.int64)


def _end_of_local_day(days: IntArray) -> IntArray:
    """23:59:59 local on each day, as UTC epoch seconds (how Amazon writes a ship-by deadline)."""
    return _local_midnight_utc(days + 1) - 1


def _day_number(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def iso_utc(seconds: IntArray, blank: BoolArray | None = None) -> pa.Array:
    """`2026-11-20T18:02:11+00:00`, as Amazon's reports write instants; empty where `blank`."""
    text = pa.array(np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s"))
    out = pc.binary_join_element_wise(text, pa.scalar("+00:00"), "")
    return _blank(out, blank)


def iso_date(days: IntArray, blank: BoolArray | None = None) -> pa.Array:
    """`2026-11-20`: a calendar date."""
    return _blank(pa.array(np.datetime_as_string(days.astype("datetime64[D]"), unit="D")), blank)


def us_short_date(days: IntArray) -> pa.Array:
    """Feedback Manager's US format M/D/YY."""
    stamp = pd.DatetimeIndex(days.astype("datetime64[D]"))
    parts = [
        _text(np.asarray(stamp.month)),
        _text(np.asarray(stamp.day)),
        pc.utf8_lpad(_text(np.asarray(stamp.year) % 100), width=2, padding="0"),
    ]
    return pc.binary_join_element_wise(*parts, "/")


def _text(values: npt.NDArray[np.integer] | npt.NDArray[np.floating]) -> pa.Array:
    return pa.array(values).cast(pa.string())


def money(cents: IntArray) -> pa.Array:
    """Two-decimal amounts from integer cents."""
    whole = _text(cents // 100)
    frac = pc.utf8_lpad(_text(cents % 100), width=2, padding="0")
    return pc.binary_join_element_wise(whole, frac, ".")


def digits(rng: np.random.Generator, n: int, width: int) -> pa.Array:
    """Random digit strings of a fixed width (ids and tracking numbers)."""
    parts = []
    left = width
    while left > 0:
        take = min(left, 15)
        parts.append(pc.utf8_lpad(_text(rng.integers(0, 10**take, n, dtype=np.int64)), width=take, padding="0"))
        left -= take
    return pc.binary_join_element_wise(*parts, "") if len(parts) > 1 else parts[0]


def pick(options: Sequence[str], index: npt.NDArray[np.integer]) -> pa.Array:
    """options[index], as an arrow string array."""
    return pa.array(np.asarray(options, dtype=object)[index], type=pa.string())


def _blank(values: pa.Array, blank: BoolArray | None) -> pa.Array:
    if blank is None:
        return values
    return pc.if_else(pa.array(blank), pa.scalar(""), values)


def const(value: str, n: int) -> pa.Array:
    return pa.array(np.full(n, value, dtype=object), type=pa.string())


def write_tsv(path: Path, header: Sequence[str], columns: dict[str, pa.Array | str], rows: int) -> None:
    """Join columns with tabs in arrow (C++) and write the joined bytes in chunks: no per-row Python."""
    arrays: list[pa.Array] = []
    for name in header:
        value = columns.get(name, "")
        arrays.append(const(value, rows) if isinstance(value, str) else value)
        if len(arrays[-1]) != rows:
            raise ValueError(f"{path.name}: column {name} has {len(arrays[-1])} rows, expected {rows}")
    with path.open("wb") as out:
        out.write(("\t".join(header) + "\n").encode("utf-8"))
        step = 250_000
        for start in range(0, rows, step):
            chunk = [a.slice(start, step) for a in arrays]
            lines = pc.binary_join_element_wise(*chunk, "\t")
            lines = pc.binary_join_element_wise(lines, pa.scalar("\n"), "").cast(pa.large_string())
            pieces = lines.chunks if isinstance(lines, pa.ChunkedArray) else [lines]
            for piece in pieces:
                _, offsets, data = piece.buffers()
                bounds = np.frombuffer(offsets, dtype=np.int64)[piece.offset : piece.offset + len(piece) + 1]
                out.write(memoryview(data)[int(bounds[0]) : int(bounds[-1])])


def catalogue(rng: np.random.Generator, size: int) -> pd.DataFrame:
    """SKU, ASIN, product name and price of each listing; popularity falls off like a real catalogue's."""
    kind = rng.integers(0, len(PRODUCTS), size)
    rows = []
    for i in range(size):
        template, code, (low, high) = PRODUCTS[int(kind[i])]
        w = int(rng.integers(low, high + 1))
        h = int(rng.integers(low, high + 1))
        color = COLORS[int(rng.integers(0, len(COLORS)))]
        brand = BRANDS[int(rng.integers(0, len(BRANDS)))]
        name = f"{brand} {template.format(w=w, h=h)}, {color}"
        sku = f"{code}-{w}X{h}-{color[:3].upper()}-{i:04d}"
        asin = "B0" + "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"), 8))
        rows.append((sku, asin, name, int(rng.integers(899, 12999))))
    frame = pd.DataFrame(rows, columns=["sku", "asin", "name", "cents"])
    frame["handling"] = rng.choice(np.array([1, 2, 3]), size, p=[0.15, 0.7, 0.15])
    weight = 1.0 / (np.arange(size) + 8.0)
    frame["weight"] = weight / weight.sum()
    return frame


def unique_order_ids(rng: np.random.Generator, n: int) -> pa.Array:
    """Amazon order ids `ddd-ddddddd-ddddddd`, all distinct."""
    numbers = np.unique(rng.integers(0, 10**14, int(n * 1.02) + 16, dtype=np.int64))
    while len(numbers) < n:
        numbers = np.unique(np.concatenate([numbers, rng.integers(0, 10**14, n, dtype=np.int64)]))
    numbers = rng.permutation(numbers)[:n]
    prefix = rng.choice(np.array([111, 112, 113, 114]), n)
    head = _text(prefix)
    mid = pc.utf8_lpad(_text(numbers // 10**7), width=7, padding="0")
    tail = pc.utf8_lpad(_text(numbers % 10**7), width=7, padding="0")
    return pc.binary_join_element_wise(head, mid, tail, "-")


def generate(out: Path, orders: int, seed: int) -> dict[str, int]:
    """Write every report of an account of `orders` orders into `out`; returns the row count of each file."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    n = orders
    first_day = _day_number(FIRST_DAY)
    as_of_day = _day_number(AS_OF)
    now = _local_midnight_utc(np.array([as_of_day], dtype=np.int64))[0] + 23 * HOUR + 20 * 60  # download time

    # --- orders -------------------------------------------------------------------------------------------
    hour_weight = np.array([1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 7, 7, 6, 6, 6, 7, 8, 9, 9, 8, 5, 3], dtype=float)
    day = rng.integers(0, SPAN_DAYS, n)
    second = rng.choice(24, n, p=hour_weight / hour_weight.sum()) * HOUR + rng.integers(0, HOUR, n)
    purchase = np.sort(_localize((first_day + day) * DAY + second))
    purchase_day = _local_day(purchase)
    order_id = unique_order_ids(rng, n)
    mfn = rng.random(n) < 0.55
    mcf = ~mfn & (rng.random(n) < 0.01)  # Multi-Channel Fulfillment: not an Amazon order
    items_per_order = rng.choice(np.array([1, 2, 3, 4]), n, p=[0.76, 0.18, 0.05, 0.01])

    # MFN outcomes (fractions of MFN orders).
    r = rng.random(n)
    cancel_whole = mfn & (r < 0.025)
    cancel_one = mfn & (items_per_order > 1) & (r >= 0.025) & (r < 0.032)
    never_confirmed = mfn & (r >= 0.032) & (r < 0.038)
    shipped_unconfirmed = mfn & (r >= 0.038) & (r < 0.041)
    late = mfn & (r >= 0.041) & (r < 0.083)
    buyer_flag = (cancel_whole | cancel_one) & (rng.random(n) < 0.35)
    afn_cancelled = ~mfn & (rng.random(n) < 0.01)

    # --- items ----------------------------------------------------------------------------------------------
    cat = catalogue(rng, 1500)
    total = int(items_per_order.sum())
    of = np.repeat(np.arange(n), items_per_order)
    starts = np.cumsum(items_per_order) - items_per_order
    pos = np.arange(total) - np.repeat(starts, items_per_order)
    base = rng.choice(len(cat), n, p=cat["weight"].to_numpy())
    stride = rng.integers(1, len(cat) // 4, n)
    sku_index = (base[of] + pos * stride[of]) % len(cat)  # distinct SKUs within an order

    # Amazon's ship-by date: the SKU's handling time (the order's largest) in business days after the purchase
    # date, skipping weekends and US holidays, as Seller Central computes it.
    handling = np.zeros(n, dtype=np.int64)
    np.maximum.at(handling, of, cat["handling"].to_numpy()[sku_index])
    years = [AS_OF.year - 1, AS_OF.year, AS_OF.year + 1]
    closed = np.array(sorted(holidays.country_holidays("US", years=years)), dtype="datetime64[D]")
    ship_by = np.busday_offset(purchase_day.astype("datetime64[D]"), handling, roll="backward", holidays=closed)
    ship_by_day = ship_by.astype(np.int64)
    deadline = _end_of_local_day(ship_by_day)
    window = np.maximum(deadline - purchase - HOUR, 600)
    confirm = np.where(
        late,
        deadline + rng.integers(HOUR, 72 * HOUR, n),
        purchase + 600 + (rng.random(n) * window).astype(np.int64),
    )
    confirmed = mfn & ~cancel_whole & ~never_confirmed & ~shipped_unconfirmed & (confirm <= now)
    afn_ship = purchase + rng.integers(4 * HOUR, 40 * HOUR, n)
    afn_shipped = ~mfn & ~afn_cancelled & (afn_ship <= now)
    shipped_status = confirmed | shipped_unconfirmed | afn_shipped
    promised_day = ship_by_day + rng.integers(3, 6, n)

    quantity = rng.choice(np.array([1, 2, 3]), total, p=[0.87, 0.10, 0.03])
    item_cancelled = cancel_whole[of] | afn_cancelled[of] | (cancel_one[of] & (pos == items_per_order[of] - 1))
    item_id = digits(rng, total, 14)
    cents = cat["cents"].to_numpy()[sku_index] * quantity
    sku = pick(cat["sku"].tolist(), sku_index)
    product = pick(cat["name"].tolist(), sku_index)
    asin = pick(cat["asin"].tolist(), sku_index)
    city = rng.integers(0, len(CITIES), n)[of]
    item_order_id = order_id.take(pa.array(of))
    counts: dict[str, int] = {}

    # --- All Orders -----------------------------------------------------------------------------------------
    unshipped_status = np.where(rng.random(n) < 0.2, "Pending", "Unshipped")
    order_status = np.where(
        cancel_whole | afn_cancelled, "Cancelled", np.where(shipped_status, "Shipped", unshipped_status)
    )
    item_status = np.where(item_cancelled, "Cancelled", np.where(shipped_status[of], "Shipped", "Unshipped"))
    last_updated = np.maximum(np.where(mfn, confirm, afn_ship), purchase) + rng.integers(30, 3 * HOUR, n)
    last_updated = np.minimum(last_updated, now)
    write_tsv(
        out / "all_orders.txt",
        ALL_ORDERS_HEADER,
        {
            "amazon-order-id": item_order_id,
            "merchant-order-id": _blank(item_order_id, ~mfn[of]),
            "purchase-date": iso_utc(purchase[of]),
            "last-updated-date": iso_utc(last_updated[of]),
            "order-status": pa.array(order_status[of]),
            "fulfillment-channel": pa.array(np.where(mfn, "Merchant", "Amazon")[of]),
            "sales-channel": pa.array(np.where(mcf, "Non-Amazon", "Amazon.com")[of]),
            "ship-service-level": pick(SERVICE_LEVELS, rng.integers(0, len(SERVICE_LEVELS), total)),
            "product-name": product,
            "sku": sku,
            "asin": asin,
            "item-status": pa.array(item_status),
            "quantity": _text(np.where(item_cancelled, 0, quantity)),
            "currency": "USD",
            "item-price": _blank(money(cents), item_cancelled),
            "item-tax": _blank(money(cents * 8 // 100), item_cancelled),
            "ship-city": pick([c[0] for c in CITIES], city),
            "ship-state": pick([c[1] for c in CITIES], city),
            "ship-postal-code": pick([c[2] for c in CITIES], city),
            "ship-country": "US",
            "is-business-order": pa.array(np.where(rng.random(total) < 0.03, "true", "false")),
        },
        total,
    )
    counts["all_orders"] = total

    # --- order report (MFN items) ---------------------------------------------------------------------------
    sel = mfn[of]
    rows = int(sel.sum())
    o = of[sel]
    buyer = rng.integers(0, len(FIRST_NAMES) * len(LAST_NAMES), n)
    names = [f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES]
    emails = [
        f"{f.lower()}.{last.lower().replace(chr(39), '')}@example.com" for f in FIRST_NAMES for last in LAST_NAMES
    ]
    item_shipped = confirmed[of] | shipped_unconfirmed[of]
    write_tsv(
        out / "order_report.txt",
        ORDER_REPORT_HEADER,
        {
            "order-id": item_order_id.filter(pa.array(sel)),
            "order-item-id": item_id.filter(pa.array(sel)),
            "purchase-date": iso_utc(purchase[o]),
            "payments-date": iso_utc(purchase[o] + 40),
            "buyer-email": pick(emails, buyer[o]),
            "buyer-name": pick(names, buyer[o]),
            "sku": sku.filter(pa.array(sel)),
            "product-name": product.filter(pa.array(sel)),
            "quantity-purchased": _text(quantity[sel]),
            "quantity-shipped": _text(np.where(item_shipped & ~item_cancelled, quantity, 0)[sel]),
            "currency": "USD",
            "item-price": money(cents[sel]),
            "ship-service-level": "Standard",
            "recipient-name": pick(names, buyer[o]),
            "ship-address-1": pick(STREETS, buyer[o] % len(STREETS)),
            "ship-city": pick([c[0] for c in CITIES], city[sel]),
            "ship-state": pick([c[1] for c in CITIES], city[sel]),
            "ship-postal-code": pick([c[2] for c in CITIES], city[sel]),
            "ship-country": "US",
            "earliest-ship-date": iso_utc(purchase[o]),
            "latest-ship-date": iso_utc(deadline[o]),
            "earliest-delivery-date": iso_utc(_local_midnight_utc(ship_by_day[o] + 2)),
            "latest-delivery-date": iso_utc(_end_of_local_day(promised_day[o])),
            "is-buyer-requested-cancellation": pa.array(np.where(buyer_flag[o], "true", "false")),
            "buyer-requested-cancel-reason": _blank(const("No longer needed", rows), ~buyer_flag[o]),
            "sales-channel": "Amazon.com",
            "is-prime": pa.array(np.where(rng.random(rows) < 0.4, "true", "false")),
        },
        rows,
    )
    counts["order_report"] = rows

    # --- ship confirmations ---------------------------------------------------------------------------------
    sel = confirmed[of] & ~item_cancelled
    o = of[sel]
    rows = int(sel.sum())
    split = (items_per_order[o] > 1) & (rng.random(n) < 0.1)[o]  # each item its own package
    carrier = rng.choice(len(CARRIERS), n, p=[c[2] for c in CARRIERS])[o]
    untracked = (rng.random(n) < 0.015)[o]
    package_conf = confirm[o] + np.where(split, pos[sel] * rng.integers(0, 6 * HOUR, rows), 0)
    prefix = np.array(["9400", "1Z", "", "TBA", "GM", "C", "9405", "", "SLC", "9400"], dtype=object)[carrier]
    tracking = pc.binary_join_element_wise(pa.array(prefix, type=pa.string()), digits(rng, n, 16).take(o), "")
    tracking = pc.if_else(pa.array(split), pc.binary_join_element_wise(tracking, _text(pos[sel]), ""), tracking)
    tracking = _blank(tracking, untracked)
    date_only = rng.random(rows) < 0.35
    no_confirmed_at = rng.random(rows) < 0.25
    conf_day = _local_day(package_conf)
    ship_date = pc.if_else(pa.array(date_only), iso_date(conf_day), iso_utc(package_conf))
    delivered = package_conf + rng.integers(20 * HOUR, 5 * DAY, rows)
    write_tsv(
        out / "ship_confirmations.txt",
        CONFIRMATIONS_HEADER,
        {
            "order-id": item_order_id.filter(pa.array(sel)),
            "order-item-id": item_id.filter(pa.array(sel)),
            "quantity": _text(quantity[sel]),
            "ship-date": ship_date,
            "carrier-code": pick([c[0] for c in CARRIERS], carrier),
            "carrier-name": pick([c[1] for c in CARRIERS], carrier),
            "tracking-number": tracking,
            "confirmed-at": iso_utc(package_conf, no_confirmed_at),
            "delivered-at": iso_utc(delivered, (delivered > now) | untracked),
        },
        rows,
    )
    counts["ship_confirmations"] = rows

    # --- Amazon Fulfilled Shipments -------------------------------------------------------------------------
    sel = afn_shipped[of]
    o = of[sel]
    rows = int(sel.sum())
    ship_at = afn_ship[o]
    fc = rng.integers(0, len(FULFILMENT_CENTERS), n)[o]
    write_tsv(
        out / "fba_shipments.txt",
        FBA_HEADER,
        {
            "amazon-order-id": item_order_id.filter(pa.array(sel)),
            "shipment-id": pc.binary_join_element_wise(const("D", rows), digits(rng, n, 8).take(o), ""),
            "shipment-item-id": pc.binary_join_element_wise(const("D", rows), digits(rng, rows, 9), ""),
            "amazon-order-item-id": item_id.filter(pa.array(sel)),
            "purchase-date": iso_utc(purchase[o]),
            "payments-date": iso_utc(purchase[o] + 30),
            "shipment-date": iso_utc(ship_at),
            "reporting-date": iso_utc(np.minimum(ship_at + 3 * HOUR, now)),
            "buyer-email": pick(emails, buyer[o]),
            "buyer-name": pick(names, buyer[o]),
            "sku": sku.filter(pa.array(sel)),
            "product-name": product.filter(pa.array(sel)),
            "quantity-shipped": _text(quantity[sel]),
            "currency": "USD",
            "item-price": money(cents[sel]),
            "item-tax": money(cents[sel] * 8 // 100),
            "shipping-price": "0.00",
            "shipping-tax": "0.00",
            "gift-wrap-price": "0.00",
            "gift-wrap-tax": "0.00",
            "ship-service-level": "Standard",
            "recipient-name": pick(names, buyer[o]),
            "ship-address-1": pick(STREETS, buyer[o] % len(STREETS)),
            "ship-city": pick([c[0] for c in CITIES], city[sel]),
            "ship-state": pick([c[1] for c in CITIES], city[sel]),
            "ship-postal-code": pick([c[2] for c in CITIES], city[sel]),
            "ship-country": "US",
            "item-promotion-discount": "0.00",
            "ship-promotion-discount": "0.00",
            "carrier": "AMZN_US",
            "tracking-number": pc.binary_join_element_wise(const("TBA", rows), digits(rng, n, 12).take(o), ""),
            "estimated-arrival-date": iso_utc(_end_of_local_day(_local_day(ship_at) + 3)),
            "fulfillment-center-id": pick(FULFILMENT_CENTERS, fc),
            "fulfillment-channel": "AFN",
            "sales-channel": pa.array(np.where(mcf, "Non-Amazon", "Amazon.com")[o]),
        },
        rows,
    )
    counts["fba_shipments"] = rows

    # --- feedback -------------------------------------------------------------------------------------------
    rated = np.flatnonzero(shipped_status & (rng.random(n) < 0.05))
    rating = rng.choice(np.array([1, 2, 3, 4, 5]), len(rated), p=[0.05, 0.04, 0.05, 0.14, 0.72])
    feedback_day = np.minimum(purchase_day[rated] + rng.integers(3, 30, len(rated)), as_of_day)
    comment_index = rng.integers(0, 3, len(rated))
    comments = np.array([COMMENTS[int(k)][int(i) % len(COMMENTS[int(k)])] for k in range(1, 6) for i in range(3)])
    responded = (rating <= 2) & (rng.random(len(rated)) < 0.5)
    rows = len(rated)
    write_tsv(
        out / "feedback.txt",
        FEEDBACK_HEADER,
        {
            "Date": us_short_date(feedback_day),
            "Rating": _text(rating),
            "Comments": pa.array(comments[(rating - 1) * 3 + comment_index]),
            "Your Response": _blank(
                const("We're sorry to hear this. Please contact us through Buyer-Seller Messaging.", rows), ~responded
            ),
            "Order ID": order_id.take(pa.array(rated)),
            "Rater Email": pick(emails, buyer[rated]),
        },
        rows,
    )
    counts["feedback"] = rows

    # --- claims ---------------------------------------------------------------------------------------------
    claimed = np.flatnonzero(~mcf & (rng.random(n) < 0.0025))
    rows = len(claimed)
    status = rng.choice(len(CLAIM_STATUSES), rows, p=[s[1] for s in CLAIM_STATUSES])
    write_tsv(
        out / "claims.txt",
        CLAIMS_HEADER,
        {
            "order-id": order_id.take(pa.array(claimed)),
            "claim-type": pa.array(np.where(rng.random(rows) < 0.85, "a-to-z", "chargeback")),
            "status": pick([s[0] for s in CLAIM_STATUSES], status),
            "claim-date": iso_date(np.minimum(purchase_day[claimed] + rng.integers(5, 40, rows), as_of_day)),
        },
        rows,
    )
    counts["claims"] = rows

    # --- the seller's cancellation log ----------------------------------------------------------------------
    # 70 % of cancelled MFN orders are logged; the Amazon-flagged buyer requests say so, some buyer cancellations
    # only carry the reason (appeal candidates), the rest are the seller's (stock, price, address).
    logged = np.flatnonzero((cancel_whole | cancel_one) & (rng.random(n) < 0.7))
    rows = len(logged)
    cancelled_item = starts[logged] + np.where(cancel_one[logged], items_per_order[logged] - 1, 0)
    flagged = buyer_flag[logged]
    reason = np.where(flagged, 2, rng.choice(np.array([0, 1, 2, 3]), rows, p=[0.6, 0.15, 0.2, 0.05]))
    by = np.where(flagged, "buyer", np.where(rng.random(rows) < 0.9, "seller", "amazon"))
    write_tsv(
        out / "cancellations.txt",
        CANCELLATIONS_HEADER,
        {
            "order-id": order_id.take(pa.array(logged)),
            "sku": sku.take(pa.array(cancelled_item)),
            "cancel-date": iso_date(np.minimum(purchase_day[logged] + rng.integers(0, 2, rows), as_of_day)),
            "cancel-reason": pick(CANCEL_REASONS, reason),
            "is-buyer-requested-cancellation": pa.array(np.where(flagged, "true", "false")),
            "cancelled-by": pa.array(by),
        },
        rows,
    )
    counts["cancellations"] = rows
    return counts


def ensure(out: Path, orders: int, seed: int = 7) -> tuple[Path, float]:
    """Generate the account into out/orders-N once; a stamp file keeps it cached across runs.

    Returns (folder, seconds spent generating: 0 when the cache was used).
    """
    folder = out / f"orders-{orders}"
    stamp = folder / ".generated.json"
    wanted = {"version": GENERATOR_VERSION, "orders": orders, "seed": seed}
    if stamp.exists():
        try:
            if {k: v for k, v in json.loads(stamp.read_text()).items() if k in wanted} == wanted:
                return folder, 0.0
        except ValueError:
            pass
    started = time.perf_counter()
    counts = generate(folder, orders, seed)
    elapsed = time.perf_counter() - started
    stamp.write_text(json.dumps({**wanted, "rows": counts, "seconds": round(elapsed, 1)}, indent=2) + "\n")
    return folder, elapsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path, help="cache folder; the account goes to OUT/orders-N")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    folder, seconds = ensure(args.out, args.orders, args.seed)
    print(f"{folder}: generated in {seconds:.1f} s" if seconds else f"{folder}: cached")
    return 0


if __name__ == "__main__":
    sys.exit(main())
