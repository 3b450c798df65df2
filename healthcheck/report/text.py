"""Shared wording for the human formats: percentages, statuses, the sentences a seller acts on, and untrusted
text made safe to show. Every format says the same things in the same words; only the markup differs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from healthcheck import sanitize
from healthcheck.action_base import kind_of
from healthcheck.actions import Action, Effect
from healthcheck.insights import RECOVERY_ASSUMPTION, Headroom, Recovery, Series
from healthcheck.metrics.base import Direction, MetricResult, MetricSpec, Status
from healthcheck.metrics.rules import Enforcement
from healthcheck.wording import headroom_pair, plural, the_title

if TYPE_CHECKING:
    from healthcheck.audit import AuditReport


STATUS_LABEL = {
    Status.OK: "ok",
    Status.AT_RISK: "AT RISK",
    Status.BREACH: "BREACH",
    Status.NOT_EVALUATED: "not evaluated",
}
STATUS_STYLE = {
    Status.OK: "green",
    Status.AT_RISK: "yellow",
    Status.BREACH: "bold red",
    Status.NOT_EVALUATED: "dim",
}

HEADROOM_LEGEND = (
    "Headroom: how many more bad ones (late shipments, cancellations, defects, ...) the window can take at "
    "today's volume before the metric is at risk / before it breaches; 0 = the next one tips it, - = already there."
)
RECOVERY_LEGEND = f"Ok again: the first day the metric is back to ok {RECOVERY_ASSUMPTION}."
SPARK = "▁▂▃▄▅▆▇█"


def clean(value: object) -> str:
    """Strip control characters (escape sequences included) and bidi overrides from text from a report file."""
    return sanitize.clean(value)


def percent(rate: float | None, digits: int = 2) -> str:
    if rate is None:
        return "-"
    text = f"{rate * 100:.{digits}f}".rstrip("0").rstrip(".")
    return f"{text}%"


def target_text(result: MetricResult) -> str:
    spec = result.spec
    if spec.target is None:
        return "-"
    # "No more than" (a program's cancellation rate): the target itself still meets it.
    sign = ("<=" if spec.target_allowed else "<") if spec.direction is Direction.LOWER_IS_BETTER else ">="
    return f"{sign} {percent(spec.target)}"


def counts_text(result: MetricResult) -> str:
    if result.status is Status.NOT_EVALUATED or not result.measurement.counted:
        return "-"
    return f"{result.measurement.numerator}/{result.measurement.denominator}"


def rate_text(result: MetricResult) -> str:
    """The metric's value as shown: its rate, or for a metric judged from Amazon's words (amazon_account_status)
    the summary of those words, which a percentage would not say."""
    short = result.measurement.details.get("short") if result.spec.judge is not None else None
    if result.rate is not None and isinstance(short, str):
        return short
    return percent(result.rate)


def value_text(result: MetricResult) -> str:
    """The metric's value in a line of text (nagios, junit): its rate, or Amazon's words in full."""
    summary = result.measurement.details.get("summary") if result.spec.judge is not None else None
    if result.rate is not None and isinstance(summary, str):
        return f"{status_word(result.status)} ({summary})"
    return percent(result.rate)


def summary_or_percent(result: MetricResult) -> str:
    """Amazon's words for a line judged from them (without its status), else the rate."""
    summary = result.measurement.details.get("summary") if result.spec.judge is not None else None
    return summary if result.rate is not None and isinstance(summary, str) else percent(result.rate)


def source_note(result: MetricResult) -> str:
    """`by Amazon` for a number taken from Amazon's report rather than recomputed, else ""."""
    return "by Amazon" if result.rate is not None and not result.recomputed else ""


def partial_note(result: MetricResult) -> str:
    """`partial: 38 of 60 days` for an evaluated metric whose window the data covers only in part (SPEC 5.2)."""
    if result.rate is None or result.coverage_complete:
        return ""
    return f"partial: {result.covered_days} of {result.window.days} days"


