"""Fetch the SP-API reports the audit reads into a folder: request, poll, download, write, record.

Ranged reports are asked for from where the folder's manifest says the last fetch ended (or `days` back), so a
second run downloads only what is new; snapshot reports (the unshipped orders, Amazon's V2 performance report, the
VAT invoices still pending) take no range and are kept only when their bytes changed. Every report is requested
first and then polled together, since Amazon prepares them in parallel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from healthcheck.errors import AuthError, FetchError
from healthcheck.fetch.client import SpApiClient
from healthcheck.fetch.headers import FBA_RETURNS, FBA_SHIPMENTS, FEEDBACK, MFN_RETURNS
from healthcheck.fetch.manifest import MANIFEST_NAME, Entry, Manifest, save_manifest, sha256_of, write_bytes_atomically

# Polls start this often and double up to every POLL_MAX seconds: getReport allows 2 per second with a burst of
# 15, so the first quick polls (a small report is often ready in a second) stay inside the burst.
POLL_FIRST_SECONDS = 0.1
POLL_MAX_SECONDS = 30.0
MAX_RANGE = dt.timedelta(days=30)
OVERLAP = dt.timedelta(days=1)


@dataclass(frozen=True)
class ReportType:
    name: str
    stem: str  # file names start with it; the kind the audit will recognise
    suffix: str
    ranged: bool  # False: Amazon ignores any date range and returns the current state
    keep_latest_only: bool = False  # a newer download replaces the older one instead of joining it
    restricted: bool = False  # on Amazon's list of restricted report types: its document needs a Restricted Data Token
    role: str | None = None  # the restricted role the app needs for it, named when Amazon refuses
    options: tuple[tuple[str, str], ...] = ()  # createReport's reportOptions
    cancel_clears: bool = False  # CANCELLED means "none now": older copies go, or they would still list what is done
    marketplaces: tuple[str, ...] = ()  # where Amazon serves it; empty: everywhere
    # The header Amazon writes, for a ranged report the audit would otherwise call missing: Amazon answers a range
    # with no rows by cancelling the report, so a folder that never got one row would lack the file, and the audit
    # would ask for "fba_returns" the fetch did ask for. Written alone, it says "none" (`_write_none`).
    header: tuple[str, ...] = ()


REPORT_TYPES: tuple[ReportType, ...] = (
    ReportType("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", "all_orders", ".txt", ranged=True),
    # Only orders not yet confirmed as shipped: each day's copy is kept, so that every order's ship-by date is in
    # some copy; the audit's de-duplication takes each order from the latest.
    ReportType(
        "GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING",
        "order_report",
        ".txt",
        ranged=False,
        restricted=True,
        role="Direct to Consumer Shipping (Restricted)",
    ),
    ReportType(
        "GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL", "fba_shipments", ".txt", ranged=True, header=FBA_SHIPMENTS
    ),
    ReportType("GET_SELLER_FEEDBACK_DATA", "feedback", ".txt", ranged=True, header=FEEDBACK),
    ReportType("GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE", "mfn_returns", ".txt", ranged=True, header=MFN_RETURNS),
    # Returns processed at a fulfilment centre, dated by `return-date`; the refund rate counts them. Role Amazon
    # Fulfillment, not a restricted report type: no buyer name or address in it.
    ReportType("GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA", "fba_returns", ".txt", ranged=True, header=FBA_RETURNS),
    # Amazon keeps no history in it (it ignores any range): only the latest is worth auditing, and the history
    # database keeps its numbers over time.
    ReportType("GET_V2_SELLER_PERFORMANCE_REPORT", "seller_performance", ".json", ranged=False, keep_latest_only=True),
)

# Only for sellers in Amazon's VAT Calculation Service who upload their own invoices, on these marketplaces
# (SP-API "Invoice Data Reports"): requested only when asked for (`--vat-invoices`), as every other seller's request
# would fail. `pendingInvoices`: the shipments whose invoice is still missing, of orders of the last 90 days, which is
# what the audit names; a snapshot, since an invoice uploaded later leaves it, where a fetched range would keep
# saying "pending". It holds buyer names and addresses and needs the Tax Invoicing role, but it is not on Amazon's
# list of restricted report types: its document is fetched with the access token (a Restricted Data Token for it is
# refused).
VAT_INVOICE_REPORT = ReportType(
    "GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT",
    "vat_invoices",
    ".txt",
    ranged=False,
    keep_latest_only=True,
    role="Tax Invoicing (Restricted)",
    options=(("ReportOption=pendingInvoices", "true"),),
    cancel_clears=True,
    # Amazon's list but Ireland and Belgium, for which this tool has no marketplace.
    marketplaces=("UK", "DE", "FR", "IT", "ES", "NL", "SE", "PL"),
)


def report_types(*, vat_invoices: bool = False) -> tuple[ReportType, ...]:
    """The report types a fetch asks for: every default one, and the opt-in ones asked for."""
    return (*REPORT_TYPES, VAT_INVOICE_REPORT) if vat_invoices else REPORT_TYPES


@dataclass
class FetchSummary:
    folder: Path
    written: list[str] = field(default_factory=list)  # files added
    unchanged: list[str] = field(default_factory=list)  # report types whose download matched a file already held
    up_to_date: list[str] = field(default_factory=list)  # report types with nothing new to ask for
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class _Pending:
    kind: ReportType
    report_id: str
    start: str | None
    end: str | None
    created: float
    next_poll: float
    interval: float = POLL_FIRST_SECONDS


def _pieces(gaps: Sequence[tuple[str, str]], start: dt.datetime) -> Iterator[tuple[str | None, str | None]]:
    """Each gap in requests of at most MAX_RANGE: Amazon serves "up to one month of data in a single report" for
    Amazon Fulfilled Shipments, and the same bound is safe for the other ranged reports. A gap after data already
    held starts OVERLAP earlier, for what reached Amazon's reports late (order reports lag up to 30 minutes); the
    audit's de-duplication merges the rows fetched twice."""
    for first, last in gaps:
        moment, stop = max(start, _parse(first) - OVERLAP), _parse(last)
        while moment < stop:
            following = min(stop, moment + MAX_RANGE)
            yield _iso(moment), _iso(following)
            moment = following


