"""Report renderers, one module per format; `render` is the only entry point the CLI uses."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, assert_never

from healthcheck.outcome import FailOn

if TYPE_CHECKING:
    from healthcheck.audit import AuditReport


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"
    JUNIT = "junit"
    NAGIOS = "nagios"
    HTML = "html"


# SPEC 5.1 (rev 2): with --output and no --format, the file's suffix picks the format.
_SUFFIXES = {
    ".json": Format.JSON,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".csv": Format.CSV,
    ".xml": Format.JUNIT,
    ".txt": Format.TABLE,
}
OUTPUT_SUFFIXES = tuple(_SUFFIXES)  # the suffixes that name a format, for a message naming them


def format_for_suffix(path: Path) -> Format | None:
    """The format an output file's suffix names (`health.html` -> html), None for any other suffix."""
    return _SUFFIXES.get(path.suffix.lower())


def render(
    report: AuditReport, fmt: Format, *, fail_on: FailOn, color: bool, width: int | None, to_file: bool = False
) -> str:
    """The whole report as text in the chosen format (the CLI writes it to stdout or, `to_file`, to --output).

    Buyer contact details are in the report only when the audit ran with --show-pii; the CSV worklist then
    names them, and no other format ever prints them.
    Renderers are imported on demand, so a run pays only for the format it prints.
    """
    match fmt:
        case Format.TABLE:
            from healthcheck.report.table import render_table

            return render_table(report, fail_on=fail_on, color=color, width=width)
        case Format.JSON:
            from healthcheck.report.json_report import render_json

            return render_json(report, fail_on=fail_on)
        case Format.MARKDOWN:
            from healthcheck.report.markdown import render_markdown

            return render_markdown(report, fail_on=fail_on)
        case Format.CSV:
            from healthcheck.report.csv_report import render_csv

            return render_csv(report, fail_on=fail_on, to_file=to_file)
        case Format.JUNIT:
            from healthcheck.report.junit import render_junit

            return render_junit(report, fail_on=fail_on)
        case Format.NAGIOS:
            from healthcheck.report.nagios import render_nagios

            return render_nagios(report, fail_on=fail_on)
        case Format.HTML:
            from healthcheck.report.html_report import render_html

            return render_html(report, fail_on=fail_on)
        case _:
            assert_never(fmt)
