"""Late shipment rate (SPEC 3 and 4.3): who is in the population, what is late, where the ESD comes from."""

from __future__ import annotations

from pathlib import Path

from metric_builders import (
    ao,
    audit,
    counts,
    end_of_day,
    la,
    oid,
    orep,
    sc,
    utc,
    write_all_orders,
    write_order_report,
    write_ship_confirmations,
)

from healthcheck.config import Config

AS_OF = "2024-05-15"  # a Wednesday
LSR10 = "late_shipment_rate_10d"
LSR30 = "late_shipment_rate_30d"


def _due(tmp_path: Path, deadlines: dict[int, str], status: str = "Unshipped") -> None:
    """Orders with an explicit latest-ship-date (order report) and an All Orders status."""
    write_all_orders(tmp_path, [ao(oid(n), la("2024-05-01"), status=status) for n in deadlines])
    write_order_report(tmp_path, [orep(oid(n), la("2024-05-01"), latest_ship_date=d) for n, d in deadlines.items()])


def test_confirmed_on_time_and_late_against_latest_ship_date(tmp_path: Path) -> None:
    _due(tmp_path, {1: end_of_day("2024-05-10"), 2: end_of_day("2024-05-10"), 3: end_of_day("2024-05-10")})
    write_ship_confirmations(
        tmp_path,
        [
            sc(oid(1), "2024-05-10"),  # date-only on the ESD day: 00:00 local, on time
            sc(oid(2), la("2024-05-10", "23:59:59")),  # at the deadline: on time
            sc(oid(3), la("2024-05-11", "00:00:01")),  # just after: late
        ],
    )
    m = audit(tmp_path, AS_OF).metric(LSR10)
    assert counts(m) == (1, 3)
    assert m["order_ids"] == [oid(3)]
    assert m["details"] == {"late_confirmed": 1, "late_unconfirmed": 0, "unknown_confirmation": 0, "expired": 0}


def test_date_only_ship_date_the_day_after_the_esd_is_late(tmp_path: Path) -> None:
    _due(tmp_path, {1: end_of_day("2024-05-10")})
    write_ship_confirmations(tmp_path, [sc(oid(1), "2024-05-11")])
    m = audit(tmp_path, AS_OF).metric(LSR10)
    assert counts(m) == (1, 1)
    assert m["status"] == "breach"


def test_confirmed_at_wins_over_ship_date(tmp_path: Path) -> None:
    _due(tmp_path, {1: end_of_day("2024-05-10"), 2: end_of_day("2024-05-10")})
    write_ship_confirmations(
        tmp_path,
        [
            sc(oid(1), "2024-05-09", confirmed_at=la("2024-05-12", "09:00:00")),  # confirmed late
            sc(oid(2), "2024-05-12", confirmed_at=la("2024-05-10", "09:00:00")),  # confirmed in time
        ],
    )
    m = audit(tmp_path, AS_OF).metric(LSR10)
    assert counts(m) == (1, 2)
    assert m["order_ids"] == [oid(1)]


def test_the_earliest_confirmation_row_of_an_order_is_its_confirmation(tmp_path: Path) -> None:
    _due(tmp_path, {1: end_of_day("2024-05-10")})
    write_ship_confirmations(
        tmp_path,
        [sc(oid(1), "2024-05-13", tracking="T2", item_id="2"), sc(oid(1), "2024-05-10", tracking="T1", item_id="1")],
    )
    m = audit(tmp_path, AS_OF).metric(LSR10)
    assert counts(m) == (0, 1)


def test_unconfirmed_past_due_is_late_and_due_on_as_of_is_pending(tmp_path: Path) -> None:
    _due(
        tmp_path,
        {
            1: end_of_day("2024-05-14"),  # past due at the end of as_of: late_unconfirmed
            2: end_of_day("2024-05-15"),  # due on as_of: pending, not counted
            3: end_of_day("2024-05-10"),  # confirmed on time
        },
    )
    write_ship_confirmations(tmp_path, [sc(oid(3), "2024-05-09")])
    result = audit(tmp_path, AS_OF)
    m = result.metric(LSR10)
    assert counts(m) == (1, 2)
    assert m["order_ids"] == [oid(1)]
    assert m["details"] == {"late_confirmed": 0, "late_unconfirmed": 1, "unknown_confirmation": 0, "expired": 0}
    overdue = result.action("ship_overdue_orders")
    assert overdue is not None
    assert oid(1) in overdue["order_ids"]


