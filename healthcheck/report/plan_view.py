"""The plan of action as a person reads it, built once (`plan_blocks`), then laid out as plain text or Markdown to
paste into Seller Central, or placed in the table, Markdown and HTML reports. Values from the files are cleaned
(plain), escaped (Markdown, HTML) where they are laid out, never here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from healthcheck.metrics.base import MetricResult, Status
from healthcheck.plan import FILL, Plan, fill_in
from healthcheck.report.text import clean, data_caveats, percent, status_word, summary_or_percent, target_words
from healthcheck.wording import in_sentence, plural, the_title

if TYPE_CHECKING:
    from healthcheck.audit import AuditReport

# The seller's parts, found again in a laid-out line so that Markdown and HTML can make them stand out.
FILL_PATTERN = re.compile(re.escape(FILL.split("{}")[0]) + r"[^\]]*\]")
# Inside a report, the plan lists this many orders as evidence and per line (the `plan` command lists all).
EVIDENCE_SHOWN = 10
IDS_SHOWN = 5


@dataclass(frozen=True)
class PlanLine:
    text: str
    ids: tuple[str, ...] = ()  # order ids (or SKUs) listed after the text
    noun: str = "order"
    lead: str = ""  # an order id the line starts with (a code span in Markdown)


@dataclass(frozen=True)
class PlanBlock:
    heading: str
    lines: tuple[PlanLine, ...]
    bullets: bool = True


def opening(report: AuditReport, result: MetricResult) -> str:
    """Where the metric stands, in the seller's voice: the number Amazon's notice is about."""
    m, w = result.measurement, result.window
    return (
        f"Our {in_sentence(result.spec.title)} is {percent(result.rate)} ({m.numerator} of {m.denominator} "
        f"{result.spec.population} {w.start.isoformat()} to {w.end.isoformat()}); "
        f"Amazon's target is {target_words(result.spec, amazons=True)}. It was recomputed from our Seller Central "
        f"reports as of {report.as_of.isoformat()}."
    )


def title(plan: Plan) -> str:
    return f"Plan of action: {plan.result.spec.title}"


def plan_blocks(
    report: AuditReport, plan: Plan, *, evidence_limit: int | None = None, buyers: Mapping[str, str] | None = None
) -> tuple[PlanBlock, ...]:
    """The draft, part by part. `buyers` (order id -> name) only with --show-pii; `evidence_limit` shortens the
    order list where the plan sits inside a report (the `plan` command lists every order)."""
    n = plan.order_count
    head = PlanBlock(
        "",
        (
            PlanLine(
                f"{report.marketplace.code} marketplace. Seller: {fill_in('your business name and merchant token')}"
            ),
            PlanLine(opening(report, plan.result)),
            PlanLine(f"The {plural(n, 'order')} behind it {'is' if n == 1 else 'are'} listed under Evidence."),
        ),
        bullets=False,
    )
    causes = [PlanLine(f"{c.label}: " + ", ".join(f"{v.value} {v.count}" for v in c.values) + ".") for c in plan.causes]
    if not causes:
        causes.append(PlanLine("The files say nothing more about these orders than their ids."))
    root = PlanBlock("1. Root cause", (*causes, PlanLine(plan.why)))
    taken = [PlanLine(s.text, s.order_ids) for s in plan.taken] or [
        PlanLine("The files do not yet show any of the causes fixed.")
    ]
    taken.append(PlanLine(fill_in("what else you have already done, with the date of each change")))
    now = [PlanLine(s.text, s.order_ids) for s in plan.now] or [PlanLine(fill_in("what you will do now"))]
    actions = (
        PlanBlock("2a. Corrective actions: already taken", tuple(taken)),
        PlanBlock("2b. Corrective actions: to take now", tuple(now)),
    )
    prevent = PlanBlock("3. Preventive measures", tuple(PlanLine(s.text) for s in plan.prevent))
    shown = plan.evidence if evidence_limit is None else plan.evidence[:evidence_limit]
    evidence = [
        PlanLine(
            f"purchased {e.purchase_date.isoformat() if e.purchase_date else 'on an unknown day'}"
            + (f": {'; '.join(e.facts)}" if e.facts else "")
            + (f" (buyer: {buyers[e.order_id]})" if buyers and e.order_id in buyers else ""),
            lead=e.order_id,
        )
        for e in shown
    ]
    if len(shown) < n:
        evidence.append(
            PlanLine(f"and {n - len(shown)} more (healthcheck plan {plan.result.spec.short} lists every one)")
        )
    return (head, root, *actions, prevent, PlanBlock(f"Evidence: the {plural(n, 'order')}", tuple(evidence)))


def no_plan_sentence(report: AuditReport, result: MetricResult) -> str:
    """What the `plan` command says for a metric that needs no plan, or cannot have one."""
    spec = result.spec
    if result.status is Status.NOT_EVALUATED:
        from healthcheck.audit import report_name  # the audit imports the report package: not at module level

        add = ", ".join(report_name(kind) for kind in dict.fromkeys(result.missing_inputs))
        last = result.measurement.last_data_date
        fix = f" Add {add} to the reports." if add else ""
        if not add and last is not None and last < result.window.start:
            fix = f" The data ends on {last.isoformat()}, before its window: is --as-of past the reports?"
        return f"No plan of action: {the_title(spec.title)} was not evaluated: {result.measurement.reason}.{fix}"
    if not result.recomputed:
        # Issue 15: Amazon's own figure. Its plan answers Amazon's notice, from what Amazon lists, not our files.
        return (
            f"No plan of action drafted: {the_title(spec.title)} is Amazon's own figure "
            f"({summary_or_percent(result)}, {status_word(result.status)}, as of {report.as_of.isoformat()}), and the "
            "reports healthcheck reads show no orders behind it to find a root cause in. "
            + (
                "Answer Amazon on Seller Central's Account Health page, for each complaint or defect it lists there: "
                "the root cause, what you have done, and what keeps it from happening again."
                if result.status in (Status.BREACH, Status.AT_RISK)
                else "Amazon asks for a plan of action only for a metric in breach."
            )
        )
    target = f"Amazon's target is {target_words(spec, amazons=True)}" if spec.target is not None else "it has no target"
    # Never a bare OK on part of the data (SPEC 5.2): the sentence says what the rate stands on, as the audit does.
    caveats = data_caveats(result)
    return (
        f"No plan of action needed: {the_title(spec.title)} is {percent(result.rate)}"
        f"{f' ({caveats})' if caveats else ''}, "
        f"{status_word(result.status)} ({target}), as of {report.as_of.isoformat()}. "
        "Amazon asks for a plan of action only for a metric in breach."
    )


# --- the plain layout (Markdown's is in markdown.py, HTML's in html_report.py) -----------------------------------


def flat(value: object) -> str:
    """Cleaned, on one line: a value from a file must not start a line of its own in a plan (a forged bullet)."""
    return clean(value).replace("\r", " ").replace("\n", " ").replace("\t", " ")


def ids_plain(line: PlanLine, limit: int | None) -> str:
    if not line.ids:
        return ""
    shown = line.ids if limit is None else line.ids[:limit]
    more = f" and {len(line.ids) - len(shown)} more" if len(shown) < len(line.ids) else ""
    return f" ({plural(len(line.ids), line.noun)}: {', '.join(flat(i) for i in shown)}{more})"


def fill_parts(text: str) -> list[tuple[str, bool]]:
    """The text cut into (piece, is the seller's to fill in), for the layouts that mark those parts."""
    parts: list[tuple[str, bool]] = []
    at = 0
    for found in FILL_PATTERN.finditer(text):
        parts += [(text[at : found.start()], False), (found.group(0), True)]
        at = found.end()
    return [*parts, (text[at:], False)]


def plain_lines(blocks: tuple[PlanBlock, ...], *, id_limit: int | None = None) -> list[str]:
    """The blocks as plain lines, headings included, blank lines between blocks."""
    lines: list[str] = []
    for block in blocks:
        if block.heading:
            lines.append(flat(block.heading))
        for line in block.lines:
            text = (f"{flat(line.lead)}, " if line.lead else "") + flat(line.text) + ids_plain(line, id_limit)
            lines.append(f"- {text}" if block.bullets else text)
        lines.append("")
    return lines[:-1]


def plan_plain(blocks: tuple[PlanBlock, ...], heading: str, *, id_limit: int | None = None) -> str:
    """The plan as plain text to paste: every value cleaned of control and direction characters."""
    return "\n".join([flat(heading), "", *plain_lines(blocks, id_limit=id_limit)]) + "\n"
