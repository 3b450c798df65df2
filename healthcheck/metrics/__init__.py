"""Metrics: a registry of specs (id, window, direction, thresholds, compute function), SPEC 4."""

from healthcheck.metrics.base import Direction, MetricResult, MetricSpec, Status, Window, evaluate
from healthcheck.metrics.registry import METRIC_IDS, METRICS, SHARED_FRAMES, get_spec, metric_ids, resolve

__all__ = [
    "METRICS",
    "METRIC_IDS",
    "SHARED_FRAMES",
    "Direction",
    "MetricResult",
    "MetricSpec",
    "Status",
    "Window",
    "evaluate",
    "get_spec",
    "metric_ids",
    "resolve",
]
