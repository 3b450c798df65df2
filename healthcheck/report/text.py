"""Shared wording for the human formats: percentages, statuses and untrusted text made safe to show."""

from __future__ import annotations

import re

from healthcheck.metrics.base import Direction, MetricResult, Status

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

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


def clean(value: object) -> str:
    """Strip control characters (escape sequences included) from text that came from a report file."""
    return _CONTROL.sub("", str(value))


def percent(rate: float | None, digits: int = 2) -> str:
    if rate is None:
        return "-"
    text = f"{rate * 100:.{digits}f}".rstrip("0").rstrip(".")
    return f"{text}%"


def target_text(result: MetricResult) -> str:
    spec = result.spec
    if spec.target is None:
        return "-"
    sign = "<" if spec.direction is Direction.LOWER_IS_BETTER else ">="
    return f"{sign} {percent(spec.target)}"


def counts_text(result: MetricResult) -> str:
    if result.status is Status.NOT_EVALUATED:
        return "-"
    return f"{result.measurement.numerator}/{result.measurement.denominator}"


def window_text(result: MetricResult) -> str:
    w = result.window
    return f"{w.start:%b %d} - {w.end:%b %d}"


def shown_ids(ids: tuple[str, ...] | list[str], limit: int = 5) -> str:
    ids = [clean(i) for i in ids]
    if len(ids) <= limit:
        return ", ".join(ids)
    return ", ".join(ids[:limit]) + f" and {len(ids) - limit} more"
