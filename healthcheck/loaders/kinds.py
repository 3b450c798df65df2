"""Every report kind the tool reads, declared as data (SPEC 1.2).

A kind is recognised from its header (`signature`), never from the file name. Each column names the
canonical header, the field the rest of the code uses, whether the metric definitions need it, and how its
values are parsed. Columns not listed here are never read, which is both faster and keeps buyer PII out.

SPEC 1.2 names some optional columns that nothing here uses (All Orders' `asin`, `product-name`;
the order report's `product-name`, `earliest-ship-date`; Amazon Fulfilled Shipments' `shipment-id`
and `product-name`): they are left unread. Product names alone are a tenth of a large account's bytes, and
reading them cost a large account about a second (docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

# Fields the loader adds to every frame. `_file` indexes the inputs, in the smallest integer type that holds them.
FILE_FIELD = "_file"
# An int64 per row: the number an Amazon order id's 17 digits make, present only when every order id of the frame
# is one. Worked out on the loading threads, then used for de-duplication and by the model's order codes.
ORDER_NO = "_order_no"


def order_column(columns: Collection[str]) -> str:
    """The column that names a frame's orders: `order_id`, or `ORDER_NO` where the loader held only the numbers
    (`Column.numbered`)."""
    return ORDER_NO if ORDER_NO in columns and "order_id" not in columns else "order_id"


class ValueType(StrEnum):
    TEXT = "text"
    ID = "id"  # an identifier: kept as a string, checked for Excel's scientific notation
    INSTANT = "instant"  # ISO timestamp with offset, or a local date/time
    DATE = "date"  # a calendar date (ISO, or the kind's own format)
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    PRESENT = "present"  # only whether a value is there: read as a boolean, the value itself never kept


@dataclass(frozen=True)
class Column:
    header: str  # normalised header (lower case, `_` read as `-`)
    field: str
    type: ValueType = ValueType.TEXT
    needed: bool = False
    aliases: tuple[str, ...] = ()
    date_format: str | None = None  # strptime format for DATE columns that are not ISO
    pii: bool = False  # buyer data: read only with --show-pii, so it cannot leak into any output otherwise
    # A text column of a few distinct values over many rows (a status, a channel, a carrier, a SKU): held as a pandas
    # Categorical (`loaders.repeated`), a small integer per row instead of a string (issue 16: memory).
    repeated: bool = False
    # False for a column read only while loading: a key of de-duplication (SPEC 1.5) or a value the scientific-
    # notation warning checks. Once a kind's downloads are de-duplicated it is let go of (issue 16: memory).
    kept: bool = True
    # An order id column held only as the numbers its ids make (`ORDER_NO`) wherever every id of a file is an
    # Amazon order id: the ids are written back from the numbers where they are read (`loaders.order_ids`). The
    # order sources' ids, 350 MB of strings through the reading of five million orders (issue 16: memory).
    numbered: bool = False
    # The values it may hold (compared case-insensitively); any other makes the row bad, as an unreadable number
    # does, since the metrics cannot tell what it means (SPEC 6).
    choices: tuple[str, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class KindSpec:
    kind: str
    title: str
    signature: frozenset[str]
    columns: tuple[Column, ...]
    # A file the seller keeps (`healthcheck template <kind>` writes one), not a download: a bad value is corrected
    # in it, never downloaded again.
    own: bool = False
    # The download carries buyer data (names, addresses, e-mail addresses, comments) in some of its columns, read
    # or not: a damaged row whose fields shifted can put any of it where a value of ours was, so its values are
    # described in messages, never quoted (SPEC 6).
    buyer_data: bool = False

    @property
    def fix(self) -> str:
        """How a seller mends a bad value of this kind's files, said where a row is left out."""
        if self.own:
            return f"correct the value in your file; `healthcheck template {self.kind}` shows what each column takes"
        return "re-download the report from Seller Central, or correct the value"

    @property
    def missing_fix(self) -> str:
        """How a seller mends a file of this kind that lacks a column the tool needs."""
        if self.own:
            return f"add the column to your file; `healthcheck template {self.kind}` writes one with every column"
        return "download the full report from Seller Central (do not delete columns)"

    @property
    def short_title(self) -> str:
        """`Order report`: the title without its explanation in brackets, as a sentence names the download."""
        return self.title.split(" (")[0]

    def needed(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.needed)


