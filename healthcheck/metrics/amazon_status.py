"""Amazon's account status (issue 15): what Amazon's own V2 performance report says of the account as a whole (the
Account Health Rating, the account status, every policy-compliance category, the warnings), as one line that can
be at risk or in breach.

It is a metric like the others (one spec, one registry row) so that every format, `explain`, the JSON and the
history carry it without knowing it. Two things set it apart, both declared on its spec: its status is judged from
Amazon's words (`judge`), not from a rate against a target, and its number is Amazon's (`Source.AMAZON`), so it
can make an audit worse but never makes one checked (SPEC 5.2 rev 2). Its numerator and denominator are the
ratings Amazon gives that are at risk or worse, and those it gives at all.

The mapping of Amazon's words to our statuses is here and in docs/decisions.md; words not listed are shown as
given and judged nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType

from healthcheck.loaders.account_health import (
    POLICY_CATEGORIES,
    AccountHealth,
    amazon_figure,
    latest_account_health,
)
from healthcheck.loaders.seller_performance import AmazonFigure
from healthcheck.metrics.base import Basis, Direction, Measurement, MetricSpec, Source, Window
from healthcheck.metrics.cancellation import CANCELLATION_RATE
from healthcheck.metrics.stated import too_old
from healthcheck.model import AuditData
from healthcheck.outcome import Status

# Seller Central's Account Health Rating bands (help page G200205250): 200-1000 healthy, 100-199 at risk,
# 0-99 critical. Account Health Assurance asks 250 (see healthcheck/assurance.py).
AHR_HEALTHY_FROM = 200
AHR_AT_RISK_FROM = 100

# `accountStatuses[].status`: the schema's enum is NORMAL, AT_RISK, DEACTIVATED; its example also writes SUSPENDED.
ACCOUNT_STATUS: Mapping[str, Status] = MappingProxyType(
    {"NORMAL": Status.OK, "AT_RISK": Status.AT_RISK, "DEACTIVATED": Status.BREACH, "SUSPENDED": Status.BREACH}
)
# `accountHealthRating.ahrStatus`: the schema's enum is GREAT, WARNED; Seller Central's bands add the others.
AHR_STATUS: Mapping[str, Status] = MappingProxyType(
    {
        "GREAT": Status.OK,
        "GOOD": Status.OK,
        "HEALTHY": Status.OK,
        "WARNED": Status.AT_RISK,
        "AT_RISK": Status.AT_RISK,
        "CRITICAL": Status.BREACH,
    }
)
# A policy category's or a warning's `status`: the schema's enum is GOOD, BAD, NONE. BAD means defects against a
# target of none: Amazon acts on them through the rating (a BAD category is at risk, not by itself a breach).
# NONE is Amazon rating nothing there: shown, judged nothing.
POLICY_STATUS: Mapping[str, Status] = MappingProxyType(
    {"GOOD": Status.OK, "NORMAL": Status.OK, "BAD": Status.AT_RISK, "AT_RISK": Status.AT_RISK}
)
NOT_RATED = frozenset({"NONE"})

NO_REPORT = (
    "no seller performance report was given: add Amazon's GET_V2_SELLER_PERFORMANCE_REPORT JSON "
    "(`healthcheck fetch` downloads it)"
)


def ahr_score_status(score: float) -> Status:
    """The Account Health Rating's band: healthy from 200, at risk from 100, critical below."""
    if score >= AHR_HEALTHY_FROM:
        return Status.OK
    return Status.AT_RISK if score >= AHR_AT_RISK_FROM else Status.BREACH


def mapped(word: str | None, table: Mapping[str, Status]) -> Status | None:
    """Our status for Amazon's word; None for no word, a not-rated word, or one this tool does not know."""
    if word is None:
        return None
    key = word.strip().upper().replace(" ", "_").replace("-", "_")
    return None if key in NOT_RATED else table.get(key)


