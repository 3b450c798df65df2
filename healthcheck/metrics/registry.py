"""The registry: every metric the audit evaluates, in report order, with config overrides applied."""

from __future__ import annotations

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
from healthcheck.metrics.tracking import VALID_TRACKING_RATE, packages
from healthcheck.model import AuditData

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

# Frames that several metrics, the actions and the insights read, built once per audit data. The audit starts
# them first on its threads: the metric that builds one would otherwise be the last of them to finish.
SHARED_FRAMES: tuple[Callable[[AuditData], object], ...] = (packages,)

# The ids of the metrics above; `metric_ids()` and `get_spec()` read the registry as it is when called.
METRIC_IDS: tuple[str, ...] = tuple(m.id for m in METRICS)


def metric_ids() -> tuple[str, ...]:
    return tuple(m.id for m in METRICS)


def get_spec(metric_id: str) -> MetricSpec:
    found = next((m for m in METRICS if m.id == metric_id), None)
    if found is None:
        raise KeyError(metric_id)
    return found


def metric_defaults() -> dict[str, tuple[float, float, int]]:
    """Defaults for `init-config`: metrics with a target only (informational ones have none to set)."""
    return {
        m.id: (m.target, m.at_risk, m.window_days) for m in METRICS if m.target is not None and m.at_risk is not None
    }


def resolve(config: Config) -> tuple[MetricSpec, ...]:
    """Specs with the config's thresholds, windows and ODR lag applied; an at-risk threshold beyond its target
    is refused (SPEC 5.1, rev 2)."""
    resolved: list[MetricSpec] = []
    for spec in METRICS:
        override = config.metrics.get(spec.id)
        lag = config.odr_lag_days if spec.odr_lag else None
        applied = spec.with_overrides(
            target=override.target if override else None,
            at_risk=override.at_risk if override else None,
            window_days=override.window_days if override else None,
            end_lag_days=lag,
        )
        _check_thresholds(applied)
        resolved.append(applied)
    return tuple(resolved)


def _check_thresholds(spec: MetricSpec) -> None:
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
        )
