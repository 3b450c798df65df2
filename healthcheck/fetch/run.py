"""One fetch, end to end: credentials, endpoints and manifest for an account and marketplace, then every report."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: one fetch at a time is then the user's to keep
    fcntl = None  # type: ignore[assignment]

from healthcheck.errors import ConfigError, FetchError
from healthcheck.fetch.client import SpApiClient
from healthcheck.fetch.credentials import DEFAULT_ACCOUNT, load_credentials
from healthcheck.fetch.manifest import load_manifest
from healthcheck.fetch.regions import endpoints_for
from healthcheck.fetch.reports import VAT_INVOICE_REPORT, FetchSummary, fetch_reports, report_types

# Amazon refuses a range that ends in the future, and its data lags by minutes: stop a little short of now.
END_MARGIN = dt.timedelta(minutes=3)
LOCK_NAME = ".healthcheck-fetch.lock"  # hidden: the audit passes over it


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
    folder = request.folder or default_folder(request.account, endpoints.marketplace_code)
    with one_fetch_at_a_time(folder, progress):
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


@contextmanager
def one_fetch_at_a_time(folder: Path, progress: Callable[[str], None] | None) -> Iterator[None]:
    """Two fetches into one folder at once (cron and a hand run) both found the same ranges missing and downloaded
    every report twice, leaving duplicate files and an orphaned performance report: the second now waits for the
    first, then asks only for what is still missing. A folder made for a fetch that wrote nothing is removed again
    (a fetch refused at its first request leaves no empty folder behind)."""
    if fcntl is None:
        yield
        return
    made = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    lock = folder / LOCK_NAME
    with open(lock, "a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if progress:
                progress(f"waiting for another fetch into {folder} to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if made and [p.name for p in folder.iterdir()] == [LOCK_NAME]:
                lock.unlink()
                for empty in made:  # deepest first
                    try:
                        empty.rmdir()
                    except OSError:
                        break
