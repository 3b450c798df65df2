"""What the human formats say, built once: the table, Markdown and HTML lay these values out and escape them, and
never decide again what goes in a section or in which order.

Sections built here: the "worst first" summary, the metric rows and the notes under them, the actions, the plan
of action of each metric in breach, Amazon's own numbers, the inputs and the notes and errors about them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from healthcheck.metrics.base import MetricResult, Status
from healthcheck.outcome import OverallStatus
from healthcheck.report.plan_view import EVIDENCE_SHOWN, PlanBlock, plan_blocks
from healthcheck.report.plan_view import title as plan_title
from healthcheck.report.text import (
    closest_ok,
    closest_sentence,
    counts_text,
    headroom_cell,
    impact_sentence,
    metric_sentence,
    missing_note,
    partial_note,
    percent,
    rate_text,
    recovery_cell,
    source_note,
    target_text,
    window_text,
    worst_first,
)
from healthcheck.wording import plural, verb

if TYPE_CHECKING:
    from healthcheck.audit import AuditReport
    from healthcheck.insights.reconciliation import Reconciliation


NOTHING_AT_RISK = "Nothing at risk or in breach."
NOTHING_CHECKED = "Nothing could be checked: see why above."
INCOMPLETE = "Nothing at risk or in breach among the metrics read, but the audit is incomplete: see the errors."


@dataclass(frozen=True)
class Headline:
    """One line of the "worst first" summary: a status word and the sentence a seller reads first."""

    status: Status
    text: str


def headlines(report: AuditReport) -> tuple[Headline, ...]:
    """The metrics at risk or in breach, worst first; then the ok metric closest to the line; or, with neither,
    that nothing is at risk (or, in an UNKNOWN audit, that nothing could be checked)."""
    lines = [
        Headline(r.status, metric_sentence(report, r))
        for r in worst_first(report)
        if r.status in (Status.BREACH, Status.AT_RISK)
    ]
    closest = closest_ok(report)
    if closest is not None:
        lines.append(Headline(Status.OK, closest_sentence(report, closest)))
    if not lines and report.status is OverallStatus.UNKNOWN:
        # Never an "ok" line under an UNKNOWN audit: it could not tell.
        text = NOTHING_CHECKED if report.unknown_reason is not None else INCOMPLETE
        lines.append(Headline(Status.NOT_EVALUATED, text))
    elif not lines:
        lines.append(Headline(Status.OK, NOTHING_AT_RISK))
    return tuple(lines)


@dataclass(frozen=True)
class MetricRow:
    """A metric as the tables show it, worst first: every cell as text, before any markup."""

    result: MetricResult
    title: str
    rate: str
    partial: str  # `partial: 38 of 60 days`, or "" when the window is covered
    counts: str
    target: str
    window: str
    status: Status
    headroom: str
    ok_again: str


def metric_rows(report: AuditReport) -> tuple[MetricRow, ...]:
    return tuple(
        MetricRow(
            result=r,
            title=r.spec.title,
            rate=rate_text(r),
            # A number taken from Amazon's report is marked where a partly covered window would be.
            partial=partial_note(r) or source_note(r),
            counts=counts_text(r),
            target=target_text(r),
            window=window_text(r),
            status=r.status,
            headroom=headroom_cell(report.insights.headroom.get(r.id)),
            ok_again=recovery_cell(report.insights.recovery.get(r.id)),
        )
        for r in worst_first(report)
    )


@dataclass(frozen=True)
class MetricNote:
    """A line under the metric table: why a metric was not evaluated, the orders behind a problem (`ids`), a note
    of its own, or the reports that would complete it. `quiet` lines are asides (dim on a terminal)."""

    title: str
    text: str
    ids: tuple[str, ...] = ()  # the orders behind a problem, listed after `text`
    aside: bool = True  # a note of the metric's own or what is missing, rather than its state

    def sentence(self, shown: str = "") -> str:
        """`Cancellation rate: 7 orders behind it: <shown>`, the ids as the format shows them."""
        if self.ids:
            return f"{self.title}: {plural(len(self.ids), 'order')} {self.text}: {shown}"
        return f"{self.title}: {self.text}"


def metric_notes(report: AuditReport) -> tuple[MetricNote, ...]:
    """Per metric, worst first: not evaluated (and why) or the orders behind a problem; its notes; what is missing."""
    notes: list[MetricNote] = []
    for r in worst_first(report):
        m = r.measurement
        if r.status is Status.NOT_EVALUATED:
            notes.append(MetricNote(r.spec.title, f"not evaluated: {m.reason}", aside=False))
        elif r.status in (Status.BREACH, Status.AT_RISK) and m.problem_order_ids:
            notes.append(MetricNote(r.spec.title, "behind it", m.problem_order_ids, aside=False))
        notes += [MetricNote(r.spec.title, note) for note in m.notes]
        if missing_note(r):
            notes.append(MetricNote(r.spec.title, missing_note(r)))
    return tuple(notes)


def amazon_facts(rec: Reconciliation) -> str:
    """`account status AT_RISK, account health rating GOOD 236, warning ...`: the report's headline facts."""
    facts = [f"account status {rec.account_status or '-'}"]
    if rec.ahr_status or rec.ahr_score is not None:
        score = f" {rec.ahr_score:g}" if rec.ahr_score is not None else ""
        facts.append(f"account health rating {rec.ahr_status or '-'}{score}")
    facts += [f"warning {w}" for w in rec.warning_states]
    return ", ".join(facts)


