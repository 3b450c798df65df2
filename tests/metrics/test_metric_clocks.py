"""SPEC 4.6: response time within 24 hours, the 48-hour first scan, expired orders, refund rate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from healthcheck.audit import run_audit
from healthcheck.config import Config, MetricOverride
from healthcheck.report.document import document

AS_OF = dt.date(2024, 5, 10)  # a Friday


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.write_text("\n".join("\t".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


def _metric(paths: list[Path], metric_id: str, **kwargs: Any) -> dict[str, Any]:
    report = run_audit(paths, config=kwargs.pop("config", Config()), marketplace="US", as_of=AS_OF, **kwargs)
    return next(m for m in document(report)["metrics"] if m["id"] == metric_id)


MESSAGE_HEADER = ["message-id", "order-id", "received-at", "responded-at", "no-response-needed"]


@pytest.mark.parametrize(
    ("received", "responded", "no_response", "counted", "on_time"),
    [
        ("2024-05-04T10:00:00+00:00", "2024-05-05T10:00:00+00:00", "false", True, True),  # exactly 24 h, Saturday
        ("2024-05-04T10:00:00+00:00", "2024-05-05T10:00:01+00:00", "false", True, False),  # a second late
        ("2024-05-04T10:00:00+00:00", "", "false", True, False),  # unanswered, long overdue
        ("2024-05-10T20:00:00+00:00", "", "false", False, False),  # unanswered, 24 h not over at end of as-of
        ("2024-05-04T10:00:00+00:00", "", "true", False, False),  # no response needed
        ("2024-04-10T10:00:00+00:00", "", "false", False, False),  # 30 days: Apr 11 .. May 10, out
        ("2024-04-11T08:00:00+00:00", "2024-04-11T09:00:00+00:00", "false", True, True),  # first day in
    ],
)
def test_response_time_24h(
    tmp_path: Path, received: str, responded: str, no_response: str, counted: bool, on_time: bool
) -> None:
    path = _write(
        tmp_path / "messages.txt",
        MESSAGE_HEADER,
        [["m1", "111-0000001-0000001", received, responded, no_response]],
    )
    metric = _metric([path], "response_time_24h")
    if not counted:
        assert metric["status"] == "not_evaluated"
        return
    assert (metric["numerator"], metric["denominator"]) == (int(on_time), 1)
    assert metric["status"] == ("ok" if on_time else "breach")


def test_response_time_without_messages_is_not_evaluated(tmp_path: Path) -> None:
    path = _write(tmp_path / "claims.txt", ["order-id", "claim-type", "status", "claim-date"], [])
    metric = _metric([path], "response_time_24h")
    assert metric["status"] == "not_evaluated"
    assert "messages" in metric["reason"]


ORDERS_HEADER = [
    "amazon-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "sku",
    "item-status",
    "quantity",
]


def _order(order_id: str, purchased: str, status: str = "Shipped", channel: str = "Merchant") -> list[str]:
    return [order_id, purchased, purchased, status, channel, "Amazon.com", "SKU-1", status, "1"]


def test_expired_unconfirmed_order_counts_as_cancellation(tmp_path: Path) -> None:
    # Purchased Mon Apr 29 (local), ship by Wed May 1; 7 operating days later is Fri May 10 = as-of.
    orders = _write(
        tmp_path / "orders.txt",
        ORDERS_HEADER,
        [
            _order("111-0000001-0000001", "2024-04-29T17:00:00+00:00", status="Unshipped"),
            _order("111-0000002-0000002", "2024-04-29T18:00:00+00:00", status="Shipped"),
        ],
    )
    confirmations = _write(
        tmp_path / "confirmations.txt",
        ["order-id", "ship-date", "tracking-number", "carrier-code"],
        [["111-0000002-0000002", "2024-04-30", "1Z999", "UPS"]],
    )
    wide = Config(metrics={"cancellation_rate": MetricOverride(window_days=14)})
    metric = _metric([orders, confirmations], "cancellation_rate", config=wide)
    assert metric["details"]["expired_unconfirmed"] == 1
    assert metric["order_ids"] == ["111-0000001-0000001"]
    # One day earlier it has not expired yet.
    report = run_audit([orders, confirmations], config=wide, marketplace="US", as_of=dt.date(2024, 5, 9))
    cr = next(m for m in document(report)["metrics"] if m["id"] == "cancellation_rate")
    assert cr["details"]["expired_unconfirmed"] == 0


def test_no_scan_within_48_hours_is_reported(tmp_path: Path) -> None:
    confirmations = _write(
        tmp_path / "confirmations.txt",
        ["order-id", "ship-date", "tracking-number", "carrier-code", "confirmed-at", "first-scan-at"],
        [
            [
                "111-0000001-0000001",
                "2024-05-06",
                "1Z1",
                "UPS",
                "2024-05-06T18:00:00+00:00",
                "2024-05-08T18:00:00+00:00",
            ],
            [
                "111-0000002-0000002",
                "2024-05-06",
                "1Z2",
                "UPS",
                "2024-05-06T18:00:00+00:00",
                "2024-05-08T18:00:01+00:00",
            ],
        ],
    )
    report = run_audit([confirmations], config=Config(), marketplace="US", as_of=AS_OF)
    doc = document(report)
    vtr = next(m for m in doc["metrics"] if m["id"] == "valid_tracking_rate")
    assert vtr["details"]["no_scan_48h"] == 1
    fix = next(a for a in doc["actions"] if a["id"] == "fix_tracking")
    assert fix["order_ids"] == ["111-0000002-0000002"]


def test_refund_rate_is_informational(tmp_path: Path) -> None:
    orders = _write(
        tmp_path / "orders.txt",
        ORDERS_HEADER,
        [_order(f"111-000000{i}-000000{i}", "2024-05-01T18:00:00+00:00", channel="Amazon") for i in range(1, 5)],
    )
    returns = _write(
        tmp_path / "fba_returns.txt",
        ["return-date", "order-id", "sku", "fnsku", "detailed-disposition", "quantity"],
        [["2024-05-05T10:00:00+00:00", "111-0000001-0000001", "SKU-1", "X00", "SELLABLE", "1"]],
    )
    report = run_audit([orders, returns], config=Config(), marketplace="US", as_of=AS_OF)
    refund = next(m for m in document(report)["metrics"] if m["id"] == "refund_rate")
    assert (refund["numerator"], refund["denominator"], refund["status"]) == (1, 4, "ok")
    assert refund["target"] is None and refund["at_risk_threshold"] is None
    # Informational: it never decides the status, so with nothing else evaluated the audit checked nothing.
    assert report.status.value == "unknown"
    assert report.unknown_reason is not None
