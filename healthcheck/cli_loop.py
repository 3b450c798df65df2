"""The unattended loop on the command line: `fetch`, `history`, `run`, and the audit's `--history` / `--notify`.

Registered on the same typer app as `healthcheck.cli` (imported at the end of it). Like that module, this one is
allowed to print and exit; the work is done in `healthcheck.fetch`, `healthcheck.history` and `healthcheck.notify`,
each imported inside the command that needs it so that `healthcheck --help` stays instant.
"""

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from healthcheck.alerting import record_and_notify, tell_not_audited
from healthcheck.cli import _fail, _load_config, _parse_date, app, engine_imports
from healthcheck.cli_options import ConfigOption, FetchMarketplaceOption
from healthcheck.outcome import ExitCode
from healthcheck.sanitize import one_line, problem_text
from healthcheck.wording import plural

if TYPE_CHECKING:
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
    from healthcheck.errors import HealthcheckError, NotifyError
    from healthcheck.notify import AUDIT_FAILED, FETCH_FAILED

    name = account or "default"

    def tell(errors: Sequence[str], market: str, why: str = FETCH_FAILED) -> None:
        tell_not_audited_or_say(errors, history=path, notify=notify, account=name, marketplace=market, why=why)

    try:
        folder, market = _fetch(
            account, marketplace, config, days, into, timeout, until, quiet, list_files=False, vat_invoices=vat_invoices
        )
    except FetchFailed as failure:
        tell(failure.errors, failure.marketplace)
        raise
    except HealthcheckError as exc:  # no credentials, a refresh token Amazon no longer takes
        typer.echo(f"healthcheck: error: {exc}", err=True)  # the cause before what telling it may add
        tell([str(exc)], _market(marketplace, settings))
        raise typer.Exit(int(ExitCode.UNKNOWN)) from None
    try:
        report = run_audit([folder], config=settings, marketplace=market)
    except Exception as exc:  # said by the CLI as any failure is; the URLs hear that nothing was audited
        tell([one_line(f"{type(exc).__name__}: {exc}")], market, AUDIT_FAILED)
        raise
    for error in report.errors:
        typer.echo(f"healthcheck: {error.title.lower()}: {problem_text(error)}", err=True)
    status = str(report.status).replace("_", " ").upper()
    try:
        outcome = record_and_notify(report, history=path, notify=notify, account=name)
    except NotifyError:
        # The status still reaches cron's mail, before the failure (said by the CLI: exit 3).
        typer.echo(f"{name} ({market}) as of {report.as_of}: {status}; recorded; the alert failed (below)")
        raise
    if not quiet or outcome.sent:
        typer.echo(f"{name} ({market}) as of {report.as_of}: {status}; {outcome.describe()}")
    raise typer.Exit(int(report.exit_code()))
