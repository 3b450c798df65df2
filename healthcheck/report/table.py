"""`--format table`: the terminal report, drawn with rich. Every value from a file is escaped."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from healthcheck.audit import AuditReport
from healthcheck.metrics.base import Status
from healthcheck.outcome import FailOn, OverallStatus
from healthcheck.report.text import (
    STATUS_LABEL,
    STATUS_STYLE,
    clean,
    counts_text,
    percent,
    shown_ids,
    target_text,
    window_text,
)

OVERALL_STYLE = {
    OverallStatus.OK: "bold green",
    OverallStatus.AT_RISK: "bold yellow",
    OverallStatus.BREACH: "bold red",
    OverallStatus.UNKNOWN: "bold magenta",
}


def _safe(value: object) -> str:
    return escape(clean(value))


def render_table(report: AuditReport, *, fail_on: FailOn, color: bool, width: int | None) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or 110,
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    status = report.status
    header = Text.assemble(
        ("healthcheck ", "bold"),
        f"{report.marketplace.code} account as of {report.as_of.isoformat()} ({report.as_of_source}): ",
        (status.value.upper().replace("_", " "), OVERALL_STYLE[status]),
    )
    console.print(header)

    metrics = Table(title="Account health", title_justify="left", expand=False)
    for name, justify in (
        ("Metric", "left"),
        ("Rate", "right"),
        ("Orders", "right"),
        ("Target", "right"),
        ("Window", "left"),
        ("Status", "left"),
    ):
        metrics.add_column(name, justify=justify)  # type: ignore[arg-type]
    for result in report.metrics:
        style = STATUS_STYLE[result.status]
        metrics.add_row(
            result.spec.title,
            percent(result.rate),
            counts_text(result),
            target_text(result),
            window_text(result),
            Text(STATUS_LABEL[result.status], style=style),
        )
    console.print(metrics)

    for result in report.metrics:
        m = result.measurement
        if result.status is Status.NOT_EVALUATED:
            console.print(f"[dim]- {escape(result.spec.title)}: not evaluated: {_safe(m.reason)}[/dim]")
        elif result.status in (Status.BREACH, Status.AT_RISK) and m.problem_order_ids:
            console.print(
                f"- {escape(result.spec.title)}: {len(m.problem_order_ids)} order(s) behind it: "
                f"{_safe(shown_ids(m.problem_order_ids))}"
            )
        for note in m.notes:
            console.print(f"[dim]  note: {_safe(note)}[/dim]")

    if report.actions:
        console.print()
        actions = Table(title="What to do", title_justify="left", show_lines=True, expand=False)
        actions.add_column("#", justify="right")
        actions.add_column("Action")
        actions.add_column("Orders / SKUs")
        for action in report.actions:
            body = Text.assemble((clean(action.title), "bold"), "\n", clean(action.detail))
            who = shown_ids(action.order_ids, limit=3)
            if action.skus:
                who += ("\n" if who else "") + "SKUs: " + shown_ids(action.skus, limit=3)
            actions.add_row(str(action.priority), body, Text(who))
        console.print(actions)

    console.print()
    inputs = Table(title="Inputs", title_justify="left", expand=False)
    for name in ("File", "Kind", "Encoding", "Rows", "Used", "Skipped"):
        inputs.add_column(name, justify="right" if name in ("Rows", "Used") else "left")
    for item in report.inputs:
        skipped = ", ".join(f"{k} {v}" for k, v in item["skipped"].items())
        inputs.add_row(
            Text(clean(item["path"])),
            str(item["kind"] or "-"),
            str(item["encoding"] or "-"),
            str(item["rows"]),
            str(item["used_rows"]),
            Text(skipped),
        )
    console.print(inputs)
    for item in report.inputs:
        for warning in item["warnings"]:
            console.print(Text(f"warning: {clean(item['path'])}: {clean(warning)}", style="yellow"))
    for warning in report.warnings:
        console.print(Text(f"note: {clean(warning)}", style="dim"))
    if report.unmatched_defects:
        ids = [d["order_id"] for d in report.unmatched_defects]
        console.print(
            Text(
                f"{len(ids)} defect(s) name orders missing from the order data and were not counted: "
                f"{shown_ids(ids)}. Add an order report covering them.",
                style="yellow",
            )
        )
    for error in report.errors:
        where = f"{clean(error.path)}" + (f", line {error.line}" if error.line else "")
        console.print(Text(f"error: {where}: {clean(error.message)}", style="bold red"))
    code = report.exit_code(fail_on)
    console.print(Text(f"exit code {int(code)} ({code.name.replace('_', ' ').lower()})", style="dim"))
    return buffer.getvalue()
