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
    """The tiny account plus a file no report kind matches: the audit completes what it can and exits 3."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in TINY.iterdir():
        shutil.copy(source, folder / source.name)
    (folder / "mystery.txt").write_text("foo\tbar\n1\t2\n", encoding="utf-8")
    return folder


def performance_document(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path
