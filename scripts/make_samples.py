"""Generate the synthetic demo account "Acme Home Goods" in ``sample_reports/``.

Usage::

    python scripts/make_samples.py sample_reports      # or: make samples

Every buyer, address, order and number here is invented (no real buyer). The output is
deterministic (``random.Random(20261120)``), so regenerating gives byte-identical files.

The account is built so that an audit as of 2026-11-20 shows a cancellation-rate breach, a
10-day late-shipment rate at risk, and the other metrics ok. The script recomputes every
metric from the files it has written (following SPEC section 4) and prints the values.

Only the standard library and ``holidays`` are used, so the generator is easy to read.
"""

from __future__ import annotations

import json
import random
import sys
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from oracle import Rate, audit, read_tsv

# --------------------------------------------------------------------------------------------
# Calendar and the account's story
# --------------------------------------------------------------------------------------------

SEED = 20261120
TZ = ZoneInfo("America/Los_Angeles")
US_HOLIDAYS = holidays.country_holidays("US", years=[2026, 2027])

FIRST_DAY = date(2026, 8, 10)  # first purchase date in the data
AS_OF = date(2026, 11, 20)  # last purchase date: the audit's default as-of
DOWNLOAD_1 = datetime(2026, 10, 7, 0, 31, 12, tzinfo=UTC)  # 10-06 17:31 local: all_orders_1.txt
DOWNLOAD_2_FIRST_DAY = date(2026, 9, 29)  # all_orders_2.txt starts here (7+ days of overlap)
NOW = datetime(2026, 11, 21, 7, 20, 31, tzinfo=UTC)  # 23:20 local on 11-20: everything else
PRIME_DAYS = {date(2026, 10, 13), date(2026, 10, 14)}

DEFAULT_HANDLING_DAYS = 2
HANDLING_DAYS_BY_SKU = {"RUG-5X8-GRY": 3}
STALE_SKUS = ("CAND-SOY-3PK", "LAMP-DESK-LED-BLK")  # stock out of sync: seller cancellations
SLOW_SKU = "BOARD-ENGR-WAL"  # engraving: where late shipments concentrate

# Design targets (fractions), reached exactly by choosing how many orders get each outcome.
TARGET_CANCEL = 0.040
TARGET_LATE_10D = 0.036
TARGET_LATE_30D = 0.024
TARGET_INVALID_TRACKING = 0.025
TARGET_ODR_MFN = 0.006
TARGET_ODR_AFN = 0.003
TARGET_LATE_DELIVERY_UNITS = 0.06
TARGET_RESPONSE_24H = 0.935

US_MARKETPLACE_ID = "ATVPDKIKX0DER"
ID_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def window(end: date, days: int) -> tuple[date, date]:
    """The `days` local dates ending on `end`, both ends included (SPEC 2)."""
    return end - timedelta(days=days - 1), end


def in_window(day: date, win: tuple[date, date]) -> bool:
    """True when `day` lies in the window."""
    return win[0] <= day <= win[1]


def is_business_day(day: date) -> bool:
    """Monday to Friday and not a US national holiday."""
    return day.weekday() < 5 and day not in US_HOLIDAYS


def business_day_after(day: date, n: int) -> date:
    """The n-th business day strictly after `day`."""
    found = 0
    while found < n:
        day += timedelta(days=1)
        if is_business_day(day):
            found += 1
    return day


def local_time(day: date, hour: float) -> datetime:
    """The UTC instant of local wall-clock `hour` (fractional) on `day`, to the second."""
    hh, rest = divmod(round(hour * 3600), 3600)
    mm, ss = divmod(rest, 60)
    if hh >= 24:
        hh, mm, ss = 23, 59, 59
    return datetime.combine(day, time(hh, mm, ss), tzinfo=TZ).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """23:59:59 local on `day`, as UTC."""
    return local_time(day, 23 + 59 / 60 + 59 / 3600)


def local_day(instant: datetime) -> date:
    """The local calendar date of an instant."""
    return instant.astimezone(TZ).date()


def local_hour(instant: datetime) -> float:
    """The local wall-clock hour of an instant, fractional."""
    loc = instant.astimezone(TZ)
    return loc.hour + loc.minute / 60


def iso_utc(instant: datetime | None) -> str:
    """ISO 8601 in UTC with a +00:00 offset, as Amazon writes it; '' for None."""
    return instant.astimezone(UTC).isoformat(timespec="seconds") if instant else ""


def iso_local(instant: datetime | None) -> str:
    """ISO 8601 with the local offset (-07:00 / -08:00), as a shipping tool exports it."""
    return instant.astimezone(TZ).isoformat(timespec="seconds") if instant else ""


def us_short_date(day: date) -> str:
    """Feedback Manager's US date format M/D/YY."""
    return f"{day.month}/{day.day}/{day.year % 100:02d}"


def dd_mon_yyyy(day: date) -> str:
    """The returns report's DD-Mon-YYYY dates (locale-independent)."""
    return f"{day.day:02d}-{MONTHS[day.month - 1]}-{day.year}"


def money(amount: float) -> str:
    """Two-decimal amount."""
    return f"{amount:.2f}"


def pick_count(population: int, target: float) -> int:
    """How many of `population` to pick so the rate is closest to `target`."""
    return round(population * target)


# --------------------------------------------------------------------------------------------
# Catalogue and (fake) people
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Product:
    """One SKU of the catalogue."""

    sku: str
    asin: str
    name: str
    price: float
    channel: str  # "MFN" or "AFN"
    weight: float  # relative popularity


CATALOGUE = (
    Product("RUG-5X8-GRY", "B0C4RG58GY", "Washable Area Rug 5' x 8', Grey", 79.99, "MFN", 5),
    Product("BOARD-ENGR-WAL", "B0BW7ENGRV", 'Engraved Walnut Cutting Board 17" x 11"', 39.99, "MFN", 6),
    Product("CAND-SOY-3PK", "B09CSY3PKC", '"Cozy Cabin" Soy Candles, 3 x 8 oz, Cedar', 24.99, "MFN", 8),
    Product("LAMP-DESK-LED-BLK", "B0BLMPDK7B", "LED Desk Lamp, USB Port, Black", 32.99, "MFN", 7),
    Product("MIRROR-RND-24-GLD", "B0CMR24GLD", 'Round Wall Mirror 24", Gold', 64.99, "MFN", 4),
    Product("SHELF-FLT-24-3PK", "B0ASHF243P", 'Floating Shelves 24", Set of 3', 36.99, "MFN", 7),
    Product("CURT-BLK-84-NVY", "B0CRTB84NV", 'Blackout Curtains 52" x 84", Navy', 29.99, "MFN", 8),
    Product("DOORMAT-COIR-HELLO", "B08DMCHLLO", 'Coir Doormat "Hello", 30" x 17"', 21.99, "MFN", 9),
    Product("PLANTER-CER-6-2PK", "B0BPLC62PK", 'Ceramic Planters 6" & 8", Set of 2', 27.99, "MFN", 6),
    Product("CLOCK-WALL-12-BLK", "B07CLKW12B", 'Silent Wall Clock 12", Black', 19.99, "MFN", 7),
    Product("BASKET-SEA-L", "B09BSKSEAL", 'Seagrass Basket, 16" x 12"', 34.99, "MFN", 6),
    Product("THROW-KNIT-50X60", "B0CTHK5060", 'Chunky Knit Throw 50" x 60", Cream', 45.99, "MFN", 8),
    Product("PILLOW-INS-18-2PK", "B07K1PIL18", '18" x 18" Pillow Inserts (2-Pack)', 19.99, "AFN", 10),
    Product("TOWEL-BTH-6PK-WHT", "B08TWL6PKW", "Cotton Bath Towels, 6-Piece, White", 39.99, "AFN", 7),
    Product("SHEET-Q-400-IVR", "B0ASHQ400I", "Sateen Sheet Set, Queen, Ivory", 49.99, "AFN", 6),
    Product("MUG-STN-4PK", "B09MUGST4P", 'Stoneware Mugs, Set of 4, "Oatmeal"', 29.99, "AFN", 7),
    Product("HOOK-ADH-12PK", "B07HKAD12P", "Adhesive Hooks, 12-Pack, 'Damage-Free'", 9.99, "AFN", 8),
    Product("CADDY-SHWR-SS", "B08CDYSHSS", "Steel Shower Caddy, 2-Tier", 26.99, "AFN", 5),
    Product("ORG-DRAWER-8PC", "B09ORGDR8P", "Drawer Organizers, 8-Piece, Clear", 22.99, "AFN", 6),
    Product("DIFF-ESS-300ML", "B0BDIF300M", "Oil Diffuser 300ml, Wood Grain", 25.99, "AFN", 6),
    Product("COAST-MARB-4PK", "B0ACSTMRB4", 'Marble Coasters, Set of 4, 4" Round', 18.99, "AFN", 5),
)
PRODUCTS_BY_SKU = {p.sku: p for p in CATALOGUE}

