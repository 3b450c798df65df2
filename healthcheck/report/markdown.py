"""`--format markdown`: for cron mail, CI logs and GitHub step summaries (the default when not a terminal).

The same sections as the table, in the same words; every value is escaped so that it renders literally.
"""

from __future__ import annotations

import re

from healthcheck.audit import AuditReport
from healthcheck.metrics.base import Status
from healthcheck.outcome import FailOn
from healthcheck.report import view
from healthcheck.report.plan_view import IDS_SHOWN, PlanBlock, fill_parts
from healthcheck.report.text import (
    HEADROOM_LEGEND,
    RECOVERY_LEGEND,
    STATUS_LABEL,
    clean,
    sparkline,
    status_word,
)
from healthcheck.wording import plural

TREND_DAYS = 30
# Enough to keep text literal: no emphasis, code, links, images, tables breaks or HTML tags. An underscore between
# two letters or digits (`all_orders_1`) can neither open nor close emphasis in CommonMark, so it is left as it
# is: cron mail is read raw, where every backslash is noise.
_MD_SPECIAL = re.compile(r"([\\`*\[\]|~#]|<(?=[A-Za-z/!?])|(?<![^\W_])_|_(?![^\W_]))")
_BACKTICKS = re.compile(r"`+")


def md(value: object) -> str:
    """Escape untrusted text so it renders literally (no links, no HTML, no table breaks)."""
    return _MD_SPECIAL.sub(r"\\\1", clean(value)).replace("\n", " ").replace("\r", " ")