def normalise_header(name: str) -> str:
    """Headers match case-insensitively, ignoring surrounding spaces and `_` vs `-` (SPEC 1.1)."""
    return name.strip().strip('"').strip().lower().replace("_", "-")


T = ValueType

# SPEC 1.4: `Merchant` or `MFN` is seller-fulfilled, `Amazon` or `AFN` is FBA.
FULFILLMENT_CHANNELS = {"Merchant": "MFN", "MFN": "MFN", "Amazon": "AFN", "AFN": "AFN"}

ALL_ORDERS = KindSpec(
    "all_orders",
    "All Orders report",
    frozenset({"amazon-order-id", "purchase-date", "order-status", "fulfillment-channel"}),
    (
        Column("amazon-order-id", "order_id", T.ID, needed=True, numbered=True),
        Column("purchase-date", "purchase_ts", T.INSTANT, needed=True),
        Column("order-status", "order_status", needed=True, repeated=True),
        Column(
            "fulfillment-channel",
            "fulfillment_channel",
            needed=True,
            repeated=True,
            choices=tuple(FULFILLMENT_CHANNELS),
        ),
        Column("item-status", "item_status", needed=True, repeated=True),
        Column("last-updated-date", "last_updated", T.INSTANT),
        Column("sales-channel", "sales_channel", repeated=True),
        Column("order-item-id", "order_item_id", T.ID, aliases=("amazon-order-item-id",), kept=False),
        Column("sku", "sku", repeated=True),
        # EU downloads name it quantity-purchased.
        Column("quantity", "quantity", T.INT, aliases=("quantity-purchased",)),
        # Read only for whether they are empty: Amazon fills them once payment is authorised, so an order cancelled
        # with both empty on every row was cancelled while Pending (SPEC 4.2, rev 2).
        Column("item-price", "has_price", T.PRESENT),
        Column("currency", "has_currency", T.PRESENT),
    ),
    buyer_data=True,
)

ORDER_REPORT = KindSpec(
    "order_report",
    "Order report (seller-fulfilled orders)",
    frozenset({"order-id", "order-item-id", "purchase-date"}),
    (
        Column("order-id", "order_id", T.ID, needed=True, numbered=True),
        Column("order-item-id", "order_item_id", T.ID, needed=True, kept=False),
        Column("purchase-date", "purchase_ts", T.INSTANT, needed=True),
        Column("sku", "sku", repeated=True),
        Column("quantity-purchased", "quantity", T.INT),
        Column("quantity-shipped", "quantity_shipped", T.INT),
        Column("latest-ship-date", "latest_ship_ts", T.INSTANT),
        Column("promise-date", "promise_ts", T.INSTANT),
        Column("latest-delivery-date", "latest_delivery_ts", T.INSTANT),
        Column("is-buyer-requested-cancellation", "buyer_requested", T.BOOL),
        Column("buyer-requested-cancel-reason", "buyer_cancel_reason", repeated=True),
        Column("sales-channel", "sales_channel", repeated=True),
        # Which orders are Seller-Fulfilled Prime: the program metrics of `--program sfp` count only those.
        Column("is-prime", "is_prime", T.BOOL),
        Column("buyer-name", "buyer_name", pii=True),
        Column("buyer-email", "buyer_email", pii=True),
        Column("buyer-phone-number", "buyer_phone", pii=True),
    ),
    buyer_data=True,
)

