"""Merging (SPEC 1.4, 1.5): Multi-Channel Fulfillment orders excluded everywhere, overlapping downloads counted once."""

from __future__ import annotations

from pathlib import Path

from metric_builders import (
    ao,
    audit,
    claim,
    counts,
    end_of_day,
    fb,
    la,
    oid,
    orep,
    sc,
    write_all_orders,
    write_claims,
    write_feedback,
    write_order_report,
    write_report,
    write_ship_confirmations,
)

AS_OF = "2024-05-15"
DAY = "2024-05-13"
OLD = "2024-04-10"  # in the ODR window


def test_non_amazon_orders_are_in_no_population_and_counted_as_excluded(tmp_path: Path) -> None:
    write_all_orders(
        tmp_path,
        [
            ao(oid(1), la(DAY)),
            ao(oid(2), la(DAY), sales_channel="Non-Amazon", status="Cancelled", quantity=0),
            ao(oid(3), la(OLD), channel="Amazon", sales_channel="Non-Amazon"),
            ao(oid(3), la(OLD), channel="Amazon", sales_channel="Non-Amazon", sku="SKU-2"),
            ao(oid(4), la(OLD), channel="Amazon"),
            ao(oid(5), la(OLD)),
            ao(oid(6), la(OLD), sales_channel="non-amazon"),
        ],
    )
    write_ship_confirmations(
        tmp_path,
        [sc(oid(1), DAY), sc(oid(2), DAY, carrier="Other"), sc(oid(6), DAY, carrier="Other")],
    )
    write_feedback(tmp_path, [fb(oid(3), 1), fb(oid(6), 1), fb(oid(5), 5)])
    write_claims(tmp_path, [claim(oid(2), "open")])
    result = audit(tmp_path, AS_OF)
    assert counts(result.metric("cancellation_rate")) == (0, 1)
    assert counts(result.metric("valid_tracking_rate")) == (1, 1)
    assert counts(result.metric("order_defect_rate_mfn")) == (0, 1)
    assert counts(result.metric("order_defect_rate_afn")) == (0, 1)
    lsr = result.metric("late_shipment_rate_30d")
    assert oid(6) not in lsr["order_ids"]
    assert result.doc["unmatched_defects"] == []
    orders = result.input("all_orders.txt")
    assert orders["skipped"] == {"excluded_non_amazon": 4}
    assert (orders["rows"], orders["used_rows"]) == (7, 3)
    assert result.input("ship_confirmations.txt")["skipped"] == {"excluded_non_amazon": 2}
    assert result.input("feedback.txt")["skipped"] == {"excluded_non_amazon": 2}
    assert result.input("claims.txt")["skipped"] == {"excluded_non_amazon": 1}
    cancellation_actions = [a for a in result.doc["actions"] if a["metric_id"] == "cancellation_rate"]
    assert not any(oid(2) in a["order_ids"] for a in cancellation_actions)


def test_messages_of_non_amazon_orders_are_in_no_metric(tmp_path: Path) -> None:
    """A metric that reads a report's rows itself (here the messages) leaves out a Multi-Channel order's too."""
    write_all_orders(tmp_path, [ao(oid(1), la(DAY)), ao(oid(2), la(DAY), sales_channel="Non-Amazon")])
    header = ["message-id", "order-id", "received-at", "responded-at", "no-response-needed"]
    answered = {"message-id": "M1", "order-id": oid(1), "received-at": la(DAY), "responded-at": la(DAY, "10:00:00")}
    ignored = {"message-id": "M2", "order-id": oid(2), "received-at": la(DAY), "responded-at": ""}
    write_report(tmp_path / "messages.txt", header, [answered, ignored])
    result = audit(tmp_path, AS_OF)
    assert counts(result.metric("response_time_24h")) == (1, 1)
    assert result.input("messages.txt")["skipped"] == {"excluded_non_amazon": 1}


def test_non_amazon_in_the_order_report_is_excluded_too(tmp_path: Path) -> None:
    deadline = end_of_day("2024-05-10")
    write_order_report(
        tmp_path,
        [
            orep(oid(1), la(DAY), latest_ship_date=deadline),
            orep(oid(2), la(DAY), latest_ship_date=deadline, sales_channel="Non-Amazon"),
        ],
    )
    write_ship_confirmations(tmp_path, [sc(oid(1), "2024-05-10")])
    result = audit(tmp_path, AS_OF)
    assert counts(result.metric("late_shipment_rate_10d")) == (0, 1)
    # An order report cannot show cancellations (SPEC 4, rev 2): not evaluated, never 0 %.
    assert counts(result.metric("cancellation_rate")) == (None, None)
    assert result.input("order_report.txt")["skipped"] == {"excluded_non_amazon": 1}


def test_the_same_order_item_in_two_all_orders_downloads_counts_once(tmp_path: Path) -> None:
    rows = [ao(oid(1), la(DAY)), ao(oid(2), la(DAY), status="Cancelled", quantity=0)]
    write_all_orders(tmp_path, rows, name="week1.txt")
    write_all_orders(tmp_path, [*rows, ao(oid(3), la(DAY))], name="week2.txt")
    result = audit(tmp_path, AS_OF)
    m = result.metric("cancellation_rate")
    assert counts(m) == (1, 3)
    skipped = {i["path"].rsplit("/", 1)[-1]: i["skipped"] for i in result.doc["inputs"]}
    assert sum(s.get("duplicate", 0) for s in skipped.values()) == 2
    total = {i["path"].rsplit("/", 1)[-1]: (i["rows"], i["used_rows"]) for i in result.doc["inputs"]}
    assert sum(used for _, used in total.values()) == 3


