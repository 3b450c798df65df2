"""Amazon's rulebook as data: every target, at-risk threshold, window and lag per metric, dated and sourced.

Each row says from which day it is in force, in which marketplaces, what it asks and where Amazon says so
(docs/rules.md lists them with the reasons for each choice). The registry reads this table; nothing else holds a
number of Amazon's. SPEC rev 2 fixes its metrics' rules with no date: those rows are marked `contract` and apply at
every as-of date by default (`--rules contract`); with `--rules dated` the audit takes the row Amazon had in force
on its as-of day. Rules SPEC does not cover (programs, listings, offers) are dated in both modes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from healthcheck.rulebook import RulesMode


class Kind(StrEnum):
    METRIC = "metric"  # a metric's target, at-risk threshold, window and what it counts
    LISTING = "listing"  # what happens to listings or offers when a metric's rule is missed
    REQUIREMENT = "requirement"  # a program requirement no report healthcheck reads can show


class Enforcement(StrEnum):
    """What Amazon does when the rule is missed."""

    CONTRACT = "SPEC rev 2: the contract's status"
    RECOMMENDED = "recommended: Amazon states no penalty"
    ACCOUNT = "all seller-fulfilled listings can be deactivated"
    LISTINGS = "only the listings causing it are deactivated"
    OFFER = "the offer can be removed"
    PROGRAM = "the program's badge can be removed"
    SELLING_ACCOUNT = "the selling account may be deactivated"


@dataclass(frozen=True)
class Rule:
    subject: str  # the metric id the rule is about (a program requirement: its own name)
    since: dt.date | None  # in force from this day; None: before the first dated row (Amazon gives no start)
    marketplaces: frozenset[str]  # empty: every marketplace
    source: str  # the help page or announcement, with its date
    enforcement: Enforcement
    target: float | None = None
    at_risk: float | None = None
    window_days: int | None = None
    lag_days: int | None = None
    measures: str = ""  # what was counted, in words, where it differs from the metric's own definition
    variant: str | None = None  # the metric module's count for an earlier definition (MetricSpec.variants)
    kind: Kind = Kind.METRIC
    contract: bool = False  # SPEC rev 2's row
    program: str | None = None
    count: int | None = None  # LISTING rules that count events (two cancellations), not a rate
    target_allowed: bool = False  # "no more than": the target itself still meets the rule

    def applies_in(self, marketplace: str) -> bool:
        return not self.marketplaces or marketplace in self.marketplaces

    def in_force(self, day: dt.date) -> bool:
        return self.since is None or self.since <= day

    @property
    def since_text(self) -> str:
        return self.since.isoformat() if self.since else "an unpublished date"

    @property
    def where(self) -> str:
        return ", ".join(sorted(self.marketplaces)) if self.marketplaces else "every marketplace"


_ALL: frozenset[str] = frozenset()
_US = frozenset({"US"})
_EU_SFP = frozenset({"UK", "DE", "ES", "FR"})
_JP = frozenset({"JP"})
_FR = frozenset({"FR"})
_SPEC = "SPEC rev 2, section 4"

OTDR = "on_time_delivery_rate"
CR = "cancellation_rate"
OTDR_ANNOUNCEMENT = (
    "Seller Forums announcement 'New updates to our on-time delivery policy and shipping settings' (News_Amazon, "
    "2024): minimum 90 % OTDR without promise extensions from 2024-09-25 on Amazon.com, 95 % recommended"
)

RULES: tuple[Rule, ...] = (
    # --- SPEC rev 2 (the contract): the default at every date ---------------------------------------------
    *(
        Rule(m, None, _ALL, _SPEC, Enforcement.CONTRACT, t, r, w, lag, contract=True)
        for m, t, r, w, lag in (
            ("order_defect_rate_mfn", 0.01, 0.008, 60, 14),
            ("order_defect_rate_afn", 0.01, 0.008, 60, 14),
            (CR, 0.025, 0.02, 7, 0),
            ("late_shipment_rate_10d", 0.04, 0.032, 10, 0),
            ("late_shipment_rate_30d", 0.04, 0.032, 30, 0),
            ("valid_tracking_rate", 0.95, 0.96, 30, 0),
            (OTDR, 0.90, 0.92, 14, 7),
            ("response_time_24h", 0.90, 0.92, 30, 0),
            ("refund_rate", None, None, 30, 0),
        )
    ),
    # --- Amazon's own, as published (`--rules dated`) -----------------------------------------------------
    Rule(
        "order_defect_rate_mfn",
        None,
        _ALL,
        "Seller Central help page 200285170 (Order Defect Rate): under 1 %, 60 days",
        Enforcement.ACCOUNT,
        0.01,
        0.008,
        60,
    ),
    Rule(
        "order_defect_rate_afn",
        None,
        _ALL,
        "Seller Central help page 200285170 (Order Defect Rate): under 1 %, 60 days",
        Enforcement.ACCOUNT,
        0.01,
        0.008,
        60,
    ),
    Rule(
        CR,
        None,
        _ALL,
        "Seller Central help page 200285210 (Cancellation Rate): under 2.5 %, 7 days",
        Enforcement.ACCOUNT,
        0.025,
        0.02,
        7,
    ),
    Rule(
        "late_shipment_rate_10d",
        None,
        _ALL,
        "Seller Central help pages 200285190 and 202152050 (Late Shipment Rate): under 4 %, 10 days",
        Enforcement.ACCOUNT,
        0.04,
        0.032,
        10,
    ),
    Rule(
        "late_shipment_rate_30d",
        None,
        _ALL,
        "Seller Central help pages 200285190 and 202152050 (Late Shipment Rate): under 4 %, 30 days",
        Enforcement.ACCOUNT,
        0.04,
        0.032,
        30,
    ),
    Rule(
        "valid_tracking_rate",
        None,
        _ALL,
        "Seller Central help page 201817070 (Valid Tracking Rate): 95 % or more, 30 days",
        Enforcement.ACCOUNT,
        0.95,
        0.96,
        30,
    ),
    Rule(
        OTDR,
        None,
        _ALL,
        "Seller Central help pages 200847280 (US) and 200633610 (EU), as published before 2024-07-25: 'We "
        "recommend that sellers maintain an OTDR greater than 97 %'; failing it 'generally does not result in the "
        "suspension of your selling account'",
        Enforcement.RECOMMENDED,
        0.97,
        0.97,
        14,
        7,
        measures="packages with confirmed tracking delivered by the promised delivery date the customer saw "
        "(promise extensions included)",
        variant="packages",
    ),
    Rule(
        OTDR,
        dt.date(2024, 7, 25),
        _US,
        "Account Health, Shipping Performance note 'As of July 25, 2024, we have made updates to the definition "
        "of On-Time Delivery Rate' (quoted in the Seller Forums, 2024-07)",
        Enforcement.RECOMMENDED,
        0.97,
        0.97,
        14,
        7,
        measures="units delivered by the 'Deliver by' date without promise extensions",
    ),
    Rule(OTDR, dt.date(2024, 9, 25), _US, OTDR_ANNOUNCEMENT, Enforcement.ACCOUNT, 0.90, 0.92, 14, 7),
    # --- Amazon's figures SPEC does not cover (issue 15, part B: dated in both modes; docs/rules.md) --------
    Rule(
        "invoice_defect_rate",
        None,
        frozenset({"UK", "DE", "FR", "IT", "ES"}),
        "Seller Central help page 44QSYRCU27EW4UK (Invoice Defect Rate, DE, FR and ES pages): under 5 %, Amazon "
        "Business orders placed in the seven days starting two weeks ago; 'your account may be deactivated'",
        Enforcement.SELLING_ACCOUNT,
        0.05,
        0.04,
        7,
        7,
    ),
    Rule(
        "return_dissatisfaction_rate",
        None,
        _ALL,
        "Seller Central help page 201887610 (Return Dissatisfaction Rate, UK, JP and SG pages): under 10 %; 'at "
        "this time, there is no penalty for not meeting the performance target'",
        Enforcement.RECOMMENDED,
        0.10,
        0.08,
        30,
    ),
    # --- what happens to listings (dated in both modes) ---------------------------------------------------
    Rule(
        OTDR,
        dt.date(2024, 9, 25),
        _US,
        OTDR_ANNOUNCEMENT,
        Enforcement.ACCOUNT,
        0.90,
        kind=Kind.LISTING,
        measures="an OTDR below 90 % puts every seller-fulfilled listing at risk of deactivation",
    ),
    Rule(
        OTDR,
        dt.date(2026, 2, 28),
        _US,
        "Seller Forums News and Announcements, 2026-02-11 (updated 2026-02-13): from 2026-02-28 an OTDR below "
        "90 % deactivates only the seller-fulfilled listings that cause the most late deliveries",
        Enforcement.LISTINGS,
        0.90,
        kind=Kind.LISTING,
        measures="the listings behind the late deliveries are deactivated; far below 90 % or failing repeatedly "
        "can still deactivate all of them",
    ),
    Rule(
        CR,
        None,
        _ALL,
        "Seller Central help page 200285210 (Cancellation Rate), 'Offer suppression due to order cancelation' "
        "(on the page by 2022): 'two consecutive seller-cancelations for orders placed in the last 30 days'",
        Enforcement.OFFER,
        window_days=30,
        kind=Kind.LISTING,
        count=2,
        measures="two consecutive seller cancellations of the same SKU, orders placed in the last 30 days",
    ),
    # --- Seller-Fulfilled Prime (help page 202072550 of each marketplace) ---------------------------------
    *(
        Rule(
            metric,
            since,
            where,
            f"Seller Central help page {source}",
            Enforcement.PROGRAM,
            target,
            target,
            7,
            program="sfp",
            target_allowed=allowed,
        )
        for metric, since, where, source, target, allowed in (
            ("sfp_on_time_delivery_rate", dt.date(2021, 2, 1), _US, "202072550 (US, 2021-02-01)", 0.97, False),
            ("sfp_on_time_shipment_rate", dt.date(2021, 2, 1), _US, "202072550 (US, 2021-02-01)", 0.99, False),
            ("sfp_cancellation_rate", dt.date(2021, 2, 1), _US, "202072550 (US, 2021-02-01)", 0.005, True),
            ("sfp_on_time_delivery_rate", None, _EU_SFP, "202072550 (UK, DE, ES; FR: G201812270)", 0.97, False),
            ("sfp_on_time_shipment_rate", None, _EU_SFP, "202072550 (UK, DE, ES; FR: G201812270)", 0.99, False),
            ("sfp_cancellation_rate", None, _EU_SFP, "202072550 (UK, DE, ES; FR: G201812270)", 0.005, True),
            ("sfp_valid_tracking_rate", None, _FR, "G201812270 (FR): valid tracking on 100 %", 1.0, False),
            ("sfp_on_time_delivery_rate", dt.date(2021, 7, 15), _JP, "202072550 (JP, 2021-07-15)", 0.96, False),
            ("sfp_valid_tracking_rate", dt.date(2021, 7, 15), _JP, "202072550 (JP, 2021-07-15)", 0.94, False),
            ("sfp_cancellation_rate", dt.date(2021, 7, 15), _JP, "202072550 (JP, 2021-07-15)", 0.01, True),
        )
    ),
    *(
        Rule(
            name,
            since,
            where,
            f"Seller Central help page {source}",
            Enforcement.PROGRAM,
            target,
            kind=Kind.REQUIREMENT,
            program="sfp",
        )
        for name, since, where, source, target in (
            ("Buy Shipping labels for at least 99 % of units", dt.date(2021, 2, 1), _US, "202072550 (US)", 0.99),
            ("Buy Shipping labels for at least 98 % of units", None, _EU_SFP - {"FR"}, "202072550 (UK, DE, ES)", 0.98),
            (
                "nationwide delivery coverage, weekend operation and delivery, One-Day and Two-Day speed targets",
                dt.date(2021, 2, 1),
                _US,
                "202072550 (US, 2021-02-01)",
                None,
            ),
            (
                "nationwide Prime coverage, shipping seven days a week, One-Day and Two-Day speed targets",
                dt.date(2021, 7, 15),
                _JP,
                "202072550 (JP, 2021-07-15)",
                None,
            ),
            ("carrier pickup at or after 16:30 local time", None, _FR, "G201812270 (FR)", None),
        )
    ),
)


def history(subject: str) -> tuple[Rule, ...]:
    """Every row about `subject`, the contract's first, then by date (undated before dated)."""
    rows = [r for r in RULES if r.subject == subject]
    return tuple(sorted(rows, key=lambda r: (not r.contract, r.since or dt.date.min)))


