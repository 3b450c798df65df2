"""`--format table`: the terminal report, drawn with rich. Every value from a file is cleaned and shown as plain
`Text` (never parsed as markup), so report contents cannot style or move the terminal."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from healthcheck.audit import AuditReport
from healthcheck.metrics.base import Status
from healthcheck.outcome import FailOn, OverallStatus
from healthcheck.report import view
from healthcheck.report.plan_view import IDS_SHOWN, plain_lines
from healthcheck.report.table_narrow import (
    NARROW_WIDTH,
    narrow_actions,
    narrow_inputs,
    narrow_metrics,
    narrow_reconcile,
    narrow_trend,
)
from healthcheck.report.text import (
    HEADROOM_LEGEND,
    RECOVERY_LEGEND,
    STATUS_LABEL,
    STATUS_STYLE,
    common_folder,
    first_value,
    percent,
    short_path,
    shown_ids,
    sparkline,
    status_word,
    worst_first,
)
from healthcheck.sanitize import one_line

DEFAULT_WIDTH = 110
OVERALL_STYLE = {
    OverallStatus.OK: "bold green",
    OverallStatus.AT_RISK: "bold yellow",
    OverallStatus.BREACH: "bold red",
    OverallStatus.UNKNOWN: "bold magenta",
}


def plain_console(buffer: io.StringIO, width: int, color: bool) -> Console:
    """A console that depends only on its arguments: no terminal, environment or width detection."""
    return Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
        _environ={},
    )


def render_table(report: AuditReport, *, fail_on: FailOn, color: bool, width: int | None) -> str:
    buffer = io.StringIO()
    width = width or DEFAULT_WIDTH
    console = plain_console(buffer, width, color)
    status = report.status
    console.print(
        Text.assemble(
            ("healthcheck ", "bold"),
            f"{report.marketplace.code} account ({report.marketplace_source}) as of {report.as_of.isoformat()} "
            f"({report.as_of_source}): ",
            (status_word(status), OVERALL_STYLE[status]),
        )
    )
    if report.unknown_reason is not None:
        console.print(Text.assemble(("UNKNOWN", OVERALL_STYLE[status]), f": {report.unknown_reason}."))
    _worst_first(console, report)
    if width < NARROW_WIDTH:
        narrow_metrics(console, report, width)
        _metric_notes(console, report)
        narrow_trend(console, report, width)
        narrow_actions(console, report)
        _plans(console, report)
        narrow_reconcile(console, report, width)
        narrow_inputs(console, report, width)
    else:
        _metrics(console, report)
        _metric_notes(console, report)
        _trend(console, report, width)
        _actions(console, report)
        _plans(console, report)
        _reconcile(console, report)
        _inputs(console, report, width)
    _input_notes(console, report)
    code = report.exit_code(fail_on)
    console.print(Text(f"exit code {int(code)} ({code.name.replace('_', ' ').lower()})", style="dim"))
    # Rich pads every line to the width; trailing blanks only get in the way of pipes, diffs and mail.
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _worst_first(console: Console, report: AuditReport) -> None:
    """The problems in the order to tackle them, each with its headroom, recovery date and actions."""
    console.print()
    console.print(Text("Worst first", style="bold"))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for line in view.headlines(report):
        grid.add_row(Text(STATUS_LABEL[line.status], style=STATUS_STYLE[line.status]), line.text)
    console.print(grid)


def _metrics(console: Console, report: AuditReport) -> None:
    console.print()
    table = Table(title="Account health", title_justify="left", expand=False)
    rows = view.metric_rows(report)
    cells = [
        (
            row.rate + (f"\n{row.partial}" if row.partial else ""),
            row.counts,
            row.target,
            row.window,
            STATUS_LABEL[row.status],
            row.headroom,
            row.ok_again,
        )
        for row in rows
    ]
    table.add_column("Metric", width=_title_width([row.title for row in rows], cells, console.width))
    for name, justify in _METRIC_COLUMNS:
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row, (rate, counts, target, window, label, headroom, ok_again) in zip(rows, cells, strict=True):
        status = Text(label, style=STATUS_STYLE[row.status])
        table.add_row(row.title, rate, counts, target, window, status, headroom, ok_again)
    console.print(table)


# The metrics table's columns after the title, in the order of `_metrics`' cells.
_METRIC_COLUMNS = (
    ("Rate", "right"),
    ("Count", "right"),
    ("Target", "right"),
    ("Window", "left"),
    ("Status", "left"),
    ("Headroom", "right"),
    ("Ok again", "left"),
)


def _title_width(titles: list[str], cells: Sequence[tuple[str, ...]], width: int) -> int:
    """The Metric column's width: what the other columns leave at their natural widths, but never less than a
    title's longest word. Rich shares a shortfall among all wrappable columns and cuts a word longer than its
    share ("(seller-fulfi…"); fixed here, the title wraps between words and the other columns give way."""
    columns = list(zip(*cells, strict=True)) if cells else [()] * len(_METRIC_COLUMNS)
    natural = [
        max(len(line) for text in (header, *column) for line in text.split("\n"))
        for (header, _), column in zip(_METRIC_COLUMNS, columns, strict=True)
    ]
    left = width - sum(natural) - 3 * (len(natural) + 1) - 1  # each column padded by one space a side; borders
    longest_word = max((len(word) for title in titles for word in title.split()), default=len("Metric"))
    longest_title = max((len(title) for title in titles), default=len("Metric"))
    return max(longest_word, len("Metric"), min(longest_title, left))


def _metric_notes(console: Console, report: AuditReport) -> None:
    """The legends, then per metric why it was not evaluated, the orders behind a problem, and its notes."""
    console.print(Text(HEADROOM_LEGEND, style="dim"))
    if report.insights.recovery:
        console.print(Text(RECOVERY_LEGEND, style="dim"))
    for note in view.metric_notes(report):
        if note.ids:
            console.print(Text(f"- {note.sentence(shown_ids(note.ids))}"))
        else:
            console.print(Text(f"{'  note: ' if note.aside else '- '}{one_line(note.sentence())}", style="dim"))


def _trend(console: Console, report: AuditReport, width: int) -> None:
    trend = report.insights.trend
    if trend is None:
        return
    days = max(7, min(trend.days, width - 62))
    console.print()
    table = Table(
        title=f"Trend: daily value, last {days} days to {report.as_of:%b %d}",
        title_justify="left",
        expand=False,
    )
    table.add_column("Metric")
    table.add_column(f"{days} days", no_wrap=True)
    table.add_column("From", justify="right")
    table.add_column("Now", justify="right")
    for result in worst_first(report):
        series = trend.get(result.id)
        if series is None:
            continue
        chars, statuses = sparkline(result, series, trend.end, days)
        line = Text()
        for char, day_status in zip(chars, statuses, strict=True):
            line.append(char, style=STATUS_STYLE[day_status] if day_status is not Status.NOT_EVALUATED else "")
        table.add_row(
            result.spec.title, line, percent(first_value(result, series, trend.end, days)), percent(result.rate)
        )
    console.print(table)


def _actions(console: Console, report: AuditReport) -> None:
    items = view.action_items(report)
    if not items:
        return
    console.print()
    table = Table(title="What to do, most pressing first", title_justify="left", show_lines=True, expand=False)
    table.add_column("#", justify="right")
    table.add_column("Action")
    table.add_column("Orders / SKUs")
    for item in items:
        body = Text.assemble((one_line(item.title), "bold"), "\n", one_line(item.detail))
        if item.impact:
            body.append("\n" + item.impact, style="italic")
        who = shown_ids(item.order_ids, limit=3)
        if item.skus:
            who += ("\n" if who else "") + "SKUs: " + shown_ids(item.skus, limit=3)
        table.add_row(str(item.priority), body, Text(who))
    console.print(table)


def _plans(console: Console, report: AuditReport) -> None:
    """Each breached metric's draft plan of action, as plain text to paste (the same at any width: rich wraps)."""
    for section in view.plan_sections(report):
        console.print()
        console.print(Text(one_line(section.heading), style="bold"))
        for line in plain_lines(section.blocks, id_limit=IDS_SHOWN):
            if not line.startswith("- "):
                console.print(Text(line))
                continue
            item = Table.grid(padding=(0, 1))  # a wrapped list item hangs under its text, not under its dash
            item.add_column()
            item.add_column()
            item.add_row("-", Text(line[2:]))
            console.print(item)


