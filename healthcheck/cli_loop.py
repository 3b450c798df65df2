"""The unattended loop on the command line: `fetch`, `history`, `run`, and the audit's `--history` / `--notify`.

Registered on the same typer app as `healthcheck.cli` (imported at the end of it). Like that module, this one is
allowed to print and exit; the work is done in `healthcheck.fetch`, `healthcheck.history` and `healthcheck.notify`,
each imported inside the command that needs it so that `healthcheck --help` stays instant.
"""

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from healthcheck.cli import _fail, _load_config, _parse_date, app, engine_imports
from healthcheck.cli_options import ConfigOption, FetchMarketplaceOption
from healthcheck.outcome import ExitCode
from healthcheck.sanitize import one_line, problem_text
from healthcheck.wording import plural

if TYPE_CHECKING:
    from healthcheck.audit import AuditReport
    from healthcheck.config import Config
    from healthcheck.fetch.reports import FetchSummary

DEFAULT_HISTORY = Path("reports") / "history.sqlite"

AccountOption = Annotated[
    str | None,
    typer.Option("--account", help="Named account: its credentials, folder and history rows (default: default)."),
]
NotifyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--notify",
        help="Apprise URL (mailto://, slack://, json://host:port/path, ...) told when the status worsens or "
        "recovers against the previous recorded audit; repeatable.",
    ),
]
DaysOption = Annotated[
    int,
    typer.Option("--days", min=1, max=730, help="Days back to cover; only the parts not fetched yet are asked for."),
]
IntoOption = Annotated[
    Path | None,
    typer.Option("--into", help="Folder for the reports (default: reports/<account or default>/<marketplace>/)."),
]
TimeoutOption = Annotated[
    float, typer.Option("--timeout", min=1, help="Seconds to wait for Amazon to prepare each report.")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Fetch data up to the end of this day (YYYY-MM-DD; default: now).")
]
VatInvoicesOption = Annotated[
    bool,
    typer.Option(
        "--vat-invoices",
        help="Also fetch the VAT invoice data report (its invoices still pending), for sellers in Amazon's VAT "
        "Calculation Service who upload their own invoices (UK, DE, FR, IT, ES, NL, SE, PL); the app needs the "
        "Tax Invoicing role.",
    ),
]


@contextmanager
def _status(enabled: bool) -> Iterator[Callable[[str], None] | None]:
    """A spinner on stderr naming what the fetch waits for; nothing when piped, so cron mail stays clean."""
    if not enabled:
        yield None
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("contacting SP-API") as status:
        yield lambda message: status.update(message)


@dataclass(frozen=True)
class FetchPlan:
    """What `run --all` fetches for each account: `_fetch`'s arguments but the account and the folder."""

    marketplace: str | None
    config: Path | None
    days: int
    timeout: float
    until: str | None
    quiet: bool
    vat_invoices: bool = False

    def market(self) -> str:
        """The marketplace of an account whose credentials name none: --marketplace, else the config's."""
        return _market(self.marketplace, _load_config(self.config))

    def fetch(self, account: str, marketplace: str | None = None) -> tuple[Path, str]:
        """The account's reports of `marketplace` (its own, from the credentials file), else of --marketplace."""
        return _fetch(
            account, marketplace or self.marketplace, self.config, self.days, None, self.timeout, self.until,
            self.quiet, list_files=False, vat_invoices=self.vat_invoices,
        )  # fmt: skip


def _market(marketplace: str | None, settings: "Config") -> str:
    """The marketplace as the audit resolves it before reading the files, without importing the audit's data
    stack."""
    from healthcheck.marketplaces import chosen_marketplace

    return chosen_marketplace(marketplace, settings.marketplace).code


def _fetch(
    account: str | None,
    marketplace: str | None,
    config: Path | None,
    days: int,
    into: Path | None,
    timeout: float,
    until: str | None,
    quiet: bool,
    *,
    list_files: bool = True,
    vat_invoices: bool = False,
) -> tuple[Path, str]:
    """Fetch and print what happened; exits 3 on any failure. Returns the folder and marketplace code."""
    from healthcheck.fetch.run import FetchRequest, default_folder, run_fetch

    market = _market(marketplace, _load_config(config))
    request = FetchRequest(account, market, days, into, timeout, _parse_date(until, "--until"), vat_invoices)
    with _status(sys.stderr.isatty() and not quiet) as progress:
        summary = run_fetch(request, os.environ, progress=progress)
    _print_summary(summary, quiet=quiet, list_files=list_files)
    if summary.errors:
        raise FetchFailed(summary.errors, market)
    return into or default_folder(account, market), market


