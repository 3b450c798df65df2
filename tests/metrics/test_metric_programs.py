"""Issue 15: `--program sfp` adds the Seller-Fulfilled Prime thresholds of the marketplace as metrics of their own,
with their own statuses in every format; thresholds and dates by marketplace (help page 202072550)."""

from __future__ import annotations

import datetime as dt
import json
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
from healthcheck.config import Config
from healthcheck.metrics import resolve

SFP = Config(program=("sfp",))
SFP_CR = "sfp_cancellation_rate"
SFP_OTDR = "sfp_on_time_delivery_rate"
SFP_OTS = "sfp_on_time_shipment_rate"
SFP_VTR = "sfp_valid_tracking_rate"


def _thresholds(marketplace: str, day: str) -> dict[str, float | None]:
    specs = resolve(SFP, marketplace=marketplace, as_of=dt.date.fromisoformat(day))
    return {s.id: s.target for s in specs if s.program == "sfp"}


def test_no_program_no_program_metrics() -> None:
    assert not [s for s in resolve(Config(), marketplace="US", as_of=dt.date(2026, 1, 1)) if s.program]


@pytest.mark.parametrize(
    ("marketplace", "day", "expected"),
    [
        ("US", "2021-01-31", {}),  # the US requirements took effect 2021-02-01
        ("US", "2021-02-01", {SFP_OTDR: 0.97, SFP_OTS: 0.99, SFP_CR: 0.005}),
        ("US", "2021-02-02", {SFP_OTDR: 0.97, SFP_OTS: 0.99, SFP_CR: 0.005}),
        ("UK", "2026-01-01", {SFP_OTDR: 0.97, SFP_OTS: 0.99, SFP_CR: 0.005}),
        ("DE", "2026-01-01", {SFP_OTDR: 0.97, SFP_OTS: 0.99, SFP_CR: 0.005}),
        ("FR", "2026-01-01", {SFP_OTDR: 0.97, SFP_OTS: 0.99, SFP_CR: 0.005, SFP_VTR: 1.0}),
        ("JP", "2021-07-14", {}),  # JP's requirements took effect 2021-07-15
        ("JP", "2021-07-15", {SFP_OTDR: 0.96, SFP_VTR: 0.94, SFP_CR: 0.01}),
        ("JP", "2021-07-16", {SFP_OTDR: 0.96, SFP_VTR: 0.94, SFP_CR: 0.01}),
        ("CA", "2026-01-01", {}),  # none recorded
    ],
)
def test_thresholds_by_marketplace_and_date(marketplace: str, day: str, expected: dict[str, float]) -> None:
    assert _thresholds(marketplace, day) == expected


@pytest.mark.parametrize(
    ("marketplace", "rate", "status"),
    [
        ("US", 0.0049, "ok"),
        ("US", 0.005, "at_risk"),  # "no more than 0.5 %": at the limit is not a breach
        ("US", 0.0051, "breach"),
        ("JP", 0.01, "at_risk"),
        ("JP", 0.0101, "breach"),
    ],
)
def test_cancellation_no_more_than_its_target(marketplace: str, rate: float, status: str) -> None:
    spec = next(s for s in resolve(SFP, marketplace=marketplace, as_of=dt.date(2026, 1, 1)) if s.id == SFP_CR)
    assert str(spec.classify(rate)) == status


@pytest.mark.parametrize(("rate", "status"), [(0.9599, "breach"), (0.96, "ok")])
def test_jp_on_time_delivery_at_its_threshold(rate: float, status: str) -> None:
    spec = next(s for s in resolve(SFP, marketplace="JP", as_of=dt.date(2026, 1, 1)) if s.id == SFP_OTDR)
    assert str(spec.classify(rate)) == status


def _prime_account(folder: Path, cancelled: int, *, orders: int = 200, prime: bool = True) -> None:
    """`orders` Prime orders bought 2024-05-10, `cancelled` of them cancelled by the seller; 10 non-Prime ones
    all cancelled (they must not count)."""
    rows = [ao(oid(n), la("2024-05-10"), status="Cancelled" if n < cancelled else "Shipped") for n in range(orders)]
    rows += [ao(oid(1000 + n), la("2024-05-10"), status="Cancelled") for n in range(10)]
    write_all_orders(folder, rows)
    flag = "true" if prime else "false"
    report = [orep(oid(n), la("2024-05-10"), is_prime=flag) for n in range(orders)]
    report += [orep(oid(1000 + n), la("2024-05-10"), is_prime="false") for n in range(10)]
    write_order_report(folder, report)
    write_cancellations(folder, [cancel(oid(n), cancelled_by="seller") for n in range(cancelled)])


@pytest.mark.parametrize(("cancelled", "status"), [(0, "ok"), (1, "at_risk"), (2, "breach")])
def test_prime_cancellation_rate_counts_prime_orders_only(tmp_path: Path, cancelled: int, status: str) -> None:
    _prime_account(tmp_path, cancelled)
    m = audit(tmp_path, "2024-05-12", config=SFP).metric(SFP_CR)
    assert (m["numerator"], m["denominator"], m["status"]) == (cancelled, 200, status)
    assert m["program"] == "sfp" and m["rule"]["source"].startswith("Seller Central help page 202072550")


