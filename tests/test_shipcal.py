"""The business-day calendar (SPEC 3, 4.6).

Every expected date below was checked against a real calendar and the holidays library's own list
(`holidays.country_holidays(COUNTRY, years=...)`, no subdivision).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import pandas as pd
import pytest

from healthcheck import shipcal
from healthcheck.errors import ConfigError
from healthcheck.ship_by_explain import SkippedDay, explain_ship_by
from healthcheck.shipcal import (
    WEEKDAYS,
    OperatingCalendar,
    add_operating_days,
    operating_days_between,
    ship_by_dates,
)

ZONES = {"US": "America/Los_Angeles", "DE": "Europe/Berlin", "GB": "Europe/London", "JP": "Asia/Tokyo"}
MON_SAT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
ALL_WEEK = WEEKDAYS


def d(text: str) -> dt.date:
    """Short ISO date literal."""
    return dt.date.fromisoformat(text)


def local_series(instants: list[str | None], zone: str) -> pd.Series:
    """Aware ISO instants -> naive local wall-clock times, the way the loaders hand them over."""
    aware = pd.to_datetime(pd.Series(instants, dtype="object"), utc=True, format="ISO8601")
    return aware.dt.tz_convert(zone).dt.tz_localize(None)


@dataclass(frozen=True)
class Case:
    """One order: an aware purchase instant (any offset), handling days, and the expected ship-by date."""

    id: str
    country: str
    purchase: str
    handling: int
    expected: str
    operating_days: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri")
    closed: tuple[str, ...] = ()
    cutoff: dt.time = dt.time(14, 0)

    @property
    def calendar(self) -> OperatingCalendar:
        return OperatingCalendar(
            self.country,
            operating_days=self.operating_days,
            closed_dates=tuple(d(c) for c in self.closed),
            cutoff=self.cutoff,
        )

    @property
    def zone(self) -> str:
        return ZONES[self.country]


CASES = [
    # --- SPEC 3 examples ------------------------------------------------------------------------------
    Case("saturday-n2-tuesday", "US", "2024-06-08T10:00:00-07:00", 2, "2024-06-11"),
    Case("sunday-n1-monday", "US", "2024-06-09T10:00:00-07:00", 1, "2024-06-10"),
    Case("monday-2300-n2-wednesday", "US", "2024-06-10T23:00:00-07:00", 2, "2024-06-12"),
    Case("plain-tuesday-n3", "US", "2024-06-11T08:00:00-07:00", 3, "2024-06-14"),
    # --- US national holidays -------------------------------------------------------------------------
    Case("friday-before-labor-day-n1", "US", "2024-08-30T10:00:00-07:00", 1, "2024-09-03"),
    Case("friday-before-labor-day-n2", "US", "2024-08-30T10:00:00-07:00", 2, "2024-09-04"),
    Case("friday-before-memorial-day-n1", "US", "2024-05-24T10:00:00-07:00", 1, "2024-05-28"),
    Case("thanksgiving-eve-n1", "US", "2024-11-27T10:00:00-08:00", 1, "2024-11-29"),
    Case("thanksgiving-eve-n2", "US", "2024-11-27T10:00:00-08:00", 2, "2024-12-02"),
    Case("christmas-eve-n1", "US", "2024-12-24T10:00:00-08:00", 1, "2024-12-26"),
    Case("christmas-eve-n2", "US", "2024-12-24T10:00:00-08:00", 2, "2024-12-27"),
    Case("new-years-eve-n1", "US", "2024-12-31T10:00:00-08:00", 1, "2025-01-02"),
    Case("christmas-week-n3-crosses-year", "US", "2024-12-27T10:00:00-08:00", 3, "2025-01-02"),
    # Only the input year is 2025: the 2026 New Year's Day must still be loaded.
    Case("needs-next-years-holidays", "US", "2025-12-26T10:00:00-08:00", 4, "2026-01-02"),
    # New Year's Day 2028 is a Saturday: the library lists Fri 2027-12-31 as "New Year's Day (observed)".
    Case("new-year-observed-previous-year", "US", "2027-12-30T10:00:00-08:00", 1, "2028-01-03"),
    Case("independence-day-2024", "US", "2024-07-03T10:00:00-07:00", 1, "2024-07-05"),
    # July 4 2026 is a Saturday: observed Fri Jul 3.  July 4 2027 is a Sunday: observed Mon Jul 5.
    Case("independence-day-observed-friday-2026", "US", "2026-07-02T10:00:00-07:00", 1, "2026-07-06"),
    Case("independence-day-observed-monday-2027", "US", "2027-07-02T10:00:00-07:00", 1, "2027-07-06"),
    Case("independence-day-observed-monday-2027-n2", "US", "2027-07-02T10:00:00-07:00", 2, "2027-07-07"),
    # --- same-day handling (N = 0) --------------------------------------------------------------------
    Case("same-day-1359-ships-today", "US", "2024-06-12T13:59:00-07:00", 0, "2024-06-12"),
    Case("same-day-1359-59-ships-today", "US", "2024-06-12T13:59:59.999999-07:00", 0, "2024-06-12"),
    Case("same-day-1400-ships-tomorrow", "US", "2024-06-12T14:00:00-07:00", 0, "2024-06-13"),
    Case("same-day-midnight-ships-today", "US", "2024-06-12T00:00:00-07:00", 0, "2024-06-12"),
    Case("same-day-friday-1400-monday", "US", "2024-06-14T14:00:00-07:00", 0, "2024-06-17"),
    Case("same-day-saturday-morning-monday", "US", "2024-06-15T09:00:00-07:00", 0, "2024-06-17"),
    Case("same-day-holiday-morning", "US", "2024-07-04T09:00:00-07:00", 0, "2024-07-05"),
    Case(
        "same-day-custom-cutoff-before",
        "US",
        "2024-06-12T11:59:00-07:00",
        0,
        "2024-06-12",
        cutoff=dt.time(12),
    ),
    Case("same-day-custom-cutoff-at", "US", "2024-06-12T12:00:00-07:00", 0, "2024-06-13", cutoff=dt.time(12)),
    # --- UTC instants are read in the marketplace zone ------------------------------------------------
    # 05:10 UTC on Nov 27 is 21:10 PST on Tue Nov 26 (in UTC it would ship by Fri Nov 29).
    Case("utc-previous-local-day-n1", "US", "2024-11-27T05:10:00+00:00", 1, "2024-11-27"),
    Case("utc-previous-local-day-n2", "US", "2024-11-27T05:10:00+00:00", 2, "2024-11-29"),
    Case("utc-previous-local-day-n0-after-cutoff", "US", "2024-11-27T05:10:00+00:00", 0, "2024-11-27"),
    # 07:59 UTC on Sun Mar 10 is still Sat Mar 9 23:59 PST.
    Case("utc-sunday-is-local-saturday", "US", "2024-03-10T07:59:00+00:00", 2, "2024-03-12"),
    # --- DST switch days (both Sundays), order at 01:30 local -----------------------------------------
    Case("dst-spring-forward-0130-pst", "US", "2024-03-10T09:30:00+00:00", 2, "2024-03-12"),
    Case("dst-fall-back-0130-first-pdt", "US", "2024-11-03T08:30:00+00:00", 2, "2024-11-05"),
    Case("dst-fall-back-0130-second-pst", "US", "2024-11-03T09:30:00+00:00", 2, "2024-11-05"),
    Case("dst-fall-back-same-day", "US", "2024-11-03T09:30:00+00:00", 0, "2024-11-04"),
    # Mon Nov 11 2024 is Veterans Day, a federal holiday the library lists.
    Case("veterans-day", "US", "2024-11-08T10:00:00-08:00", 1, "2024-11-12"),
    # --- weekend operating days -----------------------------------------------------------------------
    Case("saturday-enabled-friday-n1", "US", "2024-06-14T10:00:00-07:00", 1, "2024-06-15", MON_SAT),
    Case("saturday-enabled-saturday-n2", "US", "2024-06-15T10:00:00-07:00", 2, "2024-06-18", MON_SAT),
    Case("saturday-enabled-same-day-saturday", "US", "2024-06-15T09:00:00-07:00", 0, "2024-06-15", MON_SAT),
    Case("saturday-enabled-sunday-same-day", "US", "2024-06-16T09:00:00-07:00", 0, "2024-06-17", MON_SAT),
    Case("all-week-friday-n2-sunday", "US", "2024-06-14T10:00:00-07:00", 2, "2024-06-16", ALL_WEEK),
    Case("all-week-thanksgiving-still-closed", "US", "2024-11-27T10:00:00-08:00", 1, "2024-11-29", ALL_WEEK),
    # --- closed dates ---------------------------------------------------------------------------------
    Case(
        "closed-dates-around-christmas",
        "US",
        "2024-12-23T10:00:00-08:00",
        1,
        "2024-12-27",
        closed=("2024-12-24", "2024-12-26"),
    ),
    Case(
        "same-day-on-closed-date",
        "US",
        "2024-12-24T09:00:00-08:00",
        0,
        "2024-12-27",
        closed=("2024-12-24", "2024-12-26"),
    ),
    Case(
        "closed-saturday-is-harmless",
        "US",
        "2024-06-14T10:00:00-07:00",
        1,
        "2024-06-17",
        closed=("2024-06-15",),
    ),
    # --- Germany: national holidays only --------------------------------------------------------------
    Case("de-good-friday-and-easter-monday", "DE", "2024-03-28T10:00:00+01:00", 1, "2024-04-02"),
    Case("de-whit-monday", "DE", "2025-06-06T10:00:00+02:00", 1, "2025-06-10"),
    Case("de-ascension-day", "DE", "2025-05-28T10:00:00+02:00", 1, "2025-05-30"),
    Case("de-german-unity-day", "DE", "2025-10-02T10:00:00+02:00", 1, "2025-10-06"),
    # Epiphany (BW, BY, ST), Corpus Christi (BW, BY, HE, NW, RP, SL) and Reformation Day are Land-only.
    Case("de-epiphany-is-operating", "DE", "2025-01-03T10:00:00+01:00", 1, "2025-01-06"),
    Case("de-corpus-christi-is-operating", "DE", "2025-06-18T10:00:00+02:00", 1, "2025-06-19"),
    Case("de-reformation-day-is-operating", "DE", "2025-10-30T10:00:00+01:00", 1, "2025-10-31"),
    Case("de-boxing-day-into-new-year", "DE", "2025-12-23T10:00:00+01:00", 3, "2025-12-30"),
    # --- United Kingdom -------------------------------------------------------------------------------
    # The library lists Easter Monday only for England, Wales and Northern Ireland (not Scotland), so with no
    # subdivision it is NOT a GB national holiday: SPEC 3 makes it an operating day.
    Case("gb-good-friday-easter-monday-operating", "GB", "2024-03-28T10:00:00+00:00", 1, "2024-04-01"),
    Case("gb-whit-monday-is-operating", "GB", "2024-05-17T10:00:00+01:00", 1, "2024-05-20"),
    Case("gb-spring-bank-holiday", "GB", "2024-05-24T10:00:00+01:00", 1, "2024-05-28"),
    Case("gb-christmas-and-boxing-day", "GB", "2024-12-24T10:00:00+00:00", 1, "2024-12-27"),
    # --- Japan: Golden Week 2025 (Sat May 3 .. Tue May 6 substitute holiday) --------------------------
    Case("jp-golden-week", "JP", "2025-05-02T10:00:00+09:00", 1, "2025-05-07"),
    Case("jp-golden-week-n2", "JP", "2025-05-02T10:00:00+09:00", 2, "2025-05-08"),
    Case("jp-golden-week-saturday-enabled", "JP", "2025-05-02T10:00:00+09:00", 1, "2025-05-07", MON_SAT),
    Case("jp-showa-day", "JP", "2025-04-28T10:00:00+09:00", 1, "2025-04-30"),
    # 23:30 UTC on May 1 is already 08:30 on Fri May 2 in Tokyo: same-day ships that Friday.
    Case("jp-utc-next-local-day-same-day", "JP", "2025-05-01T23:30:00+00:00", 0, "2025-05-02"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_ship_by_dates_and_explanation_agree(case: Case) -> None:
    purchase = local_series([case.purchase], case.zone)
    result = ship_by_dates(purchase, pd.Series([case.handling]), case.calendar)
    assert result.dtype == np.dtype("datetime64[ns]")
    assert result.iloc[0] == pd.Timestamp(case.expected)

    explained = explain_ship_by(dt.datetime.fromisoformat(case.purchase), case.handling, case.calendar, case.zone)
    assert explained.ship_by == d(case.expected)
    assert explained.handling_days == case.handling
    assert explained.purchase_local.tzinfo is not None
    assert explained.purchase_local.replace(tzinfo=None) == purchase.iloc[0].to_pydatetime()
    assert explained.deadline_local == dt.datetime.combine(d(case.expected), dt.time.max).replace(
        tzinfo=explained.purchase_local.tzinfo
    )
    assert explained.counted_days[-1] == explained.ship_by
    assert len(explained.counted_days) == max(case.handling, 1)
    assert all(case.calendar.is_operating_day(day) for day in explained.counted_days)
    for skipped in explained.skipped:
        expected_reason = case.calendar.closed_reason(skipped.day)
        if expected_reason is None:  # only the purchase date itself, for a same-day order after the cut-off
            assert case.handling == 0
            assert skipped.day == explained.purchase_local.date()
            assert "cut-off" in skipped.reason
        else:
            assert skipped.reason == expected_reason


@pytest.mark.parametrize("country", sorted({c.country for c in CASES}))
def test_ship_by_dates_is_one_vectorised_call(country: str) -> None:
    """A country's cases in one series per calendar, on a reversed string index."""
    groups: dict[tuple[tuple[str, ...], tuple[str, ...], dt.time], list[Case]] = {}
    for case in CASES:
        if case.country == country:
            groups.setdefault((case.operating_days, case.closed, case.cutoff), []).append(case)
    for cases in groups.values():
        index = [f"order-{i}" for i in reversed(range(len(cases)))]
        purchase = local_series([c.purchase for c in cases], ZONES[country])
        purchase.index = index
        handling = pd.Series([c.handling for c in cases], index=index)
        result = ship_by_dates(purchase, handling, cases[0].calendar)
        assert list(result.index) == index
        assert list(result) == [pd.Timestamp(c.expected) for c in cases]


