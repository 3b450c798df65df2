"""Invoice Defect Rate (issue 15): Amazon Business orders whose invoice was not uploaded by the end of the first
business day (Monday to Friday, holidays ignored) after shipment was confirmed, over the Amazon Business orders
placed in the 7 days starting two weeks ago (Seller Central help 44QSYRCU27EW4UK; UK, DE, FR, IT, ES; under 5 %).

The VAT invoice data report (`vat_invoices`) lists each shipment with the state of its invoice upload but never
when an invoice was uploaded, so it shows the invoices still missing and cannot show the late ones: the rate is
never recomputed from it (SPEC 4 rev 2). It is Amazon's figure from the V2 performance report; the report's
missing invoices are named as the orders behind it, because uploading them now is the fix.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from healthcheck.loaders.account_health import latest_account_health
from healthcheck.loaders.seller_performance import AmazonKey
from healthcheck.metrics.base import Basis, Direction, Measurement, MetricSpec, Window, sorted_ids
from healthcheck.metrics.stated import from_amazon
from healthcheck.model import AuditData
from healthcheck.wording import plural

# Amazon enforces the IDR on these marketplaces only (help page 44QSYRCU27EW4UK).
IDR_MARKETPLACES = ("UK", "DE", "FR", "IT", "ES")
AMAZON_KEYS = (
    AmazonKey(
        "invoiceDefectRate",
        ("invoiceDefect", "invoiceDefectCount", "defectsCount"),
        ("orderCount",),
        details=(("missing_invoice", ("missingInvoice",)), ("late_invoice", ("lateInvoice",))),
    ),
)
# `invoice-status` words that mean an invoice is on file; any other word (Pending, Failed, empty, ...) means not yet.
UPLOADED = frozenset({"uploaded", "accepted", "success", "successful", "processed", "invoiced"})
WHY_NOT_OURS = (
    "the VAT invoice data report shows which invoices are still missing but not when the others were uploaded, "
    "so late invoices cannot be counted"
)


def missing_invoices(data: AuditData, window: Window, as_of: dt.date) -> tuple[str, ...] | None:
    """Amazon Business orders placed in the window whose shipment still has no invoice on file in the VAT invoice
    data report and whose upload deadline (end of the first weekday after the shipment day) is over by the end of
    `as_of`; None without that report."""
    frame = data.loaded.frame("vat_invoices")
    if frame is None:
        return None
    rows = frame
    if "transaction_type" in rows:
        rows = rows.loc[rows["transaction_type"].fillna("").str.strip().str.upper() == "SHIPMENT"]
    if "business_order" in rows:
        rows = rows.loc[rows["business_order"].fillna(False).astype(bool)]
    if "amazon_invoiced" in rows:
        rows = rows.loc[~rows["amazon_invoiced"].fillna(False).astype(bool)]
    if "order_ts" not in rows or "shipment_ts" not in rows or rows.empty:
        return ()
    timezone = data.marketplace.timezone
    ordered = _local_days(rows["order_ts"], timezone)
    shipped = _local_days(rows["shipment_ts"], timezone)
    on_file = rows["invoice_status"].fillna("").str.strip().str.lower().isin(UPLOADED)
    # The first weekday after the shipment day (Amazon: Monday to Friday, irrespective of public holidays).
    next_day = (shipped + pd.Timedelta(days=1)).to_numpy(dtype="datetime64[D]")
    valid = ~pd.isna(shipped).to_numpy()
    deadline = np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[D]")
    deadline[valid] = np.busday_offset(next_day[valid], 0, roll="forward")
    over = valid & (deadline < np.datetime64(as_of))
    missing = window.contains(ordered).to_numpy(dtype=bool) & ~on_file.to_numpy(dtype=bool) & over
    return sorted_ids(rows.loc[missing, "order_id"])


def _local_days(values: pd.Series, timezone: str) -> pd.Series:
    """Local calendar days (as midnight datetimes) of UTC instants, NaT kept."""
    instants = pd.to_datetime(values, utc=True, errors="coerce")
    return instants.dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize()


def compute(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
    missing = missing_invoices(data, window, as_of)
    notes: list[str] = []
    if missing:
        notes.append(
            f"{plural(len(missing), 'Amazon Business order')} placed {window.start} to {window.end} still "
            "without an invoice in the VAT invoice data report, past the upload deadline: upload them now "
            "(Orders > Manage Orders > No Invoice Uploaded)"
        )
    stated = from_amazon(
        data, window, as_of, AMAZON_KEYS, why_not_ours=WHY_NOT_OURS, notes=notes, order_ids=missing or ()
    )
    if stated is not None:
        return stated
    where = (
        ""
        if data.marketplace.code in IDR_MARKETPLACES
        else f" (Amazon measures it on {', '.join(IDR_MARKETPLACES)} only)"
    )
    # The report given may not state it (a seller outside the VAT Calculation Service has no such figure).
    given = latest_account_health(data.loaded.seller_performance, data.marketplace)[0] is not None
    amazons = (
        "Amazon's GET_V2_SELLER_PERFORMANCE_REPORT JSON given states no invoiceDefectRate"
        if given
        else "needs Amazon's GET_V2_SELLER_PERFORMANCE_REPORT JSON (its invoiceDefectRate)"
    )
    if missing is None:
        return Measurement.not_evaluated(
            f"{amazons}: no report this tool reads shows when invoices were uploaded{where}"
        )
    add = amazons if given else "add Amazon's GET_V2_SELLER_PERFORMANCE_REPORT JSON (its invoiceDefectRate)"
    reason = f"{WHY_NOT_OURS}: {add}{where}"
    if missing:
        reason += f". Already known: {notes[0]}"
    return Measurement.not_evaluated(reason)


INVOICE_DEFECT_RATE = MetricSpec(
    id="invoice_defect_rate",
    title="Invoice defect rate",
    short="idr",
    direction=Direction.LOWER_IS_BETTER,
    target=0.05,
    at_risk=0.04,
    window_days=7,
    end_lag_days=7,
    basis=Basis.PURCHASE_DATE,
    compute=compute,
    recomputable=False,
    bad=("invoice defect", "invoice defects"),
    population="Amazon Business orders placed (EU marketplaces)",
    numerator="orders whose invoice was not uploaded by the end of the first business day after shipment "
    "(missing or late)",
    advice=(
        "Upload each Amazon Business order's invoice on the day you confirm shipment (or let Amazon's VAT "
        "Calculation Service invoice for you); fetch the VAT invoice data report at least twice a day and upload "
        "what it lists as pending."
    ),
    # The VAT invoice data report only names the orders still missing an invoice: not an input the rate needs, so
    # it is never listed as missing (a seller outside the EU has none).
    inputs=(("seller_performance",),),
)
