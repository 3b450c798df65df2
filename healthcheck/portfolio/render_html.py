"""The portfolio as one HTML page (a grid of accounts by marketplace, then each audit folded) and as JUnit XML
(a testsuite per audit, each the audit's own suite renamed after its account)."""

from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from healthcheck import __version__
from healthcheck.outcome import FailOn, OverallStatus
from healthcheck.portfolio import Audited
from healthcheck.portfolio.render import COLUMNS, cells, summary
from healthcheck.portfolio.rollup import Row, overall, worst_first
from healthcheck.report.junit import xml_text
from healthcheck.report.text import status_word
from healthcheck.sanitize import clean

_CLASS = {
    OverallStatus.BREACH: "breach",
    OverallStatus.AT_RISK: "risk",
    OverallStatus.OK: "ok",
    OverallStatus.UNKNOWN: "unknown",
}
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_BODY = re.compile(r"<body>(.*)</body>", re.DOTALL)
# The roll-up's own rules, added to the single report's stylesheet (taken from the first audit's page).
_CSS = """
body { font-family: system-ui, sans-serif; margin: 24px auto; max-width: 1100px; padding: 0 12px; }
table.grid { border-collapse: collapse; margin: 12px 0; } table.grid td, table.grid th { border: 1px solid #d0d5dd;
padding: 4px 8px; text-align: left; vertical-align: top; } table.grid td.cell { text-align: center; }
details.account { border: 1px solid #d0d5dd; border-radius: 8px; margin: 10px 0; padding: 6px 12px; }
details.account > summary { cursor: pointer; font-weight: 600; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-weight: 600; }
.badge.breach { background: #b42318; } .badge.risk { background: #b54708; } .badge.ok { background: #067647; }
.badge.unknown { background: #6941c6; }
"""


def esc(value: object) -> str:
    return html.escape(clean(value), quote=True)


def _badge(status: OverallStatus) -> str:
    return f'<span class="badge {_CLASS[status]}">{esc(status_word(status))}</span>'


def _anchor(row: Row) -> str:
    return "a-" + re.sub(r"[^A-Za-z0-9_-]", "_", f"{row.name}-{row.marketplace}")


def _grid(rows: Sequence[Row]) -> list[str]:
    """Accounts down, marketplaces across: each cell the audit's status, linked to its folded report."""
    markets = sorted({row.marketplace or "-" for row in rows})
    names = list(dict.fromkeys(row.name for row in rows))
    by_cell = {(row.name, row.marketplace or "-"): row for row in rows}
    out = ['<table class="grid"><thead><tr><th>Account</th>']
    out += [f"<th>{esc(m)}</th>" for m in markets]
    out.append("</tr></thead><tbody>")
    for name in names:
        out.append(f"<tr><th>{esc(name)}</th>")
        for market in markets:
            row = by_cell.get((name, market))
            cell = f'<a href="#{_anchor(row)}">{_badge(row.status)}</a>' if row else ""
            out.append(f'<td class="cell">{cell}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return ["".join(out)]


def _rollup(rows: Sequence[Row]) -> list[str]:
    out = ['<table class="grid"><thead><tr>', *(f"<th>{esc(c)}</th>" for c in COLUMNS), "</tr></thead><tbody>"]
    for row in rows:
        values = [esc(v) for v in cells(row)]
        values[2] = _badge(row.status)
        out.append("<tr>" + "".join(f"<td>{v}</td>" for v in values) + "</tr>")
    out.append("</tbody></table>")
    return ["".join(out)]


def render_html(audits: Sequence[Audited], *, fail_on: FailOn, now: dt.datetime) -> str:
    status, code = overall(audits)
    pairs = worst_first(audits)
    rows = [row for row, _ in pairs]
    styles = next((m.group(1) for _, a in pairs if a.rendered and (m := _STYLE.search(a.rendered))), "")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>healthcheck portfolio: {esc(status_word(status))}</title>",
        f"<style>{styles}{_CSS}</style></head><body>",
        f"<h1>healthcheck portfolio {_badge(status)}</h1>",
        f"<p>{esc(summary(audits))}. Exit code {int(code)} (--fail-on {esc(fail_on.value)}).</p>",
        *_grid(rows),
        *_rollup(rows),
    ]
    for row, audited in pairs:
        parts.append(
            f'<details class="account" id="{_anchor(row)}"><summary>{esc(row.name)} '
            f"({esc(row.marketplace or '-')}) {_badge(row.status)}</summary>"
        )
        body = _BODY.search(audited.rendered or "")
        # The audit's page was escaped when it was rendered; only its <body> is taken, whole.
        parts.append(body.group(1) if body else f"<p><strong>UNKNOWN</strong>: {esc(row.note)}</p>")
        parts.append("</details>")
    parts.append(
        f"<footer>Generated {esc(now.strftime('%Y-%m-%d %H:%M UTC'))} by healthcheck {esc(__version__)}, "
        "offline.</footer></body></html>"
    )
    return "\n".join(parts) + "\n"


def _failed_suite(row: Row, audited: Audited) -> ET.Element:
    suite = ET.Element(
        "testsuite",
        {
            "name": xml_text(f"{row.name} {row.marketplace or '-'}"),
            "tests": "1",
            "failures": "0",
            "errors": "1",
            "skipped": "0",
            "time": "0",
        },
    )
    case = ET.SubElement(suite, "testcase", classname=xml_text(f"healthcheck.{row.name}"), name="audit", time="0")
    error = ET.SubElement(case, "error", type="unknown", message=xml_text(audited.error or row.note))
    error.text = xml_text(audited.error or row.note)
    return suite


def render_junit(audits: Sequence[Audited]) -> str:
    """A testsuite per audit: the audit's own (its testcases fail exactly as its exit code does), renamed."""
    suites = ET.Element("testsuites", {"name": "healthcheck portfolio", "time": "0"})
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for row, audited in worst_first(audits):
        own = ET.fromstring(audited.rendered).find("testsuite") if audited.rendered else None
        suite = own if own is not None else _failed_suite(row, audited)
        suite.set("name", xml_text(f"{row.name} {row.marketplace or '-'}"))
        for case in suite.iter("testcase"):
            case.set("classname", xml_text(f"{row.name}.{case.get('classname', '')}"))
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
        suites.append(suite)
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