# ----------------------------------------------------------------------------------------------------
# explain_ship_by: what was skipped and why
# ----------------------------------------------------------------------------------------------------

US = OperatingCalendar("US")
JP_NAMES = holidays.country_holidays("JP", years=2025, language="en_US")


@pytest.mark.parametrize(
    ("cal", "purchase", "handling", "zone", "counted", "skipped"),
    [
        pytest.param(
            US,
            "2024-11-27T10:00:00-08:00",
            2,
            "America/Los_Angeles",
            ("2024-11-29", "2024-12-02"),
            [
                ("2024-11-28", "holiday: Thanksgiving Day"),
                ("2024-11-30", "weekend (Saturday)"),
                ("2024-12-01", "weekend (Sunday)"),
            ],
            id="thanksgiving",
        ),
        pytest.param(
            US,
            "2026-07-02T10:00:00-07:00",
            1,
            "America/Los_Angeles",
            ("2026-07-06",),
            [
                ("2026-07-03", "holiday: Independence Day (observed)"),
                ("2026-07-04", "weekend (Saturday); holiday: Independence Day"),
                ("2026-07-05", "weekend (Sunday)"),
            ],
            id="independence-day-observed",
        ),
        pytest.param(
            US,
            "2024-06-08T10:00:00-07:00",
            2,
            "America/Los_Angeles",
            ("2024-06-10", "2024-06-11"),
            [("2024-06-09", "weekend (Sunday)")],
            id="saturday-purchase-day-is-not-skipped-for-n-ge-1",
        ),
        pytest.param(
            US,
            "2024-06-14T14:00:00-07:00",
            0,
            "America/Los_Angeles",
            ("2024-06-17",),
            [
                ("2024-06-14", "ordered at 14:00, at or after the 14:00 cut-off"),
                ("2024-06-15", "weekend (Saturday)"),
                ("2024-06-16", "weekend (Sunday)"),
            ],
            id="same-day-after-cutoff",
        ),
        pytest.param(
            US,
            "2024-06-15T09:00:00-07:00",
            0,
            "America/Los_Angeles",
            ("2024-06-17",),
            [("2024-06-15", "weekend (Saturday)"), ("2024-06-16", "weekend (Sunday)")],
            id="same-day-saturday",
        ),
        pytest.param(
            US,
            "2024-06-12T13:59:00-07:00",
            0,
            "America/Los_Angeles",
            ("2024-06-12",),
            [],
            id="same-day-in-time",
        ),
        pytest.param(
            OperatingCalendar("US", closed_dates=(d("2024-12-24"),)),
            "2024-12-23T10:00:00-08:00",
            1,
            "America/Los_Angeles",
            ("2024-12-26",),
            [("2024-12-24", "closed date"), ("2024-12-25", "holiday: Christmas Day")],
            id="closed-date",
        ),
        pytest.param(
            OperatingCalendar("US", operating_days=("Mon", "Tue", "Thu", "Fri")),
            "2024-06-11T10:00:00-07:00",
            1,
            "America/Los_Angeles",
            ("2024-06-13",),
            [("2024-06-12", "not an operating day (Wednesday)")],
            id="weekday-off",
        ),
        pytest.param(
            OperatingCalendar("JP"),
            "2025-05-02T10:00:00+09:00",
            1,
            "Asia/Tokyo",
            ("2025-05-07",),
            [
                ("2025-05-03", f"weekend (Saturday); holiday: {JP_NAMES[d('2025-05-03')]}"),
                ("2025-05-04", f"weekend (Sunday); holiday: {JP_NAMES[d('2025-05-04')]}"),
                ("2025-05-05", f"holiday: {JP_NAMES[d('2025-05-05')]}"),
                ("2025-05-06", f"holiday: {JP_NAMES[d('2025-05-06')]}"),
            ],
            id="golden-week",
        ),
    ],
)
def test_explain_lists_skipped_days_with_reasons(
    cal: OperatingCalendar,
    purchase: str,
    handling: int,
    zone: str,
    counted: tuple[str, ...],
    skipped: list[tuple[str, str]],
) -> None:
    explained = explain_ship_by(dt.datetime.fromisoformat(purchase), handling, cal, zone)
    assert explained.counted_days == tuple(d(c) for c in counted)
    assert explained.skipped == tuple(SkippedDay(d(day), reason) for day, reason in skipped)