def test_without_prime_orders_the_program_metrics_say_why(tmp_path: Path) -> None:
    _prime_account(tmp_path, 0, prime=False)
    found = audit(tmp_path, "2024-05-12", config=SFP)
    assert "marks no order Prime" in found.metric(SFP_CR)["reason"]
    assert any("Buy Shipping labels for at least 99 %" in w for w in found.doc["warnings"])


def test_a_marketplace_without_thresholds_is_said(tmp_path: Path) -> None:
    _prime_account(tmp_path, 0)
    found = audit(tmp_path, "2024-05-12", config=SFP, marketplace="CA")
    assert not [m for m in found.doc["metrics"] if m["program"]]
    assert any("no thresholds are recorded for CA" in w for w in found.doc["warnings"])


def test_prime_on_time_shipment_needs_the_first_scan(tmp_path: Path) -> None:
    ship_by = end_of_day("2024-05-12")
    write_all_orders(tmp_path, [ao(oid(n), la("2024-05-10")) for n in range(1, 4)])
    write_order_report(
        tmp_path,
        [orep(oid(n), la("2024-05-10"), latest_ship_date=ship_by, is_prime="true") for n in range(1, 4)],
    )
    write_ship_confirmations(
        tmp_path,
        [
            sc(oid(1), "2024-05-11", first_scan_at=la("2024-05-12", "18:00:00")),  # by the deadline
            sc(oid(2), "2024-05-12", first_scan_at=la("2024-05-13", "09:00:00")),  # scanned after it: late
            sc(oid(3), "2024-05-12"),  # no scan: left out, said
        ],
    )
    m = audit(tmp_path, "2024-05-14", config=SFP).metric(SFP_OTS)
    assert (m["numerator"], m["denominator"], m["status"]) == (1, 2, "breach")
    assert m["problem_order_ids"] == [oid(2)]
    assert any("without a carrier's first scan" in n for n in m["notes"])


SEEN = {
    "table": "Prime cancellation rate (SFP)",
    "markdown": "Prime cancellation rate (SFP)",
    "html": "Prime cancellation rate (SFP)",
    "json": '"id": "sfp_cancellation_rate"',
    "junit": 'name="sfp_cancellation_rate"',
    "nagios": "sfp_cancellation_rate 1% > 0.5%",
    "csv": "metric,sfp_cancellation_rate",
}


@pytest.mark.parametrize("fmt", sorted(SEEN))
def test_the_program_in_every_format(tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    _prime_account(tmp_path, 2)
    args = ["audit", str(tmp_path), "--as-of", "2024-05-12", "--marketplace", "US", "--format", fmt]
    assert main([*args, "--program", "sfp"]) == 2
    out = capsys.readouterr().out
    assert SEEN[fmt] in out
    main(args)
    assert "sfp_cancellation_rate" not in capsys.readouterr().out  # only when asked
    if fmt == "json":
        doc = json.loads(out)
        assert [m["status"] for m in doc["metrics"] if m["id"] == SFP_CR] == ["breach"]


def test_bad_program_or_rules_option_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _prime_account(tmp_path, 0)
    assert main(["audit", str(tmp_path), "--program", "fba"]) == 3
    assert 'use "sfp"' in capsys.readouterr().err
    assert main(["audit", str(tmp_path), "--rules", "yesterday"]) == 3
    assert '"contract" or "dated"' in capsys.readouterr().err


def test_explain_shows_the_rule_history_and_the_program(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "otdr"]) == 0
    out = capsys.readouterr().out
    for text in ("2024-07-25", "2024-09-25", "2026-02-28", "97 %", "200847280", "SPEC rev 2", "promise extensions"):
        assert text in out, text
    assert main(["explain", "cr"]) == 0
    assert "two consecutive seller cancellations" in capsys.readouterr().out
    assert main(["explain", "sfp"]) == 0
    out = capsys.readouterr().out
    assert "from 2021-07-15, JP: at least 96 %" in out
    assert "Buy Shipping labels for at least 99 % of units" in out
    assert main(["explain", "sfp_cr"]) == 0
    assert "no more than 0.5 %" in capsys.readouterr().out
    # SPEC's metrics default to its rules; one SPEC does not cover is judged by Amazon's in both modes.
    assert main(["explain", "otdr"]) == 0
    assert "rules (default: SPEC's at every date;" in capsys.readouterr().out
    assert main(["explain", "invoice_defect_rate"]) == 0
    assert "rules (Amazon's in force on the as-of day, in both modes):" in capsys.readouterr().out


def test_the_config_file_asks_for_the_program_and_the_dated_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    _prime_account(reports, 1)
    (tmp_path / "healthcheck.toml").write_text('rules = "dated"\nprogram = "sfp"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["audit", str(reports), "--as-of", "2024-05-12", "--format", "json"]) == 2
    doc = json.loads(capsys.readouterr().out)
    sfp = [m for m in doc["metrics"] if m["id"] == SFP_CR]
    assert [(m["status"], m["numerator"]) for m in sfp] == [("at_risk", 1)]
    # the option wins over the config: --rules contract keeps SPEC's rows
    main(["audit", str(reports), "--as-of", "2024-05-12", "--format", "json", "--rules", "contract"])
    doc = json.loads(capsys.readouterr().out)
    assert all(m["rule"]["contract"] for m in doc["metrics"] if m["program"] is None and m["source"] == "recomputed")