class FetchFailed(typer.Exit):
    """A fetch that ended with errors, said on stderr already: exit 3, once `run` has told its --notify URLs."""

    def __init__(self, errors: Sequence[str], marketplace: str) -> None:
        super().__init__(int(ExitCode.UNKNOWN))
        self.errors = [one_line(error) for error in errors]
        self.marketplace = marketplace


def tell_not_audited_or_say(
    errors: Sequence[str],
    *,
    history: Path | None,
    notify: list[str] | None,
    account: str,
    marketplace: str,
    why: str,
) -> None:
    """`tell_not_audited`, a failure to tell said on stderr: the run exits 3 all the same."""
    from healthcheck.errors import HealthcheckError

    try:
        tell_not_audited(errors, history=history, notify=notify, account=account, marketplace=marketplace, why=why)
    except HealthcheckError as exc:
        typer.echo(f"healthcheck: error: {exc}", err=True)


def _print_summary(summary: "FetchSummary", *, quiet: bool, list_files: bool) -> None:
    # Amazon's answers are quoted in them (a FATAL report's errorDetails): remote text, one clean line each.
    for error in summary.errors:
        typer.echo(f"healthcheck: error: {one_line(error)}", err=True)
    if quiet:
        # A report with no data for a quiet day is normal: said every day, cron would mail it every day.
        return
    for note in summary.notes:
        typer.echo(f"healthcheck: note: {one_line(note)}", err=True)
    if not list_files:
        return
    for name in summary.written:
        typer.echo(f"fetched {summary.folder / name}")
    parts = [f"{plural(len(summary.written), 'new file')}"]
    if summary.unchanged:
        parts.append(f"{len(summary.unchanged)} unchanged")
    if summary.up_to_date:
        parts.append(f"{len(summary.up_to_date)} already up to date")
    typer.echo(f"{summary.folder}: {', '.join(parts)}")


@app.command(short_help="Download the reports from the Selling Partner API.")
def fetch(
    account: AccountOption = None,
    marketplace: FetchMarketplaceOption = None,
    days: DaysOption = 90,
    into: IntoOption = None,
    timeout: TimeoutOption = 1800.0,
    until: UntilOption = None,
    config: ConfigOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors (cron).")] = False,
    vat_invoices: VatInvoicesOption = False,
) -> None:
    """Download the reports the audit reads from Amazon's Selling Partner API (only what is new): orders, unshipped
    orders, FBA shipments, feedback, seller-fulfilled and FBA returns, Amazon's performance report; with
    --vat-invoices also the VAT invoices still pending."""
    _fetch(account, marketplace, config, days, into, timeout, until, quiet, vat_invoices=vat_invoices)


# ----------------------------------------------------------------------------------------------------
# History and alerts


def history_path(option: Path | None, settings: "Config", *, default: Path | None = None) -> Path | None:
    """`--history`, else the config's `history` (relative to the config file), else the default."""
    if option is not None:
        return option
    if settings.history:
        configured = Path(settings.history).expanduser()
        if not configured.is_absolute() and settings.source:
            configured = Path(settings.source).parent / configured
        return configured
    return default


def check_alerting(history: Path | None, notify: list[str] | None) -> None:
    """Before the audit runs: alerts compare with the previous recorded audit, so they need a history."""
    if not notify:
        return
    if history is None:
        _fail("--notify needs a history to compare with", hint='add --history FILE, or history = "..." in the config')
    from healthcheck.notify import check_urls

    check_urls(notify)


@dataclass(frozen=True)
class Recorded:
    """What recording an audit did, for `run` to say."""

    recorded: bool
    change: str | None = None  # the message's title, when the status changed
    sent: bool = False

    def describe(self) -> str:
        if not self.recorded:
            return "not recorded"
        if self.change is None:
            return "recorded"
        return f"recorded; {'alert sent' if self.sent else 'changed'}: {self.change.removeprefix('healthcheck: ')}"


def record_and_notify(
    report: "AuditReport", *, history: Path | None, notify: list[str] | None, account: str
) -> Recorded:
    """Record the audit; tell the --notify URLs if its status changed.

    The audit is recorded whatever the alerts do; each --notify URL is told what changed since it was last told,
    so a URL that was down is told what it missed on the next run, and one that took its alert is not told twice.
    """
    from healthcheck.report.document import document as json_document

    return record_document(json_document(report), history=history, notify=notify, account=account)


