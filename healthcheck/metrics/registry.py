"""The registry: every metric the audit evaluates, in report order, with config overrides applied."""

from __future__ import annotations

from collections.abc import Callable

from healthcheck.config import Config
from healthcheck.metrics.base import MetricSpec
from healthcheck.metrics.cancellation import CANCELLATION_RATE
from healthcheck.metrics.delivery import ON_TIME_DELIVERY_RATE
from healthcheck.metrics.late_shipment import LSR_10D, LSR_30D
from healthcheck.metrics.order_defect import ODR_AFN, ODR_MFN
from healthcheck.metrics.refunds import REFUND_RATE
from healthcheck.metrics.response_time import RESPONSE_TIME_24H
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
)

# Frames that several metrics, the actions and the insights read, built once per audit data. The audit starts
# them first on its threads: the metric that builds one would otherwise be the last of them to finish.
SHARED_FRAMES: tuple[Callable[[AuditData], object], ...] = (packages,)

METRIC_IDS: tuple[str, ...] = tuple(m.id for m in METRICS)
_BY_ID = {m.id: m for m in METRICS}


def get_spec(metric_id: str) -> MetricSpec:
    return _BY_ID[metric_id]


def metric_defaults() -> dict[str, tuple[float, float, int]]:
    """Defaults for `init-config`: metrics with a target only (informational ones have none to set)."""
    return {
        m.id: (m.target, m.at_risk, m.window_days) for m in METRICS if m.target is not None and m.at_risk is not None
    }


def resolve(config: Config) -> tuple[MetricSpec, ...]:
    """Specs with the config's thresholds, windows and ODR lag applied."""
    resolved: list[MetricSpec] = []
    for spec in METRICS:
        override = config.metrics.get(spec.id)
        lag = config.odr_lag_days if spec.id.startswith("order_defect_rate") else None
        resolved.append(
            spec.with_overrides(
                target=override.target if override else None,
                at_risk=override.at_risk if override else None,
                window_days=override.window_days if override else None,
                end_lag_days=lag,
            )
        )
    return tuple(resolved)