def test_an_order_with_one_item_cancelled_and_one_overdue_is_late_and_to_ship(tmp_path: Path) -> None:
    """Not cancelled in full: its other item is still to ship, late in the rate and in "ship now" alike."""
    write_all_orders(
        tmp_path,
        [
            ao(oid(1), la("2024-05-01"), status="Unshipped", item_status="Unshipped", sku="A"),
            ao(oid(1), la("2024-05-01"), status="Unshipped", item_status="Cancelled", sku="B", quantity=0),
            ao(oid(2), la("2024-05-01"), status="Shipped"),
        ],
    )
    deadline = end_of_day("2024-05-13")
    write_order_report(tmp_path, [orep(oid(n), la("2024-05-01"), latest_ship_date=deadline) for n in (1, 2)])
    write_ship_confirmations(tmp_path, [sc(oid(2), "2024-05-10")])
    result = audit(tmp_path, AS_OF)
    assert result.metric(LSR10)["order_ids"] == [oid(1)]
    overdue = result.action("ship_overdue_orders")
    assert overdue is not None and overdue["order_ids"] == [oid(1)]


def test_shipped_status_without_confirmation_is_unknown_and_left_out(tmp_path: Path) -> None:
    write_all_orders(
        tmp_path,
        [
            ao(oid(1), la("2024-05-01"), status="Shipped"),
            ao(oid(2), la("2024-05-01"), status="Shipped - Delivered to Buyer"),
            ao(oid(3), la("2024-05-01"), status="PartiallyShipped"),
            ao(oid(4), la("2024-05-01"), status="Shipped"),
            ao(oid(5), la("2024-05-01"), status="Shipping"),  # SPEC 1.4's status between Unshipped and Shipped
        ],
    )
    write_order_report(
        tmp_path, [orep(oid(n), la("2024-05-01"), latest_ship_date=end_of_day("2024-05-10")) for n in range(1, 6)]
    )
    write_ship_confirmations(tmp_path, [sc(oid(4), "2024-05-10")])
    m = audit(tmp_path, AS_OF).metric(LSR10)
    assert counts(m) == (0, 1)
    assert m["details"] == {"late_confirmed": 0, "late_unconfirmed": 0, "unknown_confirmation": 4, "expired": 0}


def test_quantity_shipped_in_the_order_report_means_shipped(tmp_path: Path) -> None:
    write_order_report(
        tmp_path,
        [
            orep(oid(1), la("2024-05-01"), shipped=1, latest_ship_date=end_of_day("2024-05-10")),
            orep(oid(2), la("2024-05-01"), shipped=0, latest_ship_date=end_of_day("2024-05-10")),
        ],
    )
    write_ship_confirmations(tmp_path, [sc(oid(9), "2024-05-10")])
    m = audit(tmp_path, AS_OF).metric(LSR10)
    assert counts(m) == (1, 1)
    assert m["details"] == {"late_confirmed": 0, "late_unconfirmed": 1, "unknown_confirmation": 1, "expired": 0}


def test_cancelled_in_full_is_excluded_partially_cancelled_is_included(tmp_path: Path) -> None:
    deadline = end_of_day("2024-05-10")
    write_all_orders(
        tmp_path,
        [
            ao(oid(1), la("2024-05-01"), status="Cancelled", quantity=0),
            ao(oid(2), la("2024-05-01"), status="Unshipped", sku="A"),
            ao(oid(2), la("2024-05-01"), status="Unshipped", sku="B", item_status="Cancelled", quantity=0),
            ao(oid(3), la("2024-05-01"), status="Shipped", sku="A"),
            ao(oid(3), la("2024-05-01"), status="Shipped", sku="B", item_status="Cancelled", quantity=0),
        ],
    )
    write_order_report(
        tmp_path,
        [orep(oid(n), la("2024-05-01"), sku="A", latest_ship_date=deadline) for n in (1, 2, 3)],
    )
    write_ship_confirmations(tmp_path, [sc(oid(3), "2024-05-12")])
    m = audit(tmp_path, AS_OF).metric(LSR10)
    assert counts(m) == (2, 2)
    assert m["order_ids"] == [oid(2), oid(3)]
    assert m["details"] == {"late_confirmed": 1, "late_unconfirmed": 1, "unknown_confirmation": 0, "expired": 0}


def test_no_ship_confirmations_at_all_is_not_evaluated(tmp_path: Path) -> None:
    _due(tmp_path, {1: end_of_day("2024-05-10")})
    for metric_id in (LSR10, LSR30):
        m = audit(tmp_path, AS_OF).metric(metric_id)
        assert m["status"] == "not_evaluated"
        assert m["rate"] is None
        assert m["numerator"] is None
        assert "confirmation" in m["reason"]


