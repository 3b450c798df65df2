"""Window edges (SPEC 2, 4): N local dates ending on E, both ends in, the day before out, local not UTC days.

Each test puts one order on every edge and reads which ones the metric counted. as_of is 2024-05-15 and the
marketplace US (America/Los_Angeles, UTC-7 in May, UTC-8 before 2024-03-10).
"""

from __future__ import annotations

from pathlib import Path

from metric_builders import (
    ao,
    audit,
    claim,
    counts,
    end_of_day,
    la,
    oid,
    orep,
    sc,
    utc,
    write_all_orders,
    write_claims,
    write_order_report,
    write_ship_confirmations,
)

from healthcheck.config import Config, MetricOverride
from healthcheck.outcome import FailOn
from healthcheck.report import Format, render

AS_OF = "2024-05-15"


def test_cancellation_rate_window_is_seven_days_by_local_purchase_date(tmp_path: Path) -> None:
    cases = {
        1: (la("2024-05-09", "00:00:00"), True),  # first day
        2: (la("2024-05-15", "23:59:59"), True),  # last day (as_of)
        3: (la("2024-05-08", "23:59:59"), False),  # the day before
        4: (utc("2024-05-09", "06:30:00"), False),  # UTC 05-09 is local 05-08 23:30
        5: (utc("2024-05-16", "06:30:00"), True),  # UTC 05-16 is local 05-15 23:30
        6: (la("2024-05-16", "00:00:00"), False),  # after as_of
    }
    write_all_orders(
        tmp_path,
        [ao(oid(n), ts, status="Cancelled", quantity=0) for n, (ts, _) in cases.items()]
        + [ao(oid(10), la("2024-05-12"))],
    )
    m = audit(tmp_path, AS_OF).metric("cancellation_rate")
    inside = [oid(n) for n, (_, yes) in cases.items() if yes]
    assert m["order_ids"] == sorted(inside)
    assert counts(m) == (3, 4)
    assert m["window"] == {"start": "2024-05-09", "end": "2024-05-15", "days": 7, "basis": "purchase_date"}


def test_late_shipment_windows_are_10_and_30_days_by_local_esd_date(tmp_path: Path) -> None:
    cases = {
        1: (end_of_day("2024-05-15"), True, True),  # last day (confirmed, so counted)
        2: (end_of_day("2024-05-06"), True, True),  # first day of the 10-day window
        3: (end_of_day("2024-05-05"), False, True),  # the day before
        4: (utc("2024-05-06", "06:59:59"), False, True),  # UTC 05-06 is local 05-05
        5: (end_of_day("2024-04-16"), False, True),  # first day of the 30-day window
        6: (end_of_day("2024-04-15"), False, False),
        7: (utc("2024-04-16", "06:30:00"), False, False),  # UTC 04-16 is local 04-15
        8: (end_of_day("2024-05-16"), False, False),  # after as_of
    }
    write_order_report(tmp_path, [orep(oid(n), la("2024-04-10"), latest_ship_date=d) for n, (d, _, _) in cases.items()])
    # Confirmed on as-of, late for every order due before it; #1, due on as-of itself, is on time.
    write_ship_confirmations(tmp_path, [sc(oid(n), "2024-05-15") for n in cases])
    result = audit(tmp_path, AS_OF)
    lsr10 = result.metric("late_shipment_rate_10d")
    lsr30 = result.metric("late_shipment_rate_30d")
    assert lsr10["order_ids"] == [oid(n) for n, (_, yes, _) in cases.items() if yes and n != 1]
    assert lsr30["order_ids"] == [oid(n) for n, (_, _, yes) in cases.items() if yes and n != 1]
    assert counts(lsr10) == (1, 2)
    assert counts(lsr30) == (4, 5)
    assert lsr10["window"] == {"start": "2024-05-06", "end": "2024-05-15", "days": 10, "basis": "expected_ship_date"}
    assert lsr30["window"] == {"start": "2024-04-16", "end": "2024-05-15", "days": 30, "basis": "expected_ship_date"}


def test_valid_tracking_window_is_30_days_by_local_confirmation_date(tmp_path: Path) -> None:
    cases = {
        1: ("2024-04-16", {}, True),  # first day, date-only = 00:00 local
        2: ("2024-05-15", {}, True),  # last day
        3: ("2024-04-15", {}, False),  # the day before
        4: ("2024-04-17", {"confirmed_at": utc("2024-04-16", "06:00:00")}, False),  # confirmed local 04-15 23:00
        5: ("2024-04-10", {"confirmed_at": utc("2024-05-16", "06:00:00")}, True),  # confirmed local 05-15 23:00
        6: ("2024-05-16", {}, False),  # after as_of
    }
    write_all_orders(tmp_path, [ao(oid(n), la("2024-04-01")) for n in cases])
    # Every package in the window lacks a valid carrier except order 1's: the numerator shows who was counted.
    write_ship_confirmations(
        tmp_path,
        [sc(oid(n), day, carrier="UPS" if n == 1 else "Other", **extra) for n, (day, extra, _) in cases.items()],
    )
    m = audit(tmp_path, AS_OF).metric("valid_tracking_rate")
    assert counts(m) == (1, 3)
    assert m["problem_order_ids"] == [oid(2), oid(5)]
    assert m["window"] == {"start": "2024-04-16", "end": "2024-05-15", "days": 30, "basis": "confirmation_date"}


