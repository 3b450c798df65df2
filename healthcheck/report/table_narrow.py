"""The terminal report's sections for a narrow terminal (under NARROW_WIDTH columns): stacked blocks with short
labels instead of side-by-side columns (issue 17, point 11). A column table at 80 columns cuts metric names, wraps
a window over three lines and folds file names mid-word; here every block is a title line then its facts, packed
between facts (never inside one), and a file name is shortened only by eliding the middle of its folders."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from healthcheck.audit import AuditReport
from healthcheck.metrics.base import Status
from healthcheck.report.text import (
    STATUS_LABEL,
    STATUS_STYLE,
    common_folder,
    first_value,
    pack,
    percent,
    short_path,
    shown_ids,
    sparkline,
    worst_first,
)
from healthcheck.report.view import action_items, amazon_facts, amazon_lines, input_rows, metric_rows
from healthcheck.sanitize import one_line
from healthcheck.wording import plural

# Under this many columns the side-by-side tables no longer fit their content (the metric table alone needs 110).
NARROW_WIDTH = 100
# The status column: as wide as the longest label ("AT RISK", "BREACH"; "not evaluated" wraps to two lines).
_STATUS_WIDTH = 7


def _grid(first_width: int | None = None) -> Table:
    """Two columns: a label that never wraps, and the rest, which wraps at words under it (a hanging indent)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, width=first_width)
    grid.add_column()
    return grid


def narrow_metrics(console: Console, report: AuditReport, width: int) -> None:
    """One block per metric: status and title, then rate (count), target, window, headroom and ok-again."""
    console.print()
    console.print(Text("Account health", style="italic"))
    grid = _grid(_STATUS_WIDTH)
    room = width - _STATUS_WIDTH - 1
    for row in metric_rows(report):
        facts = [
            f"{row.rate} ({row.counts})" if row.result.rate is not None else "no rate",
            row.partial,
            f"target {row.target}" if row.result.spec.target is not None else "",
            row.window,
            f"headroom {row.headroom}" if row.headroom else "",
            f"ok again {row.ok_again}" if row.ok_again else "",
        ]
        label = "n/a" if row.status is Status.NOT_EVALUATED else STATUS_LABEL[row.status]
        body = Text(row.title, style="bold")
        body.append("\n" + pack(facts, room))
        grid.add_row(Text(label, style=STATUS_STYLE[row.status]), body)
    console.print(grid)


def narrow_trend(console: Console, report: AuditReport, width: int) -> None:
    """Each metric's title, then its sparkline with the first value shown and today's."""
    trend = report.insights.trend
    if trend is None:
        return
    # Room for two spaces of indent and " 100% -> 100%" after the line.
    days = max(7, min(trend.days, width - 20))
    console.print()
    console.print(Text(f"Trend: daily value, last {days} days to {report.as_of:%b %d}", style="italic"))
    for result in worst_first(report):
        series = trend.get(result.id)
        if series is None:
            continue
        chars, statuses = sparkline(result, series, trend.end, days)
        line = Text("  ")
        for char, day_status in zip(chars, statuses, strict=True):
            line.append(char, style=STATUS_STYLE[day_status] if day_status is not Status.NOT_EVALUATED else "")
        line.append(f" {percent(first_value(result, series, trend.end, days))} -> {percent(result.rate)}")
        console.print(Text(result.spec.title))
        console.print(line, no_wrap=True)


def narrow_actions(console: Console, report: AuditReport) -> None:
    """Numbered actions, each with its orders and SKUs under it rather than in a side column."""
    items = action_items(report)
    if not items:
        return
    console.print()
    console.print(Text("What to do, most pressing first", style="italic"))
    grid = _grid(len(str(len(items))) + 1)
    for item in items:
        body = Text.assemble((one_line(item.title), "bold"), "\n", one_line(item.detail))
        if item.impact:
            body.append("\n" + item.impact, style="italic")
        if item.order_ids:
            body.append("\nOrders: " + shown_ids(item.order_ids, limit=2))
        if item.skus:
            body.append("\nSKUs: " + shown_ids(item.skus, limit=3))
        grid.add_row(f"{item.priority}.", body)
    console.print(grid)


def narrow_reconcile(console: Console, report: AuditReport, width: int) -> None:
    """Amazon's figures beside ours, one block per metric: ours, Amazon's and its window, then the causes."""
    for rec in report.insights.reconcile:
        console.print()
        path = short_path(one_line(rec.path), width - len("from "))
        console.print(Text(f"Amazon's own numbers: {one_line(amazon_facts(rec))}", style="bold"))
        console.print(Text(f"from {path}", style="dim"))
        for note in rec.notes:
            console.print(Text(f"  note: {one_line(note)}", style="dim"))
        grid = _grid(1)
        for line in amazon_lines(rec):
            counts = f" ({line.counts})" if line.counts else ""
            status = f" {one_line(line.status)}" if line.status else ""
            figures = [
                f"ours {line.ours_rate} ({line.ours_counts})",
                f"Amazon {line.rate}{counts}{status}",
                f"Amazon's window {line.window}" if line.window else "",
            ]
            body = Text(line.title, style="bold")
            body.append("\n" + pack(figures, width - 2))
            body.append("\n" + one_line(line.cause))
            grid.add_row("", body)
        console.print(grid)


def narrow_inputs(console: Console, report: AuditReport, width: int) -> None:
    """The files read as a list, the folder they share named once: each file on a line of its own, then its kind,
    encoding, rows and what was skipped."""
    console.print()
    files = input_rows(report)
    paths = [one_line(f.path) for f in files]
    folder = common_folder(paths)
    title = f"Inputs in {short_path(folder, width - len('Inputs in '))}" if folder else "Inputs"
    console.print(Text(title, style="italic"))
    grid = _grid(1)
    for path, f in zip(paths, files, strict=True):
        facts = [
            one_line(f.kind or "unknown kind"),
            one_line(f.encoding or "-"),
            f"{plural(f.rows, 'row')}, {f.used} used",
            f"skipped {one_line(', '.join(f.skipped))}" if f.skipped else "",
        ]
        body = Text(short_path(path[len(folder) :], width - 2))
        body.append("\n" + pack(facts, width - 2), style="dim")
        grid.add_row("-", body)
    console.print(grid)
