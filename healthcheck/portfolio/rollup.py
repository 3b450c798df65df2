"""The roll-up: one row per account and marketplace, worst first, read from each audit's SPEC 5.2 document.

The row's worst metric is the one furthest gone (breach, then at risk, then ok; within a status the one that has
used most of its budget to the threshold); its headroom is as in the single report (`2 / 4`: bad events still
possible before at risk / before breach); its recovery date is the day it is ok again if nothing new goes wrong.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from healthcheck.outcome import ExitCode, OverallStatus, why_unknown
from healthcheck.portfolio import Audited
from healthcheck.sanitize import clean
from healthcheck.wording import AS_OF_GIVEN, headroom_pair, plural

# SPEC 5.5's priority: UNKNOWN > BREACH > AT RISK > OK.
STATUS_RANK = {OverallStatus.UNKNOWN: 3, OverallStatus.BREACH: 2, OverallStatus.AT_RISK: 1, OverallStatus.OK: 0}
_METRIC_RANK = {"breach": 3, "at_risk": 2, "ok": 1}
# An account whose data ends more days than this before the newest account's is named: its downloads may have
# stopped, and its status stands on that older day (a day or two of lag is the reports' own).
BEHIND_DAYS = 2


@dataclass(frozen=True)
class Row:
    name: str
    marketplace: str
    status: OverallStatus
    exit_code: ExitCode
    as_of: str
    metric: str  # the worst metric's title, "" when none was evaluated
    metric_id: str
    metric_status: str
    rate: float | None
    room: tuple[int | None, int | None, str] | None  # the worst metric's headroom: before at risk, breach; unit
    recovery: str
    action: str
    note: str  # why the audit failed, or why nothing could be checked
    budget: float
    behind: int = 0  # days its as-of is before the newest as-of of the portfolio
    as_of_given: bool = False  # the account's as-of was set (its `as_of`, --as-of), not where its reports end

    @property
    def as_of_text(self) -> str:
        """`2026-11-08 (12 days behind)` where the account's data stops well before the others'."""
        if not self.as_of:
            return "-"
        return self.as_of + (f" ({plural(self.behind, 'day')} behind)" if self.behind > BEHIND_DAYS else "")

    def headroom(self, *, passed: str = "-") -> str:
        """`2 / 4 orders`, as the single report writes it (`passed` where a line is crossed)."""
        if self.room is None:
            return ""
        until_at_risk, until_breach, unit = self.room
        return headroom_pair(until_at_risk, until_breach, passed=passed) + (f" {unit}" if unit else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "marketplace": self.marketplace,
            "status": str(self.status),
            "exit_code": int(self.exit_code),
            "as_of": self.as_of or None,
            "days_behind": self.behind if self.as_of else None,
            "worst_metric": self.metric_id or None,
            "worst_metric_status": self.metric_status or None,
            "rate": self.rate,
            "headroom": self.headroom() or None,
            "recovery_date": self.recovery or None,
            "first_action": self.action or None,
            "note": self.note or None,
        }


def worst_metric(document: Mapping[str, Any]) -> Mapping[str, Any] | None:
    evaluated = [
        m for m in document.get("metrics", []) if m.get("rate") is not None and m.get("status") in _METRIC_RANK
    ]
    if not evaluated:
        return None

    def badness(metric: Mapping[str, Any]) -> tuple[int, float]:
        room = metric.get("headroom") or {}
        return _METRIC_RANK[metric["status"]], float(room.get("budget_used") or 0.0)

    return max(evaluated, key=badness)


def _room(metric: Mapping[str, Any]) -> tuple[int | None, int | None, str] | None:
    room = metric.get("headroom")
    if not room:
        return None
    return room.get("until_at_risk"), room.get("until_breach"), str(room.get("unit") or "")


def row_of(audited: Audited) -> Row:
    document = audited.document or {}
    metric = worst_metric(document)
    actions = document.get("actions") or []
    note = audited.error or why_unknown(document)
    room = (metric or {}).get("headroom") or {}
    # A line judged from Amazon's words (the account status) has no rate to show: its short value instead.
    details = (metric or {}).get("details")
    short = details.get("short") if isinstance(details, Mapping) else None
    title = f"{metric['title']} ({short})" if metric and isinstance(short, str) else (metric or {}).get("title")
    return Row(
        name=clean(audited.name),
        marketplace=audited.marketplace or "",
        status=audited.status,
        exit_code=audited.exit_code,
        as_of=str(document.get("as_of") or ""),
        metric=clean(title) if metric else "",
        metric_id=str(metric["id"]) if metric else "",
        metric_status=str(metric["status"]) if metric else "",
        rate=float(metric["rate"]) if metric and short is None else None,
        room=_room(metric) if metric else None,
        recovery=str(metric.get("recovery_date") or "") if metric else "",
        action=clean(actions[0]["title"]) if actions else "",
        note=clean(note),
        budget=float(room.get("budget_used") or 0.0),
        as_of_given=document.get("as_of_source") == AS_OF_GIVEN,
    )


def worst_first(audits: Sequence[Audited]) -> list[tuple[Row, Audited]]:
    """Rows worst first: by status, then by the worst metric's status and used budget, then by name."""
    rows = [(row_of(a), a) for a in audits]
    days = {id(a): dt.date.fromisoformat(row.as_of) for row, a in rows if row.as_of}
    if days:
        newest = max(days.values())
        rows = [
            (dataclasses.replace(row, behind=(newest - days[id(a)]).days) if id(a) in days else row, a)
            for row, a in rows
        ]
    return sorted(
        rows,
        key=lambda pair: (
            -STATUS_RANK[pair[0].status],
            -_METRIC_RANK.get(pair[0].metric_status, 0),
            -pair[0].budget,
            pair[0].name,
            pair[0].marketplace,
        ),
    )


def overall(audits: Sequence[Audited]) -> tuple[OverallStatus, ExitCode]:
    """The worst status and the worst exit code of all the audits (SPEC 5.5); UNKNOWN for an empty portfolio."""
    if not audits:
        return OverallStatus.UNKNOWN, ExitCode.UNKNOWN
    status = max((a.status for a in audits), key=lambda s: STATUS_RANK[s])
    return status, max(a.exit_code for a in audits)


def counts(audits: Sequence[Audited]) -> dict[str, int]:
    """Audits per status, worst first, every status named."""
    found = Counter(a.status for a in audits)
    return {str(s): found[s] for s in sorted(STATUS_RANK, key=lambda s: -STATUS_RANK[s])}


def behind_notes(audits: Sequence[Audited]) -> list[str]:
    """One warning per audit whose data ends well before the newest account's (not one audited as of a day set
    for it: that is the seller's choice, not a download that stopped)."""
    rows = [row for row, _ in worst_first(audits)]
    newest = max((row.as_of for row in rows if row.as_of), default="")
    return [
        f"{row.name} ({row.marketplace or '-'}): its reports end {row.as_of}, {plural(row.behind, 'day')} before the "
        f"newest account's ({newest}), and its status stands on that day: check its downloads still run"
        for row in rows
        if row.behind > BEHIND_DAYS and not row.as_of_given
    ]