def test_explain_keeps_the_local_wall_clock_across_dst() -> None:
    first = explain_ship_by(dt.datetime.fromisoformat("2024-11-03T08:30:00+00:00"), 2, US, "America/Los_Angeles")
    second = explain_ship_by(dt.datetime.fromisoformat("2024-11-03T09:30:00+00:00"), 2, US, "America/Los_Angeles")
    assert (first.purchase_local.hour, first.purchase_local.minute) == (1, 30)
    assert (second.purchase_local.hour, second.purchase_local.minute) == (1, 30)
    assert first.purchase_local.utcoffset() == dt.timedelta(hours=-7)
    assert second.purchase_local.utcoffset() == dt.timedelta(hours=-8)
    assert first.skipped == second.skipped == ()
    # The deadline is the end of the local day, in that day's offset (PST on Tue Nov 5).
    assert first.deadline_local.utcoffset() == dt.timedelta(hours=-8)


@pytest.mark.parametrize(
    ("purchase", "handling", "error"),
    [
        pytest.param(dt.datetime(2024, 6, 12, 10), 1, ValueError, id="naive"),
        pytest.param(dt.datetime(2024, 6, 12, 10, tzinfo=dt.UTC), -1, ValueError, id="negative"),
    ],
)
def test_explain_rejects_bad_input(purchase: dt.datetime, handling: int, error: type[Exception]) -> None:
    with pytest.raises(error):
        explain_ship_by(purchase, handling, US, "America/Los_Angeles")


