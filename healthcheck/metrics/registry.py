"""The registry: every metric the audit evaluates, in report order, with config overrides applied."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from healthcheck.config import Config
from healthcheck.errors import ConfigError
from healthcheck.metrics.amazon_status import AMAZON_ACCOUNT_STATUS
from healthcheck.metrics.base import Direction, MetricSpec
from healthcheck.metrics.cancellation import CANCELLATION_RATE
from healthcheck.metrics.delivery import ON_TIME_DELIVERY_RATE
from healthcheck.metrics.invoice_defect import INVOICE_DEFECT_RATE
from healthcheck.metrics.late_shipment import LSR_10D, LSR_30D
from healthcheck.metrics.order_defect import ODR_AFN, ODR_MFN
from healthcheck.metrics.refunds import REFUND_RATE
from healthcheck.metrics.response_time import RESPONSE_TIME_24H
from healthcheck.metrics.return_dissatisfaction import RETURN_DISSATISFACTION_RATE
from healthcheck.metrics.rules import Rule, history, metric_rule, program_marketplaces, program_requirements
from healthcheck.metrics.sfp_cancellation import SFP_CANCELLATION_RATE
from healthcheck.metrics.sfp_delivery import SFP_ON_TIME_DELIVERY_RATE
from healthcheck.metrics.sfp_shipment import SFP_ON_TIME_SHIPMENT_RATE
from healthcheck.metrics.sfp_tracking import SFP_VALID_TRACKING_RATE
from healthcheck.metrics.tracking import VALID_TRACKING_RATE, packages
from healthcheck.model import AuditData
from healthcheck.rulebook import PROGRAMS

METRICS: tuple[MetricSpec, ...] = (
    ODR_MFN,
    ODR_AFN,
    CANCELLATION_RATE,
    LSR_10D,
    LSR_30D,
    VALID_TRACKING_RATE,
    ON_TIME_DELIVERY_RATE,
    RESPONSE_TIME_24H,
    REFUND_RATE,
    # Issue 15: numbers only Amazon's own report states (Source.AMAZON): after ours, so that every earlier
    # metric keeps its place in every format.
    INVOICE_DEFECT_RATE,
    RETURN_DISSATISFACTION_RATE,
    AMAZON_ACCOUNT_STATUS,
)

# The programs' own metrics (`--program`, `program = ...`): evaluated only when the seller asks for the program,
# and only in the marketplaces the rules table has the program's thresholds for.
PROGRAM_METRICS: tuple[MetricSpec, ...] = (
    SFP_ON_TIME_DELIVERY_RATE,
    SFP_ON_TIME_SHIPMENT_RATE,
    SFP_VALID_TRACKING_RATE,
    SFP_CANCELLATION_RATE,
)

# Frames that several metrics, the actions and the insights read, built once per audit data. The audit starts
# them first on its threads: the metric that builds one would otherwise be the last of them to finish.
SHARED_FRAMES: tuple[Callable[[AuditData], object], ...] = (packages,)

# The ids of the metrics above; `metric_ids()` and `get_spec()` read the registry as it is when called.
METRIC_IDS: tuple[str, ...] = tuple(m.id for m in METRICS)


def metric_ids() -> tuple[str, ...]:
    """Every metric a config, `explain` or `history` may name: SPEC's, then the programs'."""
    return tuple(m.id for m in (*METRICS, *PROGRAM_METRICS))


def get_spec(metric_id: str) -> MetricSpec:
    found = next((m for m in (*METRICS, *PROGRAM_METRICS) if m.id == metric_id), None)
    if found is None:
        raise KeyError(metric_id)
    return found


def metric_defaults() -> dict[str, tuple[float, float, int]]:
    """Defaults for `init-config`: metrics with a target only (informational ones have none to set)."""
    return {
        m.id: (m.target, m.at_risk, m.window_days) for m in METRICS if m.target is not None and m.at_risk is not None
    }


def resolve(config: Config, *, marketplace: str | None = None, as_of: dt.date | None = None) -> tuple[MetricSpec, ...]:
    """Specs with the rule in force applied (metrics/rules.py: SPEC's by default, Amazon's dated ones with
    `rules = "dated"`), then the config's thresholds, windows and ODR lag; an at-risk threshold beyond its target
    is refused (SPEC 5.1, rev 2). Without a marketplace and day (checking a config) the specs' own defaults stay.
    A program's metrics come only when the config asks for the program and the marketplace has its thresholds."""
    resolved: list[MetricSpec] = []
    asked = tuple(m for m in PROGRAM_METRICS if m.program in config.program)
    for spec in (*METRICS, *asked):
        if marketplace is not None and as_of is not None:
            rule = metric_rule(spec.id, marketplace, as_of, config.rules)
            if rule is None and spec.program is not None:
                continue  # the program has no threshold for it in this marketplace (said in the notes)
            if rule is not None:
                spec = dataclasses.replace(
                    spec.with_variant(rule.variant),
                    target=rule.target,
                    at_risk=rule.at_risk,
                    window_days=rule.window_days or spec.window_days,
                    end_lag_days=spec.end_lag_days if rule.lag_days is None else rule.lag_days,
                    target_allowed=rule.target_allowed,
                    rule=rule,
                )
        override = config.metrics.get(spec.id)
        lag = config.odr_lag_days if spec.odr_lag else None
        own = override is not None and override.target is not None and override.target != spec.target
        applied = spec.with_overrides(
            target=override.target if override else None,
            amazon_target=spec.target if own else None,
            at_risk=override.at_risk if override else None,
            window_days=override.window_days if override else None,
            end_lag_days=lag,
        )
        _check_thresholds(applied, config.source)
        resolved.append(applied)
    return tuple(resolved)


