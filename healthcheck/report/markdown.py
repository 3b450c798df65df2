"""`--format markdown`: for cron mail, CI logs and GitHub step summaries (the default when not a terminal).

The same sections as the table, in the same words; every value is escaped so that it renders literally.
"""

from __future__ import annotations

import re

from healthcheck.audit import AuditReport
from healthcheck.metrics.base import Status
from healthcheck.outcome import FailOn
from healthcheck.report.text import (
    HEADROOM_LEGEND,
    RECOVERY_LEGEND,
    STATUS_LABEL,
    clean,
    closest_ok,
    closest_sentence,
    counts_text,
    headroom_cell,
    impact_sentence,
    metric_sentence,
    missing_note,
    partial_note,
    percent,
    recovery_cell,
    shown_ids,
    sparkline,
    status_word,
    target_text,
    window_text,
    worst_first,
)

TREND_DAYS = 30
# Enough to keep text literal: no emphasis, code, links, images, tables breaks or HTML tags.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~#]|<(?=[A-Za-z/!?]))")


def md(value: object) -> str:
    """Escape untrusted text so it renders literally (no links, no HTML, no table breaks)."""
    return _MD_SPECIAL.sub(r"\\\1", clean(value)).replace("\n", " ").replace("\r", " ")


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
    lines += _reconcile(report)
    lines += _inputs(report)
    code = report.exit_code(fail_on)
    lines += ["", f"Exit code {int(code)} ({code.name.replace('_', ' ').lower()})."]
    return "\n".join(lines) + "\n"


def _worst_first(report: AuditReport) -> list[str]:
    lines = ["", "## Worst first", ""]
    problems = [r for r in worst_first(report) if r.status in (Status.BREACH, Status.AT_RISK)]
    for result in problems:
        lines.append(f"- **{STATUS_LABEL[result.status]}** {md(metric_sentence(report, result))}")
    closest = closest_ok(report)
    if closest is not None:
        lines.append(f"- ok: {md(closest_sentence(report, closest))}")
    if not problems and closest is None:
        lines.append("- Nothing at risk or in breach.")
    return lines


def _metrics(report: AuditReport) -> list[str]:
    trend = report.insights.trend
    days = min(TREND_DAYS, trend.days) if trend else 0
    lines = [
        "",
        "## Metrics",
        "",
        "| Metric | Rate | Count | Target | Window | Status | Headroom | Ok again | "
        + (f"Last {days} days |" if trend else "|"),
        "|---|---:|---:|---:|---|---|---:|---|" + ("---|" if trend else ""),
    ]
    for r in worst_first(report):
        label = STATUS_LABEL[r.status]
        if r.status in (Status.BREACH, Status.AT_RISK):
            label = f"**{label}**"
        partial = partial_note(r)
        cells = [
            md(r.spec.title),
            percent(r.rate) + (f" ({partial})" if partial else ""),
            counts_text(r),
            md(target_text(r)),
            window_text(r),
            label,
            headroom_cell(report.insights.headroom.get(r.id)),
            recovery_cell(report.insights.recovery.get(r.id)),
        ]
        if trend:
            chars, _ = sparkline(r, trend.get(r.id), days)
            cells.append(f"`{chars}`" if chars.strip() else "")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", md(HEADROOM_LEGEND)]
    if report.insights.recovery:
        lines += ["", md(RECOVERY_LEGEND)]
    notes: list[str] = []
    for r in worst_first(report):
        if r.status is Status.NOT_EVALUATED:
            notes.append(f"- {md(r.spec.title)}: not evaluated: {md(r.measurement.reason)}")
        elif r.status in (Status.BREACH, Status.AT_RISK) and r.measurement.problem_order_ids:
            ids = r.measurement.problem_order_ids
            notes.append(f"- {md(r.spec.title)}: {len(ids)} order(s) behind it: {md(shown_ids(ids, limit=10))}")
        if missing_note(r):
            notes.append(f"- {md(r.spec.title)}: {md(missing_note(r))}")
        for note in r.measurement.notes:
            notes.append(f"- {md(r.spec.title)}: {md(note)}")
    return lines + (["", *notes] if notes else [])


def _actions(report: AuditReport) -> list[str]:
    if not report.actions:
        return []
    lines = ["", "## What to do, most pressing first", ""]
    for a in report.actions:
        lines.append(f"{a.priority}. **{md(a.title)}**: {md(a.detail)}")
        moved = impact_sentence(report, a)
        if moved:
            lines.append(f"   - *{md(moved)}*")
        if a.order_ids:
            lines.append(f"   - Orders: {md(shown_ids(a.order_ids, limit=10))}")
        if a.skus:
            lines.append(f"   - SKUs: {md(shown_ids(a.skus, limit=10))}")
    return lines


def _reconcile(report: AuditReport) -> list[str]:
    lines: list[str] = []
    for rec in report.insights.reconcile:
        facts = [f"account status {rec.account_status or '-'}"]
        if rec.ahr_status or rec.ahr_score is not None:
            score = f" {rec.ahr_score:g}" if rec.ahr_score is not None else ""
            facts.append(f"account health rating {rec.ahr_status or '-'}{score}")
        facts += [f"warning {w}" for w in rec.warning_states]
        lines += ["", "## Amazon's own numbers", "", f"{md(rec.path)}: {md(', '.join(facts))}."]
        lines += [f"- note: {md(n)}" for n in rec.notes]
        if not rec.rows:
            continue
        lines += [
            "",
            "| Metric | Ours | Amazon | Amazon's window | Likely cause of the difference |",
            "|---|---:|---:|---|---|",
        ]
        for row in rec.rows:
            a = row.amazon
            counts = f" ({a.numerator}/{a.denominator})" if a.denominator is not None else ""
            status = f" {md(a.status)}" if a.status else ""
            window = f"{a.start:%b %d} - {a.end:%b %d}" if a.start and a.end else "-"
            ours = f"{percent(row.ours.rate)} ({counts_text(row.ours)})"
            cause = "agrees" if row.agrees else md(" ".join(row.causes))
            lines.append(f"| {md(row.title)} | {ours} | {percent(a.rate)}{counts}{status} | {window} | {cause} |")
    return lines


def _inputs(report: AuditReport) -> list[str]:
    lines = [
        "",
        "## Inputs",
        "",
        "| File | Kind | Encoding | Rows | Used | Skipped |",
        "|---|---|---|---:|---:|---|",
    ]
    for item in report.inputs:
        skipped = ", ".join(f"{k} {v}" for k, v in item["skipped"].items())
        lines.append(
            f"| {md(item['path'])} | {md(item['kind'] or '-')} | {md(item['encoding'] or '-')} | {item['rows']} | "
            f"{item['used_rows']} | {md(skipped)} |"
        )
    notes = [f"{md(i['path'])}: {md(w)}" for i in report.inputs for w in i["warnings"]]
    notes += [md(w) for w in report.warnings]
    if report.unmatched_defects:
        ids = [d["order_id"] for d in report.unmatched_defects]
        notes.append(f"{len(ids)} defect(s) name orders missing from the order data: {md(shown_ids(ids))}")
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    if report.errors:
        lines += ["", "## Errors", ""]
        for e in report.errors:
            where = md(e.path) + (f", line {e.line}" if e.line else "")
            lines.append(f"- {where}: {md(e.message)}")
    return lines
