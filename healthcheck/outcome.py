"""Overall status and exit codes (SPEC 5.5): the monitoring-plugin convention, in one place.

Priority: UNKNOWN (3) > BREACH (2) > AT RISK (1) > OK (0). `--fail-on` only lowers 1 and 2; nothing lowers 3.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any

from healthcheck.wording import plural

if TYPE_CHECKING:
    from healthcheck.metrics.base import MetricResult


class Status(StrEnum):
    """A metric's status (SPEC 4)."""

    OK = "ok"
    AT_RISK = "at_risk"
    BREACH = "breach"
    NOT_EVALUATED = "not_evaluated"

    @property
    def urgency(self) -> int:
        """Worst first: breach 0, at risk 1, ok 2, not evaluated 3 (what to look at, and act on, first)."""
        return (Status.BREACH, Status.AT_RISK, Status.OK, Status.NOT_EVALUATED).index(self)


class ExitCode(IntEnum):
    OK = 0
    AT_RISK = 1
    BREACH = 2
    UNKNOWN = 3


class OverallStatus(StrEnum):
    OK = "ok"
    AT_RISK = "at_risk"
    BREACH = "breach"
    UNKNOWN = "unknown"


class FailOn(StrEnum):
    AT_RISK = "at-risk"
    BREACH = "breach"
    NEVER = "never"


def overall_status(results: Iterable[MetricResult], has_errors: bool) -> OverallStatus:
    """The worst metric status; unknown when the audit could not be completed, or when no metric with a target
    was recomputed (nothing was checked, and a monitor must never read that as OK: SPEC 5.2, rev 2)."""
    if has_errors:
        return OverallStatus.UNKNOWN
    results = list(results)
    # Amazon's own figures (its account status, a rate taken from its report) may make the status worse, but only a
    # metric recomputed from the seller's files makes the audit checked: Amazon's word alone is never OK.
    if not any(r.recomputed and not r.spec.informational for r in results):
        return OverallStatus.UNKNOWN
    statuses = {r.status for r in results if not r.spec.informational}
    if Status.BREACH in statuses:
        return OverallStatus.BREACH
    if Status.AT_RISK in statuses:
        return OverallStatus.AT_RISK
    return OverallStatus.OK


def exit_code(status: OverallStatus, fail_on: FailOn) -> ExitCode:
    if status is OverallStatus.UNKNOWN:
        return ExitCode.UNKNOWN
    if fail_on is FailOn.NEVER:
        return ExitCode.OK
    if status is OverallStatus.BREACH:
        return ExitCode.BREACH
    if status is OverallStatus.AT_RISK and fail_on is FailOn.AT_RISK:
        return ExitCode.AT_RISK
    return ExitCode.OK


def why_unknown(document: Mapping[str, Any]) -> str:
    """Why an audit's SPEC 5.2 document could not tell: its reason (nothing could be checked), else its first input
    error (`1 input error: path, line 4: message`, the metrics measured on the rest); "" for one that could."""
    if document.get("unknown_reason"):
        return str(document["unknown_reason"])
    errors = document.get("errors") or []
    if not errors:
        return ""
    first = errors[0]
    where = str(first.get("path", "")) + (f", line {first['line']}" if first.get("line") else "")
    return f"{plural(len(errors), 'input error')}: {where}: {first.get('message', '')}"
