"""Issue 15: Amazon's rules as dated data. SPEC's rules by default at every date; `--rules dated` takes Amazon's in
force on the as-of day; each dated rule tested the day before, the day, and the day after it starts, and at its
threshold."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from metric_builders import (
    ao,
    audit,
    end_of_day,
    la,
    oid,
    orep,
    sc,
    write_all_orders,
    write_order_report,
    write_ship_confirmations,
)

from healthcheck.config import Config, parse_config
from healthcheck.errors import ConfigError
from healthcheck.metrics import METRICS, metric_ids, resolve
from healthcheck.metrics.rules import history
from healthcheck.rulebook import RulesMode

OTDR = "on_time_delivery_rate"
DATED = Config(rules=RulesMode.DATED)
DAY = dt.timedelta(days=1)


def _spec(config: Config, metric_id: str, marketplace: str, as_of: dt.date):  # type: ignore[no-untyped-def]
    found = [s for s in resolve(config, marketplace=marketplace, as_of=as_of) if s.id == metric_id]
    return found[0] if found else None


def test_the_contract_rows_are_the_specs_defaults_which_are_spec_rev_2() -> None:
    """SPEC 4's table: the specs' defaults, and the table's contract rows, say the same."""
    spec_table = {
        "order_defect_rate_mfn": (0.01, 0.008, 60, 14),
        "order_defect_rate_afn": (0.01, 0.008, 60, 14),
        "cancellation_rate": (0.025, 0.02, 7, 0),
        "late_shipment_rate_10d": (0.04, 0.032, 10, 0),
        "late_shipment_rate_30d": (0.04, 0.032, 30, 0),
        "valid_tracking_rate": (0.95, 0.96, 30, 0),
        "on_time_delivery_rate": (0.90, 0.92, 14, 7),
        "response_time_24h": (0.90, 0.92, 30, 0),
        "refund_rate": (None, None, 30, 0),
    }
    for spec in METRICS:
        contract = [r for r in history(spec.id) if r.contract]
        assert len(contract) == 1, spec.id
        row = contract[0]
        assert (row.target, row.at_risk, row.window_days, row.lag_days) == spec_table[spec.id]
        assert (spec.target, spec.at_risk, spec.window_days) == spec_table[spec.id][:3]


@pytest.mark.parametrize("day", ["2023-01-10", "2024-07-24", "2024-07-25", "2024-09-25", "2026-03-01"])
def test_contract_mode_applies_spec_at_every_date(day: str) -> None:
    for spec in resolve(Config(), marketplace="US", as_of=dt.date.fromisoformat(day)):
        default = next(m for m in METRICS if m.id == spec.id)
        assert (spec.target, spec.at_risk, spec.window_days, spec.unit) == (
            default.target,
            default.at_risk,
            default.window_days,
            default.unit,
        )
        assert spec.rule is not None and spec.rule.contract


@pytest.mark.parametrize(
    ("day", "target", "unit", "enforced"),
    [
        ("2024-07-24", 0.97, "packages", "RECOMMENDED"),  # the old definition: packages, 97 % recommended
        ("2024-07-25", 0.97, "units", "RECOMMENDED"),  # without promise extensions, units
        ("2024-07-26", 0.97, "units", "RECOMMENDED"),
        ("2024-09-24", 0.97, "units", "RECOMMENDED"),
        ("2024-09-25", 0.90, "units", "ACCOUNT"),  # 90 % enforced on Amazon.com
        ("2024-09-26", 0.90, "units", "ACCOUNT"),
    ],
)
def test_dated_on_time_delivery_rule_around_its_dates(day: str, target: float, unit: str, enforced: str) -> None:
    spec = _spec(DATED, OTDR, "US", dt.date.fromisoformat(day))
    assert spec is not None and spec.rule is not None
    assert (spec.target, spec.unit, spec.rule.enforcement.name) == (target, unit, enforced)


def test_dated_on_time_delivery_outside_the_us_keeps_the_97_recommendation() -> None:
    spec = _spec(DATED, OTDR, "DE", dt.date(2026, 6, 1))
    assert spec is not None and spec.rule is not None
    assert (spec.target, spec.unit, spec.rule.enforcement.name) == (0.97, "packages", "RECOMMENDED")


@pytest.mark.parametrize(("rate", "status"), [(0.9699, "breach"), (0.97, "ok"), (0.9701, "ok")])
def test_old_on_time_delivery_rule_at_its_threshold(rate: float, status: str) -> None:
    spec = _spec(DATED, OTDR, "US", dt.date(2024, 7, 24))
    assert str(spec.classify(rate)) == status


@pytest.mark.parametrize(("rate", "status"), [(0.8999, "breach"), (0.90, "at_risk"), (0.92, "ok")])
def test_enforced_on_time_delivery_rule_at_its_threshold(rate: float, status: str) -> None:
    spec = _spec(DATED, OTDR, "US", dt.date(2024, 9, 25))
    assert str(spec.classify(rate)) == status


def test_the_config_still_overrides_a_dated_rule() -> None:
    config = parse_config(
        {"rules": "dated", "metrics": {OTDR: {"target": 0.93, "at_risk": 0.95}}},
        source="t.toml",
        metric_ids=metric_ids(),
    )
    spec = _spec(config, OTDR, "US", dt.date(2024, 8, 1))
    assert (spec.target, spec.at_risk, spec.unit) == (0.93, 0.95, "units")


