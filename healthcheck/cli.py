"""The command line: the only module that prints or exits.

Exit codes follow SPEC 5.5: 0 ok, 1 at risk, 2 breach, 3 unknown. Click's own usage errors would exit 2, which a
monitoring system reads as BREACH, so `main` runs the app in non-standalone mode and maps them to 3.
Heavy modules (pandas, the audit) are imported inside the commands so `--help` is instant.
The command modules (`cli*.py`) are the package's only ones without `from __future__ import annotations`:
typer reads every command's annotations, and as strings it would compile each of them (about 200) on every
start, a fifth of `--help`'s time. Names imported only for type checking are quoted where used.
"""

import contextlib
import datetime as dt
import gc
import os
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from healthcheck import __version__
from healthcheck.cli_options import (
    AsOfOption,
    ConfigOption,
    EncodingOption,
    MarketplaceOption,
    PathsArgument,
    ProgramOption,
    RulesOption,
)
from healthcheck.errors import ConfigError, HealthcheckError
from healthcheck.interrupts import Interrupted, stop_signals_held, stop_signals_raise
from healthcheck.outcome import ExitCode, FailOn, OverallStatus
from healthcheck.report import OUTPUT_SUFFIXES, Format, format_for_suffix

if TYPE_CHECKING:
    from healthcheck.config import Config

app = typer.Typer(
    name="healthcheck",
    help="Audit Amazon seller account health from Seller Central reports, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

_DEBUG = {"enabled": False}
_OUT_OF_MEMORY = (
    "healthcheck: error: out of memory: the reports need more memory than this machine can give\n"
    "  fix: audit fewer or shorter reports at a time (e.g. 90 days of orders), or free memory and run it again"
)


def _fail(message: str, *, hint: str | None = None) -> NoReturn:
    """Friendly error on stderr and exit 3 (the audit could not be completed)."""
    typer.echo(f"healthcheck: error: {message}", err=True)
    if hint:
        typer.echo(f"  fix: {hint}", err=True)
    raise typer.Exit(int(ExitCode.UNKNOWN))


def _parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        _fail(f"{option} {value!r} is not a date", hint=f"write it as YYYY-MM-DD, e.g. {option} 2024-05-01")


def _color_refused(no_color: bool) -> bool:
    """--no-color, NO_COLOR (no-color.org: any value) or a terminal that says it cannot show colour."""
    return no_color or bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"


def _use_color(no_color: bool, output: Path | None) -> bool:
    if _color_refused(no_color) or output is not None:
        return False
    return sys.stdout.isatty()


def _file_mode(path: Path) -> int:
    """The mode a plain `open()` would give: an existing file keeps its own, a new one follows the umask
    (mkstemp alone would leave every report readable by its owner only)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(path: Path, text: str) -> None:
    """A failed run never leaves half a file: write beside the target, then rename over it. A symbolic link is
    followed (its target is replaced, the link kept); a FIFO, a device (`-o /dev/null`, `/dev/stdout`) or a
    socket is written into, never replaced by a file."""
    target = path.resolve()
    if target.exists() and not target.is_file() and not target.is_dir():
        with open(target, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        return
    mode = _file_mode(target)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def chosen_format(fmt: Format | None, output: Path | None) -> tuple[Format, bool]:
    """The report's format (SPEC 5.1: --format, else --output's suffix, else a table on a terminal and Markdown
    elsewhere), and whether it goes to a terminal. A suffix that names another format, or none, is said."""
    on_terminal = sys.stdout.isatty() and output is None
    by_suffix = format_for_suffix(output) if output is not None else None
    if fmt is not None and by_suffix is not None and fmt is not by_suffix:
        typer.echo(
            f"healthcheck: warning: --format {fmt.value} writes {fmt.value} into {output}, whose suffix says "
            f"{by_suffix.value}",
            err=True,
        )
    chosen = fmt or by_suffix or (Format.TABLE if on_terminal else Format.MARKDOWN)
    if output is not None and fmt is None and by_suffix is None:
        why = f"its suffix {output.suffix!r} names no format" if output.suffix else "it has no suffix"
        typer.echo(
            f"healthcheck: note: {output} is written as {chosen.value}: {why} (pass --format, or end the name in "
            f"{', '.join(OUTPUT_SUFFIXES)})",
            err=True,
        )
    return chosen, on_terminal


def write_output(path: Path, text: str, *, replace: bool = True, name: str | None = None) -> None:
    """`write_atomically`, or exit 3 naming the fix: a folder (`name`: the file to suggest in it), a file to keep
    (`replace` False), a missing or read-only folder."""
    if path.is_dir():
        _fail(f"{path} is a folder", hint=f"name a file in it, e.g. {path / name}" if name else "name a file in it")
    if path.exists() and not replace:
        _fail(f"{path} already exists", hint="pass --force to overwrite it, or name another file")
    try:
        write_atomically(path, text)
    except OSError as exc:
        _fail(f"cannot write {path}: {exc.strerror or exc}", hint="check the folder exists and is writable")


def _load_config(path: Path | None):  # type: ignore[no-untyped-def]
    from healthcheck.config import load_config
    from healthcheck.metrics import metric_ids, resolve

    config = load_config(path, cwd=Path.cwd(), metric_ids=metric_ids())
    resolve(config)  # thresholds that contradict each other are refused before any report is read
    return config


def _with_rules(settings, rules: str | None, programs: list[str] | None):  # type: ignore[no-untyped-def]
    """The options win over the config's `rules` and `program`; a bad value names the option and the choices."""
    import dataclasses

    from healthcheck.config import parse_programs, parse_rules

    if rules is not None:
        settings = dataclasses.replace(settings, rules=parse_rules(rules, "", key="--rules"))
    if programs:
        settings = dataclasses.replace(settings, program=parse_programs(programs, "", key="--program"))
    return settings