SHIP_CONFIRMATIONS = KindSpec(
    "ship_confirmations",
    "Shipping confirmations",
    frozenset({"order-id", "ship-date", "tracking-number"}),
    (
        Column("order-id", "order_id", T.ID, needed=True),
        Column("ship-date", "ship_ts", T.INSTANT, needed=True),
        Column("order-item-id", "order_item_id", T.ID, kept=False),
        Column("quantity", "quantity", T.INT),
        Column("carrier-code", "carrier_code", repeated=True),
        Column("carrier-name", "carrier_name", repeated=True),
        Column("tracking-number", "tracking_number", T.ID),
        Column("ship-method", "ship_method", kept=False),
        Column("confirmed-at", "confirmed_ts", T.INSTANT),
        Column("delivered-at", "delivered_ts", T.INSTANT),
        Column("first-scan-at", "first_scan_ts", T.INSTANT),
    ),
)

FBA_SHIPMENTS = KindSpec(
    "fba_shipments",
    "Amazon Fulfilled Shipments",
    frozenset({"amazon-order-id", "shipment-id", "shipment-date"}),
    (
        Column("amazon-order-id", "order_id", T.ID, needed=True, numbered=True),
        Column("shipment-date", "shipment_ts", T.INSTANT, needed=True),
        Column("purchase-date", "purchase_ts", T.INSTANT),
        Column("amazon-order-item-id", "order_item_id", T.ID, kept=False),
        Column("sku", "sku", repeated=True),
        Column("quantity-shipped", "quantity", T.INT),
        Column("sales-channel", "sales_channel", repeated=True),
        # Read so that Excel-mangled tracking numbers are counted in the warning (SPEC 1.1: ids include them).
        Column("tracking-number", "tracking_number", T.ID, kept=False),
    ),
    buyer_data=True,
)

# Feedback columns are matched by position (SPEC 1.3), so their headers here are the canonical English ones.
FEEDBACK = KindSpec(
    "feedback",
    "Feedback Manager report",
    frozenset({"date", "rating", "comments", "order id"}),
    (
        Column("date", "feedback_date", T.DATE, needed=True),
        Column("rating", "rating", T.INT, needed=True),
        Column("comments", "comments"),
        Column("your response", "response", aliases=("response",)),
        Column("order id", "order_id", T.ID, needed=True),
    ),
    buyer_data=True,
)

CLAIMS = KindSpec(
    "claims",
    "A-to-z and chargeback claims",
    frozenset({"order-id", "claim-type"}),
    (
        Column("order-id", "order_id", T.ID, needed=True),
        Column("claim-type", "claim_type", needed=True),
        Column("status", "status", needed=True),
        Column("claim-date", "claim_date", T.DATE, needed=True),
        Column("amount", "amount", T.FLOAT),
        Column("reason", "reason"),
    ),
    own=True,
)

CANCELLATIONS = KindSpec(
    "cancellations",
    "Cancellation log",
    frozenset({"order-id", "cancel-reason"}),
    (
        Column("order-id", "order_id", T.ID, needed=True),
        Column("cancel-reason", "cancel_reason", needed=True),
        Column("sku", "sku"),
        Column("cancel-date", "cancel_ts", T.INSTANT),
        Column("is-buyer-requested-cancellation", "buyer_requested", T.BOOL),
        Column("cancelled-by", "cancelled_by", aliases=("canceled-by",)),
    ),
    own=True,
)

MESSAGES = KindSpec(
    "messages",
    "Buyer messages",
    frozenset({"message-id", "received-at"}),
    (
        Column("message-id", "message_id", T.ID, needed=True),
        Column("received-at", "received_ts", T.INSTANT, needed=True),
        Column("order-id", "order_id", T.ID),
        Column("responded-at", "responded_ts", T.INSTANT),
        Column("no-response-needed", "no_response_needed", T.BOOL),
    ),
    own=True,
)

MFN_RETURNS = KindSpec(
    "mfn_returns",
    "Seller Fulfilled Returns report",
    frozenset({"order id", "return request date", "a-to-z claim"}),
    (
        Column("order id", "order_id", T.ID, needed=True),
        Column("a-to-z claim", "a_to_z_claim", T.BOOL, needed=True),
        Column("return request date", "return_date", T.DATE, date_format="%d-%b-%Y"),
        Column("order date", "order_date", T.DATE, date_format="%d-%b-%Y"),
        Column("merchant sku", "sku"),
        Column("return quantity", "quantity", T.INT),
        Column("return reason", "return_reason"),
        Column("refunded amount", "refunded_amount", T.FLOAT),
    ),
    buyer_data=True,
)

