"""`--format csv`: the worklist a seller opens in a spreadsheet, one row per order behind each action and metric.

Actions come first, in priority order, then the orders behind each metric, worst metric first. Every cell that a
spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a leading tab or carriage return) is prefixed with a
single quote (SPEC 6: formula injection); the csv module does the quoting.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from healthcheck.audit import AuditReport
from healthcheck.insights import OrderFact
from healthcheck.outcome import FailOn
from healthcheck.report.text import clean, worst_first

COLUMNS = (
    "section",
    "id",
    "priority",
    "metric_id",
    "metric_status",
    "title",
    "order_id",
    "channel",
    "purchase_date",
    "ship_by_date",
    "confirmed_at",
    "skus",
    "cancel_reason",
    "defects",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Zero-width characters a cell may start with and still be read as a formula.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def neutralise(value: object) -> str:
    """Plain text a spreadsheet will not evaluate: control characters dropped, formula starts quoted."""
    text = clean("" if value is None else value).replace("\r", " ").replace("\n", " ")
    # A spreadsheet skips leading blanks before it looks for `=`: test what it will see, after the cleaning.
    if text.startswith(_FORMULA_START) or text.lstrip().lstrip(_INVISIBLE).lstrip().startswith(_FORMULA_START):
        text = "'" + text
    return text


def _order_cells(fact: OrderFact | None, order_id: str) -> list[object]:
    if fact is None:
        return [order_id, "", "", "", "", "", "", ""]
    return [
        order_id,
        fact.channel,
        fact.purchase_date.isoformat() if fact.purchase_date else "",
        fact.ship_by_date.isoformat() if fact.ship_by_date else "",
        fact.confirmed_at or "",
        ";".join(fact.skus),
        fact.cancel_reason,
        ";".join(fact.defects),
    ]


def _rows(report: AuditReport) -> Iterable[list[object]]:
    if report.unknown_reason is not None:
        # SPEC 5.2 (rev 2): a worklist with no rows must not read as "nothing to do": say what to add.
        yield ["audit", "nothing_checked", "", "", "unknown", report.unknown_reason, *[""] * 8]
    status = {r.id: str(r.status) for r in report.metrics}
    for action in report.actions:
        for order_id in action.order_ids:
            head = [
                "action",
                action.id,
                action.priority,
                action.metric_id,
                status.get(action.metric_id, ""),
                action.title,
            ]
            yield head + _order_cells(report.order_facts.get(order_id), order_id)
    for result in worst_first(report):
        for order_id in result.measurement.problem_order_ids:
            head = ["metric", result.id, "", result.id, str(result.status), result.spec.title]
            yield head + _order_cells(report.order_facts.get(order_id), order_id)


BUYER_COLUMNS = ("buyer_name", "buyer_email", "buyer_phone")


def render_csv(report: AuditReport, *, fail_on: FailOn, to_file: bool = False) -> str:
    """Header and rows; RFC 4180 line endings. The status and exit code are in every other format. A file starts
    with a byte-order mark, so that spreadsheets open it as UTF-8 (piped, it would only get in the way).

    With --show-pii (and an order report that carries them) the buyer's contact details close each row, so the
    worklist says whom to write to; without it they were never read.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    with_buyers = bool(report.buyers)
    writer.writerow(COLUMNS + BUYER_COLUMNS if with_buyers else COLUMNS)
    order_column = COLUMNS.index("order_id")
    for row in _rows(report):
        if with_buyers:
            buyer = report.buyers.get(str(row[order_column]))
            row = [*row, *((buyer.name, buyer.email, buyer.phone) if buyer else ("", "", ""))]
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" if to_file else "") + buffer.getvalue()