FIRST_NAMES = (
    "Marcus", "Priya", "Jordan", "Elena", "Tyrone", "Mei", "Connor", "Aisha", "Lucas", "Sofia", "Derek",
    "Hannah", "Rafael", "Grace", "Kwame", "Olivia", "Nathan", "Yuki", "Brianna", "Samuel", "Fatima", "Logan",
    "Chloe", "Andre", "Megan", "Diego", "Natalie", "Ethan", "Zoe", "José", "Renée", "Siobhan", "Bjorn",
    "Imani", "Caleb", "Leah", "Tomasz", "Ingrid", "Malik", "Harper",
)  # fmt: skip
LAST_NAMES = (
    "Okafor", "Nguyen", "Kowalski", "Martínez", "O'Connor", "Patel", "Lindqvist", "Brennan", "Castillo",
    "Haddad", "Fischer", "Abernathy", "Yamamoto", "Delacroix", "Thornton", "McAllister", "Adeyemi",
    "Sandoval", "Pruitt", "Galloway", "Harrington", "Bishop", "Estrada", "Kaminski", "Vance", "Holloway",
    "Rinaldi", "Ostrowski", "Beaumont", "Whitaker",
)  # fmt: skip
STREETS = (
    "Maple Ridge Dr", "Oak St", "Cedar Ln", "Willow Way", "Lakeview Ave", "Pine Crest Rd", "Elm St",
    "Harbor View Ct", "Magnolia Blvd", "Birch Hollow Rd", "Sycamore Ave", "Juniper Trl", "Aspen Pl",
    "Chestnut St", "Riverbend Dr", "Cobblestone Ln", "Hawthorne Ave", "Meadowlark Dr",
)  # fmt: skip
# city, state, ZIP, area code, sales-tax rate
CITIES = (
    ("Seattle", "WA", "98103", "206", 0.1035), ("Spokane", "WA", "99203", "509", 0.09),
    ("Portland", "OR", "97214", "503", 0.0), ("San Diego", "CA", "92104", "619", 0.0775),
    ("Sacramento", "CA", "95819", "916", 0.0875), ("Oakland", "CA", "94610", "510", 0.1025),
    ("Phoenix", "AZ", "85016", "602", 0.086), ("Denver", "CO", "80206", "303", 0.0881),
    ("Austin", "TX", "78704", "512", 0.0825), ("Houston", "TX", "77008", "713", 0.0825),
    ("Dallas", "TX", "75214", "214", 0.0825), ("Chicago", "IL", "60614", "312", 0.1025),
    ("Minneapolis", "MN", "55408", "612", 0.0803), ("Milwaukee", "WI", "53211", "414", 0.055),
    ("Columbus", "OH", "43215", "614", 0.0775), ("Indianapolis", "IN", "46220", "317", 0.07),
    ("Nashville", "TN", "37206", "615", 0.0925), ("Atlanta", "GA", "30307", "404", 0.089),
    ("Charlotte", "NC", "28203", "704", 0.0725), ("Richmond", "VA", "23220", "804", 0.06),
    ("Baltimore", "MD", "21218", "410", 0.06), ("Philadelphia", "PA", "19147", "215", 0.08),
    ("Brooklyn", "NY", "11215", "718", 0.08875), ("Buffalo", "NY", "14222", "716", 0.0875),
    ("Boston", "MA", "02130", "617", 0.0625), ("Portsmouth", "NH", "03801", "603", 0.0),
    ("Burlington", "VT", "05401", "802", 0.07), ("Orlando", "FL", "32803", "407", 0.065),
    ("Tampa", "FL", "33606", "813", 0.075), ("New Orleans", "LA", "70115", "504", 0.0945),
    ("Kansas City", "MO", "64111", "816", 0.0885), ("Omaha", "NE", "68132", "402", 0.07),
    ("Salt Lake City", "UT", "84105", "801", 0.0775), ("Boise", "ID", "83702", "208", 0.06),
    ("Albuquerque", "NM", "87106", "505", 0.0763), ("Las Vegas", "NV", "89104", "702", 0.0838),
    ("Anchorage", "AK", "99503", "907", 0.0), ("Billings", "MT", "59102", "406", 0.0),
    ("Wilmington", "DE", "19806", "302", 0.0), ("Honolulu", "HI", "96816", "808", 0.045),
    ("Louisville", "KY", "40204", "502", 0.06), ("Detroit", "MI", "48207", "313", 0.06),
)  # fmt: skip
FULFILLMENT_CENTERS = ("ONT8", "LGB8", "SMF3", "PHX6", "DFW7", "MDW2", "EWR4", "BFI4", "CLT2", "IND9")
# Local purchase-hour weights, 00:00 .. 23:00: quiet nights, busy evenings.
HOUR_WEIGHTS = (1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 1.5, 2, 2.5, 2.8, 3, 3, 3, 3, 3, 3.2, 3.5, 4, 4.5, 4.5, 4, 3, 2)


@dataclass(frozen=True)
class Person:
    """A fake buyer: every field is invented (the tool must hide them)."""

    name: str
    email: str
    phone: str
    street: str
    city: str
    state: str
    postal: str
    tax_rate: float


# The canary buyer: tests grep the tool's output for these exact strings.
CANARY = Person(
    "Dana Whitfield", "dana.w@example.com", "+1 206-555-0147", "4817 Fremont Ave N", "Seattle", "WA", "98103", 0.1035
)


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


@dataclass
class Item:
    """One order item (one SKU of an order)."""

    item_id: str
    product: Product
    qty: int
    cancelled_at: datetime | None = None
    shipped_at: datetime | None = None


@dataclass
class Package:
    """One seller-fulfilled package: what a Shipping Confirmation row group describes."""

    order: Order
    items: list[Item]
    carrier_code: str
    carrier_name: str
    tracking: str
    method: str
    confirmed_at: datetime
    first_scan_at: datetime | None = None
    delivered_at: datetime | None = None

    @property
    def valid(self) -> bool:
        """Valid tracking: a tracking number and an integrated carrier (SPEC 4.4)."""
        return bool(self.tracking) and self.carrier_code != "Other"

    @property
    def units(self) -> int:
        """Units in the package."""
        return sum(it.qty for it in self.items)


@dataclass
class FbaShipment:
    """One Amazon (FBA / MCF) shipment."""

    shipment_id: str
    items: list[Item]
    shipped_at: datetime
    carrier: str
    tracking: str
    center: str
    eta: datetime


@dataclass
class Order:
    """One order with everything that happens to it."""

    order_id: str
    purchased: datetime
    paid: datetime
    channel: str  # "MFN" or "AFN"
    sales_channel: str  # "Amazon.com" or "Non-Amazon" (Multi-Channel Fulfillment)
    buyer: Person
    recipient: str
    service: str
    items: list[Item]
    update_lag: timedelta
    business_po: str = ""
    merchant_order_id: str = ""
    ship_by: date | None = None
    cancel_reason: str = ""
    cancelled_by: str = ""
    buyer_requested: bool = False
    buyer_cancel_reason: str = ""
    planned_confirm: datetime | None = None
    packages: list[Package] = field(default_factory=list)
    shipments: list[FbaShipment] = field(default_factory=list)

    @property
    def day(self) -> date:
        """Local purchase date."""
        return local_day(self.purchased)

    @property
    def is_mfn(self) -> bool:
        """Seller-fulfilled Amazon order."""
        return self.channel == "MFN"

    @property
    def live_items(self) -> list[Item]:
        """Items not cancelled."""
        return [it for it in self.items if it.cancelled_at is None]

    @property
    def any_cancelled(self) -> bool:
        """At least one item cancelled."""
        return any(it.cancelled_at for it in self.items)

    @property
    def fully_cancelled(self) -> bool:
        """Every item cancelled."""
        return not self.live_items

    @property
    def deadline(self) -> datetime:
        """Ship-by deadline: end of the local ship-by day."""
        assert self.ship_by
        return end_of_day(self.ship_by)

    @property
    def latest_delivery(self) -> datetime:
        """Promised delivery deadline: ship-by day + 5 calendar days, end of day."""
        assert self.ship_by
        return end_of_day(self.ship_by + timedelta(days=5))

    @property
    def confirmed_at(self) -> datetime | None:
        """Earliest ship confirmation of the order."""
        return min((p.confirmed_at for p in self.packages), default=None)

    @property
    def total(self) -> float:
        """Order amount."""
        return round(sum(it.qty * it.product.price for it in self.items), 2)

    @property
    def tax_rate(self) -> float:
        """Sales-tax rate at the ship-to address."""
        return self.buyer.tax_rate


# --------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------


