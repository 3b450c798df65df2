"""`--format html`: one self-contained file to open, mail or archive. Inline CSS and SVG charts, no script, no
network: nothing is loaded from anywhere. Every value goes through `html.escape`."""

from __future__ import annotations

import html
from collections.abc import Iterable

from healthcheck import __version__
from healthcheck.audit import AuditReport
from healthcheck.insights import Series, Trend
from healthcheck.metrics.base import MetricResult, Status
from healthcheck.outcome import FailOn, OverallStatus
from healthcheck.report import view
from healthcheck.report.plan_view import fill_parts
from healthcheck.report.text import (
    HEADROOM_LEGEND,
    RECOVERY_LEGEND,
    STATUS_LABEL,
    clean,
    first_complete_day,
    percent,
    shown_ids,
    spark_scale,
    status_word,
    worst_first,
)
from healthcheck.wording import plural

_STATUS_CLASS = {
    Status.BREACH: "breach",
    Status.AT_RISK: "risk",
    Status.OK: "ok",
    Status.NOT_EVALUATED: "na",
}
_OVERALL_CLASS = {
    OverallStatus.BREACH: "breach",
    OverallStatus.AT_RISK: "risk",
    OverallStatus.OK: "ok",
    OverallStatus.UNKNOWN: "unknown",
}
_CSS = """
:root { --breach: #b42318; --risk: #b54708; --ok: #067647; --na: #667085; --ink: #101828; --line: #d0d5dd; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  margin: 0 auto; padding: 24px; max-width: 1120px; background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 28px 0 10px; }
.sub { color: #475467; margin: 0 0 16px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-weight: 600; }
.badge.breach { background: var(--breach); } .badge.risk { background: var(--risk); }
.badge.ok { background: var(--ok); } .badge.unknown { background: #6941c6; } .badge.na { background: var(--na); }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f9fafb; font-weight: 600; } td.num, th.num { text-align: right; white-space: nowrap; }
td.status.breach { color: var(--breach); font-weight: 700; } td.status.risk { color: var(--risk); font-weight: 700; }
td.status.ok { color: var(--ok); } td.status.na { color: var(--na); }
ul.worst { list-style: none; padding: 0; } ul.worst li { margin: 8px 0; padding: 10px 12px; border-radius: 6px;
  border-left: 6px solid var(--na); background: #f9fafb; }
ul.worst li.breach { border-color: var(--breach); background: #fef3f2; }
ul.worst li.risk { border-color: var(--risk); background: #fffaeb; } ul.worst li.ok { border-color: var(--ok); }
ol.actions li { margin: 0 0 14px; } .impact { font-style: italic; color: #344054; }
.ids { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
.legend, .note { color: #475467; font-size: 13px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(340px, 100%), 1fr)); gap: 14px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
figcaption { font-weight: 600; font-size: 14px; margin-bottom: 4px; }
svg { width: 100%; height: auto; display: block; }
.nowrap { white-space: nowrap; }
footer { margin-top: 32px; color: #667085; font-size: 12px; }
td.path { overflow-wrap: anywhere; }
/* On a phone a row of eight columns does not fit: each row becomes a card, the metric's title first, its status
   right under it, then one labelled line per cell, so nothing (the status least of all) is pushed off screen. */
@media (max-width: 640px) {
  body { padding: 12px; overflow-wrap: anywhere; }
  table.stack thead { display: none; }
  table.stack, table.stack tbody { display: block; }
  table.stack tr { display: flex; flex-direction: column; border: 1px solid var(--line); border-radius: 6px;
    margin: 0 0 10px; padding: 4px 0; }
  table.stack td { display: flex; justify-content: space-between; gap: 12px; border: 0; padding: 2px 10px;
    text-align: right; white-space: normal; }
  table.stack td::before { content: attr(data-label); font-weight: 600; color: #475467; text-align: left; }
  table.stack td.title { display: block; order: -2; font-weight: 700; text-align: left; }
  table.stack td.title::before { content: none; }
  table.stack td.status { order: -1; }
  table.stack td.cause { display: block; text-align: left; }
  table.stack td.cause::before { display: block; }
}
"""
_W, _H = 360, 150
_LEFT, _RIGHT, _TOP, _BOTTOM = 46, 8, 8, 20


def esc(value: object) -> str:
    """Escape anything shown: report contents are untrusted."""
    return html.escape(clean(value), quote=True)