def checked_inputs(
    paths: list[Path],
    *,
    as_of: str | None,
    encoding: str | None,
    output: Path | None,
    config: Path | None,
    rules: str | None,
    program: list[str] | None,
) -> tuple[dt.date | None, str | None, "Config"]:
    """What `audit` and `plan` check before reading a report: the as-of day, the encoding, an output file that is
    not one of the inputs, the config with the options' rules and programs. Returns (as-of, encoding, config)."""
    from healthcheck.loaders.own_outputs import output_clash
    from healthcheck.options import as_of_problem, text_encoding

    as_of_date = _parse_date(as_of, "--as-of")
    if as_of_date is not None and (problem := as_of_problem(as_of_date)):
        _fail(problem, hint="give the day the reports were downloaded, or leave --as-of out")
    if encoding:
        try:
            encoding = text_encoding(encoding)
        except ValueError as exc:
            _fail(str(exc), hint="use e.g. utf-8, cp1252 or cp932")
    if output is not None and (clash := output_clash(output, paths)):
        _fail(clash, hint="write the output to another file (its own outputs in the folder are skipped when read)")
    return as_of_date, encoding, _with_rules(_load_config(config), rules, program)


@contextmanager
def loading_progress(*, enabled: bool, color: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A transient bar on stderr while large reports load; nothing when piped, so cron mail stays clean."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        transient=True,
        console=Console(stderr=True, no_color=not color),
    )
    task = bar.add_task("reading reports", total=None)

    def update(label: str, done: int, total: int) -> None:
        description = label if done >= total else f"reading {label[-40:]}"
        bar.update(task, description=description, completed=done, total=total)

    with bar:
        yield update