@dataclass(frozen=True)
class AmazonLine:
    """Ours beside Amazon's for one metric, each part as text."""

    title: str
    ours_rate: str
    ours_counts: str
    rate: str
    counts: str  # `7/169`, or "" where Amazon gives no denominator
    status: str  # Amazon's own word, or ""
    window: str  # `Nov 13 - Nov 19`, or "" where Amazon's report gives no dates
    cause: str  # `agrees`, or the likely causes of the difference


def amazon_lines(rec: Reconciliation) -> tuple[AmazonLine, ...]:
    lines: list[AmazonLine] = []
    for row in rec.rows:
        a = row.amazon
        lines.append(
            AmazonLine(
                title=row.title,
                ours_rate=percent(row.ours.rate),
                ours_counts=counts_text(row.ours),
                rate=percent(a.rate),
                counts=f"{a.numerator}/{a.denominator}" if a.denominator is not None else "",
                status=a.status or "",
                window=f"{a.start:%b %d} - {a.end:%b %d}" if a.start and a.end else "",
                cause="agrees" if row.agrees else " ".join(row.causes),
            )
        )
    return tuple(lines)


@dataclass(frozen=True)
class ActionItem:
    """One action, most pressing first: what to do, why, how much it moves its metric, and whom it names."""

    priority: int
    title: str
    detail: str
    impact: str  # how much acting moves the metric, or ""
    order_ids: tuple[str, ...]
    skus: tuple[str, ...]


def action_items(report: AuditReport) -> tuple[ActionItem, ...]:
    return tuple(
        ActionItem(a.priority, a.title, a.detail, impact_sentence(report, a), a.order_ids, a.skus)
        for a in report.actions
    )


@dataclass(frozen=True)
class PlanSection:
    """The draft plan of action of a metric in breach, as `report/plan_view.py` words it, shortened for a report."""

    heading: str
    blocks: tuple[PlanBlock, ...]


def plan_sections(report: AuditReport) -> tuple[PlanSection, ...]:
    return tuple(
        PlanSection(plan_title(p), plan_blocks(report, p, evidence_limit=EVIDENCE_SHOWN)) for p in report.plans
    )


@dataclass(frozen=True)
class InputRow:
    """One file read, each cell as text before any markup."""

    path: str
    kind: str  # "" when the file's kind was not recognised
    encoding: str  # "" when it was not decoded
    rows: int
    used: int
    skipped: tuple[str, ...]  # `repeated_header 1`, one per reason


def input_rows(report: AuditReport) -> tuple[InputRow, ...]:
    return tuple(
        InputRow(
            path=item["path"],
            kind=item["kind"] or "",
            encoding=item["encoding"] or "",
            rows=item["rows"],
            used=item["used_rows"],
            skipped=tuple(f"{reason} {count}" for reason, count in item["skipped"].items()),
        )
        for item in report.inputs
    )


@dataclass(frozen=True)
class InputNote:
    """A line under the inputs: a file's warning, a note of the audit's, the defects naming orders the data lacks
    (`ids`), or an error. `path` (and `line`) name the file it is about, or are empty."""

    level: Literal["warning", "note", "error"]
    text: str
    path: str = ""
    line: int | None = None
    ids: tuple[str, ...] = ()
    fix: str = ""  # what would settle it, said after the ids

    @property
    def where(self) -> str:
        """`reports/x.txt, line 4`, or ""."""
        return self.path + (f", line {self.line}" if self.line else "")

    def body(self, shown: str = "") -> str:
        """The note without its file, the ids as the format shows them."""
        text = f"{self.text}: {shown}." if self.ids else self.text
        return f"{text} {self.fix}" if self.fix else text


def input_notes(report: AuditReport) -> tuple[InputNote, ...]:
    """The files' warnings, the audit's notes, the unmatched defects, then the errors."""
    notes = [InputNote("warning", w, path=item["path"]) for item in report.inputs for w in item["warnings"]]
    notes += [InputNote("note", w) for w in report.warnings]
    if report.unmatched_defects:
        ids = tuple(d["order_id"] for d in report.unmatched_defects)
        n = len(ids)
        notes.append(
            InputNote(
                "warning",
                f"{plural(n, 'defect')} {verb(n, 'names an order', 'name orders')} missing from the order data and "
                f"{verb(n, 'was', 'were')} not counted",
                ids=ids,
                fix=f"Add an order report covering {verb(n, 'it', 'them')}.",
            )
        )
    notes += [InputNote("error", e.message, path=e.path, line=e.line) for e in report.errors]
    return tuple(notes)