def _odr_account(tmp_path: Path, cases: dict[int, str]) -> None:
    write_all_orders(tmp_path, [ao(oid(n), ts) for n, ts in cases.items()])
    write_claims(tmp_path, [claim(oid(n), "open") for n in cases])


def test_order_defect_window_is_60_days_ending_14_days_before_as_of(tmp_path: Path) -> None:
    cases = {
        1: la("2024-03-03", "00:00:00"),  # first day (PST, UTC-8)
        2: la("2024-05-01", "23:59:59"),  # last day: as_of - 14
        3: la("2024-03-02", "23:59:59"),  # the day before
        4: utc("2024-03-03", "07:30:00"),  # UTC 03-03 is local 03-02 23:30 (PST)
        5: utc("2024-05-02", "06:30:00"),  # UTC 05-02 is local 05-01 23:30 (PDT)
        6: la("2024-05-02", "00:00:00"),  # in the lag
    }
    _odr_account(tmp_path, cases)
    m = audit(tmp_path, AS_OF).metric("order_defect_rate_mfn")
    assert m["order_ids"] == [oid(1), oid(2), oid(5)]
    assert counts(m) == (3, 3)
    assert m["window"] == {"start": "2024-03-03", "end": "2024-05-01", "days": 60, "basis": "purchase_date"}
    assert m["coverage"] == {
        "first_data_date": "2024-03-02",
        "last_data_date": "2024-05-02",
        "complete": True,
        "window_days": 60,
        "covered_days": 60,
        "missing_inputs": ["feedback", "mfn_returns"],  # only claims were given
    }


def test_odr_lag_days_override_moves_the_window(tmp_path: Path) -> None:
    cases = {1: la("2024-05-15"), 2: la("2024-03-17"), 3: la("2024-03-16")}
    _odr_account(tmp_path, cases)
    m = audit(tmp_path, AS_OF, config=Config(odr_lag_days=0)).metric("order_defect_rate_mfn")
    assert m["window"] == {"start": "2024-03-17", "end": "2024-05-15", "days": 60, "basis": "purchase_date"}
    assert m["order_ids"] == [oid(1), oid(2)]
    assert (m["coverage"]["first_data_date"], m["coverage"]["covered_days"]) == ("2024-03-16", 60)
    assert m["coverage"]["complete"] is True


def test_coverage_is_incomplete_when_the_data_starts_after_the_window(tmp_path: Path) -> None:
    _odr_account(tmp_path, {1: la("2024-04-01"), 2: la("2024-05-15")})
    result = audit(tmp_path, AS_OF)
    m = result.metric("order_defect_rate_mfn")
    # SPEC 5.2 (rev 2): the window Mar 03 - May 01 is covered from Apr 01 on: 31 of its 60 days.
    assert m["coverage"] == {
        "first_data_date": "2024-04-01",
        "last_data_date": "2024-05-15",
        "complete": False,
        "window_days": 60,
        "covered_days": 31,
        "missing_inputs": ["feedback", "mfn_returns"],
    }
    assert counts(m) == (1, 1)
    assert m["status"] == "breach"  # a partial window does not change the status
    assert "partial: 31 of 60 days" in render(
        result.report, Format.MARKDOWN, fail_on=FailOn.AT_RISK, color=False, width=None
    )


def test_window_days_override_from_config(tmp_path: Path) -> None:
    write_all_orders(
        tmp_path,
        [ao(oid(n), la(day), status="Cancelled", quantity=0) for n, day in ((1, "2024-05-13"), (2, "2024-05-12"))],
    )
    config = Config(metrics={"cancellation_rate": MetricOverride(window_days=3)})
    m = audit(tmp_path, AS_OF, config=config).metric("cancellation_rate")
    assert m["window"] == {"start": "2024-05-13", "end": "2024-05-15", "days": 3, "basis": "purchase_date"}
    assert m["order_ids"] == [oid(1)]


def test_on_time_delivery_window_is_14_days_ending_7_days_before_as_of(tmp_path: Path) -> None:
    # Window 2024-04-25 .. 2024-05-08 by the local date of latest-delivery-date. Every unit is delivered late,
    # so the population (denominator) shows which ones the window took.
    cases = {
        1: end_of_day("2024-04-25"),  # first day
        2: end_of_day("2024-05-08"),  # last day
        3: end_of_day("2024-04-24"),  # the day before
        4: utc("2024-04-25", "06:59:59"),  # UTC 04-25 is local 04-24
        5: utc("2024-05-09", "06:59:59"),  # UTC 05-09 is local 05-08
        6: end_of_day("2024-05-09"),  # in the lag
    }
    write_order_report(tmp_path, [orep(oid(n), la("2024-04-15"), latest_delivery_date=d) for n, d in cases.items()])
    write_ship_confirmations(
        tmp_path, [sc(oid(n), "2024-04-17", quantity=n, delivered_at=la("2024-05-20")) for n in cases]
    )
    m = audit(tmp_path, AS_OF).metric("on_time_delivery_rate")
    assert m["window"] == {"start": "2024-04-25", "end": "2024-05-08", "days": 14, "basis": "promised_delivery_date"}
    assert counts(m) == (0, 1 + 2 + 5)
    assert m["problem_order_ids"] == [oid(1), oid(2), oid(5)]