def _latest(rows: Iterable[Rule], marketplace: str, day: dt.date) -> Rule | None:
    """The row in force on `day` in `marketplace`: the latest one started by then."""
    found = [r for r in rows if r.applies_in(marketplace) and r.in_force(day)]
    return max(found, key=lambda r: r.since or dt.date.min) if found else None


def metric_rule(subject: str, marketplace: str, day: dt.date, mode: RulesMode) -> Rule | None:
    """The rule a metric is judged by: SPEC's at every date in contract mode; else Amazon's in force on `day`
    (SPEC's where no dated row of Amazon's covers it). Program metrics have no contract row: always dated."""
    rows = [r for r in RULES if r.subject == subject and r.kind is Kind.METRIC]
    contract = next((r for r in rows if r.contract), None)
    if contract is not None and mode is RulesMode.CONTRACT:
        return contract
    return _latest((r for r in rows if not r.contract), marketplace, day) or contract


def measured_in(subject: str, marketplace: str, day: dt.date) -> bool:
    """Whether Amazon measures a metric in `marketplace` on `day`: always for SPEC's and the tool's own metrics;
    for one only Amazon's rows cover (the invoice defect rate: UK, DE, FR, IT, ES), where one of them applies."""
    rows = [r for r in RULES if r.subject == subject and r.kind is Kind.METRIC]
    if not rows or any(r.contract for r in rows):
        return True
    return _latest(rows, marketplace, day) is not None


