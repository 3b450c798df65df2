"""The unattended loop on the command line: `fetch`, `history`, `run`, and the audit's `--history` / `--notify`.

Registered on the same typer app as `healthcheck.cli` (imported at the end of it). Like that module, this one is
allowed to print and exit; the work is done in `healthcheck.fetch`, `healthcheck.history` and `healthcheck.notify`,
each imported inside the command that needs it so that `healthcheck --help` stays instant.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from healthcheck.cli import _load_config, _parse_date, app
from healthcheck.outcome import ExitCode

if TYPE_CHECKING:
    from healthcheck.fetch.reports import FetchSummary

DEFAULT_HISTORY = Path("reports") / "history.sqlite"

AccountOption = Annotated[
    str | None,
    typer.Option("--account", help="Named account: its credentials, folder and history rows (default: default)."),
]
MarketplaceOption = Annotated[
    str | None, typer.Option("--marketplace", "-m", help="Marketplace code: US, UK, DE, JP, ... (default US).")
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Config file (default: ./healthcheck.toml if present).")
]
NotifyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--notify",
        help="Apprise URL (mailto://, slack://, json://host:port/path, ...) told when the status worsens or "
        "recovers against the previous recorded audit; repeatable.",
    ),
]
DaysOption = Annotated[int, typer.Option("--days", min=1, max=730, help="How far back to fetch (first run).")]
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


def _fetch(
    account: str | None,
    marketplace: str | None,
    config: Path | None,
    days: int,
    into: Path | None,
    timeout: float,
    until: str | None,
    quiet: bool,
) -> tuple[Path, str]:
    """Fetch and print what happened; exits 3 on any failure. Returns the folder and marketplace code."""
    from healthcheck.audit import resolve_marketplace
    from healthcheck.fetch.run import FetchRequest, default_folder, run_fetch

    settings = _load_config(config)
    market = resolve_marketplace(marketplace, settings).code
    request = FetchRequest(account, market, days, into, timeout, _parse_date(until, "--until"))
    with _status(sys.stderr.isatty() and not quiet) as progress:
        summary = run_fetch(request, os.environ, progress=progress)
    _print_summary(summary, quiet=quiet)
    if summary.errors:
        raise typer.Exit(int(ExitCode.UNKNOWN))
    return into or default_folder(account, market), market


def _print_summary(summary: FetchSummary, *, quiet: bool) -> None:
    for note in summary.notes:
        typer.echo(f"healthcheck: note: {note}", err=True)
    for error in summary.errors:
        typer.echo(f"healthcheck: error: {error}", err=True)
    if quiet:
        return
    for name in summary.written:
        typer.echo(f"fetched {summary.folder / name}")
    parts = [f"{len(summary.written)} new file(s)"]
    if summary.unchanged:
        parts.append(f"{len(summary.unchanged)} unchanged")
    if summary.up_to_date:
        parts.append(f"{len(summary.up_to_date)} already up to date")
    typer.echo(f"{summary.folder}: {', '.join(parts)}")


@app.command()
def fetch(
    account: AccountOption = None,
    marketplace: MarketplaceOption = None,
    days: DaysOption = 90,
    into: IntoOption = None,
    timeout: TimeoutOption = 1800.0,
    until: UntilOption = None,
    config: ConfigOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only notes and errors.")] = False,
) -> None:
    """Download the reports the audit reads from Amazon's Selling Partner API (only what is new)."""
    _fetch(account, marketplace, config, days, into, timeout, until, quiet)
