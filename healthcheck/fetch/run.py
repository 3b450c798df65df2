"""One fetch, end to end: credentials, endpoints and manifest for an account and marketplace, then every report."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from healthcheck.errors import ConfigError, FetchError
from healthcheck.fetch.client import SpApiClient
from healthcheck.fetch.credentials import DEFAULT_ACCOUNT, load_credentials
from healthcheck.fetch.manifest import load_manifest
from healthcheck.fetch.regions import endpoints_for
from healthcheck.fetch.reports import VAT_INVOICE_REPORT, FetchSummary, fetch_reports, report_types

# Amazon refuses a range that ends in the future, and its data lags by minutes: stop a little short of now.
END_MARGIN = dt.timedelta(minutes=3)


@dataclass(frozen=True)
class FetchRequest:
    account: str | None
    marketplace: str
    days: int
    folder: Path | None
    timeout: float
    until: dt.date | None = None
    vat_invoices: bool = False  # also the VAT invoice data report (opt-in: VAT Calculation Service sellers only)


def default_folder(account: str | None, marketplace: str) -> Path:
    return Path("reports") / (account or DEFAULT_ACCOUNT) / marketplace


def check_vat_invoices(marketplace: str) -> None:
    """`--vat-invoices` where Amazon serves no VAT invoice data report is refused before anything is asked for."""
    served = VAT_INVOICE_REPORT.marketplaces
    if marketplace not in served:
        raise FetchError(
            f"Amazon serves the VAT invoice data report (--vat-invoices) only on the {', '.join(served)} marketplaces, "
            f"not {marketplace}; fix: leave out --vat-invoices for {marketplace}, or pass --marketplace with the EU "
            "or UK marketplace whose invoices you upload"
        )


def run_fetch(
    request: FetchRequest,
    env: Mapping[str, str],
    *,
    progress: Callable[[str], None] | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> FetchSummary:
    """Credentials, endpoints and manifest for the account and marketplace, then every report type."""
    if request.days < 1:
        raise ConfigError("--days", f"{request.days} is not a number of days; give 1 or more (default 90)")
    endpoints = endpoints_for(request.marketplace, env)
    if request.vat_invoices:
        check_vat_invoices(endpoints.marketplace_code)
    credentials = load_credentials(request.account, env)
    # Not made here: the first file written makes it (`write_bytes_atomically`), so a fetch refused at its first
    # request leaves no empty folder behind.
    folder = request.folder or default_folder(request.account, endpoints.marketplace_code)
    manifest = load_manifest(folder, account=credentials.account, marketplace=endpoints.marketplace_code)
    end = now() - END_MARGIN
    if request.until is not None:
        end = min(end, dt.datetime.combine(request.until + dt.timedelta(days=1), dt.time(), dt.UTC))
    start = end - dt.timedelta(days=request.days)
    client = SpApiClient(credentials, endpoints)
    return fetch_reports(
        client,
        manifest,
        folder,
        start=start,
        end=end,
        timeout=request.timeout,
        clock=time.monotonic,
        sleep=time.sleep,
        now=now,
        progress=progress,
        types=report_types(vat_invoices=request.vat_invoices),
    )