def render_html(report: AuditReport, *, fail_on: FailOn) -> str:
    status = report.status
    code = report.exit_code(fail_on)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>healthcheck {esc(report.marketplace.code)} {esc(report.as_of.isoformat())}: "
        f"{esc(status_word(status))}</title>",
        f"<style>{_CSS}</style></head><body>",
        f'<h1>healthcheck <span class="badge {_OVERALL_CLASS[status]}">{esc(status_word(status))}</span></h1>',
        f'<p class="sub">{esc(report.marketplace.code)} account ({esc(report.marketplace_source)}) as of '
        f"<strong>{esc(report.as_of.isoformat())}</strong> ({esc(report.as_of_source)}). Exit code {int(code)}.</p>",
    ]
    if report.unknown_reason is not None:
        parts.append(f'<p class="unknown"><strong>UNKNOWN</strong>: {esc(report.unknown_reason)}.</p>')
    parts += _worst_first(report)
    parts += _metrics(report)
    parts += _charts(report)
    parts += _actions(report)
    parts += _plans(report)
    parts += _reconcile(report)
    parts += _inputs(report)
    parts.append(
        f"<footer>Generated {esc(report.generated_at.strftime('%Y-%m-%d %H:%M UTC'))} by healthcheck "
        f"{esc(__version__)}, offline, from the reports listed above.</footer></body></html>"
    )
    return "\n".join(parts) + "\n"


def _worst_first(report: AuditReport) -> list[str]:
    items = [
        f'<li class="ok">{esc(line.text)}</li>'
        if line.text == view.NOTHING_AT_RISK
        else f'<li class="{_STATUS_CLASS[line.status]}"><strong>{esc(STATUS_LABEL[line.status])}</strong> '
        f"{esc(line.text)}</li>"
        for line in view.headlines(report)
    ]
    return ["<h2>Worst first</h2>", '<ul class="worst">', *items, "</ul>"]


def _metrics(report: AuditReport) -> list[str]:
    rows = [
        "<h2>Account health</h2><table class=stack><thead><tr><th>Metric</th><th class=num>Rate</th>"
        "<th class=num>Count</th><th class=num>Target</th><th>Window</th><th>Status</th><th class=num>Headroom</th>"
        "<th>Ok again</th></tr></thead><tbody>"
    ]
    for row in view.metric_rows(report):
        rate = esc(row.rate) + (f'<br><small class="partial">{esc(row.partial)}</small>' if row.partial else "")
        rows.append(
            f"<tr><td class=title>{esc(row.title)}</td><td class=num data-label=Rate>{rate}</td>"
            f"<td class=num data-label=Count>{esc(row.counts)}</td>"
            f"<td class=num data-label=Target>{esc(row.target)}</td>"
            f"<td data-label=Window>{esc(row.window)}</td>"
            f"<td class='status {_STATUS_CLASS[row.status]}' data-label=Status>{esc(STATUS_LABEL[row.status])}</td>"
            f"<td class=num data-label=Headroom>{esc(row.headroom)}</td>"
            f"<td data-label='Ok again'>{esc(row.ok_again)}</td></tr>"
        )
    rows.append("</tbody></table>")
    rows.append(f'<p class="legend">{esc(HEADROOM_LEGEND)}</p>')
    if report.insights.recovery:
        rows.append(f'<p class="legend">{esc(RECOVERY_LEGEND)}</p>')
    notes = [f"<li>{esc(n.sentence(shown_ids(n.ids)))}</li>" for n in view.metric_notes(report)]
    if notes:
        rows += ['<ul class="note">', *notes, "</ul>"]
    return rows


def _points(series: Series, lo: float, hi: float) -> list[tuple[float, float] | None]:
    """Chart coordinates of each day's value (None where nothing counted)."""
    count = len(series.rates)
    span = hi - lo if hi > lo else 1.0
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    points: list[tuple[float, float] | None] = []
    for i, rate in enumerate(series.rates):
        if rate is None:
            points.append(None)
            continue
        x = _LEFT + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)
        y = _TOP + plot_h * (1 - (rate - lo) / span)
        points.append((round(x, 1), round(y, 1)))
    return points


def _path(points: Iterable[tuple[float, float] | None]) -> str:
    """An SVG path that breaks where a day has no value."""
    commands: list[str] = []
    pen_down = False
    for point in points:
        if point is None:
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'}{point[0]},{point[1]}")
        pen_down = True
    return " ".join(commands)