@app.command(short_help="Audit the reports: every metric, its status and what to do.")
def audit(
    paths: PathsArgument,
    as_of: AsOfOption = None,
    marketplace: MarketplaceOption = None,
    config: ConfigOption = None,
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            help="table, markdown, json, csv (order worklist), junit (CI), nagios (monitoring) or html "
            "(default: table on a terminal, markdown otherwise).",
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Lowest status that makes the exit code non-zero.")
    ] = FailOn.AT_RISK,
    encoding: EncodingOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing when everything is ok (cron).")] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour (NO_COLOR is honoured too).")] = False,
    show_pii: Annotated[
        bool,
        typer.Option(
            "--show-pii", help="Add buyer name, e-mail and phone (from the order report) to the CSV worklist."
        ),
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="A metric left unevaluated for lack of input is an error.")
    ] = False,
    width: Annotated[
        int | None,
        typer.Option("--width", min=60, max=400, help="Table width (default: the terminal's; 110 when piped)."),
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option("--history", help="Record this audit in this SQLite file (default: the config's `history`)."),
    ] = None,
    notify: Annotated[
        list[str] | None,
        typer.Option(
            "--notify",
            help="Apprise URL (mailto://, slack://, json://host:port/path, ...) told when the status worsens or "
            "recovers against the previous recorded audit; repeatable. Needs a history.",
        ),
    ] = None,
    account: Annotated[
        str, typer.Option("--account", help="The account name the history records this audit under.")
    ] = "default",
    rules: RulesOption = None,
    program: ProgramOption = None,
) -> None:
    """Recompute every account-health metric from the reports and say what to do."""
    with engine_imports():
        from healthcheck.audit import run_audit
        from healthcheck.report import render

    as_of_date, encoding, settings = checked_inputs(
        paths, as_of=as_of, encoding=encoding, output=output, config=config, rules=rules, program=program
    )
    from healthcheck.alerting import record_and_notify
    from healthcheck.cli_loop import check_alerting, history_path

    history = history_path(history, settings)
    check_alerting(history, notify)
    with loading_progress(enabled=sys.stderr.isatty() and not quiet, color=not _color_refused(no_color)) as progress:
        report = run_audit(
            paths,
            config=settings,
            marketplace=marketplace,
            as_of=as_of_date,
            encoding=encoding,
            strict=strict,
            show_pii=show_pii,
            progress=progress,
        )
    chosen, on_terminal = chosen_format(fmt, output)
    color = _use_color(no_color, output) and chosen is Format.TABLE
    if width is None and on_terminal:
        width = max(80, min(shutil.get_terminal_size().columns, 200))
    if show_pii and chosen is not Format.CSV:
        # Only the worklist has columns for buyers: say so rather than let the seller look for them.
        typer.echo(
            f"healthcheck: warning: --show-pii only adds buyer columns to --format csv; {chosen.value} "
            "shows no buyer data",
            err=True,
        )
    text = render(report, chosen, fail_on=fail_on, color=color, width=width, to_file=output is not None)
    if output is not None:
        write_output(output, text)
    elif quiet and report.unknown_reason is not None:
        typer.echo(f"HEALTHCHECK UNKNOWN - {report.unknown_reason}")  # SPEC 5.5: only the reason, for cron mail
    elif not (quiet and report.status is OverallStatus.OK):
        with stop_signals_held():  # a reader of the pipe gets the whole report or none of it
            typer.echo(text, nl=False)
            sys.stdout.flush()
    if report.errors:
        from healthcheck.sanitize import problem_text

        for error in report.errors:
            typer.echo(f"healthcheck: {error.title.lower()}: {problem_text(error)}", err=True)
    record_and_notify(report, history=history, notify=notify, account=account)
    raise typer.Exit(int(report.exit_code(fail_on)))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"healthcheck {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on internal errors.")] = False,
) -> None:
    """Audit Amazon seller account health from Seller Central reports, offline."""
    _DEBUG["enabled"] = debug


def _root_help() -> str:
    command = typer.main.get_command(app)
    return command.get_help(typer.Context(command, info_name="healthcheck"))


@contextmanager
def engine_imports() -> Iterator[None]:
    """Import the audit's engine (pandas, numpy, pyarrow and the modules on them) with Python's cycle collector
    paused, then frozen out of its reach; every command that imports pandas does so through it. The import makes
    some 67,000 objects, all of them living as long as the process; collecting over them while they are made took
    about 50 ms on the bench machine, a twentieth of the sample account's audit, and every full collection after
    would go over them again. The import's garbage in cycles, which the paused collector leaves, is frozen with
    them (about 70,000 more objects, 0.3-0.4 MB: cheaper than a full collection to free it). Only the process's
    first import of pandas is treated so: freezing later would also freeze whatever earlier commands left behind
    (tests run many in one process)."""
    if "pandas" in sys.modules or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


# The other commands live beside this module; importing them registers them on `app`, in this order.
# isort: off
from healthcheck import cli_tools  # noqa: E402, F401
from healthcheck import cli_loop  # noqa: E402, F401
from healthcheck import cli_portfolio  # noqa: E402, F401
from healthcheck import cli_plan  # noqa: E402, F401

# isort: on