def record_document(
    document: dict[str, Any], *, history: Path | None, notify: list[str] | None, account: str
) -> Recorded:
    """`record_and_notify` for an audit's SPEC 5.2 document (a portfolio's audits come back from their processes
    as documents)."""
    if history is None:
        return Recorded(recorded=False)
    from healthcheck.history import blind_since, mark_blind, mark_told, opened, record, row_from_report, standing, told
    from healthcheck.notify import RANK, changes, compose, deliver, known_after, reason_of, target_key, undelivered

    row = row_from_report(document, account)
    blind = row.status not in RANK  # the audit cannot tell (UNKNOWN)
    failed: list[int] = []
    sent: str | None = None  # the title of a message sent
    urls = list(notify or [])
    with opened(history) as connection:
        # One run at a time, from reading what each URL knew to marking what it was told: two cron runs at once
        # would otherwise both find the change and both send it. The other waits (up to the history's timeout).
        connection.execute("BEGIN IMMEDIATE")
        previous = standing(connection, account, row.marketplace, row.as_of)
        # What each target was last told, read before this audit replaces one of the same day.
        known = [told(connection, account, row.marketplace, target_key(url)) for url in urls]
        record(connection, row)  # committed with the marks below, whatever the alerts do
        message = compose(changes(previous, row), document, account)
        for position, url in enumerate(urls):
            # Each target hears what changed since it was last told: one that was down hears what it missed, one
            # that was told is not told again, and a new one starts from the audit standing before this one. An
            # audit of a day before the one it last knew (a backfill) is history, not news.
            key, last = target_key(url), known[position]
            if last is not None and row.as_of < last.as_of:
                continue
            since = blind_since(connection, account, row.marketplace, key)
            news = compose(
                changes(last or previous, row),
                document,
                account,
                cannot_tell=reason_of(document) if blind and since is None else None,
                blind_since=since if not blind else None,
                first=(last or previous) is None,
            )
            if news and not deliver(url, *news):
                failed.append(position)
                if last is None and previous is not None:
                    mark_told(connection, previous, key)  # what it missed is measured from there
                continue
            sent = news[0] if news else sent
            mark_told(connection, known_after(last or previous, row), key)
            if blind != (since is not None):
                mark_blind(connection, account, row.marketplace, key, row.as_of if blind else None)
        connection.commit()
    if failed:
        raise undelivered(urls, failed)
    title = sent or (message[0] if message else None)
    return Recorded(True, title, sent=sent is not None)


def tell_not_audited(
    errors: Sequence[str], *, history: Path | None, notify: list[str] | None, account: str, marketplace: str, why: str
) -> bool:
    """A run that audited nothing (its fetch failed, or the audit itself: `why`): each --notify URL is told so
    once (then nothing until an audit can tell again, which is told too). Whether a message was sent."""
    if history is None or not notify:
        return False
    from healthcheck.history import blind_since, mark_blind, opened
    from healthcheck.notify import deliver, not_audited, target_key, undelivered

    day = dt.datetime.now(dt.UTC).date().isoformat()
    failed: list[int] = []
    sent = False
    with opened(history) as connection:
        connection.execute("BEGIN IMMEDIATE")
        for position, url in enumerate(notify):
            key = target_key(url)
            if blind_since(connection, account, marketplace, key) is not None:
                continue  # told already
            if not deliver(url, *not_audited(account, marketplace, day, errors, why=why)):
                failed.append(position)
                continue
            sent = True
            mark_blind(connection, account, marketplace, key, day)
        connection.commit()
    if failed:
        raise undelivered(notify, failed)
    return sent