def _parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fetch_reports(
    client: SpApiClient,
    manifest: Manifest,
    folder: Path,
    *,
    start: dt.datetime,
    end: dt.datetime,
    timeout: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    now: Callable[[], dt.datetime],
    progress: Callable[[str], None] | None = None,
    types: Sequence[ReportType] = REPORT_TYPES,
) -> FetchSummary:
    """Fetch every report type; what fails is listed in `errors` after the others were still fetched."""
    summary = FetchSummary(folder)
    summary.notes.extend(
        f"{name}: listed in {MANIFEST_NAME} but no longer in the folder; its range is fetched again"
        for name in manifest.gone
    )
    say = progress or (lambda _message: None)
    pending: list[_Pending] = []
    for kind in types:
        ranges: list[tuple[str | None, str | None]] = [(None, None)]
        if kind.ranged:
            ranges = list(_pieces(manifest.missing(kind.name, _iso(start), _iso(end)), start))
            if not ranges:
                summary.up_to_date.append(kind.name)
                continue
        for since, until in ranges:
            say(f"requesting {kind.name}")
            try:
                report_id = client.create_report(kind.name, since, until, options=dict(kind.options), role=kind.role)
            except AuthError as exc:
                if kind.role is None:
                    raise
                # The role is the app's, not the credentials': the other reports are still fetched.
                summary.errors.append(str(exc))
                break
            pending.append(_Pending(kind, report_id, since, until, clock(), clock()))
    while pending:
        due = min(p.next_poll for p in pending)
        wait = due - clock()
        if wait > 0:
            sleep(wait)
        for item in [p for p in pending if p.next_poll <= clock()]:
            if _poll(client, manifest, folder, item, summary, now, say):
                pending.remove(item)
            elif clock() - item.created > timeout:
                summary.errors.append(
                    f"{item.kind.name} report {item.report_id} was still not done after {timeout:g} s; fix: run the "
                    "fetch again later (Amazon can take long at busy times), or raise --timeout"
                )
                pending.remove(item)
            else:
                item.next_poll = clock() + item.interval
                item.interval = min(POLL_MAX_SECONDS, item.interval * 2)
    _write_none(folder, manifest, types, summary)
    return summary