def _is_usage_error(exc: Exception) -> bool:
    """The CLI framework's own errors (bad option, missing argument) carry a message and an exit code."""
    return callable(getattr(exc, "format_message", None)) and isinstance(getattr(exc, "exit_code", None), int)


def numpy_settings() -> None:
    """Settings numpy reads when it is imported, each kept where the user set it.

    - No transparent huge pages for its large arrays (`NUMPY_MADVISE_HUGEPAGE=0`). numpy asks for them for every
      array of 4 MB or more. An audit makes many such arrays that live for a moment (column-long temporaries), and
      where the kernel must find or compact a 2 MB page for each (`defrag` set to `madvise`, a common default) that
      costs more system time than the huge pages save (0.3-0.5 s of a million-order audit on the bench machine).
    - One OpenBLAS thread (`OPENBLAS_NUM_THREADS=1`). The audit does no linear algebra, but OpenBLAS starts a
      thread per core when numpy is imported, and each spins about 0.1 s of CPU before it sleeps, while the import
      and the audit need the cores: the sample account's audit takes 0.13 s less CPU and 0.05 s less wall time
      with one (docs/performance.md has both measurements).
    """
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main(argv: list[str] | None = None) -> int:
    """Run the app; every failure that is not a metric status exits 3."""
    numpy_settings()  # before any command imports numpy
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    if not args:
        # Nothing asked is a usage error (exit 3, SPEC 5.5): a cron line missing its command must not pass as ok.
        typer.echo(_root_help(), err=True)
        code = int(ExitCode.UNKNOWN)
        if argv is None:
            _exit_now(code)
        return code
    try:
        with stop_signals_raise():
            result = app(args=args, prog_name="healthcheck", standalone_mode=False)
    except Interrupted as exc:
        # Every file is written whole or not at all: an --output as it was, a fetched report whole or absent (the
        # next fetch asks for what is missing).
        command = next((a for a in args if not a.startswith("-")), "")
        stopped = "the fetch was stopped" if command in ("fetch", "run") else "the audit was stopped"
        typer.echo(
            f"healthcheck: interrupted by {exc}: {stopped} and no file was left half-written (a file named by "
            "--output is as it was)",
            err=True,
        )
        code = int(ExitCode.UNKNOWN)
    except typer.Exit as exc:
        code = exc.exit_code
    except typer.Abort:
        typer.echo("healthcheck: aborted", err=True)
        code = int(ExitCode.UNKNOWN)
    except ConfigError as exc:
        if exc.key.startswith("--"):  # an option's value, checked as the config key it stands for
            typer.echo(f"healthcheck: error: {exc}", err=True)
            typer.echo(f"  fix: correct {exc.key} as said above", err=True)
        else:
            typer.echo(f"healthcheck: config error: {exc}", err=True)
            typer.echo("  fix: correct the value, or run `healthcheck init-config` for a commented example", err=True)
        code = int(ExitCode.UNKNOWN)
    except HealthcheckError as exc:
        typer.echo(f"healthcheck: error: {exc}", err=True)
        code = int(ExitCode.UNKNOWN)
    except MemoryError:  # arrow's allocation failures are MemoryErrors too
        typer.echo(_OUT_OF_MEMORY, err=True)
        code = int(ExitCode.UNKNOWN)
    except Exception as exc:  # nothing but a metric status may exit 1 or 2
        if _is_usage_error(exc):
            typer.echo(f"healthcheck: error: {exc.format_message()}", err=True)  # type: ignore[attr-defined]
            typer.echo("  fix: see `healthcheck --help` (or `healthcheck COMMAND --help`)", err=True)
        else:
            if debug:
                traceback.print_exc()
            typer.echo(f"healthcheck: internal error: {type(exc).__name__}: {exc}", err=True)
            typer.echo("  rerun with --debug for a traceback, and report it with the command you ran", err=True)
        code = int(ExitCode.UNKNOWN)
    else:
        code = result if isinstance(result, int) else 0
    if argv is None:
        _exit_now(code)
    return code


def _exit_now(code: int) -> None:
    """Exit without tearing down the interpreter: freeing a large account's frames one object at a time takes a
    noticeable part of a second, and the system reclaims the memory at once anyway. Output is flushed first.
    Under a profiler or a coverage tracer the normal exit runs, so that they can write what they recorded."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`) or a closed stream
            stream.flush()
    os._exit(code)