def missing_note(result: MetricResult) -> str:
    """The reports that would add to the metric but were not given, or ""."""
    if not result.missing_inputs:
        return ""
    if result.status is Status.NOT_EVALUATED and not result.measurement.counted:
        # Its inputs were missing; one left out for an empty window was counted (nothing there), and adding a
        # report would not evaluate it.
        return "add " + ", ".join(result.missing_inputs) + " to evaluate it"
    return "would be more complete with " + ", ".join(result.missing_inputs)


def data_caveats(result: MetricResult) -> str:
    """What an evaluated rate stands on when it is not the whole story, for a sentence that states it alone (the
    `plan` command's): `partial: 28 of 60 days; would be more complete with claims`, or ""."""
    return "; ".join(note for note in (partial_note(result), missing_note(result)) if note)


def window_text(result: MetricResult) -> str:
    w = result.window
    return f"{w.start:%b %d} - {w.end:%b %d}"


def day_text(day: dt.date) -> str:
    return f"{day:%a %b %d}"


def shown_ids(ids: tuple[str, ...] | list[str], limit: int = 5) -> str:
    ids = [clean(i) for i in ids]
    if len(ids) <= limit:
        return ", ".join(ids)
    return ", ".join(ids[:limit]) + f" and {len(ids) - limit} more"


def bad_things(spec: MetricSpec, count: int, *, more: bool = False) -> str:
    """`3 late shipments`, `1 more cancellation`: what the metric counts against the seller."""
    singular, many = spec.bad
    return f"{count} {'more ' if more else ''}{singular if count == 1 else many}"


def bad_thing(spec: MetricSpec) -> str:
    return spec.bad[0]


def status_word(status: object) -> str:
    return str(status).upper().replace("_", " ")


def budget(report: AuditReport, result: MetricResult) -> float:
    room = report.insights.headroom.get(result.id)
    return room.budget_used if room and room.budget_used is not None else 0.0


def worst_first(report: AuditReport) -> list[MetricResult]:
    """Metrics by how close they are to breach: status first, then the share of the target used; unevaluated and
    informational ones last, in registry order."""
    order = {r.id: i for i, r in enumerate(report.metrics)}

    def key(result: MetricResult) -> tuple[int, float, int]:
        severity = 4 if result.spec.informational else result.status.urgency
        return severity, -budget(report, result), order[result.id]

    return sorted(report.metrics, key=key)


def headroom_cell(room: Headroom | None) -> str:
    """`2 / 4`: more bad ones before at risk / before breach; `-` where already there."""
    return "" if room is None else headroom_pair(room.until_at_risk, room.until_breach)


def recovery_cell(recovery: Recovery | None) -> str:
    if recovery is None:
        return ""
    return f"{recovery.ok:%b %d}" if recovery.ok else f"after {recovery.searched_until:%b %d}"


def headroom_sentence(result: MetricResult, room: Headroom | None) -> str:
    """What the headroom means, in words."""
    if room is None:
        return ""
    if room.until_breach is None:
        return ""
    if room.until_breach == 0:
        return f"The next {bad_thing(result.spec)} breaches it."
    if room.until_at_risk is None:
        return f"It can take {bad_things(result.spec, room.until_breach, more=True)} before it breaches."
    return (
        f"It can take {bad_things(result.spec, room.until_at_risk, more=True)} before it is at risk, "
        f"{room.until_breach} before it breaches."
    )


def target_words(spec: MetricSpec, *, amazons: bool = False) -> str:
    """`under 2.5%`, `no more than 1%`, `at least 95%`: the target judged by, or Amazon's own (`amazons`) where
    the seller's config set another."""
    target = spec.amazons_target if amazons else spec.target
    if target is None:
        return "no target (informational)"
    lower = spec.direction is Direction.LOWER_IS_BETTER
    return f"{('no more than' if spec.target_allowed else 'under') if lower else 'at least'} {percent(target)}"


