"""Account Health Assurance (issue 15): whether the Account Health Rating has stayed at 250 or more for six months,
from the ratings the history recorded (Amazon keeps no history of it).

Amazon's rule (Seller Central announcement "Account Health Assurance helps you address issues without account
deactivation", November 2022, and its FAQ): an AHR of 250 or more for at least 6 months with no more than 10 days
below 250 (and a valid emergency contact number, which no report shows). Amazon enrols sellers itself; this says
whether the recorded ratings meet the rule, never more than they show.

How recorded ratings stand for days (docs/decisions.md): each recorded rating stands for its own as-of day and the
days after it until the next record, at most `RECORD_STANDS_FOR_DAYS`; a day no record stands for is unknown. The
rule is met only when the six months are covered and the days below 250 plus the unknown days are 10 or fewer; it is
missed when the days known below 250 are more than 10; otherwise there is not enough history.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import groupby

from healthcheck.history import AuditRow

AHA_SCORE = 250
AHA_MONTHS = 6
AHA_DAYS_BELOW_ALLOWED = 10
# A daily `healthcheck run` records every day; a weekly one still counts, a longer silence does not.
RECORD_STANDS_FOR_DAYS = 7


class Verdict(StrEnum):
    MET = "met"
    MISSED = "missed"
    NOT_ENOUGH_HISTORY = "not_enough_history"


@dataclass(frozen=True)
class Assurance:
    account: str
    marketplace: str
    verdict: Verdict
    text: str
    since: str | None  # the first day of the six months (None without any recorded rating)
    until: str | None  # the last recorded rating's as-of day
    days_below: int  # known days below 250 in the six months
    unknown_days: int  # days of the six months no recorded rating stands for
    latest_score: float | None

    def to_dict(self) -> dict[str, object]:
        return {**vars(self), "verdict": str(self.verdict)}


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day when it has no such day)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def assess(account: str, marketplace: str, rows: Sequence[AuditRow]) -> Assurance:
    """The verdict for one account and marketplace from its recorded audits (any order)."""
    scored = sorted((dt.date.fromisoformat(r.as_of), r.ahr_score) for r in rows if r.ahr_score is not None and r.as_of)
    if not scored:
        return Assurance(
            account,
            marketplace,
            Verdict.NOT_ENOUGH_HISTORY,
            "not enough history: no Account Health Rating score is recorded (record audits that have the "
            "GET_V2_SELLER_PERFORMANCE_REPORT JSON among their inputs: `healthcheck run`, or `audit --history`)",
            None,
            None,
            0,
            0,
            None,
        )
    until = scored[-1][0]
    since = months_before(until, AHA_MONTHS) + dt.timedelta(days=1)
    stands: dict[dt.date, float] = {}
    for index, (day, score) in enumerate(scored):
        following = scored[index + 1][0] if index + 1 < len(scored) else until + dt.timedelta(days=1)
        last = min(following - dt.timedelta(days=1), day + dt.timedelta(days=RECORD_STANDS_FOR_DAYS - 1), until)
        current = day
        while current <= last:
            stands[current] = score
            current += dt.timedelta(days=1)
    span = [since + dt.timedelta(days=i) for i in range((until - since).days + 1)]
    below = sum(1 for d in span if d in stands and stands[d] < AHA_SCORE)
    unknown = sum(1 for d in span if d not in stands)
    latest = scored[-1][1]
    counts = f"{below} day{'s' if below != 1 else ''} below {AHA_SCORE}"
    if below > AHA_DAYS_BELOW_ALLOWED:
        verdict = Verdict.MISSED
        text = (
            f"not met: {counts} from {since} to {until} (at most {AHA_DAYS_BELOW_ALLOWED} allowed); latest rating "
            f"{latest:g}"
        )
    elif below + unknown <= AHA_DAYS_BELOW_ALLOWED:
        verdict = Verdict.MET
        text = (
            f"met: the rating stayed at {AHA_SCORE} or more from {since} to {until} ({counts}, "
            f"{unknown} unrecorded); Amazon also asks for a valid emergency contact number"
        )
    else:
        verdict = Verdict.NOT_ENOUGH_HISTORY
        first = scored[0][0]
        reach = f"ratings are recorded from {first}" if first > since else "the recorded ratings leave gaps"
        text = (
            f"not enough history: six months from {since} to {until} need a rating for every day but "
            f"{AHA_DAYS_BELOW_ALLOWED}; {reach} ({unknown} days unknown, {counts})"
        )
    return Assurance(account, marketplace, verdict, text, since.isoformat(), until.isoformat(), below, unknown, latest)


def assurances(rows: Sequence[AuditRow]) -> list[Assurance]:
    """One verdict per account and marketplace, in the order of the rows."""
    keyed = sorted(rows, key=lambda r: (r.account, r.marketplace))
    return [
        assess(account, mp, list(group))
        for (account, mp), group in groupby(keyed, lambda r: (r.account, r.marketplace))
    ]