# ----------------------------------------------------------------------------------------------------
# Calendar
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cal", "day", "reason"),
    [
        pytest.param(US, "2024-11-28", "holiday: Thanksgiving Day", id="us-thanksgiving"),
        pytest.param(US, "2024-11-29", None, id="us-black-friday-operating"),
        pytest.param(US, "2024-06-15", "weekend (Saturday)", id="us-saturday"),
        pytest.param(US, "2026-07-03", "holiday: Independence Day (observed)", id="us-observed-2026"),
        pytest.param(US, "2027-07-05", "holiday: Independence Day (observed)", id="us-observed-2027"),
        pytest.param(US, "2027-12-31", "holiday: New Year's Day (observed)", id="us-observed-next-year"),
        pytest.param(US, "2024-11-05", None, id="us-election-day-operating"),
        pytest.param(OperatingCalendar("US", operating_days=MON_SAT), "2024-06-15", None, id="us-saturday-on"),
        pytest.param(
            OperatingCalendar("US", closed_dates=(d("2024-12-25"),)),
            "2024-12-25",
            "holiday: Christmas Day; closed date",
            id="us-closed-holiday",
        ),
        pytest.param(OperatingCalendar("DE"), "2025-06-09", "holiday: Pentecost Monday", id="de-whit-monday"),
        pytest.param(OperatingCalendar("DE"), "2025-01-06", None, id="de-epiphany-land-only"),
        pytest.param(OperatingCalendar("DE"), "2025-06-19", None, id="de-corpus-christi-land-only"),
        pytest.param(OperatingCalendar("GB"), "2024-03-29", "holiday: Good Friday", id="gb-good-friday"),
        pytest.param(OperatingCalendar("GB"), "2024-04-01", None, id="gb-easter-monday-not-national"),
        pytest.param(OperatingCalendar("GB"), "2024-05-20", None, id="gb-whit-monday"),
        pytest.param(OperatingCalendar("GB"), "2024-08-26", None, id="gb-late-summer-not-national"),
    ],
)
def test_closed_reason(cal: OperatingCalendar, day: str, reason: str | None) -> None:
    assert cal.closed_reason(d(day)) == reason
    assert cal.is_operating_day(d(day)) is (reason is None)


