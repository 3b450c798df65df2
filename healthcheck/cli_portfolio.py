"""`healthcheck portfolio`: every account and marketplace of a portfolio, audited in parallel, in one report.

Registered on `cli.app` by importing this module (cli.py does). The portfolio's code is imported inside the
command, so that `healthcheck --help` stays instant.
"""

import datetime as dt
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from healthcheck.alerting import Recorded, record_document
from healthcheck.cli import (
    _color_refused,
    _fail,
    _load_config,
    _parse_date,
    _use_color,
    app,
    chosen_format,
    engine_imports,
    write_output,
)
from healthcheck.cli_loop import FetchFailed, check_alerting, history_path, tell_not_audited_or_say
from healthcheck.interrupts import stop_signals_held
from healthcheck.outcome import FailOn
from healthcheck.report import Format
from healthcheck.sanitize import one_line

if TYPE_CHECKING:
    from healthcheck.cli_loop import FetchPlan
    from healthcheck.portfolio import Audited


@contextmanager
def _accounts_progress(*, enabled: bool, color: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A transient bar on stderr counting the accounts audited; nothing when piped, so cron mail stays clean."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("auditing accounts"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        console=Console(stderr=True, no_color=not color),
    )
    task = bar.add_task("accounts", total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update


@app.command(short_help="Audit every account and marketplace of a portfolio, in one report.")
def portfolio(
    target: Annotated[
        Path,
        typer.Argument(
            help="A portfolio.toml ([[account]] entries: name, paths, optional marketplace, config, as_of), or a "
            "folder with one sub-folder of reports per account.",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            help="table, markdown, json, csv (the roll-up), junit, nagios or html "
            "(default: table on a terminal, markdown otherwise).",
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Accounts audited at once (default: the cores).")
    ] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Lowest status that makes the exit code non-zero.")
    ] = FailOn.AT_RISK,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Audit as of this day (YYYY-MM-DD), where an account gives none of its own."),
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option("--history", help="Record every audit in this SQLite file, under its account's name."),
    ] = None,
    notify: Annotated[
        list[str] | None,
        typer.Option(
            "--notify",
            help="Apprise URL told when an account's status worsens or recovers against its previous recorded "
            "audit; repeatable. Needs a history.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing when everything is ok (cron).")] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour (NO_COLOR is honoured too).")] = False,
    width: Annotated[
        int | None,
        typer.Option("--width", min=60, max=400, help="Table width (default: the terminal's; 110 when piped)."),
    ] = None,
) -> None:
    """Audit every account of a portfolio, each marketplace on its own, and roll them up worst first.

    Exits with the worst exit code of all the audits (0 ok, 1 at risk, 2 breach, 3 unknown); an account whose
    audit fails is UNKNOWN in its row and the others still report.
    """
    with engine_imports():
        from healthcheck.loaders.own_outputs import output_clash
        from healthcheck.options import as_of_problem
        from healthcheck.portfolio.render import render_portfolio
        from healthcheck.portfolio.rollup import behind_notes, overall
        from healthcheck.portfolio.run import Options, audit_portfolio, default_jobs
        from healthcheck.portfolio.target import loose_files, read_target

    as_of_date = _parse_date(as_of, "--as-of")
    accounts = read_target(target)
    for loose in loose_files(target):
        typer.echo(
            f"healthcheck: note: {one_line(loose)} is beside the account folders, in none of them: not audited "
            "(move it into its account's folder)",
            err=True,
        )
    for day in [as_of_date, *(a.as_of for a in accounts)]:
        if day is not None and (problem := as_of_problem(day)):
            _fail(problem, hint="give the day the reports were downloaded, or leave the as-of out")
    if output is not None and (clash := output_clash(output, [p for a in accounts for p in a.paths])):
        _fail(clash, hint="write the report to another file")
    recorded = history_path(history, _load_config(None))
    check_alerting(recorded, notify)
    chosen, on_terminal = chosen_format(fmt, output)
    color = _use_color(no_color, output) and chosen is Format.TABLE
    if width is None and on_terminal:
        width = max(80, min(shutil.get_terminal_size().columns, 200))
    now = dt.datetime.now(dt.UTC)
    options = Options(fmt=chosen, fail_on=fail_on, as_of=as_of_date, now=now, width=width, color=color, cwd=Path.cwd())
    enabled = sys.stderr.isatty() and not quiet
    with _accounts_progress(enabled=enabled, color=not _color_refused(no_color)) as tick:
        audits = audit_portfolio(accounts, options, jobs=jobs or default_jobs(), tick=tick)
    _, code = overall(audits)
    text = render_portfolio(audits, chosen, fail_on=fail_on, color=color, width=width, now=now)
    if chosen is Format.CSV and output is not None:
        text = "\ufeff" + text  # a byte-order mark, so that spreadsheets open the file as UTF-8
    if output is not None:
        write_output(output, text)
    elif not (quiet and int(code) == 0):
        with stop_signals_held():  # a reader of the pipe gets the whole report or none of it
            typer.echo(text, nl=False)
            sys.stdout.flush()
    unrecorded = False
    for note in behind_notes(audits):
        typer.echo(f"healthcheck: warning: {one_line(note)}", err=True)
    for audited in audits:
        where = f"{audited.name} ({audited.marketplace or '-'})"
        if audited.error:
            typer.echo(f"healthcheck: {where}: UNKNOWN: {audited.error}", err=True)
            if audited.document is None:
                from healthcheck.notify import AUDIT_FAILED

                tell_not_audited_or_say(
                    [audited.error],
                    history=recorded,
                    notify=notify,
                    account=audited.name,
                    marketplace=audited.marketplace or "",
                    why=AUDIT_FAILED,
                )
        for message in audited.messages:
            typer.echo(f"healthcheck: {where}: {message}", err=True)
        if audited.document is not None and _record(audited, history=recorded, notify=notify) is None:
            unrecorded = True
    raise typer.Exit(3 if unrecorded else int(code))


