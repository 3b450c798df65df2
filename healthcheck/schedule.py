"""Where the audit runs on several threads: every decision about threads is here or in the loaders' one map.

pyarrow's kernels, numpy's sorts and pandas' hash tables release the GIL, so independent steps over large frames
take about the time of the longer one on two cores. The rest of the package is written as plain steps, none of
which starts a thread or takes an executor:

1. Reading files: one map over the files (`loaders.load_inputs`).
2. The model's three overlaps (`audit_data`), each worth 0.1-0.5 s of a million-order audit (docs/performance.md
   has the measurements): the order codes worked out beside the reading of each row's values; the orders'
   distinct SKUs found (`skus.find_pairs`) beside the merge of the orders, which they do not need and which is
   long enough to hide them; then the orders' items built from them (`model.order_items`) beside the placing of
   the other reports.
3. Metrics, then what follows from them (`measure`, `follow_up`): maps over independent tasks.

Every map gathers its results in the order of its tasks (never "as completed"), so nothing the audit reports
depends on which thread finished first; `tests/test_concurrency.py` checks the report on one core and on two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from functools import partial
from typing import Any, cast

from healthcheck.actions import Action, action_tasks, rank_actions
from healthcheck.concurrency import beside, ordered_map, pool, worth_threads
from healthcheck.config import Config
from healthcheck.insights import Events, Insights, build_insights, metric_events
from healthcheck.loaders import LoadResult
from healthcheck.marketplaces import Marketplace
from healthcheck.metrics import SHARED_FRAMES, MetricResult, MetricSpec, evaluate
from healthcheck.model import (
    PLACED_REPORTS,
    AuditData,
    items_step,
    merge_step,
    order_items,
    place_reports,
    release_memory,
)
from healthcheck.orders import ORDER_SOURCES, order_keys, read_order_rows
from healthcheck.plan import Plan, draft_plan, plan_needed, with_steps
from healthcheck.shipcal import OperatingCalendar
from healthcheck.skus import find_pairs


def audit_data(
    loaded: LoadResult,
    marketplace: Marketplace,
    config: Config,
    calendar: OperatingCalendar,
    release: Collection[str] = (),
) -> AuditData:
    """Derive the audit frames and account for every row that will not be used (SPEC 1.5): the model's steps.

    On two threads for a large account: the order codes worked out on the second while this one reads each source
    row's values; then the orders' distinct SKUs found there (`skus.find_pairs`) while this one merges the orders,
    and the orders' items built from them (`model.order_items`) while this one places the other reports.
    The order reports among `release` are let go of (`LoadResult.release`) as soon as their rows are read: on a
    large account they are most of what the process holds; the placed reports among them
    (`model.PLACED_REPORTS`) once they are placed.
    """
    rows = sum(len(frame) for kind in ORDER_SOURCES if (frame := loaded.frame(kind)) is not None)
    with pool(2, "model", large=worth_threads(rows=rows)) as executor:
        order_rows = read_order_rows(loaded, config, beside(executor, partial(order_keys, loaded)))
        loaded.release(kind for kind in ORDER_SOURCES if kind in release)
        pairs = beside(executor, partial(find_pairs, order_rows.merged))
        step = merge_step(loaded, marketplace, calendar, order_rows)
        items = beside(executor, partial(order_items, items_step(step), config, calendar, pairs))
        data = place_reports(step, loaded, marketplace, config, calendar, items)
    # The placed rows share the report's columns, except where the Multi-Channel orders' rows were left out: then
    # they are a copy, and the report's frame would be held twice until the end.
    loaded.release(kind for kind in PLACED_REPORTS if kind in release)
    release_memory()  # the merge's intermediate frames are gone
    return data


Measured = tuple[MetricResult, Events | None]


def measure(specs: Sequence[MetricSpec], data: AuditData, as_of: dt.date) -> list[Measured]:
    """Every metric's result with the events behind it (one task each, so the two share the thread's warm
    frames); the frames several metrics read are started first."""
    with _pool(len(specs), data) as executor:
        return ordered_map(executor, partial(_measure, data=data, as_of=as_of), specs, first=_shared(data))


def follow_up(
    data: AuditData,
    results: Sequence[MetricResult],
    as_of: dt.date,
    seller_performance: Sequence[tuple[str, Mapping[str, Any]]],
    events: Mapping[str, Events],
) -> tuple[Insights, list[Action], tuple[Plan, ...]]:
    """What follows from the results, in one map of independent tasks: the insights, each kind of action, and
    the long part of each plan of action (a plan's steps to take now are the actions, added at the end)."""
    breached = [result for result in results if plan_needed(result)]
    tasks: list[Callable[[], object]] = [
        partial(build_insights, data, results, as_of, seller_performance, events),
        *action_tasks(data, results, as_of),
        *(partial(draft_plan, data, result, as_of) for result in breached),
    ]
    with _pool(len(tasks), data) as executor:
        insights, *found = ordered_map(executor, _run, tasks)
    # The metrics' events and the frames they share are read by the insights and actions only: let go of them
    # before the report is rendered (on five million orders they are half a gigabyte).
    data.forget_derived()
    release_memory()
    drafts = cast(list[Plan], found[len(found) - len(breached) :])
    actions = rank_actions(cast(list[list[Action]], found[: len(found) - len(breached)]), results)
    return cast(Insights, insights), actions, tuple(with_steps(plan, actions) for plan in drafts)


def _pool(tasks: int, data: AuditData) -> AbstractContextManager[ThreadPoolExecutor | None]:
    return pool(tasks, "audit", large=worth_threads(rows=len(data.orders) + len(data.confirmations)))


def _measure(spec: MetricSpec, *, data: AuditData, as_of: dt.date) -> Measured:
    result = evaluate(spec, data, as_of)
    return result, metric_events(data, result)


def _shared(data: AuditData) -> list[Callable[[], object]]:
    return [partial(build, data) for build in SHARED_FRAMES]


def _run(task: Callable[[], object]) -> object:
    return task()
