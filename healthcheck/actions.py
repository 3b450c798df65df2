"""What to do about it (SPEC 5.3): each action names the orders and SKUs that call for it.

An action appears whenever orders call for it, even while its metric is still ok: that is when acting is cheapest.
Wording follows Amazon's own guidance for each metric.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence

import pandas as pd

from healthcheck.action_base import Action, Effect, Impact, kind_of, skus_of
from healthcheck.action_base import ids_of as _ids
from healthcheck.defects import (
    APPEALABLE_STATUS,
    CLAIM_APPEAL_DAYS,
    CLAIM_RESPONSE_HOURS,
    OPEN_STATUSES,
    negative_ratings,
)
from healthcheck.insights import budget_used, rate_with_bad
from healthcheck.listing_actions import late_delivery_listings, offer_removal_risk
from healthcheck.metrics.base import Direction, MetricResult, Status, Window
from healthcheck.metrics.cancellation import CANCELLATION_RATE
from healthcheck.metrics.delivery import ON_TIME_DELIVERY_RATE
from healthcheck.metrics.late_shipment import LSR_10D, LSR_30D, lsr_frame
from healthcheck.metrics.order_defect import ODR_AFN, ODR_MFN
from healthcheck.metrics.tracking import SCAN_WITHIN_HOURS, VALID_TRACKING_RATE, packages, scanned_late
from healthcheck.model import AFN, AuditData, local_dates, lookup
from healthcheck.order_actions import (
    buyer_requested_action,
    cancellation_actions,
    expired_action,
    overdue_action,
)
from healthcheck.selection import items_of
from healthcheck.shipcal import operating_days_between
from healthcheck.wording import capitalised, plural, the_title, verb

__all__ = ["Action", "Effect", "Impact", "action_tasks", "impact", "rank_actions", "rank_key"]

FEEDBACK_REMOVAL_DAYS = 90

# Feedback about the product alone, or with profanity, qualifies for removal; words about the seller's
# service mean it is about the seller and stays.
_SERVICE_WORDS = re.compile(
    r"\b(?:seller|ship(?:ped|ping)?|deliver(?:y|ed)?|arriv(?:e|ed)|late|package|packag(?:ing)?|refund|respon\w*|"
    r"service|communicat\w*|never (?:came|received)|tracking|wrong item|missing)\b",
    re.IGNORECASE,
)
_PRODUCT_WORDS = re.compile(
    r"\b(?:product|item|quality|broke|broken|defective|size|colou?r|fit|cheap|flimsy|smell|material|"
    r"doesn'?t work|stopped working|not as described|small|large|works?)\b",
    re.IGNORECASE,
)
_PROFANITY = re.compile(r"\b(?:fuck\w*|shit\w*|crap|damn|bullshit|ass(?:hole)?|bastard|bitch)\b", re.IGNORECASE)


def handling_time_action(data: AuditData, window: Window, as_of: dt.date, metric_id: str) -> list[Action]:
    """Per SKU, the handling time that would have kept the late confirmations on time."""
    frame = lsr_frame(data, window, as_of)
    late = frame.loc[frame["late_confirmed"]]
    if late.empty:
        return []
    tz = data.marketplace.timezone
    purchase_day = late["purchase_date"].astype("datetime64[us]")
    confirm_day = local_dates(late["conf_ts"], tz).astype("datetime64[us]")
    needed = operating_days_between(purchase_day, confirm_day, data.calendar).fillna(0).astype("int64")
    # The few late orders' items first (arrow hash lookups): merging on a million id strings costs far more.
    items = items_of(data, late["order_id"])[["order_id", "sku"]]
    by_sku = late[["order_id"]].assign(needed=needed.to_numpy()).merge(items, on="order_id", how="inner")
    per_sku = by_sku.groupby("sku").agg(orders=("order_id", "nunique"), needed=("needed", "max"))
    configured = data.config.handling_days_by_sku
    per_sku["current"] = [configured.get(str(sku), data.config.handling_days) for sku in per_sku.index]
    per_sku = per_sku.sort_values(["orders", "needed"], ascending=False, kind="stable")
    advice = "; ".join(
        f"{sku}: {int(r.orders)} late, handling {int(r.current)} -> {max(int(r.needed), int(r.current) + 1)} days"
        for sku, r in per_sku.head(5).iterrows()
    )
    return [
        Action(
            "lengthen_handling_time",
            metric_id,
            f"Lengthen the handling time where {plural(int(late['order_id'].nunique()), 'shipment')} ran late",
            f"Handling time that would have kept them on time, by SKU: {advice}. Confirm shipment as soon as "
            "the label is bought; enable weekend operating days only if you really ship then; plan for holidays "
            "with closed dates.",
            _ids(late["order_id"]),
            tuple(str(s) for s in per_sku.index),
        )
    ]


def tracking_action(data: AuditData, result: MetricResult) -> list[Action]:
    pk = packages(data)
    if pk.empty:
        return []
    pk = pk.loc[result.window.contains(pk["conf_date"])]
    bad = pk.loc[~pk["valid"]]
    late_scan = pk.loc[scanned_late(pk)]
    if bad.empty and late_scan.empty:
        return []
    missing = int((bad["tracking_number"] == "").sum())
    parts = []
    if not bad.empty:
        parts.append(
            f"{plural(missing, 'package')} {verb(missing, 'has', 'have')} no tracking number and {len(bad) - missing} "
            "a carrier Amazon does not "
            "integrate with (e.g. `Other`): enter the tracking number and choose the carrier from Amazon's list, "
            "or buy labels through Buy Shipping."
        )
    if not late_scan.empty:
        parts.append(
            f"{plural(len(late_scan), 'package')} had no carrier scan within {SCAN_WITHIN_HOURS} hours of "
            "confirmation: hand parcels to the carrier the day you confirm them."
        )
    return [
        Action(
            "fix_tracking",
            result.id,
            f"Fix tracking on {plural(int(pd.concat([bad, late_scan])['order_id'].nunique()), 'order')}",
            " ".join(parts),
            _ids(pd.concat([bad["order_id"], late_scan["order_id"]])),
            skus_of(data, pd.concat([bad["order_id"], late_scan["order_id"]])),
        )
    ]


def feedback_removal_action(data: AuditData, as_of: dt.date) -> list[Action]:
    feedback = data.loaded.frame("feedback")
    if feedback is None or feedback.empty:
        return []
    since = pd.Timestamp(as_of - dt.timedelta(days=FEEDBACK_REMOVAL_DAYS))
    negative = feedback.loc[negative_ratings(feedback["rating"]) & (feedback["feedback_date"] >= since)]
    if negative.empty:
        return []
    comments = (
        negative["comments"].fillna("").astype("str") if "comments" in negative else pd.Series("", index=negative.index)
    )
    fba = lookup(negative["order_id"], data.orders.set_index("order_id")["channel"]) == AFN
    product_only = comments.str.contains(_PRODUCT_WORDS) & ~comments.str.contains(_SERVICE_WORDS)
    profane = comments.str.contains(_PROFANITY)
    qualifies = product_only | fba | profane
    # One action per channel, each under its own order defect rate: an FBA order's feedback is no part of the
    # seller-fulfilled rate, so listing it there would name an order that cannot move it.
    actions = []
    for metric_id, rows, where in (
        (ODR_MFN.id, qualifies & ~fba, ""),
        (ODR_AFN.id, qualifies & fba, " on FBA orders"),
    ):
        chosen = negative.loc[rows]
        if chosen.empty:
            continue
        actions.append(
            Action(
                "request_feedback_removal",
                metric_id,
                f"Request removal of {plural(len(chosen), 'negative feedback')}{where}",
                "Amazon removes feedback that is only a product review, that is about an FBA order's delivery "
                "(Amazon takes responsibility for it), or that contains obscene language. In Feedback Manager, "
                f"choose Request Removal for each order listed (within {FEEDBACK_REMOVAL_DAYS} days of the feedback).",
                _ids(chosen["order_id"]),
                skus_of(data, chosen["order_id"]),
            )
        )
    return actions


def claims_action(data: AuditData, as_of: dt.date) -> list[Action]:
    claims = data.loaded.frame("claims")
    if claims is None or claims.empty:
        return []
    open_claims = claims.loc[claims["status"].isin(OPEN_STATUSES)]
    since = pd.Timestamp(as_of - dt.timedelta(days=CLAIM_APPEAL_DAYS))
    appealable = claims.loc[(claims["status"] == APPEALABLE_STATUS) & (claims["claim_date"] >= since)]
    if open_claims.empty and appealable.empty:
        return []
    parts = []
    if not open_claims.empty:
        parts.append(
            f"{plural(len(open_claims), 'claim')} open: respond in Seller Central within {CLAIM_RESPONSE_HOURS} "
            "hours with tracking and proof of delivery, or refund the buyer if the claim is fair."
        )
    if not appealable.empty:
        parts.append(
            f"{plural(len(appealable), 'claim')} granted against you in the last {CLAIM_APPEAL_DAYS} days: "
            f"appeal within {CLAIM_APPEAL_DAYS} days of the decision if you shipped on time with valid tracking."
        )
    return [
        Action(
            "respond_to_claims",
            ODR_MFN.id,
            "Respond to A-to-z claims",
            " ".join(parts),
            _ids(pd.concat([open_claims["order_id"], appealable["order_id"]])),
            skus_of(data, pd.concat([open_claims["order_id"], appealable["order_id"]])),
        )
    ]


def _misses(result: MetricResult) -> str:
    """How a breached metric stands against its target, in the direction Amazon counts it."""
    return "is over" if result.spec.direction is Direction.LOWER_IS_BETTER else "falls short of"


def _whose_target(result: MetricResult) -> str:
    return "Amazon's target" if result.spec.amazon_target is None else "the target your config sets"


def plan_of_action(data: AuditData, results: list[MetricResult]) -> list[Action]:
    """One outline per metric in breach: what Seller Support expects to read."""
    # A breach only Amazon's report states (issue 15): its plan answers Amazon's notice, not our orders.
    amazon = [
        Action(
            "plan_of_action",
            r.id,
            f"Prepare a plan of action for {the_title(r.spec.title)}",
            f"Amazon's own report puts it in breach. Answer Amazon on Seller Central's Account Health page, for each "
            "complaint or defect it lists there: (1) the root cause; (2) what you have already done; (3) the changes "
            f"that keep it from happening again: {r.spec.advice} The reports healthcheck reads show no orders "
            "behind it, so `healthcheck plan` does not draft this one.",
            r.measurement.problem_order_ids,
            skus_of(data, pd.Series(r.measurement.problem_order_ids, dtype=object)),
        )
        for r in results
        if r.status is Status.BREACH and not r.recomputed
    ]
    return amazon + [
        Action(
            "plan_of_action",
            r.id,
            f"Prepare a plan of action for {the_title(r.spec.title)}",
            f"{capitalised(the_title(r.spec.title))} {_misses(r)} {_whose_target(r)}. If Amazon asks for a plan of "
            "action, state (1) the root cause, found in the orders listed here; (2) what you have already done about "
            f"each of those orders; (3) the changes that keep it from happening again: {r.spec.advice} Keep it short, "
            f"factual and specific to your account: the command healthcheck plan {r.spec.short} drafts it from "
            "these reports.",
            r.measurement.problem_order_ids,
            skus_of(
                data,
                pd.Series(r.measurement.problem_order_ids, dtype=object),
                cancelled_only=r.id == CANCELLATION_RATE.id,
            ),
        )
        for r in results
        if r.status is Status.BREACH and r.recomputed
    ]


def impact(action: Action, metric: MetricResult | None) -> Impact | None:
    """The served metric's counted orders this action addresses, and its rate without them."""
    if metric is None or metric.rate is None:
        return None
    kind = kind_of(action.id)
    effect = kind.effect
    m = metric.measurement
    problems = set(m.problem_order_ids)
    if effect is Effect.DOCUMENTS:
        return Impact(len(problems), effect, metric.rate, None)
    if kind.stops:
        # Shipping does not un-count a late order; it stops each listed order getting worse (late, then
        # auto-cancelled), so every order listed is one it moves.
        return Impact(len(action.order_ids), effect, metric.rate, None)
    moved = len(problems.intersection(action.order_ids))
    bad = metric.bad
    return Impact(moved, effect, metric.rate, rate_with_bad(metric.spec, max(bad - moved, 0), m.denominator))


