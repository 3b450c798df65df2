"""Small seller accounts for the report tests, written as real tab-separated report files.

The module name is unique across `tests/` on purpose: the test folders have no `__init__.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from healthcheck.audit import AuditReport, run_audit
from healthcheck.config import Config

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_reports"
TINY = ROOT / "tests" / "data" / "tiny"
EXAMPLE_PERFORMANCE = Path("/work/shared/formats/seller_performance_v2_example.json")
NOW = dt.datetime(2026, 11, 21, 6, 0, tzinfo=dt.UTC)

ALL_ORDERS_HEADER = (
    "amazon-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "sku",
    "item-status",
    "quantity",
    "product-name",
)
CONFIRMATIONS_HEADER = ("order-id", "order-item-id", "quantity", "ship-date", "carrier-code", "tracking-number")


def order_id(n: int) -> str:
    return f"111-{n:07d}-{n:07d}"


def write_tsv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    lines = ["\t".join(header)] + ["\t".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cancellation_account(folder: Path, *, since: dt.date | None = None) -> Path:
    """20 seller-fulfilled orders a day, purchased 2024-05-01 .. 2024-05-10 (US, 18:00 UTC = 11:00 local).

    Seller cancellations: 2 on May 4, 1 on May 5, 1 on May 7, 1 on May 9. As of May 10 the 7-day window
    (May 4 .. May 10) holds 140 orders and 5 cancellations: 3.57 %, a breach. `since` adds one shipped order
    purchased that day, to stretch the data's span.
    """
    folder.mkdir(parents=True, exist_ok=True)
    cancelled_per_day = {4: 2, 5: 1, 7: 1, 9: 1}
    rows = []
    n = 0
    for day in range(1, 11):
        for i in range(20):
            n += 1
            status = "Cancelled" if i < cancelled_per_day.get(day, 0) else "Shipped"
            purchase = f"2024-05-{day:02d}T18:00:00+00:00"
            rows.append((order_id(n), purchase, purchase, status, "Merchant", "Amazon.com", "MUG-1", status, 1, "Mug"))
    if since is not None:
        purchase = f"{since.isoformat()}T18:00:00+00:00"
        rows.append(
            (order_id(9999), purchase, purchase, "Shipped", "Merchant", "Amazon.com", "MUG-1", "Shipped", 1, "Mug")
        )
    write_tsv(folder / "all_orders.txt", ALL_ORDERS_HEADER, rows)
    return folder


def audit(paths: Sequence[Path], *, as_of: dt.date | None = None, config: Config | None = None) -> AuditReport:
    return run_audit(list(paths), config=config or Config(), marketplace="US", as_of=as_of, now=NOW)


def error_account(folder: Path) -> Path:
    """The tiny account plus a damaged report (an order report missing columns): the audit completes what it
    can and exits 3."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in TINY.iterdir():
        shutil.copy(source, folder / source.name)
    (folder / "mystery.txt").write_text("order-id\tbar\n1\t2\n", encoding="utf-8")
    return folder


def performance_document(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


HOSTILE_SKUS = (
    '=HYPERLINK("http://evil.example/x","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "<script>alert(1)</script>",
    "[bold red]RED[/bold red]",
    "\x1b[31mESC\x1b[0m",
    "a|b`c*d",
)  # weighted in `hostile_account`: [bold red] 6, ESC 5, <script> 4, the others 3 orders each


def hostile_account(parent: Path) -> Path:
    """Orders whose SKUs are formulas, HTML, rich markup and escape sequences, in a folder and file whose names
    are HTML: all of it cancelled by the seller, so the SKUs reach the actions and the worklist."""
    folder = parent / "acct <script>alert(1)"
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    # The first three are cancelled most, so that even the terminal's shortest lists name them.
    weighted = HOSTILE_SKUS[5:7] * 2 + HOSTILE_SKUS[4:6] + HOSTILE_SKUS * 3
    for n, sku in enumerate(weighted, start=1):
        purchase = f"2024-05-{4 + n % 7:02d}T18:00:00+00:00"  # inside the 7-day window ending May 10
        rows.append((order_id(n), purchase, purchase, "Cancelled", "Merchant", "Amazon.com", sku, "Cancelled", 0, sku))
    for n in range(100, 110):
        purchase = "2024-05-08T18:00:00+00:00"
        rows.append(
            (order_id(n), purchase, purchase, "Shipped", "Merchant", "Amazon.com", "MUG-1", "Shipped", 1, "Mug")
        )
    write_tsv(folder / "orders [bold red]x <img src=x onerror=alert(1)>.txt", ALL_ORDERS_HEADER, rows)
    return folder


def overdue_account(folder: Path) -> Path:
    """As of Fri 2024-05-10 (handling 2 days, US calendar): two unconfirmed orders, one due on Wed May 8 (late)
    and one due today (not late yet), and 8 orders confirmed on time."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [
        (
            order_id(1),
            "2024-05-06T18:00:00+00:00",
            "2024-05-06T18:00:00+00:00",
            "Unshipped",
            "Merchant",
            "Amazon.com",
            "LAMP-1",
            "Unshipped",
            1,
            "Lamp",
        ),
        (
            order_id(2),
            "2024-05-08T18:00:00+00:00",
            "2024-05-08T18:00:00+00:00",
            "Unshipped",
            "Merchant",
            "Amazon.com",
            "MUG-1",
            "Unshipped",
            1,
            "Mug",
        ),
    ]
    confirmations = []
    for n in range(10, 18):
        purchase = "2024-05-06T18:00:00+00:00"
        rows.append(
            (order_id(n), purchase, purchase, "Shipped", "Merchant", "Amazon.com", "MUG-1", "Shipped", 1, "Mug")
        )
        confirmations.append((order_id(n), f"{n}", 1, "2024-05-07", "USPS", f"9400{n:018d}"))
    write_tsv(folder / "all_orders.txt", ALL_ORDERS_HEADER, rows)
    write_tsv(folder / "ship_confirmations.txt", CONFIRMATIONS_HEADER, confirmations)
    return folder