def chart(result: MetricResult, series: Series, trend: Trend) -> str:
    """The metric's daily value over the trend's span, with its target and at-risk lines."""
    lo, hi = spark_scale(result, series.rates)
    pad = (hi - lo) * 0.08 or 0.01
    lo, hi = max(0.0, lo - pad), min(1.0, hi + pad) if hi <= 1.0 else hi + pad
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    points = _points(series, lo, hi)
    partial = ""
    complete_from = first_complete_day(result)
    if complete_from is not None and complete_from > trend.start:
        share = min(1.0, (complete_from - trend.start).days / max(trend.days - 1, 1))
        partial = (
            f'<rect x="{_LEFT}" y="{_TOP}" width="{round(plot_w * share, 1)}" height="{plot_h}" fill="#eaecf0">'
            f"<title>before {esc(complete_from.isoformat())} the window reaches back before the data</title></rect>"
        )

    def y_of(rate: float) -> float:
        return round(_TOP + plot_h * (1 - (rate - lo) / (hi - lo)), 1)

    spec = result.spec
    lines = []
    marks = (
        (spec.target, "var(--breach)", "target", _W - _RIGHT - 2, "end"),
        (spec.at_risk, "var(--risk)", "at risk", _LEFT + 2, "start"),
    )
    for value, css, label, x, anchor in marks:
        if value is not None and not spec.informational and lo <= value <= hi:
            y = y_of(value)
            lines.append(
                f'<line x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{y}" y2="{y}" stroke="{css}" stroke-dasharray="4 3"/>'
                f'<text x="{x}" y="{y - 3}" text-anchor="{anchor}" font-size="10" fill="{css}">'
                f"{esc(label)} {esc(percent(value))}</text>"
            )
    last = next((p for p in reversed(points) if p is not None), None)
    dot = ""
    if last is not None:
        colour = {Status.BREACH: "var(--breach)", Status.AT_RISK: "var(--risk)"}.get(result.status, "var(--ok)")
        dot = f'<circle cx="{last[0]}" cy="{last[1]}" r="3.5" fill="{colour}"/>'
    title = f"{result.spec.title}: daily value {trend.start.isoformat()} to {trend.end.isoformat()}"
    return (
        f'<svg viewBox="0 0 {_W} {_H}" role="img" aria-label="{esc(title)}"><title>{esc(title)}</title>'
        f'<rect x="{_LEFT}" y="{_TOP}" width="{plot_w}" height="{plot_h}" fill="#f9fafb"/>{partial}'
        + "".join(lines)
        + f'<path d="{_path(points)}" fill="none" stroke="#344054" stroke-width="1.6"/>{dot}'
        f'<text x="{_LEFT - 4}" y="{_TOP + 9}" text-anchor="end" font-size="10">{esc(percent(hi, 1))}</text>'
        f'<text x="{_LEFT - 4}" y="{_TOP + plot_h}" text-anchor="end" font-size="10">{esc(percent(lo, 1))}</text>'
        f'<text x="{_LEFT}" y="{_H - 5}" font-size="10">{esc(trend.start.strftime("%b %d"))}</text>'
        f'<text x="{_W - _RIGHT}" y="{_H - 5}" text-anchor="end" font-size="10">'
        f"{esc(trend.end.strftime('%b %d'))}</text></svg>"
    )


def _charts(report: AuditReport) -> list[str]:
    trend = report.insights.trend
    if trend is None:
        return []
    figures = []
    for result in worst_first(report):
        series = trend.get(result.id)
        if series is None:
            continue
        figures.append(
            f"<figure><figcaption>{esc(result.spec.title)}: {esc(percent(result.rate))} "
            f'<span class="badge {_STATUS_CLASS[result.status]}">{esc(STATUS_LABEL[result.status])}</span>'
            f"</figcaption>{chart(result, series, trend)}</figure>"
        )
    return [
        f"<h2>Trend: daily value, {trend.days} days to {esc(trend.end.strftime('%b %d'))}</h2>",
        '<p class="legend">Grey: days whose window reaches back before the first data, so the value rests on '
        "fewer days than the metric's window. Dashed: Amazon's target and the at-risk threshold.</p>",
        '<div class="charts">',
        *figures,
        "</div>",
    ]


def _ids(ids: Iterable[str]) -> str:
    return ", ".join(esc(i) for i in ids)