def test_confirmations_all_after_the_as_of_day_are_said_to_be_so(tmp_path: Path) -> None:
    # Not "the ship confirmations hold no rows": the file holds one, dated after the as-of day (SPEC 1.5).
    _due(tmp_path, {1: end_of_day("2024-05-10")})
    write_ship_confirmations(tmp_path, [sc(oid(1), "2024-05-20")])
    m = audit(tmp_path, AS_OF).metric(LSR10)
    assert m["status"] == "not_evaluated"
    assert m["reason"].startswith("every ship confirmation is dated after the as-of day 2024-05-15 (1 row)")


def test_only_pending_orders_is_not_evaluated(tmp_path: Path) -> None:
    _due(tmp_path, {1: end_of_day("2024-05-15")})
    write_ship_confirmations(tmp_path, [sc(oid(9), "2024-05-10")])
    m = audit(tmp_path, AS_OF).metric(LSR10)
    assert m["status"] == "not_evaluated"


# ------------------------------------------------------------------------------------------------------------
# ESD: Amazon's own deadline, else computed from the handling time (SPEC 3)


def test_computed_esd_is_two_business_days_after_purchase(tmp_path: Path) -> None:
    # Monday 2024-05-06 purchases: N = 2 means Wednesday 2024-05-08, end of the local day.
    write_all_orders(tmp_path, [ao(oid(n), la("2024-05-06", "10:00:00")) for n in (1, 2, 3)])
    write_ship_confirmations(
        tmp_path,
        [
            sc(oid(1), "2024-05-08"),
            sc(oid(2), "2024-05-09", confirmed_at=la("2024-05-08", "23:59:59")),
            sc(oid(3), "2024-05-09"),
        ],
    )
    m = audit(tmp_path, AS_OF).metric(LSR10)
    assert counts(m) == (1, 3)
    assert m["order_ids"] == [oid(3)]
    assert any("computed from the handling time" in note for note in m["notes"])


def test_saturday_purchase_with_two_days_ships_by_tuesday(tmp_path: Path) -> None:
    write_all_orders(tmp_path, [ao(oid(1), la("2024-05-04", "09:00:00")), ao(oid(2), la("2024-05-04", "09:00:00"))])
    write_ship_confirmations(tmp_path, [sc(oid(1), "2024-05-07"), sc(oid(2), "2024-05-08")])
    m = audit(tmp_path, AS_OF).metric(LSR10)
    assert counts(m) == (1, 2)
    assert m["order_ids"] == [oid(2)]


def test_national_holiday_is_not_an_operating_day(tmp_path: Path) -> None:
    # Friday 2024-05-24, Memorial Day Monday 05-27: day 1 is Tuesday 05-28, day 2 Wednesday 05-29.
    write_all_orders(tmp_path, [ao(oid(1), la("2024-05-24"))])
    write_ship_confirmations(tmp_path, [sc(oid(1), "2024-05-29")])
    m = audit(tmp_path, "2024-05-31").metric(LSR10)
    assert counts(m) == (0, 1)


def test_handling_time_per_sku_and_the_largest_item_wins(tmp_path: Path) -> None:
    purchase = la("2024-05-06", "10:00:00")  # Monday
    write_all_orders(
        tmp_path,
        [
            ao(oid(1), purchase, sku="FAST"),  # handling 2 -> Wed 05-08
            ao(oid(2), purchase, sku="SLOW"),  # handling 4 -> Fri 05-10
            ao(oid(3), purchase, sku="FAST"),  # two items: the slow one decides
            ao(oid(3), purchase, sku="SLOW"),
            ao(oid(4), purchase, sku="SAME"),  # handling 0, before the 14:00 cut-off -> Mon 05-06
        ],
    )
    write_ship_confirmations(
        tmp_path,
        [
            sc(oid(1), "2024-05-09"),
            sc(oid(2), "2024-05-09"),
            sc(oid(3), "2024-05-10"),
            sc(oid(4), "2024-05-07"),
        ],
    )
    config = Config(handling_days_by_sku={"SLOW": 4, "SAME": 0})
    m = audit(tmp_path, AS_OF, config=config).metric(LSR10)
    assert m["window"]["start"] == "2024-05-06"
    assert counts(m) == (2, 4)
    assert m["order_ids"] == [oid(1), oid(4)]
    # Without the overrides every order has 2 days: 2 and 3 are late, 4 is on time.
    m = audit(tmp_path, AS_OF).metric(LSR10)
    assert m["order_ids"] == [oid(1), oid(2), oid(3)]


