"""`--format markdown`: for cron mail, CI logs and GitHub step summaries (the default when not a terminal)."""

from __future__ import annotations

import re

from healthcheck.audit import AuditReport
from healthcheck.metrics.base import Status
from healthcheck.outcome import FailOn
from healthcheck.report.text import (
    STATUS_LABEL,
    clean,
    counts_text,
    percent,
    shown_ids,
    target_text,
    window_text,
)

# Enough to keep text literal: no emphasis, code, links, images, tables breaks or HTML tags.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~]|<(?=[A-Za-z/!?]))")


def md(value: object) -> str:
    """Escape untrusted text so it renders literally (no links, no HTML, no table breaks)."""
    return _MD_SPECIAL.sub(r"\\\1", clean(value)).replace("\n", " ")


def render_markdown(report: AuditReport, *, fail_on: FailOn) -> str:
    status = report.status.value.upper().replace("_", " ")
    lines = [
        f"# healthcheck: {status}",
        "",
        f"{report.marketplace.code} account as of **{report.as_of.isoformat()}** ({report.as_of_source}).",
        "",
        "| Metric | Rate | Orders | Target | Window | Status |",
        "|---|---:|---:|---:|---|---|",
    ]
    for r in report.metrics:
        label = STATUS_LABEL[r.status]
        if r.status in (Status.BREACH, Status.AT_RISK):
            label = f"**{label}**"
        lines.append(
            f"| {r.spec.title} | {percent(r.rate)} | {counts_text(r)} | {md(target_text(r))} | "
            f"{window_text(r)} | {label} |"
        )
    lines.append("")
    for r in report.metrics:
        if r.status is Status.NOT_EVALUATED:
            lines.append(f"- {r.spec.title}: not evaluated: {md(r.measurement.reason)}")
        for note in r.measurement.notes:
            lines.append(f"- {r.spec.title}: {md(note)}")
    if report.actions:
        lines += ["", "## What to do", ""]
        for a in report.actions:
            lines.append(f"{a.priority}. **{md(a.title)}**: {md(a.detail)}")
            if a.order_ids:
                lines.append(f"   Orders: {md(shown_ids(a.order_ids, limit=10))}")
            if a.skus:
                lines.append(f"   SKUs: {md(shown_ids(a.skus, limit=10))}")
    lines += [
        "",
        "## Inputs",
        "",
        "| File | Kind | Encoding | Rows | Used | Skipped |",
        "|---|---|---|---:|---:|---|",
    ]
    for item in report.inputs:
        skipped = ", ".join(f"{k} {v}" for k, v in item["skipped"].items())
        lines.append(
            f"| {md(item['path'])} | {item['kind'] or '-'} | {item['encoding'] or '-'} | {item['rows']} | "
            f"{item['used_rows']} | {skipped} |"
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
    code = report.exit_code(fail_on)
    lines += ["", f"Exit code {int(code)} ({code.name.replace('_', ' ').lower()})."]
    return "\n".join(lines) + "\n"
