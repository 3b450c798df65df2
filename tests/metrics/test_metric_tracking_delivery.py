"""Valid tracking rate (SPEC 4.4) and on-time delivery rate (SPEC 4.5)."""

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
    write_all_orders,
    write_order_report,
    write_ship_confirmations,
)

from healthcheck.config import Config

AS_OF = "2024-05-15"
VTR = "valid_tracking_rate"
OTDR = "on_time_delivery_rate"
SHIP = "2024-05-10"


def test_packages_are_distinct_order_and_tracking_number(tmp_path: Path) -> None:
    write_all_orders(tmp_path, [ao(oid(n), la("2024-05-08")) for n in (1, 2, 3)])
    write_ship_confirmations(
        tmp_path,
        [
            # order 1: two items in one box, then a second box
            sc(oid(1), SHIP, tracking="T1", item_id="1"),
            sc(oid(1), SHIP, tracking="T1", item_id="2"),
            sc(oid(1), SHIP, tracking="T2", item_id="3"),
            # order 2: two rows without tracking make one package
            sc(oid(2), SHIP, tracking="", item_id="4"),
            sc(oid(2), SHIP, tracking="", item_id="5"),
            # order 3: the same tracking number as order 1 is still another package
            sc(oid(3), SHIP, tracking="T1"),
        ],
    )
    m = audit(tmp_path, AS_OF).metric(VTR)
    assert counts(m) == (3, 4)
    assert m["rate"] == 0.75
    assert m["status"] == "breach"
    assert m["details"]["missing_tracking"] == 1
    assert m["details"]["invalid_carrier"] == 0
    assert m["order_ids"] == [oid(1), oid(3)]
    assert m["problem_order_ids"] == [oid(2)]


def test_carrier_rules(tmp_path: Path) -> None:
    rows = {
        1: sc(oid(1), SHIP, carrier="UPS"),  # valid
        2: sc(oid(2), SHIP, carrier="usps"),  # any case
        3: sc(oid(3), SHIP, carrier="Other", carrier_name="UPS"),  # Other is invalid, whatever the name
        4: sc(oid(4), SHIP, carrier="", carrier_name="United States Postal Service"),  # name when code is empty
        5: sc(oid(5), SHIP, carrier="", carrier_name=""),  # no carrier at all
        6: sc(oid(6), SHIP, carrier="", carrier_name="Bob's Courier"),
        7: sc(oid(7), SHIP, carrier="Bob's Courier", carrier_name="UPS"),  # the code decides when given
        8: sc(oid(8), SHIP, carrier="Other", carrier_name="Other", tracking=""),  # missing tracking
        9: sc(oid(9), SHIP, carrier="UPS", tracking=""),  # missing tracking, good carrier
        10: sc(oid(10), SHIP, carrier="Yamato Transport"),  # long form alias
    }
    write_ship_confirmations(tmp_path, list(rows.values()))
    m = audit(tmp_path, AS_OF).metric(VTR)
    assert counts(m) == (4, 10)
    assert m["order_ids"] == [oid(1), oid(2), oid(4), oid(10)]
    assert m["details"]["missing_tracking"] == 2
    assert m["details"]["invalid_carrier"] == 4


def test_config_carriers_extend_the_integrated_list(tmp_path: Path) -> None:
    write_ship_confirmations(
        tmp_path,
        [
            sc(oid(1), SHIP, carrier="My Regional Courier"),
            sc(oid(2), SHIP, carrier="", carrier_name="my regional courier"),
            sc(oid(3), SHIP, carrier="Other", carrier_name="My Regional Courier"),
        ],
    )
    assert counts(audit(tmp_path, AS_OF).metric(VTR)) == (0, 3)
    m = audit(tmp_path, AS_OF, config=Config(carriers=("My Regional Courier",))).metric(VTR)
    assert counts(m) == (2, 3)
    assert m["order_ids"] == [oid(1), oid(2)]


def test_a_package_is_confirmed_when_its_earliest_row_is(tmp_path: Path) -> None:
    # Rows of one package on both sides of the window start (2024-04-16): the package falls before it.
    write_ship_confirmations(
        tmp_path,
        [sc(oid(1), "2024-04-15", tracking="T1"), sc(oid(1), "2024-04-20", tracking="T1"), sc(oid(2), "2024-04-20")],
    )
    m = audit(tmp_path, AS_OF).metric(VTR)
    assert counts(m) == (1, 1)
    assert m["order_ids"] == [oid(2)]