def _record(audited: "Audited", *, history: Path | None, notify: list[str] | None) -> "Recorded | None":
    """Record one account's audit and tell the URLs; an alert that failed, or a history that cannot be written, is
    said (None) and the next account is still recorded and alerted: one dead webhook must not silence the rest."""
    from healthcheck.errors import HealthcheckError

    assert audited.document is not None
    try:
        return record_document(audited.document, history=history, notify=notify, account=audited.name)
    except HealthcheckError as exc:
        typer.echo(f"healthcheck: error: {audited.name} ({audited.marketplace or '-'}): {exc}", err=True)
        return None


def run_all(plan: "FetchPlan", *, history: Path | None, notify: list[str] | None) -> NoReturn:
    """`run --all`: fetch every account of the credentials file, one after the other (each its own SP-API
    quotas), then audit the fetched ones in parallel processes like a portfolio; record, alert, one line each.
    An account whose fetch fails is UNKNOWN (exit 3 at the end) and the others still run."""
    import os

    from healthcheck.errors import HealthcheckError
    from healthcheck.fetch.credentials import account_marketplaces, credential_accounts
    from healthcheck.notify import AUDIT_FAILED, FETCH_FAILED
    from healthcheck.portfolio import Account
    from healthcheck.portfolio.rollup import overall
    from healthcheck.portfolio.run import Options, audit_portfolio, default_jobs

    try:
        names = credential_accounts(os.environ)
    except HealthcheckError as exc:
        _fail(str(exc))
    accounts: list[Account] = []
    failed: list[str] = []  # what was not fetched: `north`, `north (DE)`

    def tell(errors: Sequence[str], name: str, market: str, why: str) -> None:
        tell_not_audited_or_say(errors, history=history, notify=notify, account=name, marketplace=market, why=why)

    for name in names:
        try:
            # An account's own marketplaces (its section's `marketplaces`) win over --marketplace, as the more
            # specific: an agency's clients sell in different ones.
            markets: tuple[str | None, ...] = account_marketplaces(os.environ, name) or (None,)
        except HealthcheckError as exc:
            typer.echo(f"healthcheck: error: {name}: {exc}", err=True)
            failed.append(name)
            continue
        for wanted in markets:
            label = f"{name} ({wanted})" if wanted else name
            try:
                folder, market = plan.fetch(name, wanted)
            except FetchFailed as failure:  # the fetch said what went wrong on stderr
                tell(failure.errors, name, failure.marketplace, FETCH_FAILED)
                failed.append(label)
                continue
            except HealthcheckError as exc:
                typer.echo(f"healthcheck: error: {label}: {exc}", err=True)
                tell([str(exc)], name, wanted or plan.market(), FETCH_FAILED)
                failed.append(label)
                continue
            accounts.append(Account(name=name, paths=(folder,), marketplace=market, config=plan.config))
    options = Options(fmt=Format.JSON, fail_on=FailOn.AT_RISK, as_of=None, now=dt.datetime.now(dt.UTC))
    audits = audit_portfolio(accounts, options, jobs=default_jobs())
    unrecorded = False
    for audited in audits:
        where = f"{audited.name} ({audited.marketplace or '-'})"
        if audited.error or audited.document is None:
            typer.echo(f"healthcheck: {where}: UNKNOWN: {audited.error}", err=True)
            tell([audited.error or "no report"], audited.name, audited.marketplace or plan.market(), AUDIT_FAILED)
            continue
        for message in audited.messages:
            typer.echo(f"healthcheck: {where}: {message}", err=True)
        outcome = _record(audited, history=history, notify=notify)
        status = str(audited.status).replace("_", " ").upper()
        if outcome is None:
            unrecorded = True
            typer.echo(f"{where} as of {audited.document['as_of']}: {status}; the alert or the history failed (above)")
        elif not plan.quiet or outcome.sent:
            typer.echo(f"{where} as of {audited.document['as_of']}: {status}; {outcome.describe()}")
    for label in failed:
        typer.echo(f"{label}: UNKNOWN; not fetched, not audited")
    _, code = overall(audits)
    raise typer.Exit(3 if failed or unrecorded else int(code))