@pytest.mark.parametrize("country", ["US", "DE", "GB", "JP"])
def test_holiday_days_are_exactly_the_librarys(country: str) -> None:
    years = [2024, 2025, 2026, 2027]
    ours = OperatingCalendar(country).holiday_names(years)
    theirs = holidays.country_holidays(country, years=years)
    assert set(ours) == set(theirs)


def test_holiday_names_are_english_whatever_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """The library follows LANG/LANGUAGE when no language is given; the report must not turn German."""
    monkeypatch.setenv("LANGUAGE", "de_DE")
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    shipcal.forget_holidays()
    try:
        names = OperatingCalendar("DE").holiday_names([2025])
        assert names[d("2025-06-09")] == holidays.country_holidays("DE", years=2025, language="en_US")[d("2025-06-09")]
        assert names[d("2025-12-25")] == "Christmas Day"
    finally:
        shipcal.forget_holidays()


def test_busdaycalendar_has_weekmask_holidays_and_closed_dates() -> None:
    cal = OperatingCalendar("US", operating_days=MON_SAT, closed_dates=(d("2024-12-24"), d("2030-01-02")))
    numpy_cal = cal.busdaycalendar(2024, 2024)
    assert list(numpy_cal.weekmask) == [True] * 6 + [False]
    days = set(numpy_cal.holidays.astype("datetime64[D]").astype(object))
    assert {d("2024-11-28"), d("2024-12-25"), d("2024-12-24")} <= days
    assert d("2030-01-02") not in days  # outside the requested years
    assert cal.busdaycalendar(2024, 2024) is numpy_cal  # cached


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({"country": "us"}, OperatingCalendar("US"), id="country-case"),
        pytest.param(
            {"country": "US", "operating_days": ("fri", "Monday", "TUE", "wed", "Thu", "Mon")},
            OperatingCalendar("US"),
            id="weekday-spelling-and-order",
        ),
        pytest.param(
            {
                "country": "US",
                "closed_dates": (d("2024-12-26"), dt.datetime(2024, 12, 24, 9), d("2024-12-26")),
            },
            OperatingCalendar("US", closed_dates=(d("2024-12-24"), d("2024-12-26"))),
            id="closed-dates-sorted-unique",
        ),
    ],
)
def test_calendar_normalises_fields(kwargs: dict[str, object], expected: OperatingCalendar) -> None:
    cal = OperatingCalendar(**kwargs)  # type: ignore[arg-type]
    assert cal == expected
    assert hash(cal) == hash(expected)


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"country": "XX"}, id="unknown-country"),
        pytest.param({"country": "US", "operating_days": ()}, id="no-operating-days"),
        pytest.param({"country": "US", "operating_days": ("Mon", "Funday")}, id="unknown-weekday"),
        pytest.param({"country": "US", "cutoff": "14:00"}, id="cutoff-not-a-time"),
    ],
)
def test_calendar_rejects_bad_config(kwargs: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        OperatingCalendar(**kwargs)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------------------
# ship_by_dates: missing values, units and misuse
# ----------------------------------------------------------------------------------------------------


def test_ship_by_dates_nat_and_missing_handling() -> None:
    purchase = pd.Series(
        pd.to_datetime(["2024-06-08 10:00", None, "2024-06-12 13:59", "2024-06-12 10:00"]), index=list("abcd")
    )
    handling = pd.Series([2, 1, 0, pd.NA], index=list("abcd"), dtype="Int64")
    result = ship_by_dates(purchase, handling, US)
    assert result.dtype == np.dtype("datetime64[ns]")
    assert list(result.index) == list("abcd")
    assert result["a"] == pd.Timestamp("2024-06-11")
    assert pd.isna(result["b"])
    assert result["c"] == pd.Timestamp("2024-06-12")
    assert pd.isna(result["d"])


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_ship_by_dates_accepts_any_unit(unit: str) -> None:
    purchase = pd.Series(pd.to_datetime(["2024-06-12 13:59:00", "2024-06-12 14:00:00"]).as_unit(unit))
    result = ship_by_dates(purchase, pd.Series([0, 0]), US)
    assert result.dtype == np.dtype("datetime64[ns]")
    assert list(result) == [pd.Timestamp("2024-06-12"), pd.Timestamp("2024-06-13")]


@pytest.mark.parametrize(
    ("purchase", "handling"),
    [
        pytest.param(pd.Series([], dtype="datetime64[ns]"), pd.Series([], dtype="int64"), id="empty"),
        pytest.param(pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns]"), pd.Series([1, 0]), id="all-nat"),
        pytest.param(pd.Series([None, None], dtype="object"), pd.Series([1, 2]), id="all-none-object"),
    ],
)
def test_ship_by_dates_degenerate_inputs(purchase: pd.Series, handling: pd.Series) -> None:
    result = ship_by_dates(purchase, handling, US)
    assert result.dtype == np.dtype("datetime64[ns]")
    assert len(result) == len(purchase)
    assert result.isna().all()


@pytest.mark.parametrize(
    ("purchase", "handling", "error"),
    [
        pytest.param(
            pd.Series(pd.to_datetime(["2024-06-12 10:00"]).tz_localize("UTC")),
            pd.Series([1]),
            TypeError,
            id="zone-aware",
        ),
        pytest.param(
            pd.Series(pd.to_datetime(["2024-06-12 10:00"]), index=[5]), pd.Series([1]), ValueError, id="index"
        ),
        pytest.param(pd.Series(pd.to_datetime(["2024-06-12 10:00"])), pd.Series([-1]), ValueError, id="negative"),
        pytest.param(pd.Series(pd.to_datetime(["2024-06-12 10:00"])), pd.Series([1.5]), ValueError, id="fraction"),
    ],
)
def test_ship_by_dates_rejects_misuse(purchase: pd.Series, handling: pd.Series, error: type[Exception]) -> None:
    with pytest.raises(error):
        ship_by_dates(purchase, handling, US)


def test_ship_by_dates_handles_long_handling_times_past_the_loaded_years() -> None:
    """300 business days from mid-2024 lands in 2025; the 2025 holidays must have been loaded for it."""
    purchase = pd.Series(pd.to_datetime(["2024-06-12 10:00"]))
    result = ship_by_dates(purchase, pd.Series([300]), US).iloc[0].date()
    explained = explain_ship_by(dt.datetime(2024, 6, 12, 10, tzinfo=dt.UTC), 300, US, "UTC")
    assert result == explained.ship_by


# ----------------------------------------------------------------------------------------------------
# add_operating_days and operating_days_between
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cal", "start", "n", "expected"),
    [
        pytest.param(US, "2024-11-26", 7, "2024-12-06", id="expiry-over-thanksgiving"),
        pytest.param(US, "2024-12-20", 7, "2025-01-02", id="expiry-over-christmas-and-new-year"),
        pytest.param(US, "2024-06-08", 1, "2024-06-10", id="from-saturday"),
        pytest.param(US, "2024-06-14", 1, "2024-06-17", id="friday-to-monday"),
        pytest.param(US, "2024-06-12 23:59:59.999999", 1, "2024-06-13", id="time-of-day-ignored"),
        pytest.param(US, "2024-06-12", 0, "2024-06-12", id="zero"),
        pytest.param(OperatingCalendar("US", operating_days=MON_SAT), "2024-06-14", 1, "2024-06-15", id="saturday"),
        pytest.param(OperatingCalendar("JP"), "2025-05-01", 2, "2025-05-07", id="golden-week"),
        pytest.param(US, None, 7, None, id="nat"),
    ],
)
def test_add_operating_days(cal: OperatingCalendar, start: str | None, n: int, expected: str | None) -> None:
    result = add_operating_days(pd.Series(pd.to_datetime([start]), index=["x"]), n, cal)
    assert result.dtype == np.dtype("datetime64[ns]")
    assert list(result.index) == ["x"]
    if expected is None:
        assert pd.isna(result["x"])
    else:
        assert result["x"] == pd.Timestamp(expected)