def code(value: object, *, in_table: bool = False) -> str:
    """A path or another identifier from a file (order id, SKU) as a code span, which shows it literally both raw
    and rendered without a single backslash. The fence is one backtick longer than the longest run inside, padded
    with a space (which CommonMark strips) where the text starts or ends with a backtick or with a space on both
    sides. In a table a pipe still ends the cell inside a code span: GFM reads `\\|` there as a literal pipe."""
    text = clean(value).replace("\n", " ").replace("\r", " ")
    if not text:
        return ""
    if in_table:
        text = text.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" or (text[0] == " " and text[-1] == " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_ids(ids: tuple[str, ...] | list[str], limit: int) -> str:
    """Order ids or SKUs as code spans, the first `limit` of them, then how many more."""
    shown = ", ".join(code(i) for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def plan_markdown(blocks: tuple[PlanBlock, ...], heading: str, *, level: int = 1, id_limit: int | None = None) -> str:
    """A plan of action (report/plan_view.py) in Markdown: escaped, ids as code spans, the seller's parts in bold."""
    lines = [f"{'#' * level} {md(heading)}", ""]
    for block in blocks:
        if block.heading:
            lines += [f"{'#' * (level + 1)} {md(block.heading)}", ""]
        for line in block.lines:
            text = (f"{code(line.lead)}, " if line.lead else "") + "".join(
                f"**{md(piece)}**" if seller else md(piece) for piece, seller in fill_parts(line.text) if piece
            )
            if line.ids:
                limit = len(line.ids) if id_limit is None else id_limit
                text += f" ({plural(len(line.ids), line.noun)}: {code_ids(line.ids, limit=limit)})"
            # Lines that are not list items are paragraphs of their own: Markdown would join adjacent ones.
            lines += [f"- {text}"] if block.bullets else [text, ""]
        if block.bullets:
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_markdown(report: AuditReport, *, fail_on: FailOn) -> str:
    lines = [
        f"# healthcheck: {status_word(report.status)}",
        "",
        f"{report.marketplace.code} account ({md(report.marketplace_source)}) as of "
        f"**{report.as_of.isoformat()}** ({md(report.as_of_source)}).",
    ]
    if report.unknown_reason is not None:
        lines += ["", f"**UNKNOWN**: {md(report.unknown_reason)}."]
    lines += _worst_first(report)
    lines += _metrics(report)
    lines += _actions(report)
    for section in view.plan_sections(report):
        lines += ["", *plan_markdown(section.blocks, section.heading, level=2, id_limit=IDS_SHOWN).splitlines()]
    lines += _reconcile(report)
    lines += _inputs(report)
    code = report.exit_code(fail_on)
    lines += ["", f"Exit code {int(code)} ({code.name.replace('_', ' ').lower()})."]
    return "\n".join(lines) + "\n"


def _worst_first(report: AuditReport) -> list[str]:
    lines = ["", "## Worst first", ""]
    for line in view.headlines(report):
        if line.status is Status.OK:
            lines.append(f"- ok: {md(line.text)}" if line.text != view.NOTHING_AT_RISK else f"- {line.text}")
        else:
            lines.append(f"- **{STATUS_LABEL[line.status]}** {md(line.text)}")
    return lines


def _metrics(report: AuditReport) -> list[str]:
    trend = report.insights.trend
    days = min(TREND_DAYS, trend.days) if trend else 0
    lines = [
        "",
        "## Metrics",
        "",
        "| Metric | Rate | Count | Target | Window | Status | Headroom | Ok again |"
        + (f" Last {days} days |" if trend else ""),
        "|---|---:|---:|---:|---|---|---:|---|" + ("---|" if trend else ""),
    ]
    for row in view.metric_rows(report):
        label = STATUS_LABEL[row.status]
        if row.status in (Status.BREACH, Status.AT_RISK):
            label = f"**{label}**"
        cells = [
            md(row.title),
            row.rate + (f" ({row.partial})" if row.partial else ""),
            row.counts,
            md(row.target),
            row.window,
            label,
            row.headroom,
            row.ok_again,
        ]
        if trend:
            r = row.result
            chars, _ = sparkline(r, trend.get(r.id), trend.end, days)
            cells.append(f"`{chars}`" if chars.strip() else "")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", md(HEADROOM_LEGEND)]
    if report.insights.recovery:
        lines += ["", md(RECOVERY_LEGEND)]
    notes = [
        f"- {md(n.sentence())}" if not n.ids else f"- {md(n.sentence())}{code_ids(n.ids, limit=10)}"
        for n in view.metric_notes(report)
    ]
    return lines + (["", *notes] if notes else [])


def _actions(report: AuditReport) -> list[str]:
    items = view.action_items(report)
    if not items:
        return []
    lines = ["", "## What to do, most pressing first", ""]
    for item in items:
        lines.append(f"{item.priority}. **{md(item.title)}**: {md(item.detail)}")
        if item.impact:
            lines.append(f"   - *{md(item.impact)}*")
        if item.order_ids:
            lines.append(f"   - Orders: {code_ids(item.order_ids, limit=10)}")
        if item.skus:
            lines.append(f"   - SKUs: {code_ids(item.skus, limit=10)}")
    return lines


def _reconcile(report: AuditReport) -> list[str]:
    lines: list[str] = []
    for rec in report.insights.reconcile:
        lines += ["", "## Amazon's own numbers", "", f"{code(rec.path)}: {md(view.amazon_facts(rec))}."]
        lines += [f"- note: {md(n)}" for n in rec.notes]
        if not rec.rows:
            continue
        lines += [
            "",
            "| Metric | Ours | Amazon | Amazon's window | Likely cause of the difference |",
            "|---|---:|---:|---|---|",
        ]
        for line in view.amazon_lines(rec):
            counts = f" ({line.counts})" if line.counts else ""
            status = f" {md(line.status)}" if line.status else ""
            ours = f"{line.ours_rate} ({line.ours_counts})"
            lines.append(
                f"| {md(line.title)} | {ours} | {line.rate}{counts}{status} | {line.window or '-'} | {md(line.cause)} |"
            )
    return lines


def _inputs(report: AuditReport) -> list[str]:
    lines = [
        "",
        "## Inputs",
        "",
        "| File | Kind | Encoding | Rows | Used | Skipped |",
        "|---|---|---|---:|---:|---|",
    ]
    for f in view.input_rows(report):
        lines.append(
            f"| {code(f.path, in_table=True)} | {md(f.kind or '-')} | {md(f.encoding or '-')} | "
            f"{f.rows} | {f.used} | {md(', '.join(f.skipped))} |"
        )
    notes = view.input_notes(report)
    others = [_note(n) for n in notes if n.level != "error"]
    if others:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in others]
    errors = [_note(n) for n in notes if n.level == "error"]
    if errors:
        lines += ["", "## Errors", ""] + [f"- {n}" for n in errors]
    return lines


def _note(note: view.InputNote) -> str:
    where = code(note.path) + (f", line {note.line}" if note.line else "") + ": " if note.path else ""
    # Our own sentence around the ids is left as it is: the ids are code spans already.
    return where + (note.body(code_ids(note.ids, limit=5)) if note.ids else md(note.body()))
