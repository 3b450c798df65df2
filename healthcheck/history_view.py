"""`healthcheck history` output: each metric over time (a sparkline in the table), Amazon's numbers beside ours,
and when each status changed. Plain values in, text out; the CLI prints it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import groupby

from healthcheck.assurance import assess, assurances
from healthcheck.history import AuditRow, MetricRow
from healthcheck.metrics import get_spec, metric_ids
from healthcheck.wording import plural

SPARKS = "▁▂▃▄▅▆▇█"


class HistoryFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


@dataclass(frozen=True)
class StatusChange:
    account: str
    marketplace: str
    as_of: str
    subject: str  # "account" or a metric id
    before: str
    after: str

    def to_dict(self) -> dict[str, str]:
        return vars(self).copy()


def status_changes(rows: Sequence[AuditRow], metric: str | None = None) -> list[StatusChange]:
    """Every as-of at which the account's or a metric's status differs from the audit before it."""
    found: list[StatusChange] = []
    for _, group in groupby(rows, key=lambda r: (r.account, r.marketplace)):
        previous: AuditRow | None = None
        for row in group:
            if previous is not None:
                pairs = [] if metric else [("account", previous.status, row.status)]
                for m in row.metrics:
                    old = previous.metric(m.metric_id)
                    if old is not None and (metric is None or m.metric_id == metric):
                        pairs.append((m.metric_id, old.status, m.status))
                found += [
                    StatusChange(row.account, row.marketplace, row.as_of, subject, before, after)
                    for subject, before, after in pairs
                    if before != after
                ]
            previous = row
    return found


def sparkline(values: Sequence[float | None]) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    low, high = min(known), max(known)
    span = high - low
    return "".join(
        " " if v is None else SPARKS[0 if span == 0 else round((v - low) / span * (len(SPARKS) - 1))] for v in values
    )


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.2f}%"


def _latest(row: AuditRow, metric: MetricRow) -> str:
    """The latest value as the audit's table shows it. A line judged from Amazon's words (its account status) has
    for its rate the share of Amazon's ratings at risk or worse, which would read as a percent of orders: it shows
    Amazon's rating instead (`AHR 236`), or the count of ratings flagged."""
    if metric.metric_id not in metric_ids() or get_spec(metric.metric_id).judge is None:
        return _percent(metric.rate)
    if row.ahr_score is not None:
        return f"AHR {row.ahr_score:g}"
    if metric.numerator is None or metric.denominator is None:
        return "-"
    return f"{metric.numerator}/{metric.denominator}"


def render_history(rows: Sequence[AuditRow], fmt: HistoryFormat, metric: str | None = None) -> str:
    if fmt is HistoryFormat.JSON:
        return _json(rows, metric)
    if fmt is HistoryFormat.CSV:
        return _csv(rows, metric)
    return _table(rows, metric)


def _metrics(row: AuditRow, metric: str | None) -> list[dict[str, object]]:
    return [vars(m).copy() for m in row.metrics if metric is None or m.metric_id == metric]


def _json(rows: Sequence[AuditRow], metric: str | None) -> str:
    document = {
        "audits": [{**row.to_dict(), "metrics": _metrics(row, metric)} for row in rows],
        "changes": [c.to_dict() for c in status_changes(rows, metric)],
        # Account Health Assurance: has the recorded rating stayed at 250 or more for six months (assurance.py).
        "assurance": [a.to_dict() for a in assurances(rows)],
    }
    return json.dumps(document, indent=2) + "\n"


def _csv(rows: Sequence[AuditRow], metric: str | None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "account",
            "marketplace",
            "as_of",
            "audit_status",
            "metric_id",
            "status",
            "rate",
            "numerator",
            "denominator",
            "amazon_rate",
            "amazon_numerator",
            "amazon_denominator",
            "amazon_status",
        ]
    )
    for row in rows:
        for m in row.metrics:
            if metric is None or m.metric_id == metric:
                writer.writerow(
                    [
                        row.account,
                        row.marketplace,
                        row.as_of,
                        row.status,
                        m.metric_id,
                        m.status,
                        "" if m.rate is None else m.rate,
                        "" if m.numerator is None else m.numerator,
                        "" if m.denominator is None else m.denominator,
                        "" if m.amazon_rate is None else m.amazon_rate,
                        "" if m.amazon_numerator is None else m.amazon_numerator,
                        "" if m.amazon_denominator is None else m.amazon_denominator,
                        m.amazon_status or "",
                    ]
                )
    return buffer.getvalue()


def _table(rows: Sequence[AuditRow], metric: str | None) -> str:
    if not rows:
        return "no audits recorded for that selection\n"
    lines: list[str] = []
    for (account, marketplace), grouped in groupby(rows, key=lambda r: (r.account, r.marketplace)):
        group = list(grouped)
        first, last = group[0], group[-1]
        lines.append(
            f"{account} ({marketplace}): {plural(len(group), 'audit')}, {first.as_of} .. {last.as_of}; "
            f"now {last.status.replace('_', ' ').upper()}"
        )
        statuses = " ".join(r.status[0].upper() for r in group)
        lines.append(f"  {'account status':<28} {statuses}   (O ok, A at risk, B breach, U unknown)")
        if metric is None:
            lines.append(f"  Account Health Assurance: {assess(account, marketplace, group).text}")
        ids = [m.metric_id for m in last.metrics if metric is None or m.metric_id == metric]
        lines.append(f"  {'metric':<28} {'trend':<{max(5, len(group))}} {'latest':>8} {'status':<13} amazon")
        for metric_id in ids:
            series = [(r.metric(metric_id)) for r in group]
            spark = sparkline([m.rate if m else None for m in series])
            now = series[-1]
            if now is None:  # not possible: the ids come from the last audit's own metrics
                continue
            amazon = "-"
            if now.amazon_rate is not None:
                amazon = _percent(now.amazon_rate) + (f" ({now.amazon_status})" if now.amazon_status else "")
            lines.append(
                f"  {metric_id:<28} {spark:<{max(5, len(group))}} {_latest(last, now):>8} {now.status:<13} {amazon}"
            )
        changes = status_changes(group, metric)
        if changes:
            lines.append("  status changes:")
        for change in changes:
            lines.append(f"    {change.as_of}  {change.subject}: {change.before} -> {change.after}")
        lines.append("")
    return "\n".join(lines)
