"""The marketplace decides the local day and the holidays (SPEC 2, 3); US is the default."""

from __future__ import annotations

from pathlib import Path

from metric_builders import (
    ao,
    audit,
    counts,
    oid,
    orep,
    sc,
    utc,
    write_all_orders,
    write_order_report,
    write_ship_confirmations,
)

from healthcheck.config import Config


def test_the_sales_channel_names_the_marketplace_when_none_is_given(tmp_path: Path) -> None:
    # 2024-05-09T05:00Z is 05-08 22:00 in Los Angeles (out of a window starting 05-09), 07:00 in Berlin (in).
    write_all_orders(
        tmp_path,
        [
            ao(oid(1), utc("2024-05-09", "05:00:00"), status="Cancelled", sales_channel="Amazon.de"),
            ao(oid(2), utc("2024-05-12", "12:00:00"), sales_channel="Amazon.de"),
        ],
    )
    found = audit(tmp_path, "2024-05-15", marketplace=None)
    assert found.doc["marketplace"] == "DE"  # SPEC 2 (rev 2): taken from the files
    assert found.doc["marketplace_source"] == "from the sales channel of 2 orders"
    assert counts(found.metric("cancellation_rate")) == (1, 2)
    us = audit(tmp_path, "2024-05-15", marketplace="US")
    assert us.doc["marketplace"] == "US"
    assert counts(us.metric("cancellation_rate")) == (0, 1)
    assert any("DE" in w for w in us.doc["warnings"])  # the sales channels point elsewhere
    berlin = audit(tmp_path, "2024-05-15", marketplace="DE")
    assert counts(berlin.metric("cancellation_rate")) == (1, 2)
    from_config = audit(tmp_path, "2024-05-15", marketplace=None, config=Config(marketplace="DE"))
    assert from_config.doc["marketplace"] == "DE"
    assert counts(from_config.metric("cancellation_rate")) == (1, 2)


def test_an_order_in_two_reports_counts_once_when_one_report_has_an_id_of_another_shape(tmp_path: Path) -> None:
    """The count behind "from the sales channel of N orders" counts orders, not rows: an All Orders report holding
    one id that is not an Amazon order id is numbered by its strings, the order report by its order numbers, and
    the two must not count the same order twice."""
    write_all_orders(
        tmp_path,
        [
            ao(oid(1), utc("2024-05-09", "12:00:00"), sales_channel="Amazon.de"),
            ao(oid(2), utc("2024-05-10", "12:00:00"), sales_channel="Amazon.de"),
            ao("W-1000003", utc("2024-05-11", "12:00:00"), sales_channel="Amazon.de"),
        ],
    )
    write_order_report(
        tmp_path,
        [
            orep(oid(1), utc("2024-05-09", "12:00:00"), sales_channel="Amazon.de"),
            orep(oid(2), utc("2024-05-10", "12:00:00"), sales_channel="Amazon.de"),
        ],
    )
    found = audit(tmp_path, "2024-05-15", marketplace=None)
    assert found.doc["marketplace_source"] == "from the sales channel of 3 orders"


def test_german_national_holidays_are_closed_regional_ones_are_not(tmp_path: Path) -> None:
    write_all_orders(
        tmp_path,
        [
            # Wed 05-08: Thu 05-09 is Ascension Day (national), so day 1 is Fri 05-10, day 2 Mon 05-13.
            ao(oid(1), utc("2024-05-08", "08:00:00"), sales_channel="Amazon.de"),
            # Tue 05-28: day 1 Wed 05-29, day 2 Thu 05-30 (Corpus Christi is regional: an operating day).
            ao(oid(2), utc("2024-05-28", "08:00:00"), sales_channel="Amazon.de"),
        ],
    )
    write_ship_confirmations(tmp_path, [sc(oid(1), "2024-05-13"), sc(oid(2), "2024-05-31")])
    m = audit(tmp_path, "2024-05-31", marketplace="DE").metric("late_shipment_rate_30d")
    assert counts(m) == (1, 2)
    assert m["order_ids"] == [oid(2)]


def test_japanese_golden_week_and_tokyo_days(tmp_path: Path) -> None:
    write_all_orders(
        tmp_path,
        [
            # 2024-05-01T16:00Z is Thu 05-02 01:00 in Tokyo; 05-03..05-06 are holidays or a weekend:
            # day 1 is Tue 05-07, day 2 Wed 05-08.
            ao(oid(1), utc("2024-05-01", "16:00:00"), sales_channel="Amazon.co.jp"),
            ao(oid(2), utc("2024-05-01", "16:00:00"), sales_channel="Amazon.co.jp"),
        ],
    )
    write_ship_confirmations(
        tmp_path,
        [sc(oid(1), "2024-05-08T23:30:00+09:00"), sc(oid(2), "2024-05-08T15:30:00+00:00")],  # 05-09 00:30 JST
    )
    m = audit(tmp_path, "2024-05-15", marketplace="JP").metric("late_shipment_rate_10d")
    assert counts(m) == (1, 2)
    assert m["order_ids"] == [oid(2)]
