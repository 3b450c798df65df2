"""The working behind one ship-by date, for `healthcheck shipby`: the calendar walked a day at a time from the
purchase, every day passed over named with its reason, so a seller can check the settings against Seller
Central. It agrees with the vectorised `shipcal.ship_by_dates` (tests/test_shipcal.py checks both)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from healthcheck.shipcal import OperatingCalendar


def _clock(moment: datetime.time) -> str:
    """HH:MM, with seconds only when they matter (a 14:00:30 cut-off must not read as 14:00)."""
    has_seconds = moment.second or moment.microsecond
    return moment.replace(tzinfo=None).isoformat(timespec="seconds" if has_seconds else "minutes")


@dataclass(frozen=True)
class SkippedDay:
    """A day passed over while counting handling time, and why."""

    day: datetime.date
    reason: str


@dataclass(frozen=True)
class ShipByExplanation:
    """The working behind one ship-by date, so a seller can check the calendar against Seller Central."""

    purchase_local: datetime.datetime
    handling_days: int
    counted_days: tuple[datetime.date, ...]
    skipped: tuple[SkippedDay, ...]
    ship_by: datetime.date
    deadline_local: datetime.datetime


def explain_ship_by(
    purchase: datetime.datetime, handling_days: int, cal: OperatingCalendar, timezone: str
) -> ShipByExplanation:
    """Walk the calendar day by day from an aware purchase time; agrees with `ship_by_dates`.

    `skipped` holds every non-operating day passed over with its reason; for N = 0 it also holds the purchase
    date when it is an operating day but the order came at or after the cut-off.
    """
    if purchase.tzinfo is None or purchase.utcoffset() is None:
        raise ValueError("purchase must be a timezone-aware datetime")
    if handling_days < 0:
        raise ValueError("handling_days must be >= 0")
    zone = ZoneInfo(timezone)
    local = purchase.astimezone(zone)
    day = local.date()
    counted: list[datetime.date] = []
    skipped: list[SkippedDay] = []

    needed = handling_days
    if handling_days == 0:
        reason = cal.closed_reason(day)
        if reason is None and local.time() < cal.cutoff:
            counted.append(day)
        else:
            if reason is None:
                reason = f"ordered at {_clock(local.time())}, at or after the {_clock(cal.cutoff)} cut-off"
            skipped.append(SkippedDay(day, reason))
            needed = 1
    current = day
    while len(counted) < needed:
        current += datetime.timedelta(days=1)
        reason = cal.closed_reason(current)
        if reason is None:
            counted.append(current)
        else:
            skipped.append(SkippedDay(current, reason))

    ship_by = counted[-1]
    return ShipByExplanation(
        purchase_local=local,
        handling_days=handling_days,
        counted_days=tuple(counted),
        skipped=tuple(skipped),
        ship_by=ship_by,
        deadline_local=datetime.datetime.combine(ship_by, datetime.time.max, tzinfo=zone),
    )