def test_add_operating_days_rejects_negative() -> None:
    with pytest.raises(ValueError):
        add_operating_days(pd.Series(pd.to_datetime(["2024-06-12"])), -1, US)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param("2024-06-12", "2024-06-12", 0.0, id="same-day"),
        pytest.param("2024-06-12", "2024-06-13", 1.0, id="next-day"),
        pytest.param("2024-06-14", "2024-06-16", 0.0, id="weekend-only"),
        pytest.param("2024-06-14", "2024-06-17", 1.0, id="over-weekend"),
        pytest.param("2024-11-27", "2024-11-29", 1.0, id="over-thanksgiving"),
        pytest.param("2024-12-31", "2025-01-02", 1.0, id="over-new-year"),
        pytest.param("2024-06-12 00:00", "2024-06-13 23:59:59", 1.0, id="times-ignored"),
        pytest.param("2024-06-17", "2024-06-14", -1.0, id="early-is-negative"),
        pytest.param("2024-06-17", "2024-06-15", -1.0, id="early-from-weekend"),
        pytest.param(None, "2024-06-14", None, id="nat-start"),
        pytest.param("2024-06-14", None, None, id="nat-end"),
    ],
)
def test_operating_days_between(start: str | None, end: str | None, expected: float | None) -> None:
    result = operating_days_between(
        pd.Series(pd.to_datetime([start]), index=["x"]), pd.Series(pd.to_datetime([end]), index=["x"]), US
    )
    assert result.dtype == np.dtype("float64")
    assert list(result.index) == ["x"]
    if expected is None:
        assert np.isnan(result["x"])
    else:
        assert result["x"] == expected


