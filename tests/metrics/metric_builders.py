"""Tiny seller accounts written as REAL report files (tab-separated, Seller Central headers) for metric tests.

Each `write_*` function writes one report into a folder and returns its path; row helpers (`ao`, `orep`, `sc`,
...) build one row as a dict keyed by the real header names. A file's header is the kind's usual columns plus any
optional column that at least one row sets, so tests control which optional columns a file carries.
The module name is unique across `tests/` on purpose: the test folders have no `__init__.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from healthcheck.audit import AuditReport, run_audit
from healthcheck.config import Config
from healthcheck.fetch.headers import FEEDBACK, MFN_RETURNS
from healthcheck.report.document import document

LA = ZoneInfo("America/Los_Angeles")
Row = Mapping[str, Any]

# Real headers, copied from /work/shared/formats/ and SPEC 1.2.
ALL_ORDERS_HEADER = (
    "amazon-order-id",
    "merchant-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "order-channel",
    "url",
    "ship-service-level",
    "product-name",
    "sku",
    "asin",
    "item-status",
    "quantity",
    "currency",
    "item-price",
)
ORDER_REPORT_HEADER = (
    "order-id",
    "order-item-id",
    "purchase-date",
    "payments-date",
    "sku",
    "product-name",
    "quantity-purchased",
    "quantity-shipped",
    "ship-service-level",
    "sales-channel",
)
SHIP_CONFIRMATIONS_HEADER = (
    "order-id",
    "order-item-id",
    "quantity",
    "ship-date",
    "carrier-code",
    "carrier-name",
    "tracking-number",
    "ship-method",
)
FEEDBACK_HEADER = FEEDBACK
CLAIMS_HEADER = ("order-id", "claim-type", "status", "claim-date", "amount", "reason")
CANCELLATIONS_HEADER = ("order-id", "sku", "cancel-reason", "cancel-date")
MFN_RETURNS_HEADER = MFN_RETURNS
FBA_SHIPMENTS_HEADER = (
    "amazon-order-id",
    "merchant-order-id",
    "shipment-id",
    "shipment-item-id",
    "amazon-order-item-id",
    "purchase-date",
    "payments-date",
    "shipment-date",
    "sku",
    "quantity-shipped",
    "carrier",
    "tracking-number",
    "fulfillment-channel",
    "sales-channel",
)


# ---------------------------------------------------------------------------------------------------------------
# Values


def oid(n: int) -> str:
    """An Amazon-shaped order id, unique per n."""
    return f"111-{n:07d}-{n:07d}"


def la(day: str, clock: str = "12:00:00") -> str:
    """A Los Angeles wall-clock time written as an ISO instant with its offset (PST or PDT as the date says)."""
    local = dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LA)
    return local.isoformat()


def utc(day: str, clock: str) -> str:
    return f"{day}T{clock}+00:00"


def end_of_day(day: str) -> str:
    """Amazon's latest-ship-date style deadline: 23:59:59 local."""
    return la(day, "23:59:59")


# ---------------------------------------------------------------------------------------------------------------
# Rows


def ao(
    order: str,
    purchase: str,
    *,
    status: str = "Shipped",
    item_status: str | None = None,
    channel: str = "Merchant",
    sku: str = "SKU-1",
    quantity: int = 1,
    sales_channel: str = "Amazon.com",
    last_updated: str = "",
    item_id: str | None = None,
) -> dict[str, Any]:
    """One All Orders row (order-item grain)."""
    row: dict[str, Any] = {
        "amazon-order-id": order,
        "merchant-order-id": order,
        "purchase-date": purchase,
        "last-updated-date": last_updated or purchase,
        "order-status": status,
        "fulfillment-channel": channel,
        "sales-channel": sales_channel,
        "ship-service-level": "Standard",
        "product-name": f"Product {sku}",
        "sku": sku,
        "asin": "B000000001",
        "item-status": status if item_status is None else item_status,
        "quantity": quantity,
        "currency": "USD",
        "item-price": "9.99",
    }
    if item_id is not None:
        row["order-item-id"] = item_id
    return row