class Generator:
    """Builds the whole account from one seeded random generator."""

    def __init__(self, seed: int = SEED) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.orders: list[Order] = []
        self.ids: set[str] = set()
        self.feedback: list[tuple[date, int, str, str, Order | None, str]] = []
        self.claims: list[tuple[Order, str, str, date, str]] = []
        self.returns: list[tuple[Order, date, bool]] = []
        self.messages: list[tuple[str, Order | None, datetime, datetime | None, bool]] = []
        self.unmatched_order_id = ""

    # ---- small random helpers -------------------------------------------------------------

    def chance(self, p: float) -> bool:
        """True with probability p."""
        return self.rng.random() < p

    def digits(self, n: int) -> str:
        """n random digits (the first one not zero)."""
        return str(self.rng.randrange(10 ** (n - 1), 10**n))

    def alnum(self, n: int, upper: bool = True) -> str:
        """n random letters and digits."""
        chars = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
        if not upper:
            chars += "abcdefghijkmnopqrstuvwxyz"
        return "".join(self.rng.choice(chars) for _ in range(n))

    def unique(self, make: str) -> str:
        """A new id of the kind `make` (order, item), never seen before."""
        while True:
            if make == "order":
                new = f"{self.rng.choice(('111', '112', '113', '114'))}-{self.digits(7)}-{self.digits(7)}"
            else:
                new = self.digits(14)
            if new not in self.ids:
                self.ids.add(new)
                return new

    def person(self) -> Person:
        """A fake buyer with a fake address in a real city."""
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        city, state, zip5, area, tax = self.rng.choice(CITIES)
        plain = [
            unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().replace("'", "").lower()
            for s in (first, last)
        ]
        style = self.rng.randrange(3)
        if style == 0:
            email = f"{plain[0]}.{plain[1][0]}@example.com"
        elif style == 1:
            email = f"{plain[0]}{plain[1]}{self.rng.randrange(10, 99)}@example.net"
        else:
            email = f"{plain[0][0]}{plain[1]}@example.org"
        postal = zip5 if self.chance(0.7) else f"{zip5}-{self.digits(4)}"
        street = f"{self.rng.randrange(100, 9900)} {self.rng.choice(STREETS)}"
        phone = f"+1 {area}-555-01{self.rng.randrange(100):02d}"
        return Person(f"{first} {last}", email, phone, street, city, state, postal, tax)

    def pick_products(self, channel: str, count: int) -> list[Product]:
        """`count` different products of one channel, by popularity."""
        pool = [p for p in CATALOGUE if p.channel == channel]
        chosen: list[Product] = []
        while len(chosen) < count:
            p = self.rng.choices(pool, weights=[q.weight for q in pool])[0]
            if p not in chosen:
                chosen.append(p)
        return chosen

    # ---- 1. orders -----------------------------------------------------------------------

    def make_orders(self) -> None:
        """About 3,500 orders from FIRST_DAY to AS_OF, growing into the holiday season."""
        rng = self.rng
        days = (AS_OF - FIRST_DAY).days + 1
        for i in range(days):
            day = FIRST_DAY + timedelta(days=i)
            base = 26 + 13 * i / (days - 1)
            factor = {0: 1.05, 5: 1.1, 6: 1.15}.get(day.weekday(), 1.0) * (1.8 if day in PRIME_DAYS else 1.0)
            for _ in range(round(base * factor * rng.uniform(0.85, 1.15))):
                self.orders.append(self.make_order(day))
        self.orders.sort(key=lambda o: o.purchased)
        # Ten Multi-Channel Fulfillment orders (the seller's web shop, shipped by FBA).
        afn = [o for o in self.orders if o.channel == "AFN" and o.day < AS_OF - timedelta(days=3)]
        for n, o in enumerate(sorted(rng.sample(afn, 10), key=lambda o: o.purchased)):
            o.sales_channel = "Non-Amazon"
            o.merchant_order_id = f"ACME-WEB-{10231 + n * 7}"
            o.service, o.business_po = "Standard", ""
        # The canary buyer places the first seller-fulfilled order of 2026-11-16.
        canary = next(o for o in self.orders if o.is_mfn and o.day == date(2026, 11, 16))
        canary.buyer, canary.recipient = CANARY, CANARY.name
        # An order still Pending in the first download (payment under review), shipped later.
        pending = next(o for o in reversed(self.orders) if o.purchased < DOWNLOAD_1 - timedelta(minutes=40))
        pending.paid = DOWNLOAD_1 + timedelta(minutes=37)

    def make_order(self, day: date) -> Order:
        """One order placed on local `day`."""
        rng = self.rng
        hours = HOUR_WEIGHTS[:23] if day == AS_OF else HOUR_WEIGHTS  # last day ends before NOW
        hour = rng.choices(range(len(hours)), weights=hours)[0] + rng.random()
        purchased = local_time(day, hour)
        paid = purchased + (
            timedelta(seconds=rng.randrange(20, 240))
            if self.chance(0.88)
            else timedelta(minutes=rng.randrange(15, 180))
        )
        channel = "MFN" if self.chance(0.6) else "AFN"
        n_items = rng.choices((1, 2, 3), weights=(75, 18, 7))[0]
        items = []
        for product in self.pick_products(channel, n_items):
            qty = 1 if product.sku == "RUG-5X8-GRY" else rng.choices((1, 2, 3), weights=(85, 12, 3))[0]
            items.append(Item(self.unique("item"), product, qty))
        buyer = self.person()
        recipient = buyer.name if self.chance(0.9) else self.person().name
        if channel == "MFN":
            service = "Expedited" if self.chance(0.15) else "Standard"
        else:
            service = rng.choices(("Standard", "Expedited", "SecondDay", "NextDay"), weights=(50, 20, 20, 10))[0]
        order = Order(
            order_id=self.unique("order"),
            purchased=purchased,
            paid=paid,
            channel=channel,
            sales_channel="Amazon.com",
            buyer=buyer,
            recipient=recipient,
            service=service,
            items=items,
            update_lag=timedelta(seconds=rng.randrange(60, 1800)),
            business_po=f"PO-{self.digits(5)}" if self.chance(0.04) else "",
        )
        if channel == "MFN":
            handling = max(HANDLING_DAYS_BY_SKU.get(it.product.sku, DEFAULT_HANDLING_DAYS) for it in items)
            order.ship_by = business_day_after(order.day, handling)
        return order

    def mfn(self) -> list[Order]:
        """Seller-fulfilled Amazon orders."""
        return [o for o in self.orders if o.is_mfn]

    # ---- 2. cancellations ----------------------------------------------------------------

    def cancel(
        self, o: Order, reason: str, by: str, buyer_flag: bool, when: datetime, items: Sequence[Item] = ()
    ) -> None:
        """Cancel `items` (default: the whole order) at `when`."""
        for it in items or o.items:
            it.cancelled_at = when
        o.cancel_reason, o.cancelled_by, o.buyer_requested = reason, by, buyer_flag
        if buyer_flag:
            o.buyer_cancel_reason = self.rng.choice(
                ("Order Created By Mistake", "Found Cheaper Somewhere Else", "Delivery Time Too Long",
                 "Need to change shipping address", "Item Price Too High")
            )  # fmt: skip

    def cancel_time(self, o: Order) -> datetime:
        """A cancellation a few hours after payment, before anything ships, never after NOW."""
        when = o.paid + timedelta(hours=self.rng.uniform(0.5, 18))
        return min(when, NOW - o.update_lag - timedelta(minutes=self.rng.randrange(5, 30)))

    def make_stale(self, o: Order) -> Item:
        """Make one item of `o` a stale-inventory SKU (the one to cancel) and return it."""
        item = o.items[0]
        for sku in STALE_SKUS:
            found = next((it for it in o.items if it.product.sku == sku), None)
            if found:
                return found
        skus = {it.product.sku for it in o.items}
        free = [s for s in STALE_SKUS if s not in skus]
        item.product = PRODUCTS_BY_SKU[self.rng.choice(free)]
        handling = max(HANDLING_DAYS_BY_SKU.get(it.product.sku, DEFAULT_HANDLING_DAYS) for it in o.items)
        o.ship_by = business_day_after(o.day, handling)  # the handling time may have changed
        return item

    def seller_cancel(self, o: Order, reason: str) -> None:
        """A seller cancellation; out of stock cancels only the stale item of a multi-item order."""
        items = [self.make_stale(o)] if reason == "NoInventory" else []
        self.cancel(o, reason, "seller", False, self.cancel_time(o), items)

    def plan_cancellations(self) -> None:
        """Seller cancellations (breach in the last 7 days), buyer requests, FBA cancellations."""
        rng = self.rng
        mfn = self.mfn()
        cr_win = window(AS_OF, 7)
        in_cr = [o for o in mfn if in_window(o.day, cr_win) and o.paid < NOW - timedelta(hours=2)]
        k = pick_count(len([o for o in mfn if in_window(o.day, cr_win)]), TARGET_CANCEL)
        canary = next(o for o in mfn if o.buyer is CANARY)
        pool = [o for o in in_cr if o is not canary]
        rng.shuffle(pool)
        # One partial cancellation for sure; a stock-out on any multi-item order also cancels just that item.
        partial = next(o for o in pool if len(o.items) >= 2)
        pool.remove(partial)
        self.cancel(partial, "NoInventory", "seller", False, self.cancel_time(partial), [self.make_stale(partial)])
        kinds = ["BuyerCanceled", "BuyerCanceled", "ShippingAddressUndeliverable"] + ["NoInventory"] * (k - 4)
        for kind in kinds:
            self.seller_cancel(pool.pop(), kind)  # BuyerCanceled without the buyer's flag: appeal
        for by in ("buyer", "seller", "buyer"):  # buyer-requested through Amazon: exempt
            o = pool.pop()
            self.cancel(o, "BuyerCanceled", by, True, self.cancel_time(o))
        # Background over the rest of the history.
        for o in mfn:
            if in_window(o.day, cr_win) or o.any_cancelled:
                continue
            if self.chance(0.009):
                reason = rng.choices(("NoInventory", "PricingError", "ShippingAddressUndeliverable"), (70, 15, 15))[0]
                self.seller_cancel(o, reason)
            elif self.chance(0.007):
                self.cancel(o, "BuyerCanceled", rng.choice(("buyer", "seller")), True, self.cancel_time(o))
        # An older appeal candidate, and one order Amazon cancelled (never confirmed, 7 business days late).
        older = next(o for o in mfn if o.day == date(2026, 10, 8) and not o.any_cancelled)
        self.cancel(older, "BuyerCanceled", "seller", False, self.cancel_time(older))
        mispriced = next(o for o in mfn if o.day == date(2026, 10, 27) and not o.any_cancelled)
        self.seller_cancel(mispriced, "PricingError")
        expired = next(o for o in mfn if o.day == date(2026, 9, 14) and not o.any_cancelled)
        assert expired.ship_by
        when = local_time(business_day_after(expired.ship_by, 7), 2.5)
        self.cancel(expired, "GeneralAdjustment", "amazon", False, when)
        # An order Unshipped in the first All Orders download and Cancelled in the second.
        flip = next(
            o
            for o in mfn
            if o.day == local_day(DOWNLOAD_1) and o.purchased < DOWNLOAD_1 - timedelta(hours=3)
            and not o.any_cancelled and len(o.items) == 1
        )  # fmt: skip
        self.make_stale(flip)
        self.cancel(flip, "NoInventory", "seller", False, DOWNLOAD_1 + timedelta(hours=15, minutes=13))
        # FBA: a few buyers cancel before Amazon ships (not in the cancellation rate: MFN only).
        for o in self.orders:
            if o.channel == "AFN" and o.sales_channel == "Amazon.com" and self.chance(0.01):
                self.cancel(o, "BuyerCanceled", "buyer", True, o.paid + timedelta(hours=rng.uniform(0.1, 2)))

    # ---- 3. seller-fulfilled shipping -----------------------------------------------------

    def on_time_confirm(self, o: Order) -> datetime:
        """When a punctual seller confirms: a business day up to the ship-by day, office hours."""
        rng = self.rng
        assert o.ship_by
        start = max([o.paid] + [it.cancelled_at for it in o.items if it.cancelled_at]) + timedelta(minutes=20)
        first = local_day(start)
        if not (is_business_day(first) and local_hour(start) < 13):
            first = business_day_after(first, 1)
        days = [first]
        while days[-1] < o.ship_by:
            days.append(business_day_after(days[-1], 1))
        days = [d for d in days if d <= o.ship_by] or [o.ship_by]
        idx = min(rng.choices((0, 1, 2), weights=(70, 25, 5))[0], len(days) - 1)
        when = local_time(days[idx], rng.uniform(10, 17.5))
        if when < start:
            when = start + timedelta(minutes=rng.randrange(10, 90))
        return min(when, o.deadline - timedelta(minutes=5))

    def late_confirm(self, o: Order) -> datetime:
        """A late confirmation: one (sometimes two) business days after the ship-by day."""
        assert o.ship_by
        for n in (2, 1) if self.chance(0.25) else (1,):
            when = local_time(business_day_after(o.ship_by, n), self.rng.uniform(9, 16))
            if when < NOW:
                return when
        raise AssertionError(f"no late confirmation before NOW for {o.order_id}")

    def known_outcome(self, o: Order, win: tuple[date, date]) -> bool:
        """In the late-shipment population of `win` (SPEC 4.3)."""
        assert o.ship_by
        if o.fully_cancelled or not in_window(o.ship_by, win):
            return False
        confirmed = o.planned_confirm is not None and o.planned_confirm <= NOW
        return confirmed or o.ship_by < AS_OF

    def plan_mfn_shipping(self) -> None:
        """Confirmation times: punctual by default, then exactly the planned late ones."""
        rng = self.rng
        mfn = [o for o in self.mfn() if not o.fully_cancelled]
        for o in mfn:
            o.planned_confirm = self.on_time_confirm(o)
        canary = next(o for o in mfn if o.buyer is CANARY)
        win10, win30 = window(AS_OF, 10), window(AS_OF, 30)
        pop10 = [o for o in mfn if self.known_outcome(o, win10)]
        pop30 = [o for o in mfn if self.known_outcome(o, win30)]
        late10 = pick_count(len(pop10), TARGET_LATE_10D)
        late30 = pick_count(len(pop30), TARGET_LATE_30D)
        # Three orders never confirmed and past due ('ship now'); one is close to auto-cancel.
        for target in (date(2026, 11, 12), date(2026, 11, 17), date(2026, 11, 19)):
            cands = [o for o in pop10 if o.ship_by == target and len(o.items) == 1 and not o.any_cancelled]
            o = rng.choice([c for c in cands if c is not canary])
            o.planned_confirm = None

        # Late confirmations, concentrated on the engraved SKU.
        def weight(o: Order) -> float:
            return 6.0 if any(it.product.sku == SLOW_SKU for it in o.items) else 1.0

        def make_late(pool: list[Order], n: int) -> None:
            pool = [o for o in pool if o.planned_confirm and o is not canary and o.ship_by and o.ship_by < AS_OF]
            for _ in range(n):
                o = rng.choices(pool, weights=[weight(p) for p in pool])[0]
                pool.remove(o)
                o.planned_confirm = self.late_confirm(o)

        make_late(pop10, late10 - 3)
        make_late([o for o in pop30 if o not in pop10], late30 - late10)
        older = [o for o in mfn if o.ship_by and o.ship_by < win30[0]]
        make_late(older, round(len(older) * 0.02))

    def tracking_number(self, carrier: str) -> str:
        """A tracking number in the carrier's usual shape."""
        if carrier == "USPS":
            return "9400" + self.digits(18)
        if carrier == "UPS":
            return "1Z" + self.alnum(6) + "03" + self.digits(8)
        if carrier == "FedEx":
            return self.digits(12)
        if carrier == "AMZN_US":
            return "TBA" + self.digits(12)
        return "BC" + self.digits(8)

    def make_packages(self) -> None:
        """Packages for every confirmed order: one, sometimes two per order."""
        rng = self.rng
        for o in self.mfn():
            if o.planned_confirm is None or o.planned_confirm > NOW:
                continue
            if o.service == "Expedited":
                carrier, method = rng.choice((("UPS", "2nd Day Air"), ("USPS", "Priority Mail")))
            elif any(it.product.sku == "RUG-5X8-GRY" for it in o.items):
                carrier, method = rng.choice((("UPS", "Ground"), ("FedEx", "Ground")))
            else:
                carrier, method = rng.choices(
                    (("USPS", "Ground Advantage"), ("UPS", "Ground"), ("FedEx", "Home Delivery")), (50, 30, 20)
                )[0]
            live = o.live_items
            groups = [live[:1], live[1:]] if len(live) >= 2 and self.chance(0.12) else [live]
            for group in groups:
                package = Package(o, group, carrier, "", self.tracking_number(carrier), method, o.planned_confirm)
                o.packages.append(package)
                for it in group:
                    it.shipped_at = o.planned_confirm

    def all_packages(self) -> list[Package]:
        """Every seller-fulfilled package, by confirmation time."""
        return sorted((p for o in self.mfn() for p in o.packages), key=lambda p: p.confirmed_at)

    def plan_tracking(self) -> None:
        """Invalid tracking: 'Other' / Bob's Courier, or no tracking number at all."""
        rng = self.rng
        vtr_win = window(AS_OF, 30)
        packages = self.all_packages()
        single = [p for p in packages if len(p.order.packages) == 1 and p.order.buyer is not CANARY]
        recent = [p for p in single if in_window(local_day(p.confirmed_at), vtr_win)]
        n_bad = pick_count(len([p for p in packages if in_window(local_day(p.confirmed_at), vtr_win)]),
                           TARGET_INVALID_TRACKING)  # fmt: skip
        bad = rng.sample(recent, n_bad)
        older = [p for p in single if not in_window(local_day(p.confirmed_at), vtr_win) and self.chance(0.012)]
        for n, p in enumerate(bad + older):
            if n % 5 in (0, 2, 4):
                p.carrier_code, p.carrier_name, p.method = "Other", "Bob's Courier", "Local Courier"
                p.tracking = self.tracking_number("Other")
            else:
                p.tracking = ""

    def plan_scans_and_deliveries(self) -> None:
        """Carrier first scans (a few after more than 48 h) and delivery scans (OTDR ~94 %)."""
        rng = self.rng
        otdr_win = window(AS_OF - timedelta(days=7), 14)
        packages = [p for p in self.all_packages() if p.valid]
        slow = [
            p
            for p in packages
            if date(2026, 11, 5) <= local_day(p.confirmed_at) <= date(2026, 11, 17)
            and local_day(p.order.latest_delivery) > otdr_win[1]
        ]
        slow = rng.sample(slow, 4) + rng.sample([p for p in packages if local_day(p.confirmed_at).month == 9], 2)
        for p in packages:
            if p in slow:
                scan = p.confirmed_at + timedelta(hours=rng.uniform(52, 90))
            else:
                scan = p.confirmed_at + timedelta(hours=rng.uniform(1.5, 7))
                if local_hour(scan) >= 21:
                    scan = local_time(local_day(scan) + timedelta(days=1), rng.uniform(6.5, 9))
                elif local_hour(scan) < 6:
                    scan = local_time(local_day(scan), rng.uniform(6.5, 9))
            if scan > NOW:
                continue
            p.first_scan_at = scan
            transit = rng.randint(1, 3) if p.order.service == "Expedited" else rng.randint(2, 5)
            day = local_day(scan) + timedelta(days=transit)
            if day.weekday() == 6 and p.carrier_code != "USPS":
                day += timedelta(days=1)
            delivered = max(local_time(day, rng.uniform(10, 20.5)), scan + timedelta(hours=8))
            if self.chance(0.03):
                delivered = self.late_delivery(p)
            if self.chance(0.006):
                continue  # lost in transit: never a delivery scan
            p.delivered_at = delivered if delivered <= NOW else None
        # Exactly the planned share of late units in the on-time-delivery window.
        in_win = [p for p in packages if p.delivered_at and in_window(local_day(p.order.latest_delivery), otdr_win)]
        want = pick_count(sum(p.units for p in in_win), TARGET_LATE_DELIVERY_UNITS)

        def late_units() -> int:
            return sum(p.units for p in in_win if p.delivered_at and p.delivered_at > p.order.latest_delivery)

        while late_units() < want:
            gap = want - late_units()
            cands = [p for p in in_win if p.delivered_at and p.delivered_at <= p.order.latest_delivery]
            p = rng.choice([p for p in cands if p.units <= gap])
            p.delivered_at = self.late_delivery(p)
        while late_units() > want:
            late = [p for p in in_win if p.delivered_at and p.delivered_at > p.order.latest_delivery]
            p = rng.choice(late)
            day = local_day(p.order.latest_delivery)
            p.delivered_at = max(
                local_time(day, rng.uniform(11, 19)), (p.first_scan_at or p.confirmed_at) + timedelta(hours=8)
            )
            if p.delivered_at > p.order.latest_delivery:
                raise AssertionError("cannot make a delivery on time")

    def late_delivery(self, p: Package) -> datetime:
        """A delivery 1-3 days after the promised date."""
        day = local_day(p.order.latest_delivery) + timedelta(days=self.rng.randint(1, 3))
        return local_time(day, self.rng.uniform(10, 20.5))

    # ---- 4. Amazon-fulfilled shipping -----------------------------------------------------

    def plan_fba(self) -> None:
        """FBA and MCF shipments: Amazon ships within hours, seven days a week."""
        rng = self.rng
        for o in self.orders:
            if o.channel != "AFN" or o.fully_cancelled:
                continue
            fast = o.service in ("NextDay", "SecondDay")
            first = o.paid + timedelta(hours=rng.uniform(1, 10) if fast else rng.uniform(2, 28))
            groups = [o.items[:1], o.items[1:]] if len(o.items) >= 2 and self.chance(0.1) else [o.items]
            for n, group in enumerate(groups):
                shipped = first + timedelta(hours=rng.uniform(6, 30)) * n
                if shipped > NOW:
                    continue
                carrier = rng.choices(("AMZN_US", "UPS", "USPS"), (65, 20, 15))[0]
                transit = {"NextDay": 1, "SecondDay": 2}.get(o.service, rng.randint(2, 4))
                eta = local_time(local_day(shipped) + timedelta(days=transit), 20)
                shipment = FbaShipment(
                    "D" + self.alnum(8, upper=False),
                    group,
                    shipped,
                    carrier,
                    self.tracking_number(carrier),
                    rng.choice(FULFILLMENT_CENTERS),
                    eta,
                )
                o.shipments.append(shipment)
                for it in group:
                    it.shipped_at = shipped

    # ---- 5. feedback, claims, returns, messages -------------------------------------------

    def arrival(self, o: Order) -> datetime | None:
        """When the buyer got (or should have got) the order."""
        if o.is_mfn:
            delivered = [p.delivered_at for p in o.packages if p.delivered_at]
            if delivered:
                return max(delivered)
            return o.confirmed_at + timedelta(days=4) if o.confirmed_at else None
        return max((s.eta for s in o.shipments), default=None)

    def add_feedback(self, o: Order | None, rating: int, comment: str, day: date, response: str = "") -> None:
        """One Feedback Manager row."""
        email = o.buyer.email if o else "k.brennan77@example.net"
        self.feedback.append((day, rating, comment, response, o, email))

    def feedback_day(self, o: Order, spread: int = 12) -> date | None:
        """A day the buyer leaves feedback, after arrival, never after AS_OF."""
        arrived = self.arrival(o)
        if arrived is None:
            return None
        day = local_day(arrived) + timedelta(days=self.rng.randint(0, spread))
        return day if day <= AS_OF else None

    def plan_defects(self) -> None:
        """Negative feedback, A-to-z claims, chargebacks and returns, placed to hit the ODR targets."""
        rng = self.rng
        odr_win = window(AS_OF - timedelta(days=14), 60)
        sorry = "We're sorry to hear this. Please contact us through Buyer-Seller Messaging so we can make it right."

        def clean(o: Order) -> bool:
            """Shipped in full and delivered: an order that can carry a defect."""
            if o.sales_channel != "Amazon.com" or o.any_cancelled or o.buyer is CANARY:
                return False
            if o.is_mfn:
                return bool(o.packages) and all(p.delivered_at for p in o.packages)
            return bool(o.shipments)

        taken: set[str] = set()

        def draw(channel: str, win: tuple[date, date]) -> Order:
            pool = [o for o in self.orders if o.channel == channel and in_window(o.day, win) and clean(o)]
            o = rng.choice([o for o in pool if o.order_id not in taken])
            taken.add(o.order_id)
            return o

        def feedback(o: Order, rating: int, comment: str, response: str = "") -> None:
            day = self.feedback_day(o) or AS_OF
            self.add_feedback(o, rating, comment, day, response)

        def claim(o: Order, kind: str, status: str, reason: str, day: date | None = None) -> None:
            when = day or min(o.day + timedelta(days=rng.randint(18, 40)), AS_OF)
            self.claims.append((o, kind, status, when, reason))

        # Seller-fulfilled defects in the ODR window: exactly TARGET_ODR_MFN of the orders.
        n_mfn = len([o for o in self.mfn() if in_window(o.day, odr_win)])
        plan: list[tuple[str, ...]] = [
            ("fb", "1", "Product broke after a week. The clock just stopped ticking."),  # product only
            ("fb", "1", "Seller is a damn joke. Crap packaging, half of it arrived smashed."),  # profanity
            ("fb+claim", "1", "Never received my order and the seller never answered.", "granted-seller-funded"),
            ("claim+return", "refunded-by-seller", "item not as described"),
            ("chargeback", "granted-seller-funded", "item not received"),
            ("claim-open", "open", "item not received"),
            ("fb", "2", "Shipped 4 days late and the seller ignored my messages."),
            ("fb", "2", "Wrong color sent and the seller refused an exchange."),
            ("fb", "1", "Seller cancelled then re-listed at a higher price. Avoid."),
        ]
        k_mfn = pick_count(n_mfn, TARGET_ODR_MFN)
        if k_mfn > len(plan):
            raise AssertionError("extend the MFN defect plan")
        for step in plan[:k_mfn]:
            o = draw("MFN", odr_win)
            if step[0] == "fb":
                feedback(o, int(step[1]), step[2], sorry if self.chance(0.5) else "")
            elif step[0] == "fb+claim":
                feedback(o, int(step[1]), step[2])
                claim(o, "a-to-z", step[3], "item not received")
            elif step[0] == "claim+return":
                arrived = self.arrival(o)
                assert arrived
                asked = local_day(arrived) + timedelta(days=rng.randint(2, 8))
                self.returns.append((o, asked, True))
                claim(o, "a-to-z", step[1], step[2], min(asked + timedelta(days=9), AS_OF))
            elif step[0] == "chargeback":
                claim(o, "chargeback", step[1], step[2])
            else:
                claim(o, "a-to-z", step[1], step[2], AS_OF - timedelta(days=3))
        # Not defects: denied / withdrawn / Amazon-funded claims, a fraud chargeback.
        claim(draw("MFN", odr_win), "a-to-z", "denied", "item not received")
        claim(draw("MFN", odr_win), "a-to-z", "withdrawn", "item not as described")
        claim(draw("MFN", odr_win), "a-to-z", "granted-amazon-funded", "item not received")
        claim(draw("MFN", odr_win), "chargeback", "granted-seller-funded", "fraud")
        # FBA defects in the window.
        n_afn = len([o for o in self.orders if o.channel == "AFN" and o.sales_channel == "Amazon.com"
                     and in_window(o.day, odr_win)])  # fmt: skip
        afn_plan = [
            (1, "Package arrived late and the box was crushed."),  # FBA delivery: Amazon's responsibility
            (2, "Sheets pilled after the first wash. Poor quality fabric."),  # product only
            (2, "Seller sent the wrong size and ignored my emails."),
            (1, "Mugs arrived chipped and the seller never replied."),
        ]
        for rating, comment in afn_plan[: pick_count(n_afn, TARGET_ODR_AFN)]:
            feedback(draw("AFN", odr_win), rating, comment)
        # Recent ones (after the ODR window): they become defects later.
        recent = (odr_win[1] + timedelta(days=1), AS_OF - timedelta(days=4))
        o = draw("MFN", recent)
        self.add_feedback(o, 2, "Took forever to ship, had to message the seller twice.", AS_OF - timedelta(days=2))
        o = draw("AFN", recent)
        self.add_feedback(o, 1, "Package arrived late, missed the birthday.", AS_OF - timedelta(days=1))
        claim(draw("MFN", recent), "a-to-z", "under-investigation", "item not received", AS_OF - timedelta(days=2))
        # A defect for an order that is in none of the order files.
        while True:
            oid = f"114-{self.digits(7)}-{self.digits(7)}"
            if oid not in self.ids:
                break
        self.unmatched_order_id = oid
        self.add_feedback(None, 1, "Wrong item sent, never again!", date(2026, 10, 28))
        # Plain returns (no claim).
        for _ in range(8):
            o = draw("MFN", (FIRST_DAY, AS_OF - timedelta(days=10)))
            arrived = self.arrival(o)
            assert arrived
            asked = min(local_day(arrived) + timedelta(days=rng.randint(2, 20)), AS_OF)
            self.returns.append((o, asked, False))
        self.returns.sort(key=lambda r: r[1])
        # Everyday feedback: mostly 5 and 4 stars.
        positive = {
            5: ("Great quality, fast shipping!", "Exactly as described. Would buy again.", "A+++",
                'Love it - the 24" size is perfect', "Arrived quickly and well packaged.", "Perfect gift, thank you!",
                "Beautiful, looks more expensive than it is", "Great seller"),
            4: ("Good product, box was a little dented.", "Nice, a bit smaller than I expected.",
                "Good value for the money", "Works well, shipping took a few days"),
            3: ("OK product, took longer than expected.", "Color slightly different than the photo.",
                'Thinner than I thought for a "chunky" knit'),
        }  # fmt: skip
        for o in self.orders:
            if o.sales_channel != "Amazon.com" or o.order_id in taken or not self.chance(0.055):
                continue
            day = self.feedback_day(o)
            if day is None or o.fully_cancelled:
                continue
            rating = rng.choices((5, 4, 3), (70, 21, 9))[0]
            response = "Thank you!" if rating == 5 and self.chance(0.05) else ""
            self.add_feedback(o, rating, rng.choice(positive[rating]), day, response)
        self.feedback.sort(key=lambda f: (f[0], f[4].order_id if f[4] else ""), reverse=True)
        self.claims.sort(key=lambda c: c[3])

    def plan_messages(self) -> None:
        """Buyer messages over the last 40 days and when the seller answered."""
        rng = self.rng
        amazon = [o for o in self.orders if o.sales_channel == "Amazon.com"]
        times = [o.purchased for o in amazon]
        start = AS_OF - timedelta(days=39)
        for i in range(40):
            day = start + timedelta(days=i)
            for _ in range(rng.randint(2, 4)):
                received = local_time(day, rng.uniform(7, 22.5))
                if received > NOW - timedelta(minutes=30):
                    continue
                lo = bisect_left(times, received - timedelta(days=20))
                hi = bisect_left(times, received - timedelta(hours=1))
                pool = [o for o in amazon[lo:hi] if o.is_mfn or self.chance(0.4)]
                order = rng.choice(pool) if pool and self.chance(0.97) else None
                if self.chance(0.06):
                    self.messages.append((self.alnum(12), order, received, None, True))
                    continue
                self.messages.append((self.alnum(12), order, received, self.reply_time(received), False))
        # Two messages never answered (late), one arriving this evening (not late yet).
        for day in (date(2026, 10, 30), date(2026, 11, 9)):
            self.messages.append((self.alnum(12), None, local_time(day, rng.uniform(9, 20)), None, False))
        self.messages.append((self.alnum(12), None, local_time(AS_OF, 19.2), None, False))
        self.messages.sort(key=lambda m: m[2])
        # Steer the 24-hour response rate to ~93.5 %: some weekend messages were answered by phone.
        win = window(AS_OF, 30)
        counted = [i for i, m in enumerate(self.messages) if not m[4] and in_window(local_day(m[2]), win)]

        def on_time(i: int) -> bool:
            _, _, received, responded, _ = self.messages[i]
            answer = responded or end_of_day(AS_OF) + timedelta(seconds=1)
            return answer - received <= timedelta(hours=24)

        while sum(map(on_time, counted)) < TARGET_RESPONSE_24H * len(counted):
            mid, order, received, _, no_response = self.messages[
                rng.choice([i for i in counted if not on_time(i) and self.messages[i][3]])
            ]
            i = self.messages.index((mid, order, received, _, no_response))
            self.messages[i] = (mid, order, received, received + timedelta(hours=rng.uniform(1, 6)), no_response)

    def reply_time(self, received: datetime) -> datetime | None:
        """Office hours on business days; weekend messages sometimes wait until Monday."""
        rng = self.rng
        day, hour = local_day(received), local_hour(received)
        if is_business_day(day) and hour < 17:
            reply = received + timedelta(hours=rng.uniform(0.2, 4))
        elif is_business_day(day) or self.chance(0.75):  # evenings, or the phone on weekends
            reply = received + timedelta(hours=rng.uniform(0.5, 14))
        else:
            reply = local_time(business_day_after(day, 1), rng.uniform(8.5, 11))
        return reply if reply <= NOW else None

    def build(self) -> None:
        """Run every step in order (the order matters for reproducibility)."""
        self.make_orders()
        self.plan_cancellations()
        self.plan_mfn_shipping()
        self.make_packages()
        self.plan_tracking()
        self.plan_scans_and_deliveries()
        self.plan_fba()
        self.plan_defects()
        self.plan_messages()


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------