def measured_marketplaces(subject: str) -> tuple[str, ...]:
    """The marketplaces Amazon measures a metric in at some date, for one only Amazon's rows cover; () for others."""
    rows = [r for r in RULES if r.subject == subject and r.kind is Kind.METRIC]
    if not rows or any(r.contract or not r.marketplaces for r in rows):
        return ()
    return tuple(sorted({m for r in rows for m in r.marketplaces}))


def listing_rule(subject: str, marketplace: str, day: dt.date) -> Rule | None:
    """What Amazon does to listings or offers about `subject` on `day` (dated in both modes: SPEC is silent)."""
    return _latest((r for r in RULES if r.subject == subject and r.kind is Kind.LISTING), marketplace, day)


def next_listing_rule(subject: str, marketplace: str, day: dt.date) -> Rule | None:
    """The listing rule about `subject` that takes effect after `day`, if one is recorded (to say what changes)."""
    later = [
        r
        for r in RULES
        if r.subject == subject and r.kind is Kind.LISTING and r.applies_in(marketplace) and r.since and r.since > day
    ]
    return min(later, key=lambda r: r.since or dt.date.min) if later else None


def program_requirements(program: str, marketplace: str, day: dt.date) -> tuple[Rule, ...]:
    """A program's requirements in force that no report healthcheck reads can show (the seller checks them)."""
    return tuple(
        r
        for r in RULES
        if r.program == program and r.kind is Kind.REQUIREMENT and r.applies_in(marketplace) and r.in_force(day)
    )


def program_marketplaces(program: str) -> tuple[str, ...]:
    """The marketplaces the table has a program's thresholds for."""
    return tuple(sorted({m for r in RULES if r.program == program and r.kind is Kind.METRIC for m in r.marketplaces}))