def orep(
    order: str,
    purchase: str,
    *,
    item_id: str | None = None,
    sku: str = "SKU-1",
    quantity: int = 1,
    shipped: int = 0,
    sales_channel: str = "Amazon.com",
    **optional: Any,
) -> dict[str, Any]:
    """One order-report row; `optional` takes header names with `_` for `-` (latest_ship_date=...)."""
    row: dict[str, Any] = {
        "order-id": order,
        "order-item-id": item_id or f"{order.replace('-', '')[-7:]}{sku.encode().hex()[-6:]}",
        "purchase-date": purchase,
        "payments-date": purchase,
        "sku": sku,
        "product-name": f"Product {sku}",
        "quantity-purchased": quantity,
        "quantity-shipped": shipped,
        "ship-service-level": "Standard",
        "sales-channel": sales_channel,
    }
    row.update({k.replace("_", "-"): v for k, v in optional.items()})
    return row


def sc(
    order: str,
    ship_date: str,
    *,
    tracking: str | None = None,
    carrier: str = "UPS",
    carrier_name: str = "",
    quantity: int = 1,
    item_id: str = "",
    method: str = "Ground",
    **optional: Any,
) -> dict[str, Any]:
    """One ship-confirmation row; optional: confirmed_at=..., delivered_at=..., first_scan_at=..."""
    row: dict[str, Any] = {
        "order-id": order,
        "order-item-id": item_id,
        "quantity": quantity,
        "ship-date": ship_date,
        "carrier-code": carrier,
        "carrier-name": carrier_name,
        "tracking-number": f"1Z{order.replace('-', '')}" if tracking is None else tracking,
        "ship-method": method,
    }
    row.update({k.replace("_", "-"): v for k, v in optional.items()})
    return row


def fb(order: str, rating: int, date: str = "5/1/24", comments: str = "ok") -> dict[str, Any]:
    """One Feedback Manager row (US dates are M/D/YY)."""
    return {
        "Date": date,
        "Rating": rating,
        "Comments": comments,
        "Your Response": "",
        "Order ID": order,
        "Rater Email": "redacted@marketplace.amazon.com",
    }


def claim(
    order: str, status: str = "open", claim_type: str = "a-to-z", *, date: str = "2024-05-01", reason: str = ""
) -> dict[str, Any]:
    return {
        "order-id": order,
        "claim-type": claim_type,
        "status": status,
        "claim-date": date,
        "amount": "19.99",
        "reason": reason,
    }


def cancel(order: str, reason: str = "NoInventory", *, sku: str = "SKU-1", **optional: Any) -> dict[str, Any]:
    """One cancellation-log row; optional: is_buyer_requested_cancellation=..., cancelled_by=..."""
    row: dict[str, Any] = {"order-id": order, "sku": sku, "cancel-reason": reason, "cancel-date": "2024-05-10"}
    row.update({k.replace("_", "-"): v for k, v in optional.items()})
    return row


def mfn_return(order: str, a_to_z: str = "Y") -> dict[str, Any]:
    return {
        "Order ID": order,
        "Order date": "10-Apr-2024",
        "Return request date": "14-Apr-2024",
        "Return request status": "Approved",
        "Label type": "AmazonPrePaidLabel",
        "A-to-Z Claim": a_to_z,
        "Is prime": "N",
        "Merchant SKU": "SKU-1",
        "Return quantity": 1,
    }


def fba_ship(order: str, purchase: str, *, sku: str = "FBA-1", sales_channel: str = "Amazon.com") -> dict[str, Any]:
    return {
        "amazon-order-id": order,
        "shipment-id": f"D{order[-5:]}",
        "shipment-item-id": f"S{order[-5:]}",
        "amazon-order-item-id": f"{order[-7:]}01",
        "purchase-date": purchase,
        "payments-date": purchase,
        "shipment-date": purchase,
        "sku": sku,
        "quantity-shipped": 1,
        "carrier": "UPS",
        "tracking-number": f"1Z{order.replace('-', '')}",
        "fulfillment-channel": "AFN",
        "sales-channel": sales_channel,
    }