ALL_ORDERS_HEADER = (
    "amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
    "fulfillment-channel", "sales-channel", "order-channel", "url", "ship-service-level", "product-name", "sku",
    "asin", "item-status", "quantity", "currency", "item-price", "item-tax", "shipping-price", "shipping-tax",
    "gift-wrap-price", "gift-wrap-tax", "item-promotion-discount", "ship-promotion-discount", "ship-city",
    "ship-state", "ship-postal-code", "ship-country", "promotion-ids", "is-business-order", "purchase-order-number",
    "price-designation",
)  # fmt: skip
ORDER_REPORT_HEADER = (
    "order-id", "order-item-id", "purchase-date", "payments-date", "buyer-email", "buyer-name",
    "buyer-phone-number", "sku", "product-name", "quantity-purchased", "quantity-shipped", "currency", "item-price",
    "ship-service-level", "recipient-name", "ship-address-1", "ship-city", "ship-state", "ship-postal-code",
    "ship-country", "earliest-ship-date", "latest-ship-date", "earliest-delivery-date", "latest-delivery-date",
    "is-buyer-requested-cancellation", "buyer-requested-cancel-reason", "sales-channel", "is-prime",
)  # fmt: skip
CONFIRMATION_HEADER = (
    "order-id", "order-item-id", "quantity", "ship-date", "carrier-code", "carrier-name", "tracking-number",
    "ship-method", "confirmed-at", "delivered-at", "first-scan-at",
)  # fmt: skip
CONFIRMATION_LABELS = (
    "Order ID", "Order Item ID", "Quantity", "Ship Date", "Carrier Code", "Carrier Name", "Tracking Number",
    "Ship Method", "Confirmed At", "Delivered At", "First Scan At",
)  # fmt: skip
TEMPLATE_LINE = (
    "TemplateType=OrderFulfillment",
    "Version=2011.1102",
    "The top 3 rows are for Amazon use only. Do not modify or delete the top 3 rows.",
)
FBA_SHIPMENTS_HEADER = (
    "amazon-order-id", "merchant-order-id", "shipment-id", "shipment-item-id", "amazon-order-item-id",
    "merchant-order-item-id", "purchase-date", "payments-date", "shipment-date", "reporting-date", "buyer-email",
    "buyer-name", "buyer-phone-number", "sku", "product-name", "quantity-shipped", "currency", "item-price",
    "item-tax", "shipping-price", "shipping-tax", "gift-wrap-price", "gift-wrap-tax", "ship-service-level",
    "recipient-name", "ship-address-1", "ship-address-2", "ship-address-3", "ship-city", "ship-state",
    "ship-postal-code", "ship-country", "ship-phone-number", "bill-address-1", "bill-address-2", "bill-address-3",
    "bill-city", "bill-state", "bill-postal-code", "bill-country", "item-promotion-discount",
    "ship-promotion-discount", "carrier", "tracking-number", "estimated-arrival-date", "fulfillment-center-id",
    "fulfillment-channel", "sales-channel", "points-granted",
)  # fmt: skip
FEEDBACK_HEADER = ("Date", "Rating", "Comments", "Your Response", "Order ID", "Rater Email")
CLAIMS_HEADER = ("order-id", "claim-type", "status", "claim-date", "amount", "reason")
CANCELLATIONS_HEADER = (
    "order-id", "sku", "cancel-date", "cancel-reason", "is-buyer-requested-cancellation", "cancelled-by",
)  # fmt: skip
MFN_RETURNS_HEADER = (
    "Order ID", "Order date", "Return request date", "Return request status", "Amazon RMA ID", "Merchant RMA ID",
    "Label type", "Label cost", "Currency code", "Return carrier", "Tracking ID", "Label to be paid by",
    "A-to-Z Claim", "Is prime", "ASIN", "Merchant SKU", "Item Name", "Return quantity", "Return Reason",
    "In policy", "Return type", "Resolution", "Invoice number", "Return delivery date", "Order Amount",
    "Order quantity", "SafeT Action reason", "SafeT claim id", "SafeT claim state", "SafeT claim creation time",
    "SafeT claim reimbursement amount", "Refunded Amount",
)  # fmt: skip
MESSAGES_HEADER = ("message-id", "order-id", "received-at", "responded-at", "no-response-needed")


