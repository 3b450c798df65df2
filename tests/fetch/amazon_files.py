"""Files of report types the demo account lacks, built from real rows, for the fake SP-API server to serve
(`FakeSpApi.files`): `sample_reports/` stays as it is, since its numbers are golden elsewhere."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from fake_spapi import FORMATS, SAMPLES


def fba_returns_file(folder: Path) -> Path:
    """FBA customer returns for the demo account, as Amazon delivers them: the real row of shared/formats (its
    header, disposition, reason, status and licence plate) once for each of three of the demo's FBA orders, with
    the order's id and SKU, dated nine days after the order shipped (September, early and mid November)."""
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