@dataclasses.dataclass(frozen=True)
class Rating:
    """One of Amazon's ratings: what it is, Amazon's word, and what that means for us (None: judged nothing)."""

    name: str
    word: str
    status: Status | None
    count: int | None = None


def ratings(health: AccountHealth) -> list[Rating]:
    found: list[Rating] = []
    if health.account_status:
        found.append(Rating("account status", health.account_status, mapped(health.account_status, ACCOUNT_STATUS)))
    if health.ahr_status:
        found.append(Rating("account health rating", health.ahr_status, mapped(health.ahr_status, AHR_STATUS)))
    if health.ahr_score is not None:
        found.append(Rating("account health rating score", f"{health.ahr_score:g}", ahr_score_status(health.ahr_score)))
    for category in health.categories:
        word = category.status or "no status"
        found.append(Rating(category.title, word, mapped(category.status, POLICY_STATUS), category.count))
    for kind, status in health.warnings:
        found.append(Rating(f"warning {kind}", status or "given", mapped(status, POLICY_STATUS)))
    return found


def _worst(statuses: list[Status]) -> Status:
    for status in (Status.BREACH, Status.AT_RISK):
        if status in statuses:
            return status
    return Status.OK


def _line(rating: Rating) -> str:
    count = f"{rating.count} " if rating.count is not None else ""
    meaning = {Status.OK: "ok", Status.AT_RISK: "at risk", Status.BREACH: "breach", None: "not judged"}
    return f"{rating.name}: {count}{rating.word} ({meaning[rating.status]})"