def test_fba_orders_and_non_amazon_orders_have_no_packages(tmp_path: Path) -> None:
    write_all_orders(
        tmp_path,
        [
            ao(oid(1), la("2024-05-08")),
            ao(oid(2), la("2024-05-08"), channel="Amazon"),
            ao(oid(3), la("2024-05-08"), sales_channel="Non-Amazon"),
        ],
    )
    write_ship_confirmations(tmp_path, [sc(oid(n), SHIP, carrier="Other") for n in (1, 2, 3)])
    m = audit(tmp_path, AS_OF).metric(VTR)
    assert counts(m) == (0, 1)


def test_no_ship_confirmations_leaves_vtr_and_otdr_not_evaluated(tmp_path: Path) -> None:
    write_all_orders(tmp_path, [ao(oid(1), la("2024-05-08"))])
    result = audit(tmp_path, AS_OF)
    for metric_id in (VTR, OTDR):
        m = result.metric(metric_id)
        assert m["status"] == "not_evaluated"
        assert m["rate"] is None
        assert m["reason"]


# ------------------------------------------------------------------------------------------------------------
# On-time delivery


def test_on_time_delivery_counts_units_at_or_before_the_promised_instant(tmp_path: Path) -> None:
    promised = end_of_day("2024-05-05")  # in the window 2024-04-25 .. 2024-05-08
    write_order_report(tmp_path, [orep(oid(n), la("2024-04-29"), latest_delivery_date=promised) for n in range(1, 6)])
    write_ship_confirmations(
        tmp_path,
        [
            sc(oid(1), "2024-04-30", quantity=3, delivered_at=la("2024-05-03", "10:00:00")),
            sc(oid(2), "2024-04-30", quantity=2, delivered_at=promised),  # at the promised instant: on time
            sc(oid(3), "2024-04-30", quantity=1, delivered_at=la("2024-05-06", "00:00:00")),  # just after: late
            sc(oid(4), "2024-04-30", quantity=4, tracking="", delivered_at=la("2024-05-01")),  # no tracking: out
            sc(oid(5), "2024-04-30", quantity=7),  # no delivery time: out
        ],
    )
    m = audit(tmp_path, AS_OF).metric(OTDR)
    assert counts(m) == (5, 6)
    assert m["rate"] == 5 / 6
    assert m["status"] == "breach"
    assert m["order_ids"] == [oid(1), oid(2)]
    assert m["problem_order_ids"] == [oid(3)]


def test_on_time_delivery_counts_every_row_of_an_order(tmp_path: Path) -> None:
    promised = end_of_day("2024-05-05")
    write_order_report(
        tmp_path,
        [
            orep(oid(1), la("2024-04-29"), sku="A", latest_delivery_date=promised),
            orep(oid(1), la("2024-04-29"), sku="B", latest_delivery_date=promised),
        ],
    )
    write_ship_confirmations(
        tmp_path,
        [
            sc(oid(1), "2024-04-30", tracking="T1", quantity=1, delivered_at=la("2024-05-04")),
            sc(oid(1), "2024-04-30", tracking="T2", quantity=9, delivered_at=la("2024-05-04")),
        ],
    )
    m = audit(tmp_path, AS_OF).metric(OTDR)
    assert counts(m) == (10, 10)
    assert m["status"] == "ok"


def test_on_time_delivery_needs_a_promised_date(tmp_path: Path) -> None:
    write_all_orders(tmp_path, [ao(oid(1), la("2024-04-29"))])
    write_ship_confirmations(tmp_path, [sc(oid(1), "2024-04-30", delivered_at=la("2024-05-03"))])
    m = audit(tmp_path, AS_OF).metric(OTDR)
    assert m["status"] == "not_evaluated"
    assert "latest-delivery-date" in m["reason"]


def test_on_time_delivery_ignores_fba_orders(tmp_path: Path) -> None:
    promised = end_of_day("2024-05-05")
    write_all_orders(tmp_path, [ao(oid(1), la("2024-04-29"), channel="Amazon"), ao(oid(2), la("2024-04-29"))])
    write_order_report(tmp_path, [orep(oid(n), la("2024-04-29"), latest_delivery_date=promised) for n in (1, 2)])
    write_ship_confirmations(
        tmp_path,
        [
            sc(oid(1), "2024-04-30", quantity=5, delivered_at=la("2024-05-09")),
            sc(oid(2), "2024-04-30", quantity=1, delivered_at=la("2024-05-04")),
        ],
    )
    m = audit(tmp_path, AS_OF).metric(OTDR)
    assert counts(m) == (1, 1)