# ---------------------------------------------------------------------------------------------------------------
# Files


def _header(base: Sequence[str], rows: Iterable[Row]) -> list[str]:
    columns = list(base)
    for row in rows:
        columns += [k for k in row if k not in columns]
    return columns


def write_report(path: Path, base_header: Sequence[str], rows: Sequence[Row]) -> Path:
    """Tab-separated, one header row, LF endings, no quoting (SPEC 1.1)."""
    columns = _header(base_header, rows)
    lines = ["\t".join(columns)]
    lines += ["\t".join(str(row.get(c, "")) for c in columns) for row in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_all_orders(folder: Path, rows: Sequence[Row], name: str = "all_orders.txt") -> Path:
    return write_report(folder / name, ALL_ORDERS_HEADER, rows)


def write_order_report(folder: Path, rows: Sequence[Row], name: str = "order_report.txt") -> Path:
    return write_report(folder / name, ORDER_REPORT_HEADER, rows)


def write_ship_confirmations(folder: Path, rows: Sequence[Row], name: str = "ship_confirmations.txt") -> Path:
    return write_report(folder / name, SHIP_CONFIRMATIONS_HEADER, rows)


def write_feedback(folder: Path, rows: Sequence[Row], name: str = "feedback.txt") -> Path:
    return write_report(folder / name, FEEDBACK_HEADER, rows)


def write_claims(folder: Path, rows: Sequence[Row], name: str = "claims.txt") -> Path:
    return write_report(folder / name, CLAIMS_HEADER, rows)


def write_cancellations(folder: Path, rows: Sequence[Row], name: str = "cancellations.txt") -> Path:
    return write_report(folder / name, CANCELLATIONS_HEADER, rows)


def write_mfn_returns(folder: Path, rows: Sequence[Row], name: str = "mfn_returns.txt") -> Path:
    return write_report(folder / name, MFN_RETURNS_HEADER, rows)


def write_fba_shipments(folder: Path, rows: Sequence[Row], name: str = "fba_shipments.txt") -> Path:
    return write_report(folder / name, FBA_SHIPMENTS_HEADER, rows)


# ---------------------------------------------------------------------------------------------------------------
# Running


@dataclass(frozen=True)
class Audit:
    """A finished audit and its SPEC 5.2 document, with lookups by metric id, input file name and action id."""

    report: AuditReport
    doc: dict[str, Any]

    def metric(self, metric_id: str) -> dict[str, Any]:
        return pick_metric(self.doc, metric_id)

    def input(self, name: str) -> dict[str, Any]:
        found = [i for i in self.doc["inputs"] if Path(i["path"]).name == name]
        assert len(found) == 1, f"no single input named {name}: {[i['path'] for i in self.doc['inputs']]}"
        return found[0]

    def action(self, action_id: str) -> dict[str, Any] | None:
        found = [a for a in self.doc["actions"] if a["id"] == action_id]
        return found[0] if found else None


def pick_metric(doc: Mapping[str, Any], metric_id: str) -> dict[str, Any]:
    found = [m for m in doc["metrics"] if m["id"] == metric_id]
    assert len(found) == 1, f"{metric_id} not in {[m['id'] for m in doc['metrics']]}"
    return dict(found[0])


def audit(
    paths: Path | Sequence[Path],
    as_of: str | dt.date,
    *,
    marketplace: str | None = "US",
    config: Config | None = None,
) -> Audit:
    day = as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(as_of)
    report = run_audit(
        [paths] if isinstance(paths, Path) else list(paths),
        config=config or Config(),
        marketplace=marketplace,
        as_of=day,
        now=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
    )
    return Audit(report, document(report))


def counts(m: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """(numerator, denominator) of a metric dict."""
    return m["numerator"], m["denominator"]