def test_config_handling_days_changes_the_computed_esd(tmp_path: Path) -> None:
    write_all_orders(tmp_path, [ao(oid(1), la("2024-05-06", "10:00:00"))])
    write_ship_confirmations(tmp_path, [sc(oid(1), "2024-05-09")])
    assert counts(audit(tmp_path, AS_OF).metric(LSR10)) == (1, 1)
    assert counts(audit(tmp_path, AS_OF, config=Config(handling_days=3)).metric(LSR10)) == (0, 1)


def test_latest_ship_date_beats_the_computed_esd(tmp_path: Path) -> None:
    # Computed ESD would be Wed 05-08; Amazon's own latest-ship-date says Mon 05-13.
    write_all_orders(tmp_path, [ao(oid(1), la("2024-05-06", "10:00:00")), ao(oid(2), la("2024-05-06", "10:00:00"))])
    write_order_report(
        tmp_path, [orep(oid(1), la("2024-05-06", "10:00:00"), latest_ship_date=end_of_day("2024-05-13"))]
    )
    write_ship_confirmations(tmp_path, [sc(oid(1), "2024-05-10"), sc(oid(2), "2024-05-10")])
    m = audit(tmp_path, AS_OF).metric(LSR10)
    assert counts(m) == (1, 2)
    assert m["order_ids"] == [oid(2)]


def test_promise_date_is_a_ship_by_deadline_too(tmp_path: Path) -> None:
    write_order_report(tmp_path, [orep(oid(1), la("2024-05-06"), promise_date=utc("2024-05-14", "06:59:59"))])
    write_ship_confirmations(tmp_path, [sc(oid(1), la("2024-05-13", "23:00:00"))])
    m = audit(tmp_path, AS_OF).metric(LSR10)
    assert counts(m) == (0, 1)


def test_order_ship_by_is_the_latest_of_its_items(tmp_path: Path) -> None:
    write_order_report(
        tmp_path,
        [
            orep(oid(1), la("2024-05-06"), sku="A", latest_ship_date=end_of_day("2024-05-08")),
            orep(oid(1), la("2024-05-06"), sku="B", latest_ship_date=end_of_day("2024-05-10")),
        ],
    )
    write_ship_confirmations(tmp_path, [sc(oid(1), "2024-05-10")])
    m = audit(tmp_path, AS_OF).metric(LSR10)
    assert counts(m) == (0, 1)


def test_a_ship_confirmation_file_with_a_header_only_is_no_confirmations_at_all(tmp_path: Path) -> None:
    # SPEC 4.3: with no ship confirmations at all the LSR is not evaluated; it must not call every order late.
    _due(tmp_path, {1: end_of_day("2024-05-10"), 2: end_of_day("2024-05-10")})
    write_ship_confirmations(tmp_path, [])
    result = audit(tmp_path, AS_OF)
    for metric_id in (LSR10, LSR30):
        m = result.metric(metric_id)
        assert m["status"] == "not_evaluated"
        assert m["numerator"] is None
        assert "confirmation" in m["reason"]
    # Nothing else can be evaluated from these files either: nothing was checked, which is never OK.
    assert result.doc["status"] == "unknown"


def test_from_order_reports_alone_an_unconfirmed_order_may_be_cancelled_and_the_report_says_so(
    tmp_path: Path,
) -> None:
    """Order reports list paid orders, not which were cancelled since: an order cancelled after the download reads
    as unconfirmed and late. Counted as SPEC 4.3 says, the rate names All Orders as the report that would take
    cancelled orders out, and "ship now" tells the seller to check each order is still open."""
    write_order_report(tmp_path, [orep(oid(1), la("2024-05-01"), latest_ship_date=end_of_day("2024-05-13"))])
    write_ship_confirmations(tmp_path, [sc(oid(9), "2024-05-10")])
    result = audit(tmp_path, AS_OF)
    m = result.metric(LSR10)
    assert counts(m) == (1, 1) and m["coverage"]["missing_inputs"] == ["all_orders"]
    overdue = result.action("ship_overdue_orders")
    assert overdue is not None and "check in Manage Orders that each is still open" in overdue["detail"]

    write_all_orders(tmp_path, [ao(oid(1), la("2024-05-01"), status="Unshipped")])
    result = audit(tmp_path, AS_OF)
    assert result.metric(LSR10)["coverage"]["missing_inputs"] == []
    overdue = result.action("ship_overdue_orders")
    assert overdue is not None and "Manage Orders" not in overdue["detail"]