def test_config_keys_rules_and_program() -> None:
    config = parse_config({"rules": "Dated", "program": "sfp"}, source="t.toml", metric_ids=metric_ids())
    assert (config.rules, config.program) == (RulesMode.DATED, ("sfp",))
    assert parse_config({"program": ["sfp", "sfp"]}, source="t", metric_ids=metric_ids()).program == ("sfp",)
    with pytest.raises(ConfigError, match='"contract" or "dated"'):
        parse_config({"rules": "2024"}, source="t.toml", metric_ids=metric_ids())
    with pytest.raises(ConfigError, match='use "sfp"'):
        parse_config({"program": "fba"}, source="t.toml", metric_ids=metric_ids())


# ------------------------------------------------------------------------------------------------------------
# An audit of 2024-08 data: the old rule (97 %) with --rules dated; SPEC's 90 % by default


def _deliveries(folder: Path, promised_day: str, late_units: int = 3, on_time: int = 29) -> None:
    """`on_time` one-unit packages on time and one package of `late_units` units late: 29 of 30 packages on
    time (96.7 %), 29 of 32 units (90.6 %)."""
    promised = end_of_day(promised_day)
    day = dt.date.fromisoformat(promised_day)
    bought, shipped, late = (str(day + n * DAY) for n in (-9, -8, 5))
    count = on_time + 1
    write_all_orders(folder, [ao(oid(n), la(bought), quantity=1) for n in range(1, count + 1)])
    write_order_report(folder, [orep(oid(n), la(bought), latest_delivery_date=promised) for n in range(1, count + 1)])
    rows = [sc(oid(n), shipped, delivered_at=la(promised_day, "10:00:00")) for n in range(1, count)]
    rows.append(sc(oid(count), shipped, quantity=late_units, delivered_at=la(late, "10:00:00")))
    write_ship_confirmations(folder, rows)


def test_an_audit_of_august_2024_uses_the_old_rule_when_asked(tmp_path: Path) -> None:
    _deliveries(tmp_path, "2024-08-10")
    as_of = "2024-08-20"  # the window: 2024-07-31 .. 2024-08-13
    contract = audit(tmp_path, as_of).metric(OTDR)
    assert (contract["numerator"], contract["denominator"], contract["target"]) == (29, 32, 0.90)
    assert contract["status"] == "at_risk"
    assert contract["rule"]["contract"] is True
    found = audit(tmp_path, as_of, config=DATED)
    dated = found.metric(OTDR)
    # 2024-07-25's definition (units, without promise extensions) with the 97 % recommendation
    assert (dated["numerator"], dated["denominator"], dated["target"]) == (29, 32, 0.97)
    assert dated["status"] == "breach"
    assert dated["rule"]["since"] == "2024-07-25" and dated["rule"]["enforcement"] == "recommended"
    assert any("judged by Amazon's rule in force on 2024-08-20" in w for w in found.doc["warnings"])


def test_before_the_definition_change_packages_are_counted(tmp_path: Path) -> None:
    _deliveries(tmp_path, "2024-07-10")
    dated = audit(tmp_path, "2024-07-20", config=DATED).metric(OTDR)
    assert (dated["numerator"], dated["denominator"]) == (29, 30)
    assert dated["status"] == "breach"  # 96.7 % of packages, under the 97 % recommended then
    assert "promise extensions included" in dated["rule"]["measures"]
    contract = audit(tmp_path, "2024-07-20").metric(OTDR)
    assert (contract["numerator"], contract["denominator"]) == (29, 32)  # SPEC's units at every date


def test_rules_other_than_on_time_delivery_are_the_same_in_both_modes() -> None:
    day = dt.date(2024, 8, 20)
    contract = {s.id: (s.target, s.at_risk, s.window_days) for s in resolve(Config(), marketplace="US", as_of=day)}
    dated = {s.id: (s.target, s.at_risk, s.window_days) for s in resolve(DATED, marketplace="US", as_of=day)}
    assert {k for k in contract if contract[k] != dated[k]} == {OTDR}


def test_dated_rules_do_not_change_the_default_report(tmp_path: Path) -> None:
    _deliveries(tmp_path, "2026-03-10")
    a = audit(tmp_path, "2026-03-20").metric(OTDR)
    b = audit(tmp_path, "2026-03-20", config=DATED).metric(OTDR)
    drop = ("rule",)
    assert {k: v for k, v in a.items() if k not in drop} == {k: v for k, v in b.items() if k not in drop}
    assert dataclasses.asdict(Config()) == dataclasses.asdict(Config(rules=RulesMode.CONTRACT))


def test_a_recommendation_is_called_one_in_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from healthcheck.cli import main

    _deliveries(tmp_path, "2024-08-10")
    args = ["audit", str(tmp_path), "--as-of", "2024-08-20", "--marketplace", "US", "--format", "markdown"]
    assert main([*args, "--rules", "dated"]) == 2
    out = capsys.readouterr().out
    assert "Amazon's target is at least 97% (a recommendation then: Amazon stated no penalty)" in out
    assert "judged by Amazon's rule in force on 2024-08-20 (rules = dated)" in out
    assert main(args) == 1  # SPEC's 90 %: at risk
    assert "Amazon stated no penalty" not in capsys.readouterr().out