class HistoryOutput(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


@app.command("history", short_help="Show recorded audits: each metric over time.")
def history_command(
    history: Annotated[
        Path | None,
        typer.Option("--history", help=f"The history file (default: the config's `history`, else {DEFAULT_HISTORY})."),
    ] = None,
    account: Annotated[str | None, typer.Option("--account", help="Only this account.")] = None,
    marketplace: Annotated[str | None, typer.Option("--marketplace", "-m", help="Only this marketplace.")] = None,
    metric: Annotated[
        str | None,
        typer.Option("--metric", help="Only this metric: an id, title or short name, e.g. cancellation_rate or cr."),
    ] = None,
    fmt: Annotated[HistoryOutput, typer.Option("--format", "-f", help="table, json or csv.")] = HistoryOutput.TABLE,
    config: ConfigOption = None,
) -> None:
    """Show recorded audits: each metric over time, Amazon's numbers beside ours, and each status change."""
    with engine_imports():
        from healthcheck.history_view import HistoryFormat, render_history
        from healthcheck.lookup import resolve_metric, unknown_metric_hint
    from healthcheck.history import read_history, recorded_accounts

    if metric is not None:
        named = resolve_metric(metric)
        if named is None:
            _fail(f"unknown metric {metric!r}", hint=unknown_metric_hint(metric))
        metric = named
    settings = _load_config(config)
    path = history_path(history, settings, default=DEFAULT_HISTORY) or DEFAULT_HISTORY
    code = None
    if marketplace:
        from healthcheck.marketplaces import get_marketplace

        code = get_marketplace(marketplace).code
    rows = read_history(path, account=account, marketplace=code)
    if not rows and (account or code):
        # A selection that names nothing recorded is likely a typo: say what there is to name.
        held = ", ".join(f"{one_line(a)} ({m})" for a, m in recorded_accounts(path)) or "no audit at all"
        typer.echo(f"healthcheck: note: {path} holds {held}; none matches the selection", err=True)
    typer.echo(render_history(rows, HistoryFormat(fmt.value), metric), nl=False)


# ----------------------------------------------------------------------------------------------------
# The loop


@app.command()
def run(
    account: AccountOption = None,
    marketplace: FetchMarketplaceOption = None,
    notify: NotifyOption = None,
    history: Annotated[
        Path | None,
        typer.Option("--history", help=f"Where audits are recorded (default: the config's, else {DEFAULT_HISTORY})."),
    ] = None,
    days: DaysOption = 90,
    into: IntoOption = None,
    timeout: TimeoutOption = 1800.0,
    until: UntilOption = None,
    config: ConfigOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and alerts sent.")] = False,
    every: Annotated[
        bool,
        typer.Option("--all", help="Every account of the credentials file: fetched one by one, audited in parallel."),
    ] = False,
    vat_invoices: VatInvoicesOption = False,
) -> None:
    """Fetch, audit, record and alert: the one line for cron. Exits like `audit`: 0 ok, 1 at risk, 2 breach, 3
    when it cannot tell (a fetch or an audit that failed)."""
    with engine_imports():
        from healthcheck.audit import run_audit

    settings = _load_config(config)
    path = history_path(history, settings, default=DEFAULT_HISTORY)
    check_alerting(path, notify)
    if vat_invoices:
        from healthcheck.fetch.run import check_vat_invoices

        check_vat_invoices(_market(marketplace, settings))  # before any account is fetched
    if every:
        if account is not None or into is not None:
            _fail("--all fetches every account into its own folder", hint="leave out --account and --into")
        from healthcheck.cli_portfolio import run_all

        plan = FetchPlan(marketplace, config, days, timeout, until, quiet, vat_invoices)
        run_all(plan, history=path, notify=notify)
    from healthcheck.errors import HealthcheckError
    from healthcheck.notify import FETCH_FAILED

    def tell(errors: Sequence[str], market: str) -> None:
        tell_not_audited_or_say(
            errors, history=path, notify=notify, account=account or "default", marketplace=market, why=FETCH_FAILED
        )

    try:
        folder, market = _fetch(
            account, marketplace, config, days, into, timeout, until, quiet, list_files=False, vat_invoices=vat_invoices
        )
    except FetchFailed as failure:
        tell(failure.errors, failure.marketplace)
        raise
    except HealthcheckError as exc:  # no credentials, a refresh token Amazon no longer takes
        tell([str(exc)], _market(marketplace, settings))
        raise
    report = run_audit([folder], config=settings, marketplace=market)
    outcome = record_and_notify(report, history=path, notify=notify, account=account or "default")
    for error in report.errors:
        typer.echo(f"healthcheck: {error.title.lower()}: {problem_text(error)}", err=True)
    if not quiet or outcome.sent:
        status = str(report.status).replace("_", " ").upper()
        typer.echo(f"{account or 'default'} ({market}) as of {report.as_of}: {status}; {outcome.describe()}")
    raise typer.Exit(int(report.exit_code()))