@pytest.mark.parametrize("n", [1, 2, 7])
@pytest.mark.parametrize("country", ["US", "DE", "GB", "JP"])
def test_between_inverts_add_over_two_years(country: str, n: int) -> None:
    """Every date of 2024-2025 (weekends and holidays included): n operating days later is n days between."""
    cal = OperatingCalendar(country)
    starts = pd.Series(pd.date_range("2024-01-01", "2025-12-31", freq="D"))
    later = add_operating_days(starts, n, cal)
    assert (operating_days_between(starts, later, cal) == n).all()
    # and the day before `later` is still short of n (it is the FIRST day that reaches n)
    assert (operating_days_between(starts, later - pd.Timedelta(days=1), cal) == n - 1).all()


@pytest.mark.parametrize("country", ["US", "DE", "GB", "JP"])
def test_vector_agrees_with_scalar_over_a_year(country: str) -> None:
    """Orders at 13:30 and 14:30 on every day of 2025 with N = 0..3: the two code paths must agree."""
    cal = OperatingCalendar(country)
    zone = ZONES[country]
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    moments = [day + pd.Timedelta(hours=h, minutes=30) for day in days for h in (13, 14)]
    purchase = pd.Series(moments * 4)
    handling = pd.Series([n for n in range(4) for _ in moments])
    vector = ship_by_dates(purchase, handling, cal)
    tz = ZoneInfo(zone)
    for i in range(0, len(purchase), 7):  # a spread sample keeps the test fast
        moment = purchase.iloc[i].to_pydatetime().replace(tzinfo=tz)
        assert explain_ship_by(moment, int(handling.iloc[i]), cal, zone).ship_by == vector.iloc[i].date()