def _check_thresholds(spec: MetricSpec, source: str | None) -> None:
    """The at-risk band lies on the safe side of the target: below it where lower is better, above it where higher
    is; equal means no band. Anything else would call a breach "ok" or a healthy rate "at risk"."""
    if spec.target is None or spec.at_risk is None:
        return
    lower = spec.direction is Direction.LOWER_IS_BETTER
    if (spec.at_risk > spec.target) if lower else (spec.at_risk < spec.target):
        side = "at or below" if lower else "at or above"
        raise ConfigError(
            f"metrics.{spec.id}.at_risk",
            f"{spec.at_risk!r} is beyond the target {spec.target!r}: for this {spec.direction.value.replace('_', ' ')} "
            f"metric the at-risk threshold must be {side} the target (equal means no at-risk band); lower the "
            f"{'at_risk' if lower else 'target'} or raise the {'target' if lower else 'at_risk'}",
            source,
        )


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100, 2):g} %"


def rule_text(spec: MetricSpec, rule: Rule) -> str:
    """A rule in words: `at least 97 % (recommended: Amazon states no penalty)`."""
    if rule.count is not None:
        return f"{rule.count} within {rule.window_days} days ({rule.enforcement.value})"
    if rule.target is None:
        return "no target (informational)"
    lower = spec.direction is Direction.LOWER_IS_BETTER
    sign = ("no more than" if rule.target_allowed else "under") if lower else "at least"
    return f"{sign} {_percent(rule.target)} ({rule.enforcement.value})"


def rule_notes(specs: tuple[MetricSpec, ...], config: Config, marketplace: str, as_of: dt.date) -> list[str]:
    """What the report says about the rules it judged by: Amazon's dated rules that differ from SPEC's, and a
    program's requirements the reports cannot show or that the marketplace has no thresholds for."""
    notes: list[str] = []
    for spec in specs:
        rule = spec.rule
        if rule is None or rule.contract or spec.program is not None:
            continue
        contract = next((r for r in history(spec.id) if r.contract), None)
        if contract is None:
            continue  # a metric SPEC does not cover (Amazon's own figures): its dated rule differs from nothing
        same = (rule.target, rule.at_risk, rule.window_days, rule.variant) == (
            contract.target,
            contract.at_risk,
            contract.window_days,
            contract.variant,
        )
        if not same:
            counts = f", counting {rule.measures}" if rule.measures else ""
            notes.append(
                f"{spec.title}: judged by Amazon's rule in force on {as_of} (rules = dated), "
                f"{rule_text(spec, rule)}{counts}; source: {rule.source}"
            )
    for program in config.program:
        name = PROGRAMS[program]
        listed = program_marketplaces(program)
        if marketplace not in listed:
            notes.append(
                f"{name}: no thresholds are recorded for {marketplace} (the rules table has them for "
                f"{', '.join(listed)}), so its metrics are left out"
            )
            continue
        wanted = [r.subject for r in program_requirements(program, marketplace, as_of)]
        if wanted:
            notes.append(
                f"{name} ({marketplace}) also requires {'; '.join(wanted)}: no report healthcheck reads shows "
                "them, check them on Seller Central's Seller Fulfilled Prime dashboard"
            )
    return notes
