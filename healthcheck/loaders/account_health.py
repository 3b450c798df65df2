"""Amazon's own account health, read from the `GET_V2_SELLER_PERFORMANCE_REPORT` JSON (SPEC 5.4): the Account
Health Rating, the account status, every policy-compliance category and the warnings, as Amazon states them.

Names come from the report's schema (`schemas/reports/accountHealthReport-2020-11-18.json` in
amzn/selling-partner-api-models). Read leniently like the rest of the document: key variants, counts nested as
`{"count": n}`, categories found under `warningStates` (SPEC 5.4, rev 2), and words this tool does not know are
kept as given, never an error. What those words mean for our statuses is decided in
`metrics/amazon_status.py`, not here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from healthcheck.loaders.seller_performance import (
    AmazonFigure,
    AmazonKey,
    account_status,
    as_count,
    as_date,
    as_number,
    as_text,
    choose_entry,
    entries,
    figures,
    get,
    warning_list,
)
from healthcheck.marketplaces import Marketplace
from healthcheck.sanitize import one_line


def _word(value: Any) -> str | None:
    """Amazon's word, made safe to show: a report file is untrusted (no control or bidi characters, one line)."""
    text = as_text(value)
    return one_line(text) if text is not None else None


# Every policy-compliance category of the schema: our name, the words a seller sees, and the report's keys.
POLICY_CATEGORIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("listing_policy_violations", "Listing policy violations", ("listingPolicyViolations",)),
    (
        "restricted_product_policy_violations",
        "Restricted product policy violations",
        ("restrictedProductPolicyViolations",),
    ),
    (
        "received_ip_complaints",
        "Intellectual property complaints received",
        ("receivedIntellectualPropertyComplaints",),
    ),
    (
        "suspected_ip_violations",
        "Suspected intellectual property violations",
        ("suspectedIntellectualPropertyViolations",),
    ),
    (
        "product_authenticity_complaints",
        "Product authenticity customer complaints",
        ("productAuthenticityCustomerComplaints",),
    ),
    (
        "product_condition_complaints",
        "Product condition customer complaints",
        ("productConditionCustomerComplaints",),
    ),
    ("product_safety_complaints", "Product safety customer complaints", ("productSafetyCustomerComplaints",)),
    ("food_and_product_safety_issues", "Food and product safety issues", ("foodAndProductSafetyIssues",)),
    ("other_policy_violations", "Other policy violations", ("otherPolicyViolations",)),
    # The schema names it `documentRequests`; its own example writes `documentRequest`.
    ("document_requests", "Document requests", ("documentRequests", "documentRequest")),
)


@dataclass(frozen=True)
class PolicyCategory:
    """One policy-compliance category as Amazon states it."""

    key: str  # our name, e.g. "listing_policy_violations"
    title: str
    count: int | None  # Amazon's defectsCount
    status: str | None  # Amazon's word (GOOD, BAD, NONE, ...), as given
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class AccountHealth:
    """Amazon's account-level judgement for the audited marketplace, from one V2 performance report."""

    path: str
    marketplace_id: str | None
    account_status: str | None  # NORMAL, AT_RISK, DEACTIVATED, ... as given
    ahr_status: str | None  # GREAT, WARNED, ... as given
    ahr_score: float | None  # present in Seller Central's newer reports (`ahrScore`), not in the 2020 schema
    ahr_start: dt.date | None
    ahr_end: dt.date | None
    categories: tuple[PolicyCategory, ...]  # only those the report carries, in the schema's order
    warnings: tuple[tuple[str, str | None], ...]  # (warningType, status) of a list of warning states
    notes: tuple[str, ...] = ()

    @property
    def end(self) -> dt.date | None:
        """The latest day the report speaks for."""
        days = [d for d in (self.ahr_end, *(c.end for c in self.categories)) if d is not None]
        return max(days) if days else None


def _category(entry: Mapping[str, Any], key: str, title: str, names: tuple[str, ...]) -> PolicyCategory | None:
    found = get(entry, *names)
    if found is None:
        # SPEC 5.4 (rev 2): the categories may also come as an object under `warningStates`.
        states = get(entry, "warningStates", "warningState")
        found = get(states, *names) if isinstance(states, Mapping) else None
    if found is None:
        return None
    if not isinstance(found, Mapping):  # a bare word: its status alone
        return PolicyCategory(key, title, None, _word(found), None, None)
    dates = get(found, "reportingDateRange", "dateRange")
    return PolicyCategory(
        key=key,
        title=title,
        count=as_count(get(found, "defectsCount", "count")),
        status=_word(get(found, "status")),
        start=as_date(get(dates, "reportingDateFrom", "from", "startDate")),
        end=as_date(get(dates, "reportingDateTo", "to", "endDate")),
    )


def _warnings(entry: Mapping[str, Any]) -> tuple[tuple[str, str | None], ...]:
    """(warningType, status) of each warning, made safe to show."""
    return tuple((one_line(kind), _word(status)) for kind, status, _ in warning_list(entry))


def account_health(path: str, document: Any, marketplace: Marketplace) -> AccountHealth | None:
    """The account health of the audited marketplace in one document; None when the document holds no entry for
    it (the reconciliation already says why)."""
    if not isinstance(document, Mapping):
        return None
    entry, notes = choose_entry(entries(document), marketplace)
    if entry is None:
        return None
    marketplace_id = as_text(get(entry, "marketplaceId"))
    rating = get(entry, "accountHealthRating")
    dates = get(rating, "reportingDateRange", "dateRange")
    categories = tuple(
        found for key, title, names in POLICY_CATEGORIES if (found := _category(entry, key, title, names)) is not None
    )
    return AccountHealth(
        path=path,
        marketplace_id=marketplace_id,
        account_status=_word(account_status(document, marketplace_id)),
        ahr_status=_word(get(rating, "ahrStatus", "accountHealthRatingStatus", "status")),
        ahr_score=as_number(get(rating, "ahrScore", "accountHealthRatingScore", "score")),
        ahr_start=as_date(get(dates, "reportingDateFrom", "from", "startDate")),
        ahr_end=as_date(get(dates, "reportingDateTo", "to", "endDate")),
        categories=categories,
        warnings=_warnings(entry),
        notes=tuple(notes),
    )


def latest_account_health(
    documents: Sequence[tuple[str, Any]], marketplace: Marketplace
) -> tuple[AccountHealth | None, tuple[str, ...]]:
    """The account health of the newest document that speaks for the marketplace (by the last day it covers; the
    last given when none is dated), and a note when several were given."""
    found = [h for path, doc in documents if (h := account_health(path, doc, marketplace)) is not None]
    if not found:
        return None, ()
    newest = max(enumerate(found), key=lambda pair: (pair[1].end or dt.date.min, pair[0]))[1]
    notes = () if len(found) == 1 else (f"{len(found)} seller performance reports were given: the newest is used",)
    return newest, notes


def amazon_figure(
    documents: Sequence[tuple[str, Any]], marketplace: Marketplace, keys: Sequence[AmazonKey]
) -> AmazonFigure | None:
    """Amazon's figure at the first of `keys` found, in the last document given that speaks for the marketplace."""
    for _path, document in reversed(documents):
        if not isinstance(document, Mapping):
            continue
        entry, _notes = choose_entry(entries(document), marketplace)
        if entry is None:
            continue
        for key in keys:
            listed = figures(entry, key)
            if listed:
                return listed[0]
    return None