def _actions(report: AuditReport) -> list[str]:
    items = view.action_items(report)
    if not items:
        return []
    rows = []
    for item in items:
        body = [f"<strong>{esc(item.title)}</strong><br>{esc(item.detail)}"]
        if item.impact:
            body.append(f'<br><span class="impact">{esc(item.impact)}</span>')
        if item.order_ids:
            body.append(
                f"<details><summary>{plural(len(item.order_ids), 'order')}</summary>"
                f'<p class="ids">{_ids(item.order_ids)}</p></details>'
            )
        if item.skus:
            body.append(f'<div>SKUs: <span class="ids">{_ids(item.skus)}</span></div>')
        rows.append(f'<li value="{item.priority}">{"".join(body)}</li>')
    return ["<h2>What to do, most pressing first</h2>", '<ol class="actions">', *rows, "</ol>"]


def _plan_text(text: str) -> str:
    return "".join(f"<strong>{esc(piece)}</strong>" if seller else esc(piece) for piece, seller in fill_parts(text))


def _plans(report: AuditReport) -> list[str]:
    """Each breached metric's draft plan of action: its parts as headings and lists, the seller's parts in bold."""
    parts: list[str] = []
    for section in view.plan_sections(report):
        parts += [f'<section class="plan"><h2>{esc(section.heading)}</h2>']
        for block in section.blocks:
            if block.heading:
                parts.append(f"<h3>{esc(block.heading)}</h3>")
            lines = []
            for line in block.lines:
                text = (f'<span class="ids">{esc(line.lead)}</span>, ' if line.lead else "") + _plan_text(line.text)
                if line.ids:
                    text += f' ({esc(plural(len(line.ids), line.noun))}: <span class="ids">{_ids(line.ids)}</span>)'
                lines.append(text)
            if block.bullets:
                parts += ["<ul>", *(f"<li>{text}</li>" for text in lines), "</ul>"]
            else:
                parts += [f"<p>{text}</p>" for text in lines]
        parts.append("</section>")
    return parts


def _reconcile(report: AuditReport) -> list[str]:
    parts: list[str] = []
    for rec in report.insights.reconcile:
        parts += ["<h2>Amazon's own numbers</h2>", f"<p>{esc(rec.path)}: {esc(view.amazon_facts(rec))}.</p>"]
        parts += [f'<p class="note">{esc(n)}</p>' for n in rec.notes]
        if not rec.rows:
            continue
        parts.append(
            "<table class=stack><thead><tr><th>Metric</th><th class=num>Ours</th><th class=num>Amazon</th>"
            "<th>Amazon's window</th><th>Likely cause of the difference</th></tr></thead><tbody>"
        )
        for line in view.amazon_lines(rec):
            counts = f" ({line.counts})" if line.counts else ""
            parts.append(
                f"<tr><td class=title>{esc(line.title)}</td>"
                f"<td class=num data-label=Ours>{esc(line.ours_rate)} ({esc(line.ours_counts)})</td>"
                f"<td class=num data-label=Amazon>{esc(line.rate)}{esc(counts)} {esc(line.status)}</td>"
                f'<td class=nowrap data-label="Amazon\'s window">{esc(line.window or "-")}</td>'
                f"<td class=cause data-label=Cause>{esc(line.cause)}</td></tr>"
            )
        parts.append("</tbody></table>")
    return parts


def _inputs(report: AuditReport) -> list[str]:
    parts = [
        "<h2>Inputs</h2><table class=stack><thead><tr><th>File</th><th>Kind</th><th>Encoding</th>"
        "<th class=num>Rows</th><th class=num>Used</th><th>Skipped</th></tr></thead><tbody>"
    ]
    for f in view.input_rows(report):
        parts.append(
            f"<tr><td class='title path'>{esc(f.path)}</td><td data-label=Kind>{esc(f.kind or '-')}</td>"
            f"<td data-label=Encoding>{esc(f.encoding or '-')}</td>"
            f"<td class=num data-label=Rows>{esc(f.rows)}</td>"
            f"<td class=num data-label=Used>{esc(f.used)}</td>"
            f"<td data-label=Skipped>{esc(', '.join(f.skipped))}</td></tr>"
        )
    parts.append("</tbody></table>")
    notes = view.input_notes(report)
    others = [n for n in notes if n.level != "error"]
    if others:
        items = (f"<li>{esc((n.where + ': ' if n.where else '') + n.body(', '.join(n.ids)))}</li>" for n in others)
        parts += ["<h2>Notes</h2>", '<ul class="note">', *items, "</ul>"]
    errors = [n for n in notes if n.level == "error"]
    if errors:
        parts += ["<h2>Errors</h2>", "<ul>"]
        parts += [f'<li><strong class="status breach">{esc(e.where)}</strong>: {esc(e.body())}</li>' for e in errors]
        parts.append("</ul>")
    return parts