def _reconcile(console: Console, report: AuditReport) -> None:
    for rec in report.insights.reconcile:
        console.print()
        console.print(
            Text(f"Amazon's own numbers ({one_line(rec.path)}): {one_line(view.amazon_facts(rec))}", style="bold")
        )
        for note in rec.notes:
            console.print(Text(f"  note: {one_line(note)}", style="dim"))
        if not rec.rows:
            continue
        table = Table(expand=False, show_lines=True)
        table.add_column("Metric")
        table.add_column("Ours", justify="right")
        table.add_column("Amazon", justify="right")
        table.add_column("Amazon's window")
        table.add_column("Likely cause of the difference")
        for line in view.amazon_lines(rec):
            table.add_row(
                line.title,
                f"{line.ours_rate}\n{line.ours_counts}",
                Text(f"{line.rate}\n{line.counts}\n{one_line(line.status)}".rstrip()),
                line.window or "-",
                Text(one_line(line.cause)),
            )
        console.print(table)


def _inputs(console: Console, report: AuditReport, width: int) -> None:
    """The files read, one row each. The folder they share is named once in the title; a file name is never
    folded: at most the middle of its own folders is elided, to the room the other columns leave (they are short
    and never wrap; Skipped has one reason a line)."""
    console.print()
    files = view.input_rows(report)
    paths = [one_line(f.path) for f in files]
    folder = common_folder(paths)
    title = f"Inputs in {short_path(folder, width - len('Inputs in '))}" if folder else "Inputs"
    inputs = Table(title=title, title_justify="left", expand=False)
    rows = [
        [
            path[len(folder) :],
            one_line(f.kind or "-"),
            one_line(f.encoding or "-"),
            str(f.rows),
            str(f.used),
            "\n".join(one_line(reason) for reason in f.skipped),
        ]
        for path, f in zip(paths, files, strict=True)
    ]
    names = ("File", "Kind", "Encoding", "Rows", "Used", "Skipped")
    widths = [max([len(name)] + [len(line) for row in rows for line in row[i].split()]) for i, name in enumerate(names)]
    # Each column costs its content, two spaces of padding and one border; the table one more border. Skipped is
    # counted at its longest word: it wraps before a file name is shortened.
    room = width - 1 - 3 * len(names) - sum(widths[1:])
    for name in names:
        inputs.add_column(
            name,
            justify="right" if name in ("Rows", "Used") else "left",
            no_wrap=name != "Skipped",
            # A file name alone wider than the room left folds rather than losing its end to an ellipsis.
            overflow="fold" if name == "File" else "ellipsis",
        )
    for row in rows:
        inputs.add_row(Text(short_path(row[0], max(room, 1))), *(Text(cell) for cell in row[1:]))
    console.print(inputs)


_NOTE_STYLE = {"warning": "yellow", "note": "dim", "error": "bold red"}


def _input_notes(console: Console, report: AuditReport) -> None:
    for note in view.input_notes(report):
        # The unmatched defects' sentence speaks for itself; every other line names its level.
        level = "" if note.ids else f"{note.level}: "
        where = f"{one_line(note.where)}: " if note.where else ""
        console.print(Text(level + where + one_line(note.body(shown_ids(note.ids))), style=_NOTE_STYLE[note.level]))