def write_tsv(path: Path, header: Sequence[str], rows: list[list[str]], preamble: Sequence[Sequence[str]] = ()) -> int:
    """Write a tab-separated UTF-8 file with LF endings; return the number of data rows."""
    lines = ["\t".join(line) for line in preamble]
    lines.append("\t".join(header))
    for row in rows:
        if len(row) > len(header) or any(("\t" in v or "\n" in v) for v in row):
            raise AssertionError(f"bad row for {path.name}: {row}")
        lines.append("\t".join(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
    return len(rows)


def flag(value: bool) -> str:
    """Amazon's true/false."""
    return "true" if value else "false"


def all_orders_rows(gen: Generator, first_day: date, until: datetime) -> list[list[str]]:
    """All Orders report rows (one per item) as Seller Central would show them at `until`."""
    rows = []
    for o in sorted(gen.orders, key=lambda o: o.purchased, reverse=True):
        if o.day < first_day or o.purchased > until - timedelta(minutes=5):
            continue

        def seen(t: datetime | None, o: Order = o) -> bool:
            """Amazon records an event `update_lag` after it happens."""
            return t is not None and t + o.update_lag <= until

        events = [o.purchased + timedelta(seconds=40)]
        events += [t + o.update_lag for it in o.items for t in (o.paid, it.cancelled_at, it.shipped_at) if seen(t)]
        last_updated = max(events)
        pending = not seen(o.paid)
        states = []
        for it in o.items:
            if seen(it.cancelled_at):
                states.append(("Cancelled", 0))
            elif seen(it.shipped_at):
                states.append(("Shipped", it.qty))
            else:
                states.append(("Unshipped", it.qty))
        live = [s for s, _ in states if s != "Cancelled"]
        if pending:
            status = "Pending"
        elif not live:
            status = "Cancelled"
        elif all(s == "Shipped" for s in live):
            status = "Shipped"
        elif any(s == "Shipped" for s in live):
            status = "PartiallyShipped"
        else:
            status = "Unshipped"
        city = o.buyer.city.upper() if int(o.order_id[-1]) < 4 else o.buyer.city
        merchant_id = o.merchant_order_id or ("" if o.is_mfn else o.order_id)
        for it, (item_status, qty) in zip(o.items, states, strict=True):
            price = qty * it.product.price
            priced = not pending and qty > 0
            tax = round(price * o.tax_rate, 2)
            rows.append([
                o.order_id, merchant_id, iso_utc(o.purchased), iso_utc(last_updated),
                status, "Merchant" if o.is_mfn else "Amazon", o.sales_channel, "", "", o.service,
                it.product.name, it.product.sku, it.product.asin, item_status, str(qty), "USD",
                money(price) if priced else "", money(tax) if priced and tax else "", "", "", "", "", "", "",
                city, o.buyer.state, o.buyer.postal, "US", "", flag(bool(o.business_po)), o.business_po,
                "BusinessPrice" if o.business_po else "",
            ])  # fmt: skip
    return rows


def order_report_rows(gen: Generator) -> list[list[str]]:
    """Seller-fulfilled order report: every MFN order item, with ship-by and delivery promises."""
    rows = []
    for o in gen.mfn():
        assert o.ship_by
        earliest_delivery = local_time(o.ship_by + timedelta(days=2), 0)
        for it in o.items:
            shipped = it.qty if it.shipped_at and it.shipped_at <= NOW else 0
            rows.append([
                o.order_id, it.item_id, iso_utc(o.purchased), iso_utc(o.paid) if o.paid <= NOW else "",
                o.buyer.email, o.buyer.name, o.buyer.phone, it.product.sku, it.product.name, str(it.qty),
                str(shipped), "USD", money(it.qty * it.product.price), o.service, o.recipient, o.buyer.street,
                o.buyer.city, o.buyer.state, o.buyer.postal, "US", iso_utc(o.purchased), iso_utc(o.deadline),
                iso_utc(earliest_delivery), iso_utc(o.latest_delivery), flag(o.buyer_requested),
                o.buyer_cancel_reason, "Amazon.com", "false",
            ])  # fmt: skip
    return rows


def confirmation_rows(gen: Generator) -> list[list[str]]:
    """Shipping Confirmation upload rows: one per item per package."""
    rows = []
    for p in gen.all_packages():
        for it in p.items:
            rows.append([
                p.order.order_id, it.item_id, str(it.qty), local_day(p.confirmed_at).isoformat(), p.carrier_code,
                p.carrier_name, p.tracking, p.method, iso_local(p.confirmed_at), iso_local(p.delivered_at),
                iso_local(p.first_scan_at),
            ])  # fmt: skip
    return rows


def fba_rows(gen: Generator) -> list[list[str]]:
    """Amazon Fulfilled Shipments rows: one per shipped item."""
    rng = random.Random(gen.seed + 1)  # separate stream: row decorations only
    rows = []
    shipments = sorted(((o, s) for o in gen.orders for s in o.shipments), key=lambda x: x[1].shipped_at)
    for o, s in shipments:
        for it in s.items:
            price = it.qty * it.product.price
            rows.append([
                o.order_id, o.merchant_order_id, s.shipment_id, "D" + "".join(rng.choices(ID_CHARS, k=8)),
                it.item_id, "", iso_utc(o.purchased), iso_utc(o.paid),
                iso_utc(s.shipped_at), iso_utc(s.shipped_at + timedelta(hours=3, minutes=rng.randrange(60))),
                o.buyer.email, o.buyer.name, "", it.product.sku, it.product.name, str(it.qty), "USD",
                money(price), money(round(price * o.tax_rate, 2)), "0.00", "0.00", "0.00", "0.00", o.service,
                o.recipient, o.buyer.street, "", "", o.buyer.city, o.buyer.state, o.buyer.postal, "US",
                o.buyer.phone, "", "", "", "", "", "", "", "0.00", "0.00", s.carrier, s.tracking, iso_utc(s.eta),
                s.center, "AFN", o.sales_channel, "",
            ])  # fmt: skip
    return rows


def feedback_rows(gen: Generator) -> list[list[str]]:
    """Feedback Manager rows, newest first."""
    return [
        [us_short_date(day), str(rating), comment, response, o.order_id if o else gen.unmatched_order_id, email]
        for day, rating, comment, response, o, email in gen.feedback
    ]


def claims_rows(gen: Generator) -> list[list[str]]:
    """The tool's own claims file."""
    return [
        [o.order_id, kind, status, day.isoformat(), money(o.total), reason]
        for o, kind, status, day, reason in gen.claims
    ]


def cancellation_rows(gen: Generator) -> list[list[str]]:
    """The tool's own cancellations file: one row per cancelled MFN item."""
    rows = []
    for o in gen.mfn():
        for it in o.items:
            if it.cancelled_at:
                rows.append([
                    o.order_id, it.product.sku, local_day(it.cancelled_at).isoformat(), o.cancel_reason,
                    flag(o.buyer_requested), o.cancelled_by,
                ])  # fmt: skip
    return rows


def return_rows(gen: Generator) -> list[list[str]]:
    """Seller Fulfilled Returns rows (DD-Mon-YYYY dates)."""
    rng = random.Random(gen.seed + 2)
    reasons = ("AMZ-PG-BAD-DESC", "CR-DEFECTIVE", "AMZ-PG-MISORDERED", "CR-DAMAGED_BY_CARRIER", "CR-UNWANTED_ITEM")
    rows = []
    for n, (o, asked, atoz) in enumerate(gen.returns):
        it = o.items[0]
        back = asked + timedelta(days=rng.randint(4, 9))
        arrived = back <= AS_OF
        row = [
            o.order_id, dd_mon_yyyy(o.day), dd_mon_yyyy(asked), "Approved", "D" + "".join(rng.choices(ID_CHARS, k=11)),
            " ", "AmazonPrePaidLabel",
            money(rng.uniform(4, 9)), "USD", "USPS", "9202" + "".join(rng.choices("0123456789", k=18)),
            "Seller" if n % 3 else "Customer", "Y" if atoz else "N", "N", it.product.asin, it.product.sku,
            it.product.name, str(it.qty), reasons[n % len(reasons)], "Y", "C-Returns", "StandardRefund", " ",
            dd_mon_yyyy(back) if arrived else " ", money(o.total), str(sum(i.qty for i in o.items)),
            "", "", "", "", "", money(it.qty * it.product.price) if arrived else "",
        ]  # fmt: skip
        if not arrived:  # as in real downloads: trailing empty fields left off
            while row and row[-1] == "":
                row.pop()
        rows.append(row)
    return rows


def message_rows(gen: Generator) -> list[list[str]]:
    """The tool's own buyer-messages file."""
    return [
        [mid, o.order_id if o else "", iso_utc(received), iso_utc(responded), flag(no_response)]
        for mid, o, received, responded, no_response in gen.messages
    ]


# --------------------------------------------------------------------------------------------
# Recompute the metrics from the written files (SPEC section 4), as a check
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# seller_performance.json
# --------------------------------------------------------------------------------------------


def date_range(win: tuple[date, date]) -> dict[str, str]:
    """Amazon's reportingDateRange."""
    return {"reportingDateFrom": f"{win[0].isoformat()}T00:00Z", "reportingDateTo": f"{win[1].isoformat()}T23:59Z"}


def amazon_status(r: Rate) -> str:
    """Amazon shows GOOD or BAD (no at-risk state per metric)."""
    return "BAD" if r.status == "breach" else "GOOD"


def seller_performance(out: Path) -> dict[str, object]:
    """Amazon's own view: computed the same way over windows one day older (as Amazon lags), from what Amazon
    knew when it made the report (the day after)."""
    as_of = AS_OF - timedelta(days=1)
    m = audit(out, as_of, known_by=AS_OF)
    odr_win = window(as_of - timedelta(days=14), 60)

    def odr(key: str, kind: str) -> dict[str, object]:
        r = m[key]
        return {
            "reportingDateRange": date_range(odr_win),
            "orderCount": r.den,
            "orderWithDefects": {"count": r.num, "status": amazon_status(r)},
            "claims": {"count": 0, "status": "NONE"},
            "chargebacks": {"count": 0, "status": "NONE"},
            "negativeFeedback": {"count": 0, "status": "NONE"},
            "fulfillmentType": kind,
            "status": amazon_status(r),
            "rate": round(r.rate, 4),
            "targetValue": 0.01,
            "targetCondition": "LESS_THAN",
        }

    def lsr(days: int) -> dict[str, object]:
        r = m[f"late_shipment_rate_{days}d"]
        return {
            "reportingDateRange": date_range(window(as_of, days)),
            "orderCount": r.den,
            "lateShipmentCount": r.num,
            "status": amazon_status(r),
            "rate": round(r.rate, 4),
            "targetValue": 0.04,
            "targetCondition": "LESS_THAN",
        }

    def zero(days: int) -> dict[str, object]:
        return {
            "reportingDateRange": date_range(window(as_of, days)),
            "defectsCount": 0,
            "status": "GOOD",
            "targetValue": 0,
            "targetCondition": "EQUALS",
        }

    cr, vtr, otdr = m["cancellation_rate"], m["valid_tracking_rate"], m["on_time_delivery_rate"]
    mfn_odr, afn_odr = odr("order_defect_rate_mfn", "mfn"), odr("order_defect_rate_afn", "afn")
    return {
        "accountStatuses": [{"marketplaceId": US_MARKETPLACE_ID, "status": "AT_RISK"}],
        "performanceMetrics": [
            {
                "marketplaceId": US_MARKETPLACE_ID,
                "accountHealthRating": {
                    "ahrStatus": "GOOD",
                    "ahrScore": 236,
                    "reportingDateRange": date_range(window(as_of, 180)),
                },
                "orderDefectRate": {"mfn": mfn_odr, "afn": afn_odr},
                "preFulfillmentCancellationRate": {
                    "reportingDateRange": date_range(window(as_of, 7)),
                    "orderCount": cr.den,
                    "cancellationCount": cr.num,
                    "status": amazon_status(cr),
                    "rate": round(cr.rate, 4),
                    "targetValue": 0.025,
                    "targetCondition": "LESS_THAN",
                },
                "lateShipmentRate": lsr(30),
                "lateShipmentRateList": [lsr(10), lsr(30)],
                "validTrackingRate": {
                    "reportingDateRange": date_range(window(as_of, 30)),
                    "shipmentCount": vtr.den,
                    "validTrackingCount": vtr.num,
                    "status": amazon_status(vtr),
                    "rate": round(vtr.rate, 4),
                    "targetValue": 0.95,
                    "targetCondition": "GREATER_THAN",
                },
                "unitOnTimeDeliveryRate": {
                    "reportingDateRange": date_range(window(as_of - timedelta(days=7), 14)),
                    "totalUnitCount": otdr.den,
                    "unitOnTimeDeliveryCount": otdr.num,
                    "status": amazon_status(otdr),
                    "rate": round(otdr.rate, 4),
                    "targetValue": 0.9,
                    "targetCondition": "GREATER_THAN",
                },
                "listingPolicyViolations": zero(180),
                "productAuthenticityCustomerComplaints": zero(180),
                "productConditionCustomerComplaints": zero(180),
                "productSafetyCustomerComplaints": zero(180),
                "receivedIntellectualPropertyComplaints": zero(180),
                "foodAndProductSafetyIssues": zero(180),
                "otherPolicyViolations": zero(180),
                "warningStates": [],
            }
        ],
    }


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def fill_odr_details(perf: dict[str, object], gen: Generator) -> None:
    """Component counts of Amazon's ODR blocks (orders in the window with each defect kind)."""
    as_of = AS_OF - timedelta(days=1)
    odr_win = window(as_of - timedelta(days=14), 60)
    feedback = {o.order_id for _, rating, _, _, o, _ in gen.feedback if o and rating <= 2}
    claims = {o.order_id for o, kind, status, _, _ in gen.claims
              if kind == "a-to-z" and status not in ("denied", "withdrawn", "granted-amazon-funded")}  # fmt: skip
    claims |= {o.order_id for o, _, atoz in gen.returns if atoz}
    chargebacks = {o.order_id for o, kind, status, _, reason in gen.claims
                   if kind == "chargeback" and reason != "fraud" and status != "denied"}  # fmt: skip
    metrics = perf["performanceMetrics"][0]  # type: ignore[index]
    for kind, channel in (("mfn", "MFN"), ("afn", "AFN")):
        ids = {o.order_id for o in gen.orders if o.channel == channel and o.sales_channel == "Amazon.com"
               and in_window(o.day, odr_win)}  # fmt: skip
        block = metrics["orderDefectRate"][kind]
        block["claims"]["count"] = len(ids & claims)
        block["chargebacks"]["count"] = len(ids & chargebacks)
        block["negativeFeedback"]["count"] = len(ids & feedback)


def main(argv: list[str]) -> int:
    """Write every sample file into the folder given as the only argument."""
    if len(argv) != 2:
        print("usage: python scripts/make_samples.py OUTPUT_DIR", file=sys.stderr)
        return 2
    out = Path(argv[1])
    gen, counts = write_account(out)
    print_summary(gen, out, counts)
    return 0


# What changes when the same account sells on another marketplace: the sales channel its orders carry, the
# feedback report's date format (SPEC 1.3) and the seller performance report's marketplaceId.
MARKETPLACES = {
    "US": ("Amazon.com", "%m/%d/%y", US_MARKETPLACE_ID),
    "DE": ("Amazon.de", "%d.%m.%y", "A1PA6795UKMFR9"),
    "FR": ("Amazon.fr", "%d/%m/%y", "A13V1IB3VIYZZH"),
    "UK": ("Amazon.co.uk", "%d/%m/%y", "A1F83G8C2ARO7P"),
    "JP": ("Amazon.co.jp", "%y/%m/%d", "A1VC38T7YXB528"),
}
ORDER_FILES = ("all_orders_1.txt", "all_orders_2.txt", "order_report.txt", "fba_shipments.txt")


def relocate(out: Path, marketplace: str) -> None:
    """Rewrite a US account written into `out` as one of `marketplace` (MARKETPLACES): what its orders' sales
    channel, its feedback dates and its performance report's marketplaceId say. Times stay the same instants."""
    channel, date_format, marketplace_id = MARKETPLACES[marketplace]
    us_channel = MARKETPLACES["US"][0]
    for name in ORDER_FILES:
        path = out / name
        lines = path.read_text(encoding="utf-8").split("\n")
        rows = ["\t".join(channel if f == us_channel else f for f in line.split("\t")) for line in lines]
        path.write_text("\n".join(rows), encoding="utf-8", newline="\n")
    feedback = out / "feedback.txt"
    header, *rows = feedback.read_text(encoding="utf-8").rstrip("\n").split("\n")
    moved = []
    for row in rows:
        day, rest = row.split("\t", 1)
        moved.append(f"{datetime.strptime(day, '%m/%d/%y').strftime(date_format)}\t{rest}")
    feedback.write_text("\n".join([header, *moved]) + "\n", encoding="utf-8", newline="\n")
    performance = out / "seller_performance.json"
    text = performance.read_text(encoding="utf-8")
    performance.write_text(text.replace(US_MARKETPLACE_ID, marketplace_id), encoding="utf-8")


def write_account(out: Path, seed: int = SEED, marketplace: str = "US") -> tuple[Generator, dict[str, int]]:
    """Write every file of the account the seed makes into `out` (the demo account with the default seed), as a
    seller on `marketplace` (one of MARKETPLACES) downloads them."""
    out.mkdir(parents=True, exist_ok=True)
    gen = Generator(seed)
    gen.build()

    counts = {
        "all_orders_1.txt": write_tsv(out / "all_orders_1.txt", ALL_ORDERS_HEADER,
                                      all_orders_rows(gen, FIRST_DAY, DOWNLOAD_1)),
        "all_orders_2.txt": write_tsv(out / "all_orders_2.txt", ALL_ORDERS_HEADER,
                                      all_orders_rows(gen, DOWNLOAD_2_FIRST_DAY, NOW)),
        "order_report.txt": write_tsv(out / "order_report.txt", ORDER_REPORT_HEADER, order_report_rows(gen)),
        "ship_confirmations.txt": write_tsv(out / "ship_confirmations.txt", CONFIRMATION_HEADER,
                                            confirmation_rows(gen), [TEMPLATE_LINE, CONFIRMATION_LABELS]),
        "fba_shipments.txt": write_tsv(out / "fba_shipments.txt", FBA_SHIPMENTS_HEADER, fba_rows(gen)),
        "feedback.txt": write_tsv(out / "feedback.txt", FEEDBACK_HEADER, feedback_rows(gen)),
        "claims.txt": write_tsv(out / "claims.txt", CLAIMS_HEADER, claims_rows(gen)),
        "cancellations.txt": write_tsv(out / "cancellations.txt", CANCELLATIONS_HEADER, cancellation_rows(gen)),
        "mfn_returns.txt": write_tsv(out / "mfn_returns.txt", MFN_RETURNS_HEADER, return_rows(gen)),
        "messages.txt": write_tsv(out / "messages.txt", MESSAGES_HEADER, message_rows(gen)),
    }  # fmt: skip
    perf = seller_performance(out)
    fill_odr_details(perf, gen)
    (out / "seller_performance.json").write_text(json.dumps(perf, indent=2) + "\n", encoding="utf-8")
    if marketplace != "US":
        relocate(out, marketplace)
    return gen, counts


def print_summary(gen: Generator, out: Path, counts: dict[str, int]) -> None:
    """Print row counts, the account's shape and the intended metric values."""
    amazon = [o for o in gen.orders if o.sales_channel == "Amazon.com"]
    mfn = [o for o in amazon if o.is_mfn]
    multi = [o for o in gen.orders if len(o.items) >= 2]
    last_day = max(o.day for o in gen.orders)
    a1 = {(r["amazon-order-id"], r["sku"]): r for r in read_tsv(out / "all_orders_1.txt")}
    a2 = {(r["amazon-order-id"], r["sku"]): r for r in read_tsv(out / "all_orders_2.txt")}
    both = a1.keys() & a2.keys()
    changed = sorted((a1[k]["order-status"], a2[k]["order-status"]) for k in both if a1[k] != a2[k])
    size = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    print(f"Acme Home Goods (synthetic) -> {out}/  ({size / 1e6:.2f} MB)")
    for name, n in counts.items():
        print(f"  {name:<24} {n:>6} rows")
    print(f"  {'seller_performance.json':<24} as of {AS_OF - timedelta(days=1)} (Amazon lags a day)")
    print(
        f"orders {len(gen.orders)} ({len(mfn)} MFN, {len(amazon) - len(mfn)} FBA, "
        f"{len(gen.orders) - len(amazon)} MCF Non-Amazon); multi-item {len(multi) / len(gen.orders):.0%}; "
        f"purchase dates {min(o.day for o in gen.orders)} .. {last_day}"
    )
    transitions = defaultdict(int)
    for pair in changed:
        transitions[f"{pair[0]}->{pair[1]}"] += 1
    print(f"all_orders overlap: {len(both)} item rows in both files, {len(changed)} changed: {dict(transitions)}")
    print(f"\nIntended audit as of {AS_OF} (recomputed from the written files):")
    result = audit(out, AS_OF)
    windows = {
        "cancellation_rate": window(AS_OF, 7),
        "late_shipment_rate_10d": window(AS_OF, 10),
        "late_shipment_rate_30d": window(AS_OF, 30),
        "valid_tracking_rate": window(AS_OF, 30),
        "order_defect_rate_mfn": window(AS_OF - timedelta(days=14), 60),
        "order_defect_rate_afn": window(AS_OF - timedelta(days=14), 60),
        "on_time_delivery_rate": window(AS_OF - timedelta(days=7), 14),
        "response_time_24h": window(AS_OF, 30),
    }
    for key, r in result.items():
        if key in windows:
            start, end = windows[key]
            print(f"  {key:<24} {r.rate:7.2%}  {f'({r.num}/{r.den})':<12} {r.status:<8} {start} .. {end}")
    print(f"  ship-now orders (unconfirmed, past ship-by): {result['_ship_overdue'].num}")
    print(f"  unmatched defect: feedback for {gen.unmatched_order_id}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
