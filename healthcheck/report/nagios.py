"""`--format nagios`: one line for Nagios, Icinga, Checkmk and Sensu (SPEC 5.5).

`HEALTHCHECK BREACH - cancellation_rate 4.22% >= 2.5%, ... | odr_mfn=0.6211%;0.8;1;0;100 ...`

The text names the metrics in breach, then those at risk, against the threshold they crossed. Perfdata carries
every evaluated metric in percent with its at-risk threshold as `warn` and its target as `crit`; for
higher-is-better metrics these are Nagios ranges `N:` (alert below N). The exit code carries the state.
"""

from __future__ import annotations

import re

from healthcheck.audit import AuditReport
from healthcheck.metrics.base import Direction, MetricResult, Status
from healthcheck.outcome import FailOn
from healthcheck.report.text import clean, partial_note, percent, status_word, value_text, worst_first
from healthcheck.sanitize import problem_text
from healthcheck.wording import plural

# '|' starts perfdata and a newline ends the plugin's first line: neither may appear in the text.
_UNSAFE = re.compile(r"[|\r\n]")


def _number(value: float) -> str:
    """A percentage with at most 4 decimals and no exponent."""
    text = f"{value * 100:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _crossed(result: MetricResult) -> str:
    """`late_shipment_rate_10d 3.75% >= 3.2%`: the metric against the threshold it crossed."""
    spec = result.spec
    threshold = spec.target if result.status is Status.BREACH else spec.at_risk
    partial = partial_note(result)
    suffix = f" ({partial})" if partial else ""
    if threshold is None:
        return f"{result.id} {value_text(result)}{suffix}"
    lower = spec.direction is Direction.LOWER_IS_BETTER
    sign = (">" if spec.target_allowed and threshold == spec.target else ">=") if lower else "<"
    return f"{result.id} {percent(result.rate)} {sign} {percent(threshold)}{suffix}"


def _perfdata(result: MetricResult) -> str:
    spec = result.spec
    assert result.rate is not None
    warn = crit = ""
    if spec.target is not None and not spec.informational:
        suffix = ":" if spec.direction is Direction.HIGHER_IS_BETTER else ""
        crit = _number(spec.target) + suffix
        warn = _number(spec.at_risk if spec.at_risk is not None else spec.target) + suffix
    return f"{spec.short}={_number(result.rate)}%;{warn};{crit};0;100"


def render_nagios(report: AuditReport, *, fail_on: FailOn) -> str:
    problems = [r for r in worst_first(report) if r.status in (Status.BREACH, Status.AT_RISK)]
    evaluated = [r for r in report.metrics if r.rate is not None]
    if report.errors:
        summary = f"{plural(len(report.errors), 'input error')}: {problem_text(report.errors[0])}"
        if problems:
            summary += "; " + ", ".join(_crossed(r) for r in problems)
    elif report.unknown_reason is not None:
        summary = report.unknown_reason
    elif problems:
        summary = ", ".join(_crossed(r) for r in problems)
    else:
        ok = sum(1 for r in evaluated if not r.spec.informational)
        unevaluated = sum(r.status is Status.NOT_EVALUATED for r in report.metrics)
        summary = f"{plural(ok, 'metric')} ok" + (f", {unevaluated} not evaluated" if unevaluated else "")
    # SPEC 5.2 (rev 2): an ok that stands on part of a window says so, or a monitor reads it as a full check.
    partial = [
        f"{r.id} {partial_note(r)}"
        for r in report.metrics
        if r.status not in (Status.BREACH, Status.AT_RISK) and partial_note(r) and not r.spec.informational
    ]
    if partial:
        summary += "; " + ", ".join(partial)
    summary += f" (as of {report.as_of.isoformat()})"
    text = _UNSAFE.sub(" ", clean(f"HEALTHCHECK {status_word(report.status)} - {summary}"))
    perfdata = " ".join(_perfdata(r) for r in evaluated)
    return f"{text} | {perfdata}\n" if perfdata else f"{text}\n"