def _poll(
    client: SpApiClient,
    manifest: Manifest,
    folder: Path,
    item: _Pending,
    summary: FetchSummary,
    now: Callable[[], dt.datetime],
    say: Callable[[str], None],
) -> bool:
    """Check one report; True once it is finished one way or another."""
    report = client.get_report(item.report_id)
    status = str(report.get("processingStatus") or "")
    name = item.kind.name
    if status in ("IN_QUEUE", "IN_PROGRESS", ""):
        say(f"{name}: {status.lower().replace('_', ' ') or 'waiting'}")
        return False
    fetched_at = _iso(now())
    start = str(report.get("dataStartTime") or item.start or "") or None
    end = item.end  # ours, not Amazon's echo, so that the next fetch starts exactly where this one asked to stop
    if status == "CANCELLED":
        span = f" from {item.start} to {item.end}" if item.start else ""
        summary.notes.append(f"{name}: no data{span} (Amazon cancelled report {item.report_id}: nothing to report)")
        if item.kind.ranged:
            manifest.entries.append(Entry(name, item.report_id, status, start, end, fetched_at))
            save_manifest(folder, manifest)
        elif item.kind.cancel_clears:
            _drop_older(folder, manifest, name)
        return True
    if status == "FATAL":
        said = _fatal_detail(client, report)
        summary.errors.append(
            f"{name} report {item.report_id} failed on Amazon's side (FATAL{': ' + said if said else ''}); fix: run "
            "the fetch again later, and if it keeps failing, check in Seller Central that the account can download "
            "this report"
        )
        return True
    if status != "DONE":
        summary.errors.append(f"{name} report {item.report_id} ended with unknown status {status!r}")
        return True
    document_id = report.get("reportDocumentId")
    if not isinstance(document_id, str) or not document_id:
        raise FetchError(f"{name} report {item.report_id} is DONE but names no document; run the fetch again")
    say(f"{name}: downloading")
    data = client.download(
        client.get_report_document(document_id, restricted=item.kind.restricted, report_type=name, role=item.kind.role)
    )
    digest = sha256_of(data)
    if manifest.has_bytes(digest):
        summary.unchanged.append(name)
        if item.kind.ranged:
            manifest.entries.append(Entry(name, item.report_id, status, start, end, fetched_at, None, len(data)))
            save_manifest(folder, manifest)
        return True
    file_name = _file_name(item.kind, item.report_id, item.start, item.end, fetched_at)
    write_bytes_atomically(folder / file_name, data)
    if item.kind.keep_latest_only:
        _drop_older(folder, manifest, name)
    manifest.entries.append(Entry(name, item.report_id, status, start, end, fetched_at, file_name, len(data), digest))
    save_manifest(folder, manifest)
    summary.written.append(file_name)
    return True


def _write_none(folder: Path, manifest: Manifest, types: Sequence[ReportType], summary: FetchSummary) -> None:
    """For each report type Amazon had no rows for in any range fetched, the report as it reads with none: its
    header alone, in a file recorded against the latest cancelled range. Once every report is finished, so that
    whether a range with rows came too does not depend on the order the reports were polled in; never where a file
    of the type is held (it already shows the report was fetched)."""
    for kind in types:
        entries = [e for e in manifest.entries if e.report_type == kind.name]
        cancelled = [e for e in entries if e.status == "CANCELLED"]
        if not kind.header or not cancelled or any(e.file for e in entries):
            continue
        latest = max(cancelled, key=lambda e: (e.data_end or "", e.fetched_at))
        file_name = _file_name(kind, latest.report_id, latest.data_start, latest.data_end, latest.fetched_at)
        write_bytes_atomically(folder / file_name, ("\t".join(kind.header) + "\n").encode("utf-8"))
        manifest.entries[manifest.entries.index(latest)] = replace(latest, file=file_name)
        save_manifest(folder, manifest)
        summary.written.append(file_name)
        summary.notes.append(f"{kind.name}: {file_name} holds the report's header alone, so that it audits as none")


def _drop_older(folder: Path, manifest: Manifest, report_type: str) -> None:
    """Delete the files the manifest holds of a report type, and their entries."""
    for old in [e for e in manifest.entries if e.report_type == report_type and e.file]:
        (folder / old.file).unlink(missing_ok=True)  # type: ignore[operator]
        manifest.entries.remove(old)
    save_manifest(folder, manifest)


def _fatal_detail(client: SpApiClient, report: dict[str, object]) -> str:
    """What Amazon says went wrong: a FATAL report may name a document holding the reason. Best effort, since
    the error already names the report; at most a line, printable characters only."""
    document_id = report.get("reportDocumentId")
    if not isinstance(document_id, str) or not document_id:
        return ""
    try:
        text = client.download(client.get_report_document(document_id)).decode("utf-8", "replace")
    except FetchError:
        return ""
    words = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return words[:200] + ("..." if len(words) > 200 else "")


def _file_name(kind: ReportType, report_id: str, start: str | None, end: str | None, fetched_at: str) -> str:
    """`<kind>_<range or time>_<report id>`: the kind first, then time, so that files sort oldest first and a later
    download of the same orders wins the audit's de-duplication."""
    compact = "".join(ch for ch in fetched_at if ch.isdigit())
    if start and end:
        first, last = ("".join(ch for ch in moment if ch.isdigit())[:8] for moment in (start, end))
        stamp = f"{first}-{last}"
    else:
        stamp = compact
    safe_id = "".join(ch for ch in report_id if ch.isalnum() or ch in "-_")[:40]
    return f"{kind.stem}_{stamp}_{safe_id}{kind.suffix}"