def _late_shipment_metric(by_id: dict[str, MetricResult]) -> str:
    """Late-shipment actions serve whichever late shipment rate is closer to breach."""
    candidates = [r for key in (LSR_10D.id, LSR_30D.id) if (r := by_id.get(key))]
    if not candidates:
        return LSR_10D.id
    return min(candidates, key=lambda r: (r.status.urgency, -(budget_used(r.spec, r.rate) or 0.0))).id


def rank_key(action: Action, metric: MetricResult | None) -> tuple[int, float, int, int, int, str]:
    """The metric closest to breach first (status, then share of its budget used); within a metric, what changes
    today's number before what prevents, the action moving more counted orders first; then urgency."""
    severity = metric.status.urgency if metric else Status.NOT_EVALUATED.urgency
    used = (budget_used(metric.spec, metric.rate) or 0.0) if metric else 0.0
    moved = action.impact.orders if action.impact else 0
    kind = kind_of(action.id)
    return severity, -used, kind.phase, -moved, kind.urgency, action.id


def action_tasks(data: AuditData, results: Sequence[MetricResult], as_of: dt.date) -> list[Callable[[], list[Action]]]:
    """Each kind of action the data calls for, as a task of its own: independent of one another, so they may
    run on any thread; `rank_actions` gathers what they find."""
    by_id = {r.id: r for r in results}
    lsr_id = _late_shipment_metric(by_id)
    tasks: list[Callable[[], list[Action]]] = []
    if data.has_order_data:
        if CANCELLATION_RATE.id in by_id:
            tasks.append(lambda: cancellation_actions(data, by_id[CANCELLATION_RATE.id], as_of))
            tasks.append(lambda: offer_removal_risk(data, by_id[CANCELLATION_RATE.id], as_of))
        if data.has("ship_confirmations") or data.has("order_report"):
            tasks.append(lambda: overdue_action(data, as_of, lsr_id))
            tasks.append(lambda: expired_action(data, as_of))
            tasks.append(lambda: buyer_requested_action(data, as_of))
        if data.has("ship_confirmations") and LSR_30D.id in by_id:
            tasks.append(lambda: handling_time_action(data, by_id[LSR_30D.id].window, as_of, lsr_id))
    if data.has("ship_confirmations") and ON_TIME_DELIVERY_RATE.id in by_id:
        tasks.append(lambda: late_delivery_listings(data, by_id[ON_TIME_DELIVERY_RATE.id], as_of))
    if data.has("ship_confirmations") and VALID_TRACKING_RATE.id in by_id:
        tasks.append(lambda: tracking_action(data, by_id[VALID_TRACKING_RATE.id]))
    tasks.append(lambda: feedback_removal_action(data, as_of))
    tasks.append(lambda: claims_action(data, as_of))
    tasks.append(lambda: plan_of_action(data, list(results)))
    return tasks


def rank_actions(found: Sequence[Sequence[Action]], results: Sequence[MetricResult]) -> list[Action]:
    """What the tasks found, in the tasks' order (never the order they finished in), ranked and numbered."""
    by_id = {r.id: r for r in results}
    measured = [dataclasses.replace(a, impact=impact(a, by_id.get(a.metric_id))) for each in found for a in each]
    ranked = sorted(measured, key=lambda a: rank_key(a, by_id.get(a.metric_id)))
    return [dataclasses.replace(a, priority=i) for i, a in enumerate(ranked, start=1)]