# Not in the contract's table, but SPEC 4.6 counts FBA returns as refunds, and sellers download it beside
# the others: recognising it keeps a folder of real downloads from failing as "unknown report".
FBA_RETURNS = KindSpec(
    "fba_returns",
    "FBA customer returns",
    frozenset({"return-date", "order-id", "fnsku", "detailed-disposition"}),
    (
        Column("order-id", "order_id", T.ID, needed=True),
        Column("return-date", "return_ts", T.INSTANT, needed=True),
        Column("sku", "sku"),
        Column("quantity", "quantity", T.INT),
        Column("reason", "return_reason"),
        Column("status", "status"),
    ),
    buyer_data=True,
)

# The VAT Invoice Data Report (`GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT`, "VIDR"; EU marketplaces, sellers in Amazon's
# VAT Calculation Service who upload their own invoices). Columns as SP-API's "Invoice Data reports attributes" page
# names them. It lists each shipment with the state of its invoice upload but never when an invoice was uploaded:
# it shows the invoices still missing, not the late ones (docs/rules.md), so the invoice defect rate is never
# recomputed from it. Buyer and address columns are never read.
VAT_INVOICES = KindSpec(
    "vat_invoices",
    "VAT invoice data report",
    frozenset({"order-id", "shipping-id", "transaction-type", "invoice-status"}),
    (
        Column("order-id", "order_id", T.ID, needed=True),
        Column("shipping-id", "shipping_id", T.ID, needed=True),
        Column("transaction-type", "transaction_type", needed=True),
        Column("invoice-status", "invoice_status", needed=True),
        Column("shipment-date", "shipment_ts", T.INSTANT),
        Column("order-date", "order_ts", T.INSTANT),
        Column("is-business-order", "business_order", T.BOOL),
        Column("is-amazon-invoiced", "amazon_invoiced", T.BOOL),
        Column("sku", "sku"),
    ),
    buyer_data=True,
)

# Order of detection: the most specific signatures first, so that a file that also carries another kind's
# columns is read as what it is.
FLAT_KINDS: tuple[KindSpec, ...] = (
    ALL_ORDERS,
    FBA_SHIPMENTS,
    FBA_RETURNS,
    SHIP_CONFIRMATIONS,
    CLAIMS,
    CANCELLATIONS,
    MESSAGES,
    MFN_RETURNS,
    VAT_INVOICES,
    ORDER_REPORT,
)

KINDS_BY_NAME: dict[str, KindSpec] = {k.kind: k for k in (*FLAT_KINDS, FEEDBACK)}

SELLER_PERFORMANCE = "seller_performance"

# SPEC 1.3: the feedback report's translated headers, always in the order
# Date, Rating, Comments, Response, Order ID, Rater Email.
FEEDBACK_HEADERS: tuple[tuple[str, ...], ...] = (
    ("date", "rating", "comments", "your response", "order id", "rater email"),
    ("date", "rating", "comments", "response", "order id", "rater email"),
    ("datum", "bewertung", "kommentar", "ihre antwort", "transaktionsnummer", "e-mail des bewertenden"),
    ("date", "rating", "comentarios", "response", "número de pedido", "e-mail del cliente"),
    (
        "fecha",
        "rating",
        "comentarios",
        "tu respuesta",
        "número de pedido",
        "correo electrónico del evaluador",
    ),
)

# Columns that recognise a kind (SPEC 1.2): a text file with none of them in its header is not a report at all (a
# seller's notes, a Business Report, a price list) and is passed over with a note (rev 2). Of the feedback report
# only its own columns count (the rating and the rater's e-mail, in every language), not generic ones like `Date`.
RECOGNISING_COLUMNS: frozenset[str] = frozenset(
    {name for kind in FLAT_KINDS for name in kind.signature}
    | {name for header in FEEDBACK_HEADERS for name in (header[1], header[5])}
)
