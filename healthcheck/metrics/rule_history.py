"""A metric's rules over time, in words, for `healthcheck explain`: SPEC's row, then Amazon's dated ones, then
what happens to listings and offers, each with its marketplaces and source (the CLI prints these lines)."""

from __future__ import annotations

import datetime as dt

from healthcheck.metrics.base import MetricSpec
from healthcheck.metrics.registry import PROGRAM_METRICS, rule_text
from healthcheck.metrics.rules import Kind, Rule, history, program_marketplaces, program_requirements
from healthcheck.rulebook import PROGRAMS


def _window(rule: Rule) -> str:
    if rule.window_days is None:
        return ""
    lag = f", ending {rule.lag_days} days before the as-of date" if rule.lag_days else ""
    return f"; {rule.window_days} days{lag}"


def _row(spec: MetricSpec, rule: Rule) -> list[str]:
    when = "SPEC rev 2, every date" if rule.contract else f"from {rule.since_text}"
    band = ""
    if rule.kind is Kind.METRIC and rule.at_risk is not None and rule.at_risk != rule.target:
        band = f", at risk from {round(rule.at_risk * 100, 2):g} %"
    what = rule.measures if rule.kind is Kind.LISTING else rule_text(spec, rule) + band + _window(rule)
    counts = f"; counting {rule.measures}" if rule.kind is Kind.METRIC and rule.measures else ""
    lines = [f"    {when}, {rule.where}: {what}{counts}"]
    if rule.kind is Kind.LISTING:
        lines.append(f"      then: {rule.enforcement.value}")
    lines.append(f"      source: {rule.source}")
    return lines


def rule_history(spec: MetricSpec) -> list[str]:
    """The lines `explain` prints under a metric: its rules, dated and sourced (docs/rules.md)."""
    rows = history(spec.id)
    if not rows:
        return []
    if any(r.contract for r in rows):
        lines = ["  rules (default: SPEC's at every date; `--rules dated` takes Amazon's in force on the as-of day):"]
    else:  # SPEC does not cover it: Amazon's rule in force applies in both modes
        lines = ["  rules (Amazon's in force on the as-of day, in both modes):"]
    for rule in rows:
        if rule.kind is Kind.METRIC:
            lines += _row(spec, rule)
    listing = [r for r in rows if r.kind is Kind.LISTING]
    if listing:
        lines.append("  listings and offers (dated in both modes):")
        for rule in listing:
            lines += _row(spec, rule)
    return lines


def program_lines(program: str) -> list[str]:
    """`explain sfp`: the program's metrics and their thresholds by marketplace, and what the reports cannot show."""
    lines = [f'{program}: {PROGRAMS[program]} (`--program {program}`, or program = "{program}" in the config)']
    lines.append(f"  marketplaces with recorded thresholds: {', '.join(program_marketplaces(program))}")
    for spec in PROGRAM_METRICS:
        if spec.program != program:
            continue
        lines.append(f"  {spec.id}: {spec.title} (short name {spec.short})")
        for rule in history(spec.id):
            lines += _row(spec, rule)
    lines.append("  not checked (no report healthcheck reads shows them):")
    seen: set[str] = set()
    for marketplace in program_marketplaces(program):
        for rule in program_requirements(program, marketplace, dt.date.max):
            if rule.subject + rule.where not in seen:
                seen.add(rule.subject + rule.where)
                lines.append(f"    {rule.where}: {rule.subject} (source: {rule.source})")
    return lines
