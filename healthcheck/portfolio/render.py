"""The portfolio in each format: the roll-up first, then each audit's own report where the format holds it.

table and markdown: the roll-up table, then every audit's report as `audit` prints it. json: the roll-up and an
`accounts` list of `{name, marketplace, status, exit_code, report}`, `report` the audit's SPEC 5.2 object. csv:
the roll-up rows (a worklist per account is `audit --format csv`). nagios: one line, the counts per status and the
worst accounts. junit and html: `render_html`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any, assert_never

from rich.table import Table
from rich.text import Text

from healthcheck import __version__
from healthcheck.outcome import FailOn, OverallStatus
from healthcheck.portfolio import Audited
from healthcheck.portfolio.rollup import Row, counts, overall, worst_first
from healthcheck.report import Format
from healthcheck.report.csv_report import neutralise
from healthcheck.report.json_report import dumps
from healthcheck.report.table import DEFAULT_WIDTH, OVERALL_STYLE, plain_console
from healthcheck.report.text import percent, status_word
from healthcheck.sanitize import one_line
from healthcheck.wording import plural

PORTFOLIO_SCHEMA_VERSION = 1
COLUMNS = ("Account", "Market", "Status", "As of", "Worst metric", "Rate", "Headroom", "Ok again", "First action")


def render_portfolio(
    audits: Sequence[Audited], fmt: Format, *, fail_on: FailOn, color: bool, width: int | None, now: dt.datetime
) -> str:
    match fmt:
        case Format.TABLE:
            return render_table(audits, color=color, width=width or DEFAULT_WIDTH)
        case Format.MARKDOWN:
            return render_markdown(audits)
        case Format.JSON:
            return render_json(audits, now=now)
        case Format.CSV:
            return render_csv(audits)
        case Format.NAGIOS:
            return render_nagios(audits)
        case Format.JUNIT:
            from healthcheck.portfolio.render_html import render_junit

            return render_junit(audits)
        case Format.HTML:
            from healthcheck.portfolio.render_html import render_html

            return render_html(audits, fail_on=fail_on, now=now)
        case _:
            assert_never(fmt)


def cells(row: Row) -> list[str]:
    """The roll-up's cells, in `COLUMNS`' order: the worst metric, or why there is none."""
    metric = row.metric or row.note
    return [
        row.name,
        row.marketplace or "-",
        status_word(row.status),
        row.as_of_text,
        metric,
        percent(row.rate) if row.rate is not None else "",
        row.headroom(),
        row.recovery,
        row.action,
    ]


def summary(audits: Sequence[Audited]) -> str:
    """`4 audits of 3 accounts: 1 breach, 1 at risk, 2 ok`."""
    found = ", ".join(f"{n} {status_word(s).lower()}" for s, n in counts(audits).items() if n)
    accounts = len({a.name for a in audits})
    return f"{plural(len(audits), 'audit')} of {plural(accounts, 'account')}: {found or 'nothing audited'}"


def render_table(audits: Sequence[Audited], *, color: bool, width: int) -> str:
    buffer = io.StringIO()
    console = plain_console(buffer, width, color)
    status, _ = overall(audits)
    console.print(
        Text.assemble(("healthcheck portfolio ", "bold"), f"{summary(audits)}: ", (status_word(status), "bold"))
    )
    table = Table(show_lines=False, expand=False)
    for column in COLUMNS:
        table.add_column(column, overflow="fold")
    rows = worst_first(audits)
    for row, _ in rows:
        values = cells(row)
        table.add_row(*values[:2], Text(values[2], style=OVERALL_STYLE[row.status]), *values[3:])
    console.print(table)
    out = [buffer.getvalue()]
    for row, audited in rows:
        out.append(f"\n{'=' * 20} {one_line(row.name)} ({row.marketplace or '-'}) {'=' * 20}\n")
        out.append(audited.rendered if audited.rendered is not None else f"UNKNOWN: {one_line(row.note)}\n")
    return "".join(out)


def _md_cell(value: str) -> str:
    return one_line(value).replace("\\", "\\\\").replace("|", "\\|") or " "


def _demoted(markdown: str) -> str:
    """An audit's markdown one heading level down, under its account's heading (its own title replaced)."""
    lines = markdown.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join(f"#{line}" if line.startswith("#") else line for line in lines)


def render_markdown(audits: Sequence[Audited]) -> str:
    status, _ = overall(audits)
    out = [f"# healthcheck portfolio: {status_word(status)}", "", f"{summary(audits)}.", ""]
    out.append("| " + " | ".join(COLUMNS) + " |")
    out.append("|" + "---|" * len(COLUMNS))
    rows = worst_first(audits)
    for row, _ in rows:
        values = cells(row)
        values[2] = f"**{values[2]}**" if row.status is not OverallStatus.OK else values[2]
        out.append("| " + " | ".join(_md_cell(v) for v in values) + " |")
    for row, audited in rows:
        out += ["", f"## {_md_cell(row.name)} ({row.marketplace or '-'}): {status_word(row.status)}", ""]
        out.append(_demoted(audited.rendered) if audited.rendered is not None else f"UNKNOWN: {_md_cell(row.note)}")
    return "\n".join(out).rstrip("\n") + "\n"


def portfolio_document(audits: Sequence[Audited], *, now: dt.datetime) -> dict[str, Any]:
    status, code = overall(audits)
    rows = worst_first(audits)
    return {
        "schema_version": PORTFOLIO_SCHEMA_VERSION,
        "tool": {"name": "healthcheck", "version": __version__},
        "generated_at": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "status": str(status),
        "exit_code": int(code),
        "counts": counts(audits),
        "rollup": [row.to_dict() for row, _ in rows],
        "accounts": [
            {
                "name": audited.name,
                "marketplace": audited.marketplace,
                "status": str(audited.status),
                "exit_code": int(audited.exit_code),
                "report": audited.document,
                "error": audited.error,
            }
            for _, audited in rows
        ],
    }


def render_json(audits: Sequence[Audited], *, now: dt.datetime) -> str:
    return dumps(portfolio_document(audits, now=now)) + "\n"


CSV_COLUMNS = (
    "account",
    "marketplace",
    "status",
    "exit_code",
    "as_of",
    "worst_metric",
    "worst_metric_status",
    "rate",
    "headroom",
    "recovery_date",
    "first_action",
    "note",
    "days_behind",  # last: a spreadsheet reading the columns by position before it was added still reads them
)


def render_csv(audits: Sequence[Audited]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row, _ in worst_first(audits):
        values = row.to_dict()
        values["account"] = values.pop("name")
        values["worst_metric"] = row.metric_id
        values["headroom"] = row.headroom(passed="past")
        writer.writerow([neutralise("" if values[c] is None else values[c]) for c in CSV_COLUMNS])
    return buffer.getvalue()


_UNSAFE = re.compile(r"[|\r\n]")


def render_nagios(audits: Sequence[Audited], *, limit: int = 5) -> str:
    """`HEALTHCHECK BREACH - 4 audits of 3 accounts: 1 breach, ...; worst: acme DE cancellation_rate 4.2% ...`."""
    status, _ = overall(audits)
    worst = [row for row, _ in worst_first(audits) if row.status is not OverallStatus.OK][:limit]
    named = "; ".join(
        f"{row.name} {row.marketplace or '-'} {status_word(row.status)}"
        + (f" {row.metric_id} {percent(row.rate)}" if row.metric_id and row.rate is not None else "")
        + (f" ({row.note})" if row.status is OverallStatus.UNKNOWN and row.note else "")
        for row in worst
    )
    text = f"HEALTHCHECK {status_word(status)} - {summary(audits)}" + (f"; worst: {named}" if named else "")
    found = counts(audits)
    perfdata = " ".join(f"{name}={n};;;0;{len(audits)}" for name, n in found.items())
    return f"{_UNSAFE.sub(' ', one_line(text))} | {perfdata}\n"
