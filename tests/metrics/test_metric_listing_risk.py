"""Issue 15: risk to single listings. The SKUs behind late deliveries (Amazon deactivates those listings since
2026-02-28, every seller-fulfilled listing from 2024-09-25 before that), and offers Amazon can remove after repeated
seller cancellations within 30 days (help page 200285210): each rule around its date and its threshold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from metric_builders import (
    ao,
    audit,
    cancel,
    end_of_day,
    la,
    oid,
    orep,
    sc,
    write_all_orders,
    write_cancellations,
    write_order_report,
    write_ship_confirmations,
)

from healthcheck.cli import main

DAY = dt.timedelta(days=1)
ROOT = Path(__file__).resolve().parents[2]


def _late_deliveries(folder: Path, as_of: dt.date) -> None:
    """Ten orders promised 10 days before as-of: two of SKU LATE-1 and one of LATE-2 delivered late (70 %)."""
    promised_day = as_of - 10 * DAY
    promised = end_of_day(str(promised_day))
    bought, shipped = str(promised_day - 5 * DAY), str(promised_day - 4 * DAY)
    skus = {1: "LATE-1", 2: "LATE-1", 3: "LATE-2"}
    write_all_orders(folder, [ao(oid(n), la(bought), sku=skus.get(n, "FINE")) for n in range(1, 11)])
    write_order_report(
        folder, [orep(oid(n), la(bought), sku=skus.get(n, "FINE"), latest_delivery_date=promised) for n in range(1, 11)]
    )
    late_at = la(str(promised_day + 2 * DAY), "10:00:00")
    write_ship_confirmations(
        folder,
        [sc(oid(n), shipped, delivered_at=late_at if n in skus else la(str(promised_day))) for n in range(1, 11)],
    )


@pytest.mark.parametrize(
    ("day", "words"),
    [
        ("2024-09-24", "Amazon states no deactivation for late deliveries in US on 2024-09-24"),
        ("2024-09-25", "deactivate every seller-fulfilled listing (rule in force since 2024-09-25"),
        ("2024-09-26", "Below 90 % Amazon can deactivate every seller-fulfilled listing"),
        ("2026-02-27", "Below 90 % Amazon can deactivate every seller-fulfilled listing"),
        ("2026-02-28", "Since 2026-02-28 Amazon deactivates only the seller-fulfilled listings behind the late"),
        ("2026-03-01", "Since 2026-02-28 Amazon deactivates only the seller-fulfilled listings behind the late"),
    ],
)
def test_late_delivery_listings_follow_the_rule_in_force(tmp_path: Path, day: str, words: str) -> None:
    as_of = dt.date.fromisoformat(day)
    _late_deliveries(tmp_path, as_of)
    found = audit(tmp_path, as_of)
    assert found.metric("on_time_delivery_rate")["rate"] == 0.7
    action = found.action("fix_late_delivery_listings")
    assert action is not None
    assert words in action["detail"]
    assert action["skus"] == ["LATE-1", "LATE-2"]
    assert "LATE-1: 2 late orders; LATE-2: 1 late order" in action["detail"]
    assert action["order_ids"] == [oid(1), oid(2), oid(3)]
    assert ("these listings are the ones due for deactivation" in action["detail"]) == (day >= "2026-02-28")


def test_no_late_delivery_no_listing_action(tmp_path: Path) -> None:
    as_of = dt.date(2026, 3, 1)
    promised_day = as_of - 10 * DAY
    write_all_orders(tmp_path, [ao(oid(1), la(str(promised_day - 5 * DAY)))])
    write_order_report(
        tmp_path, [orep(oid(1), la(str(promised_day - 5 * DAY)), latest_delivery_date=end_of_day(str(promised_day)))]
    )
    write_ship_confirmations(tmp_path, [sc(oid(1), str(promised_day - 4 * DAY), delivered_at=la(str(promised_day)))])
    assert audit(tmp_path, as_of).action("fix_late_delivery_listings") is None


AS_OF = dt.date(2024, 5, 31)


def _cancellations(folder: Path, orders: list[tuple[int, int, str, str]]) -> None:
    """(order number, days before as-of, SKU, 'seller' | 'buyer' | 'shipped') per order."""
    rows, report, log = [], [], []
    for n, back, sku, what in orders:
        bought = la(str(AS_OF - back * DAY))
        rows.append(ao(oid(n), bought, sku=sku, status="Shipped" if what == "shipped" else "Cancelled"))
        report.append(orep(oid(n), bought, sku=sku, is_buyer_requested_cancellation=str(what == "buyer").lower()))
        if what != "shipped":
            log.append(cancel(oid(n), sku=sku, cancelled_by=what))
    write_all_orders(folder, rows)
    write_order_report(folder, report)
    write_cancellations(folder, log)


@pytest.mark.parametrize(
    ("orders", "skus", "in_a_row"),
    [
        ([(1, 29, "A", "seller"), (2, 0, "A", "seller")], ["A"], True),  # both placed in the last 30 days
        ([(1, 30, "A", "seller"), (2, 0, "A", "seller")], [], False),  # the first placed 31 days back
        ([(1, 31, "A", "seller"), (2, 0, "A", "seller")], [], False),
        ([(1, 0, "A", "seller")], [], False),  # one cancellation is not two
        ([(1, 5, "A", "seller"), (2, 4, "A", "shipped"), (3, 3, "A", "seller")], ["A"], False),  # not in a row
        ([(1, 5, "A", "seller"), (2, 3, "A", "buyer")], [], False),  # the buyer's request is not the seller's
        ([(1, 5, "A", "seller"), (2, 3, "B", "seller")], [], False),  # two SKUs, one each
    ],
)
def test_offer_removal_after_two_seller_cancellations_within_30_days(
    tmp_path: Path, orders: list[tuple[int, int, str, str]], skus: list[str], in_a_row: bool
) -> None:
    _cancellations(tmp_path, orders)
    action = audit(tmp_path, AS_OF).action("review_offer_removal")
    if not skus:
        assert action is None
        return
    assert action is not None
    assert action["skus"] == skus
    assert action["metric_id"] == "cancellation_rate"
    assert ("In a row (no order of the SKU shipped between them): A." in action["detail"]) is in_a_row
    seller = sorted(oid(n) for n, back, _, what in orders if what == "seller" and back < 30)
    assert action["order_ids"] == seller


def test_the_demo_worklist_names_the_listings_at_risk(capsys: pytest.CaptureFixture[str]) -> None:
    main(["audit", str(ROOT / "sample_reports"), "--format", "csv"])
    out = capsys.readouterr().out
    assert "action,review_offer_removal," in out
    assert "action,fix_late_delivery_listings," in out
    offers = [line for line in out.splitlines() if line.startswith("action,review_offer_removal,")]
    assert any("LAMP-DESK-LED-BLK" in line for line in offers)