def test_vector_agrees_with_scalar_for_orders_a_century_apart() -> None:
    """A few orders whose days and handling times span far more pairs than there are orders: worked out row by
    row, not through a table of every (day, handling time) pair in that range, and still the scalar's answer."""
    cal = OperatingCalendar("US")
    zone = ZONES["US"]
    moments = [pd.Timestamp(f"{year}-{month:02d}-15 13:30") for year in (1996, 2040, 2098) for month in (1, 7)]
    purchase = pd.Series(moments * 2)
    handling = pd.Series([0] * len(moments) + [30] * len(moments))
    vector = ship_by_dates(purchase, handling, cal)
    tz = ZoneInfo(zone)
    for i in range(len(purchase)):
        moment = purchase.iloc[i].to_pydatetime().replace(tzinfo=tz)
        assert explain_ship_by(moment, int(handling.iloc[i]), cal, zone).ship_by == vector.iloc[i].date()


def test_known_countries_are_the_librarys_list() -> None:
    """The start-up check reads the library's registry; it must accept exactly what the library supports."""
    import holidays

    from healthcheck.shipcal import known_countries

    assert known_countries() == frozenset(holidays.list_supported_countries())


_LIBRARY_DAYS = """
import json, sys
import holidays
countries, language = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({c: {d.isoformat(): n for d, n in holidays.country_holidays(
    c, years=[2025, 2026, 2027], language=language[c]).items()} for c in countries}))
"""
_OWN_DAYS = """
import json, sys
from healthcheck.shipcal import country_class, country_holidays, name_language
countries = json.loads(sys.argv[1])
assert all(country_class(c) is not None for c in countries)
language = {c: name_language(c) for c in countries}
days = {c: {d.isoformat(): n for d, n in country_holidays(
    c, years=[2025, 2026, 2027], language=language[c]).items()} for c in countries}
print(json.dumps([days, language, "holidays.countries" in sys.modules]))
"""


def test_each_marketplace_country_loads_alone_with_the_librarys_days() -> None:
    """Each country module loaded on its own (no other holiday module imported) lists exactly what the library's
    own loader lists; both run in fresh interpreters, so neither sees the other's modules."""
    import json
    import subprocess
    import sys

    from healthcheck.marketplaces import MARKETPLACES

    countries = json.dumps(sorted({m.holiday_country for m in MARKETPLACES.values()}))
    own = subprocess.run([sys.executable, "-c", _OWN_DAYS, countries], capture_output=True, text=True, check=True)
    days, language, whole_package = json.loads(own.stdout)
    assert not whole_package
    library = subprocess.run(
        [sys.executable, "-c", _LIBRARY_DAYS, countries, json.dumps(language)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert days == json.loads(library.stdout)


def test_start_up_does_not_import_every_holiday_country() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from healthcheck.shipcal import OperatingCalendar; "
        "OperatingCalendar('US').holiday_names([2026]); print('holidays.countries' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
