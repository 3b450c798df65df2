"""Files of report types the demo account lacks, built from real rows, for the fake SP-API server to serve
(`FakeSpApi.files`): `sample_reports/` stays as it is, since its numbers are golden elsewhere."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from fake_spapi import FORMATS, SAMPLES


def fba_returns_file(folder: Path) -> Path:
    """FBA customer returns for the demo account, as Amazon delivers them: the real row of shared/formats (its
    header, disposition, reason, status and licence plate) once for each of three of the demo's FBA orders, with
    the order's id and SKU, dated nine days after the order shipped (September, early and mid November)."""
    if not FORMATS.is_dir():
        pytest.skip(f"{FORMATS} is not checked out beside the repo")
    header, real = (FORMATS / "returns_fba_us_2025.tsv").read_text(encoding="utf-8").splitlines()[:2]
    columns = header.split("\t")
    with (SAMPLES / "fba_shipments.txt").open(encoding="utf-8", newline="") as handle:
        shipments = list(csv.DictReader(handle, delimiter="\t"))
    lines = [header]
    for purchased in ("2026-09-01", "2026-10-25", "2026-11-05"):
        order = next(row for row in shipments if row["purchase-date"] >= purchased)
        returned = dt.datetime.fromisoformat(order["shipment-date"]) + dt.timedelta(days=9)
        row = dict(zip(columns, real.split("\t"), strict=True))
        row.update(
            {
                "return-date": returned.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                "order-id": order["amazon-order-id"],
                "sku": order["sku"],
                "product-name": order["product-name"],
            }
        )
        lines.append("\t".join(row[column] for column in columns))
    path = folder / "fba_returns_served.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# Columns of Amazon's "Invoice Data reports attributes" page (SP-API docs) for GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT,
# in its order, up to the shipping address (the billing and ship-from columns that follow are left out).
VAT_INVOICE_COLUMNS = [
    "marketplace-id",
    "order-id",
    "order-item-id",
    "shipping-id",
    "transaction-id",
    "transaction-type",
    "invoice-number",
    "invoice-status",
    "invoice-status-description",
    "is-amazon-invoiced",
    "order-date",
    "shipment-date",
    "buyer-vat-number",
    "seller-vat-number",
    "asin",
    "sku",
    "product-name",
    "quantity-purchased",
    "currency",
    "item-vat-incl-amount",
    "item-vat-amount",
    "item-vat-excl-amount",
    "item-vat-rate",
    "is-business-order",
    "price-designation",
    "purchase-order-number",
    "recipient-name",
    "ship-service-level",
    "fulfilled-by",
    "ship-address-1",
    "ship-address-2",
    "ship-address-3",
    "ship-city",
    "ship-state",
    "ship-postal-code",
    "ship-country",
    "ship-phone-number",
]
VAT_BUYER = "Erika Mustermann"  # in the file's recipient-name: must never reach any output


def vat_invoice_file(folder: Path) -> Path:
    """A VAT invoice data report of invoices still pending (what `ReportOption=pendingInvoices` returns): two
    business orders of the demo account, shipped and not yet invoiced, with a buyer's name and address."""
    with (SAMPLES / "fba_shipments.txt").open(encoding="utf-8", newline="") as handle:
        shipments = list(csv.DictReader(handle, delimiter="\t"))
    lines = ["\t".join(VAT_INVOICE_COLUMNS)]
    for number, purchased in enumerate(("2026-11-05", "2026-11-09"), start=1):
        order = next(row for row in shipments if row["purchase-date"] >= purchased)
        values = {
            "marketplace-id": "A1PA6795UKMFR9",
            "order-id": order["amazon-order-id"],
            "order-item-id": order["amazon-order-item-id"],
            "shipping-id": order["shipment-id"],
            "transaction-id": f"{number}1234567890",
            "transaction-type": "SHIPMENT",
            "invoice-status": "Pending",
            "invoice-status-description": "Invoice not uploaded",
            "is-amazon-invoiced": "false",
            "order-date": order["purchase-date"],
            "shipment-date": order["shipment-date"],
            "buyer-vat-number": "DE123456789",
            "seller-vat-number": "DE987654321",
            "asin": "B0TESTASIN",
            "sku": order["sku"],
            "product-name": order["product-name"],
            "quantity-purchased": "1",
            "currency": "EUR",
            "item-vat-incl-amount": "23.80",
            "item-vat-amount": "3.80",
            "item-vat-excl-amount": "20.00",
            "item-vat-rate": "0.19",
            "is-business-order": "true",
            "recipient-name": VAT_BUYER,
            "ship-service-level": "Standard",
            "fulfilled-by": "AFN",
            "ship-address-1": "Musterstrasse 1",
            "ship-city": "Berlin",
            "ship-postal-code": "10115",
            "ship-country": "DE",
            "ship-phone-number": "+49 30 1234567",
        }
        lines.append("\t".join(values.get(column, "") for column in VAT_INVOICE_COLUMNS))
    path = folder / "vat_invoices_served.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