def compute(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
    if not data.loaded.seller_performance:
        return Measurement.not_evaluated(NO_REPORT)
    health, notes = latest_account_health(data.loaded.seller_performance, data.marketplace)
    if health is None:
        return Measurement.not_evaluated(
            f"no seller performance report given holds an entry for {data.marketplace.code}: add its "
            "GET_V2_SELLER_PERFORMANCE_REPORT JSON"
        )
    if health.end is not None and health.end > as_of:
        # SPEC 1.5 (rev 2): only what was known at the end of the as-of day.
        return Measurement.not_evaluated(
            f"Amazon's report speaks for {health.end}, after the as-of date {as_of}: it was not known then (audit "
            "without --as-of, or add the report downloaded on that day)"
        )
    if (old := too_old(data, as_of)) is not None:
        return Measurement.not_evaluated(old)
    found = ratings(health)
    judged = [r for r in found if r.status is not None]
    unknown = [r for r in found if r.status is None and r.word.upper() not in NOT_RATED and r.word != "no status"]
    if not judged:
        words = ", ".join(f"{r.name} {r.word}" for r in found) or "none"
        return Measurement.not_evaluated(
            f"Amazon's report gives no rating this tool can judge (given: {words}); see it in Seller Central's "
            "Account Health page"
        )
    flagged = [r for r in judged if r.status in (Status.AT_RISK, Status.BREACH)]
    lines = [_line(r) for r in found]
    extra = list(notes) + list(health.notes)
    if unknown:
        extra.append(
            "Amazon's words not known to this tool, shown and judged nothing: "
            + ", ".join(f"{r.name} {r.word}" for r in unknown)
        )
    absent = [title for key, title, _names in POLICY_CATEGORIES if key not in {c.key for c in health.categories}]
    if absent:
        extra.append("not in Amazon's report: " + ", ".join(absent))
    # Shown beside the ratings, not judged here: our cancellation rate is recomputed and compared with it.
    cancel = amazon_figure(data.loaded.seller_performance, data.marketplace, CANCELLATION_RATE.amazon)
    if cancel is not None:
        lines.append(_figure_line("pre-fulfilment cancel rate", cancel))
    summary = _summary(health, judged, flagged)  # the status itself is the judge's, from details["status"]
    return Measurement(
        numerator=len(flagged),
        denominator=len(judged),
        details={
            "summary": summary,
            "short": _short(health),
            "status": str(_worst([r.status for r in judged if r.status is not None])),
            "account_status": health.account_status,
            "ahr_status": health.ahr_status,
            "ahr_score": health.ahr_score,
            # Every category of the schema, in its order; one the report does not carry is null throughout.
            "policy": {key: _category_entry(health, key, title) for key, title, _names in POLICY_CATEGORIES},
            "warnings": [{"type": kind, "status": status} for kind, status in health.warnings],
            "flagged": [r.name for r in flagged],
            "pre_fulfillment_cancel_rate": _figure_entry(cancel) if cancel is not None else None,
        },
        first_data_date=window.start,
        last_data_date=window.end,
        notes=(*lines, *extra),
        source=Source.AMAZON,
    )


def _figure_line(name: str, figure: AmazonFigure) -> str:
    rate = f"{figure.rate * 100:.2f}%" if figure.rate is not None else "no rate"
    counts = f" ({figure.numerator}/{figure.denominator})" if figure.denominator is not None else ""
    dates = f", {figure.start} to {figure.end}" if figure.start and figure.end else ""
    return f"{name}: {rate}{counts} {figure.status or 'no status'}{dates} (shown, not judged here)"


def _figure_entry(figure: AmazonFigure) -> dict[str, object]:
    return {
        "rate": figure.rate,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "status": figure.status,
        "start": figure.start.isoformat() if figure.start else None,
        "end": figure.end.isoformat() if figure.end else None,
    }


def _category_entry(health: AccountHealth, key: str, title: str) -> dict[str, object]:
    found = next((c for c in health.categories if c.key == key), None)
    return {
        "title": title,
        "count": found.count if found else None,
        "status": found.status if found else None,
        "ours": str(mapped(found.status, POLICY_STATUS) or "not_judged") if found else None,
        "start": found.start.isoformat() if found and found.start else None,
        "end": found.end.isoformat() if found and found.end else None,
    }


def _summary(health: AccountHealth, judged: list[Rating], flagged: list[Rating]) -> str:
    """`account status AT_RISK; rating GOOD 236; 1 of 10 of Amazon's ratings at risk or worse`: what the line says
    where a rate would be, beside its status."""
    parts = []
    if health.account_status:
        parts.append(f"account status {health.account_status}")
    if health.ahr_status or health.ahr_score is not None:
        score = f" {health.ahr_score:g}" if health.ahr_score is not None else ""
        parts.append(f"rating {health.ahr_status or ''}{score}".replace("  ", " "))
    parts.append(f"{len(flagged)} of {len(judged)} of Amazon's ratings at risk or worse")
    return "; ".join(parts)


def _short(health: AccountHealth) -> str:
    """`AHR 236`: what a table cell shows where a rate would be (the whole story is in the summary and notes)."""
    if health.ahr_score is not None:
        return f"AHR {health.ahr_score:g}"
    return health.ahr_status or health.account_status or "policy"


def judge(measurement: Measurement) -> Status:
    """The worst of Amazon's ratings, as our status."""
    return Status(str(measurement.details.get("status", Status.OK)))


AMAZON_ACCOUNT_STATUS = MetricSpec(
    id="amazon_account_status",
    title="Amazon's account status",
    short="amazon",
    direction=Direction.LOWER_IS_BETTER,
    target=None,
    at_risk=None,
    window_days=1,
    basis=Basis.REPORT_DATE,
    compute=compute,
    judge=judge,
    recomputable=False,
    unit="ratings",
    bad=("rating at risk or worse", "ratings at risk or worse"),
    population="ratings Amazon's V2 performance report gives (account status, account health rating, policy "
    "categories, warnings)",
    numerator="those at risk or worse: account status AT_RISK or DEACTIVATED, rating WARNED or below 200, a policy "
    "category or warning BAD",
    advice=(
        "Open Seller Central's Account Health page: answer every policy complaint listed there (an appeal or a plan "
        "of action), remove or fix the listings named, and keep the rating at 200 or more (250 for six months "
        "qualifies for Account Health Assurance)."
    ),
    inputs=(("seller_performance",),),
)