def recovery_sentence(result: MetricResult, recovery: Recovery | None) -> str:
    if recovery is None:
        return ""
    if recovery.ok is None and recovery.under_target is None:
        return f"Without action it does not recover by {day_text(recovery.searched_until)}."
    parts = []
    if result.status is Status.BREACH and recovery.under_target is not None and recovery.under_target != recovery.ok:
        # "Under" a lower-is-better target is passing it; under a higher-is-better one is failing it.
        back = "under" if result.spec.direction is Direction.LOWER_IS_BETTER else "at or above"
        parts.append(f"back {back} target on {day_text(recovery.under_target)}")
    if recovery.ok is not None:
        parts.append(f"ok again on {day_text(recovery.ok)}")
    else:
        parts.append(f"still at risk on {day_text(recovery.searched_until)}")
    return "If nothing new goes wrong it is " + " and ".join(parts) + "."


def metric_sentence(report: AuditReport, result: MetricResult) -> str:
    """One line a seller reads first: the rate, the counts, the target, the headroom, the recovery, the actions."""
    m = result.measurement
    spec = result.spec
    unit = spec.unit
    partial = partial_note(result)
    if spec.judge is not None:
        return f"{spec.title} is {value_text(result)}, in Amazon's seller performance report."
    line = (
        f"{spec.title} is {percent(result.rate)} ({m.numerator} of {m.denominator} {unit}, {window_text(result)}"
        f"{', ' + partial + ' covered by the data' if partial else ''})"
    )
    if source_note(result):
        line = f"{spec.title} is {percent(result.rate)} (Amazon's figure, not recomputed)"
    if spec.target is not None:
        if spec.amazon_target is None:
            line += f"; Amazon's target is {target_words(spec)}"
        else:
            line += f"; your target is {target_words(spec)} (Amazon's: {target_words(spec, amazons=True)})"
        if spec.rule is not None and spec.rule.enforcement is Enforcement.RECOMMENDED:
            line += " (a recommendation then: Amazon stated no penalty)"
        if result.status is Status.AT_RISK and spec.at_risk is not None:
            line += f", at risk from {percent(spec.at_risk)}"
    line += "."
    extra = [
        headroom_sentence(result, report.insights.headroom.get(result.id)),
        recovery_sentence(result, report.insights.recovery.get(result.id)),
    ]
    numbers = [str(a.priority) for a in report.actions if a.metric_id == result.id]
    if numbers:
        extra.append(f"What to do: action{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}.")
    return " ".join([line, *(e for e in extra if e)])


def closest_ok(report: AuditReport) -> MetricResult | None:
    """The ok metric nearest its at-risk threshold, to show when nothing worse needs the space."""
    candidates = [
        r
        for r in worst_first(report)
        if r.status is Status.OK and r.id in report.insights.headroom and budget(report, r)
    ]
    return candidates[0] if candidates else None


def closest_sentence(report: AuditReport, result: MetricResult) -> str:
    room = report.insights.headroom[result.id]
    return (
        f"Closest to the line among the rest: {result.spec.title} at {percent(result.rate)} can take "
        f"{bad_things(result.spec, room.until_at_risk or 0, more=True)} before it is at risk, "
        f"{room.until_breach} before it breaches."
    )


def impact_sentence(report: AuditReport, action: Action) -> str:
    """How much the action moves its metric."""
    impact = action.impact
    metric = next((r for r in report.metrics if r.id == action.metric_id), None)
    if impact is None or metric is None:
        return ""
    the = the_title(metric.spec.title)
    if impact.effect is Effect.DOCUMENTS:
        return f"Explains the {bad_things(metric.spec, impact.orders)} behind {the}."
    if stops := kind_of(action.id).stops:
        return f"Stops {plural(impact.orders, 'order')} from {stops}."
    if not impact.orders:
        return f"None of its orders are in {the} window now: acting keeps them out."
    counted = f"{impact.orders} of the {bad_things(metric.spec, metric.bad)} in {the}"
    after = percent(impact.rate_if_done)
    if impact.effect is Effect.REMOVES:
        condition = kind_of(action.id).granted or "if granted"
        return f"Removes {counted} {condition}: {percent(impact.rate_now)} -> {after}."
    return f"Addresses {counted}: without them it would be {after} instead of {percent(impact.rate_now)}."