def test_later_last_updated_date_wins_whatever_the_file_order(tmp_path: Path) -> None:
    purchase = la(DAY, "08:00:00")
    # Read first (a.txt): the newer download, where order 1 became Cancelled and order 2 Shipped.
    write_all_orders(
        tmp_path,
        [
            ao(oid(1), purchase, status="Cancelled", quantity=0, last_updated=la("2024-05-14")),
            ao(oid(2), purchase, status="Shipped", last_updated=la("2024-05-14")),
        ],
        name="a.txt",
    )
    # Read second (b.txt): the older download, both Unshipped.
    write_all_orders(
        tmp_path,
        [
            ao(oid(1), purchase, status="Unshipped", last_updated=la("2024-05-13", "09:00:00")),
            ao(oid(2), purchase, status="Unshipped", last_updated=la("2024-05-13", "09:00:00")),
            ao(oid(3), purchase, status="Unshipped", last_updated=la("2024-05-13", "09:00:00")),
        ],
        name="b.txt",
    )
    result = audit(tmp_path, AS_OF)
    m = result.metric("cancellation_rate")
    assert counts(m) == (1, 3)
    assert m["order_ids"] == [oid(1)]
    assert result.input("b.txt")["skipped"] == {"duplicate": 2}
    assert result.input("a.txt")["skipped"] == {}


def test_unshipped_then_cancelled_changes_the_cancellation_rate(tmp_path: Path) -> None:
    purchase = la(DAY, "08:00:00")
    write_all_orders(
        tmp_path,
        [ao(oid(n), purchase, status="Unshipped", last_updated=la(DAY, "09:00:00")) for n in (1, 2)],
        name="monday.txt",
    )
    assert counts(audit(tmp_path, AS_OF).metric("cancellation_rate")) == (0, 2)
    write_all_orders(
        tmp_path,
        [ao(oid(1), purchase, status="Cancelled", quantity=0, last_updated=la("2024-05-14", "09:00:00"))],
        name="tuesday.txt",
    )
    m = audit(tmp_path, AS_OF).metric("cancellation_rate")
    assert counts(m) == (1, 2)
    assert m["order_ids"] == [oid(1)]


def test_items_of_one_order_are_not_duplicates_of_each_other(tmp_path: Path) -> None:
    write_all_orders(
        tmp_path,
        [
            ao(oid(1), la(DAY), sku="A"),
            ao(oid(1), la(DAY), sku="B", item_status="Cancelled", quantity=0),
        ],
    )
    result = audit(tmp_path, AS_OF)
    assert counts(result.metric("cancellation_rate")) == (1, 1)
    assert result.input("all_orders.txt")["skipped"] == {}


def test_order_report_rows_from_two_downloads_count_once(tmp_path: Path) -> None:
    deadline = end_of_day("2024-05-10")
    rows = [orep(oid(n), la("2024-05-08"), latest_ship_date=deadline) for n in (1, 2)]
    write_order_report(tmp_path, rows, name="new_orders_1.txt")
    write_order_report(tmp_path, rows, name="new_orders_2.txt")
    write_ship_confirmations(tmp_path, [sc(oid(1), "2024-05-11"), sc(oid(2), "2024-05-10")])
    result = audit(tmp_path, AS_OF)
    assert counts(result.metric("late_shipment_rate_10d")) == (1, 2)
    assert result.input("new_orders_2.txt")["skipped"] == {"duplicate": 2}


def test_orders_merge_across_all_orders_order_report_and_confirmations(tmp_path: Path) -> None:
    # All Orders gives the status, the order report the deadline, the confirmations the time.
    write_all_orders(tmp_path, [ao(oid(1), la("2024-05-09"), status="Unshipped")])
    write_order_report(tmp_path, [orep(oid(1), la("2024-05-09"), latest_ship_date=end_of_day("2024-05-13"))])
    write_ship_confirmations(tmp_path, [sc(oid(1), "2024-05-13")])
    result = audit(tmp_path, AS_OF)
    assert counts(result.metric("late_shipment_rate_10d")) == (0, 1)
    assert counts(result.metric("cancellation_rate")) == (0, 1)


def test_confirmations_from_two_downloads_one_without_the_carrier_columns(tmp_path: Path) -> None:
    """One kind from two downloads, one of which lacks the carrier columns: its package has no carrier, so its
    tracking is not valid, and the other download's carriers read as they are."""
    write_all_orders(tmp_path, [ao(oid(1), la(DAY)), ao(oid(2), la(DAY)), ao(oid(3), la(DAY))])
    write_ship_confirmations(tmp_path, [sc(oid(1), DAY), sc(oid(2), DAY, carrier="Other")], name="sc_a.txt")
    write_report(
        tmp_path / "sc_b.txt",
        ["order-id", "ship-date", "tracking-number"],
        [{"order-id": oid(3), "ship-date": DAY, "tracking-number": "1Z0000003"}],
    )
    vtr = audit(tmp_path, AS_OF).metric("valid_tracking_rate")
    assert counts(vtr) == (1, 3)
    assert vtr["order_ids"] == [oid(1)]
