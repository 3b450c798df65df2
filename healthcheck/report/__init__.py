"""Report renderers, one module per format; `render` is the only entry point the CLI uses."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from healthcheck.outcome import FailOn

if TYPE_CHECKING:
    from healthcheck.audit import AuditReport


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


def render(report: AuditReport, fmt: Format, *, fail_on: FailOn, color: bool, width: int | None, show_pii: bool) -> str:
    """The whole report as text in the chosen format (the CLI writes it to stdout or --output)."""
    if fmt is Format.JSON:
        from healthcheck.report.json_report import render_json

        return render_json(report, fail_on=fail_on)
    if fmt is Format.MARKDOWN:
        from healthcheck.report.markdown import render_markdown

        return render_markdown(report, fail_on=fail_on)
    from healthcheck.report.table import render_table

    return render_table(report, fail_on=fail_on, color=color, width=width)
