"""Tests for healthcheck.config: defaults, every refusal a seller can hit, file discovery and init-config."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from healthcheck.config import (
    CONFIG_FILENAME,
    DEFAULT_OPERATING_DAYS,
    TOP_LEVEL_KEYS,
    Config,
    MetricOverride,
    default_config_text,
    load_config,
    parse_config,
)
from healthcheck.errors import ConfigError

METRIC_IDS = (
    "order_defect_rate_mfn",
    "order_defect_rate_afn",
    "cancellation_rate",
    "late_shipment_rate_10d",
    "late_shipment_rate_30d",
    "valid_tracking_rate",
    "on_time_delivery_rate",
    "response_time_24h",
    "refund_rate",
)

METRIC_DEFAULTS: dict[str, tuple[float, float, int]] = {
    "order_defect_rate_mfn": (0.01, 0.008, 60),
    "order_defect_rate_afn": (0.01, 0.008, 60),
    "cancellation_rate": (0.025, 0.02, 7),
    "late_shipment_rate_10d": (0.04, 0.032, 10),
    "late_shipment_rate_30d": (0.04, 0.032, 30),
    "valid_tracking_rate": (0.95, 0.96, 30),
    "on_time_delivery_rate": (0.9, 0.92, 14),
    "response_time_24h": (0.9, 0.92, 30),
}

SPEC_EXAMPLE = """\
marketplace = "US"
handling_days = 2
operating_days = ["Mon", "Tue", "Wed", "Thu", "Fri"]
closed_dates = ["2024-12-24"]
order_cutoff = "14:00"
odr_lag_days = 14
carriers = ["My Regional Courier"]        # more integrated carriers
[handling_days_by_sku]
"SKU-123" = 0
[metrics.late_shipment_rate_10d]
target = 0.04
at_risk = 0.03
window_days = 10
"""


def parse(data: dict[str, Any]) -> Config:
    return parse_config(data, source="test.toml", metric_ids=METRIC_IDS)


# ---- defaults and good values ------------------------------------------------------------------------------


def test_defaults() -> None:
    config = Config()
    assert config.marketplace is None
    assert config.handling_days == 2
    assert dict(config.handling_days_by_sku) == {}
    assert config.operating_days == DEFAULT_OPERATING_DAYS == ("Mon", "Tue", "Wed", "Thu", "Fri")
    assert config.closed_dates == ()
    assert config.order_cutoff == time(14, 0)
    assert config.odr_lag_days == 14
    assert config.carriers == ()
    assert dict(config.metrics) == {}
    assert config.source is None


def test_empty_table_gives_defaults_with_source() -> None:
    assert parse({}) == Config(source="test.toml")


def test_top_level_keys_match_config_fields() -> None:
    fields = {f.name for f in dataclasses.fields(Config)} - {"source"}
    assert set(TOP_LEVEL_KEYS) == fields


def test_spec_example_parses() -> None:
    config = parse(tomllib.loads(SPEC_EXAMPLE))
    assert config == Config(
        marketplace="US",
        handling_days=2,
        handling_days_by_sku={"SKU-123": 0},
        operating_days=("Mon", "Tue", "Wed", "Thu", "Fri"),
        closed_dates=(date(2024, 12, 24),),
        order_cutoff=time(14, 0),
        odr_lag_days=14,
        carriers=("My Regional Courier",),
        metrics={"late_shipment_rate_10d": MetricOverride(target=0.04, at_risk=0.03, window_days=10)},
        source="test.toml",
    )


@pytest.mark.parametrize(("written", "stored"), [("US", "US"), ("gb", "UK"), ("GB", "UK"), (" de ", "DE")])
def test_marketplace_is_normalised(written: str, stored: str) -> None:
    assert parse({"marketplace": written}).marketplace == stored


def test_operating_days_normalised_ordered_and_deduplicated() -> None:
    config = parse({"operating_days": ["saturday", "MON", "Tue", "mon", "Sunday", "Monday"]})
    assert config.operating_days == ("Mon", "Tue", "Sat", "Sun")


def test_closed_dates_accept_toml_dates_and_strings_sorted() -> None:
    config = parse({"closed_dates": ["2024-12-31", date(2024, 12, 24), "2024-12-24"]})
    assert config.closed_dates == (date(2024, 12, 24), date(2024, 12, 31))


def test_closed_dates_from_toml_date_literals() -> None:
    config = parse(tomllib.loads("closed_dates = [2025-01-01, 2024-12-25]"))
    assert config.closed_dates == (date(2024, 12, 25), date(2025, 1, 1))


@pytest.mark.parametrize(
    ("written", "stored"),
    [("14:00", time(14, 0)), ("9:30", time(9, 30)), ("00:00", time(0, 0)), ("23:59", time(23, 59))],
)
def test_order_cutoff_strings(written: str, stored: time) -> None:
    assert parse({"order_cutoff": written}).order_cutoff == stored


def test_order_cutoff_toml_time() -> None:
    assert parse(tomllib.loads("order_cutoff = 16:30:00")).order_cutoff == time(16, 30)


def test_carriers_trimmed_and_deduplicated() -> None:
    config = parse({"carriers": [" Acme Post ", "Acme Post", "Speedy"]})
    assert config.carriers == ("Acme Post", "Speedy")


def test_partial_metric_override_keeps_other_defaults() -> None:
    config = parse({"metrics": {"cancellation_rate": {"at_risk": 0}}})
    assert config.metrics == {"cancellation_rate": MetricOverride(at_risk=0.0)}
    assert isinstance(config.metrics["cancellation_rate"].at_risk, float)


@pytest.mark.parametrize(
    ("key", "value"),
    [("handling_days", 0), ("handling_days", 30), ("odr_lag_days", 0), ("odr_lag_days", 60)],
)
def test_integer_bounds_are_inclusive(key: str, value: int) -> None:
    assert getattr(parse({key: value}), key) == value


# ---- bad values --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"marketplce": "US"}, "marketplce"),
        ({"handling_time": 2}, "handling_time"),
        ({"marketplace": "XX"}, "marketplace"),
        ({"marketplace": 1}, "marketplace"),
        ({"marketplace": ""}, "marketplace"),
        ({"handling_days": -1}, "handling_days"),
        ({"handling_days": 31}, "handling_days"),
        ({"handling_days": "2"}, "handling_days"),
        ({"handling_days": 2.0}, "handling_days"),
        ({"handling_days": True}, "handling_days"),
        ({"handling_days_by_sku": 3}, "handling_days_by_sku"),
        ({"handling_days_by_sku": {"SKU-1": 31}}, "handling_days_by_sku.SKU-1"),
        ({"handling_days_by_sku": {"SKU-1": False}}, "handling_days_by_sku.SKU-1"),
        ({"handling_days_by_sku": {"SKU 1": "1"}}, 'handling_days_by_sku."SKU 1"'),
        ({"handling_days_by_sku": {" ": 1}}, 'handling_days_by_sku." "'),
        ({"operating_days": []}, "operating_days"),
        ({"operating_days": "Mon"}, "operating_days"),
        ({"operating_days": ["Funday"]}, "operating_days"),
        ({"operating_days": ["Mon", 1]}, "operating_days"),
        ({"operating_days": ["Mo"]}, "operating_days"),
        ({"closed_dates": "2024-12-24"}, "closed_dates"),
        ({"closed_dates": ["24/12/2024"]}, "closed_dates"),
        ({"closed_dates": ["2024-02-30"]}, "closed_dates"),
        ({"closed_dates": ["20241224"]}, "closed_dates"),
        ({"closed_dates": [20241224]}, "closed_dates"),
        ({"closed_dates": [datetime(2024, 12, 24, 10, 0)]}, "closed_dates"),
        ({"order_cutoff": "24:00"}, "order_cutoff"),
        ({"order_cutoff": "12:60"}, "order_cutoff"),
        ({"order_cutoff": "2pm"}, "order_cutoff"),
        ({"order_cutoff": 14}, "order_cutoff"),
        ({"order_cutoff": "14:00:00"}, "order_cutoff"),
        ({"odr_lag_days": 61}, "odr_lag_days"),
        ({"odr_lag_days": -1}, "odr_lag_days"),
        ({"odr_lag_days": 14.5}, "odr_lag_days"),
        ({"carriers": "UPS"}, "carriers"),
        ({"carriers": [""]}, "carriers"),
        ({"carriers": ["  "]}, "carriers"),
        ({"carriers": [1]}, "carriers"),
        ({"metrics": 1}, "metrics"),
        ({"metrics": {"late_shipment_rate": {"target": 0.04}}}, "metrics.late_shipment_rate"),
        ({"metrics": {"cancellation_rate": 0.02}}, "metrics.cancellation_rate"),
        ({"metrics": {"cancellation_rate": {"treshold": 0.02}}}, "metrics.cancellation_rate.treshold"),
        ({"metrics": {"cancellation_rate": {"target": 2.5}}}, "metrics.cancellation_rate.target"),
        ({"metrics": {"cancellation_rate": {"target": -0.1}}}, "metrics.cancellation_rate.target"),
        ({"metrics": {"cancellation_rate": {"target": "2.5%"}}}, "metrics.cancellation_rate.target"),
        ({"metrics": {"cancellation_rate": {"target": True}}}, "metrics.cancellation_rate.target"),
        ({"metrics": {"cancellation_rate": {"target": float("nan")}}}, "metrics.cancellation_rate.target"),
        ({"metrics": {"cancellation_rate": {"at_risk": 1.01}}}, "metrics.cancellation_rate.at_risk"),
        ({"metrics": {"cancellation_rate": {"window_days": 0}}}, "metrics.cancellation_rate.window_days"),
        ({"metrics": {"cancellation_rate": {"window_days": 366}}}, "metrics.cancellation_rate.window_days"),
        ({"metrics": {"cancellation_rate": {"window_days": 7.0}}}, "metrics.cancellation_rate.window_days"),
    ],
)
def test_bad_values_name_the_key(data: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse(data)
    assert info.value.key == key
    assert key in str(info.value)
    assert info.value.source == "test.toml"
    assert "test.toml" in str(info.value)


def test_weekday_message_lists_accepted_days() -> None:
    with pytest.raises(ConfigError) as info:
        parse({"operating_days": ["Funday"]})
    assert str(info.value) == (
        'test.toml: operating_days: "Funday" is not a weekday; use Mon, Tue, Wed, Thu, Fri, Sat, Sun'
    )


def test_unknown_top_level_key_lists_accepted_and_suggests() -> None:
    with pytest.raises(ConfigError) as info:
        parse({"handling_day": 2})
    message = str(info.value)
    assert "did you mean handling_days" in message
    for key in TOP_LEVEL_KEYS:
        assert key in message


def test_unknown_metric_id_lists_accepted_ids() -> None:
    with pytest.raises(ConfigError) as info:
        parse({"metrics": {"late_shipment_rate": {}}})
    for metric_id in METRIC_IDS:
        assert metric_id in str(info.value)


def test_unknown_metric_key_lists_accepted_keys() -> None:
    with pytest.raises(ConfigError) as info:
        parse({"metrics": {"refund_rate": {"threshold": 0.1}}})
    assert "target, at_risk, window_days" in str(info.value)


def test_unknown_marketplace_lists_codes() -> None:
    with pytest.raises(ConfigError) as info:
        parse({"marketplace": "XX"})
    assert "US" in str(info.value) and "UK" in str(info.value)


def test_percentage_slip_gets_a_hint() -> None:
    with pytest.raises(ConfigError) as info:
        parse({"metrics": {"late_shipment_rate_10d": {"target": 4}}})
    assert "0.04" in str(info.value)


# ---- files -------------------------------------------------------------------------------------------------


def test_no_file_in_cwd_gives_defaults(tmp_path: Path) -> None:
    assert load_config(None, cwd=tmp_path, metric_ids=METRIC_IDS) == Config()


def test_file_in_cwd_is_found(tmp_path: Path) -> None:
    (tmp_path / CONFIG_FILENAME).write_text('marketplace = "de"\nhandling_days = 1\n', encoding="utf-8")
    config = load_config(None, cwd=tmp_path, metric_ids=METRIC_IDS)
    assert config.marketplace == "DE"
    assert config.handling_days == 1
    assert config.source == str(tmp_path / CONFIG_FILENAME)


def test_explicit_path_wins_over_cwd_file(tmp_path: Path) -> None:
    (tmp_path / CONFIG_FILENAME).write_text("handling_days = 1\n", encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text("handling_days = 3\n", encoding="utf-8")
    config = load_config(other, cwd=tmp_path, metric_ids=METRIC_IDS)
    assert config.handling_days == 3
    assert config.source == str(other)


def test_relative_explicit_path_is_read_from_cwd(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "shop.toml").write_text("odr_lag_days = 0\n", encoding="utf-8")
    config = load_config(Path("conf/shop.toml"), cwd=tmp_path, metric_ids=METRIC_IDS)
    assert config.odr_lag_days == 0
    assert config.source == str(Path("conf/shop.toml"))


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbfhandling_days = 4\n")
    assert load_config(path, cwd=tmp_path, metric_ids=METRIC_IDS).handling_days == 4


def test_missing_explicit_file_names_init_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.toml", cwd=tmp_path, metric_ids=METRIC_IDS)
    assert "does not exist" in str(info.value)
    assert "healthcheck init-config" in str(info.value)
    assert "nope.toml" in str(info.value)


def test_folder_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, cwd=tmp_path, metric_ids=METRIC_IDS)
    assert "healthcheck init-config" in str(info.value)


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / CONFIG_FILENAME
    path.write_text('marketplace = "US"\nhandling_days 2\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(None, cwd=tmp_path, metric_ids=METRIC_IDS)
    assert info.value.key == "(file)"
    assert "line 2" in str(info.value)
    assert str(path) in str(info.value)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('carriers = ["Poste Fran\xe7aise"]\n'.encode("latin-1"))
    with pytest.raises(ConfigError) as info:
        load_config(path, cwd=tmp_path, metric_ids=METRIC_IDS)
    assert "UTF-8" in str(info.value)


def test_bad_value_in_file_names_file_and_key(tmp_path: Path) -> None:
    (tmp_path / CONFIG_FILENAME).write_text('operating_days = ["Funday"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(None, cwd=tmp_path, metric_ids=METRIC_IDS)
    assert str(info.value).startswith(f"{tmp_path / CONFIG_FILENAME}: operating_days: ")


# ---- init-config -------------------------------------------------------------------------------------------


def test_default_config_text_round_trips() -> None:
    text = default_config_text(METRIC_DEFAULTS)
    config = parse_config(tomllib.loads(text), source="init.toml", metric_ids=METRIC_IDS)
    # The marketplace is left unset (commented out): set, it would override the orders' sales channels, and a DE
    # seller who ran init-config would be audited on US time and holidays. The metric thresholds too: set, they
    # would override `rules = "dated"` (a DE seller's on-time delivery judged by 90 % where the rule says 97 %).
    assert config == dataclasses.replace(Config(), source="init.toml")
    assert config.marketplace is None and '# marketplace = "US"' in text
    uncommented = "\n".join(
        line[2:] if line.startswith(("# [metrics.", "# target =", "# at_risk =", "# window_days =")) else line
        for line in text.splitlines()
    )
    expected_metrics = {
        metric_id: MetricOverride(target=target, at_risk=at_risk, window_days=window)
        for metric_id, (target, at_risk, window) in METRIC_DEFAULTS.items()
    }
    edited = parse_config(tomllib.loads(uncommented), source="init.toml", metric_ids=METRIC_IDS)
    assert edited == dataclasses.replace(Config(), metrics=expected_metrics, source="init.toml")


def test_default_config_text_has_every_key_with_a_comment() -> None:
    text = default_config_text(METRIC_DEFAULTS)
    lines = text.splitlines()
    for key in TOP_LEVEL_KEYS:
        if key == "metrics":
            continue
        index = next(i for i, line in enumerate(lines) if line.startswith((f"{key} =", f"[{key}]", f"# {key} =")))
        assert lines[index - 1].startswith("# "), key
    for metric_id in METRIC_DEFAULTS:
        assert f"# [metrics.{metric_id}]" in lines
    for line in lines:
        if line.startswith(("# target =", "# at_risk =", "# window_days =")):
            assert "  # " in line, line
    assert '# "SKU-123" = 0' in lines


def test_default_config_text_without_metrics_is_valid() -> None:
    data = tomllib.loads(default_config_text({}))
    assert parse_config(data, source="x", metric_ids=()) == Config(source="x")