def spark_scale(result: MetricResult, rates: Sequence[float | None]) -> tuple[float, float]:
    """The value range a sparkline or chart spans: from 0 (or the lowest value) to the highest value, the target
    always inside it so that a bar's height can be read against it."""
    values = [r for r in rates if r is not None]
    target = result.spec.target
    marks = values + ([target] if target is not None else [])
    if not marks:
        return 0.0, 1.0
    if result.spec.direction is Direction.HIGHER_IS_BETTER and target is not None:
        return min(marks), 1.0
    return 0.0, max(max(marks), 1e-9)


def first_complete_day(result: MetricResult) -> dt.date | None:
    """The first as-of day whose window the data covers from its start: earlier days' values rest on a window
    that reaches back before the data began, so a 0% there says nothing about the account."""
    first = result.measurement.first_data_date
    if first is None:
        return None
    return first + dt.timedelta(days=result.spec.window_days - 1 + result.spec.end_lag_days)


def shown_rates(result: MetricResult, series: Series | None, end: dt.date, days: int) -> list[float | None]:
    """The last `days` daily values to `end`, None (no value) for days whose window starts before the data."""
    if series is None:
        return []
    rates = list(series.rates[-days:])
    complete = first_complete_day(result)
    if complete is None:
        return rates
    start = end - dt.timedelta(days=len(rates) - 1)
    return [None if start + dt.timedelta(days=i) < complete else rate for i, rate in enumerate(rates)]


def sparkline(result: MetricResult, series: Series | None, end: dt.date, days: int) -> tuple[str, list[Status]]:
    """The last `days` daily values to `end` as block characters, with each day's status (a blank where none,
    including the days whose window starts before the data)."""
    if series is None:
        return "", []
    lo, hi = spark_scale(result, series.rates)
    span = hi - lo
    chars: list[str] = []
    statuses: list[Status] = []
    for rate in shown_rates(result, series, end, days):
        if rate is None:
            chars.append(" ")
            statuses.append(Status.NOT_EVALUATED)
            continue
        level = 0 if span <= 0 else round((rate - lo) / span * (len(SPARK) - 1))
        chars.append(SPARK[max(0, min(len(SPARK) - 1, level))])
        statuses.append(result.spec.classify(rate))
    return "".join(chars), statuses


def first_value(result: MetricResult, series: Series | None, end: dt.date, days: int) -> float | None:
    """The first value shown in a sparkline of the last `days` days to `end` (None when none is shown)."""
    return next((r for r in shown_rates(result, series, end, days) if r is not None), None)


def short_path(path: str, limit: int) -> str:
    """`path` in at most `limit` characters by eliding the middle of its folders with `…`, the file name always
    whole (a file name is what a seller looks for; it is never cut, even when it alone is longer than `limit`)."""
    if len(path) <= limit:
        return path
    cut = max(path.rfind("/"), path.rfind("\\"))
    if cut < 0:
        return path
    folder, name = path[:cut], path[cut:]
    room = limit - len(name) - 1
    if room < 2:
        return "…" + name
    left = (room + 1) // 2
    return folder[:left] + "…" + folder[len(folder) - (room - left) :] + name


def pack(pieces: Sequence[str], width: int, sep: str = " · ") -> str:
    """The pieces joined by `sep` on as few lines as fit in `width`, breaking only between pieces, so that a date
    range or a count never splits across lines."""
    lines: list[str] = []
    for piece in (p for p in pieces if p):
        if lines and len(lines[-1]) + len(sep) + len(piece) <= width:
            lines[-1] += sep + piece
        else:
            lines.append(piece)
    return "\n".join(lines)


def common_folder(paths: Sequence[str]) -> str:
    """The folder every one of several `paths` is in, with its trailing separator ("" when there are fewer than two
    or they share none): named once above a list of inputs, it leaves each file name room to stay whole."""
    if len(paths) < 2:
        return ""
    folders = [path[: max(path.rfind("/"), path.rfind("\\")) + 1] for path in paths]
    shared = folders[0]
    for folder in folders[1:]:
        while not folder.startswith(shared):
            shared = shared[: max(shared.rfind("/", 0, len(shared) - 1), shared.rfind("\\", 0, len(shared) - 1)) + 1]
    return shared
