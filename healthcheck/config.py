"""The seller's settings: `healthcheck.toml` read, checked and turned into a `Config` (SPEC 2, 3, 5.1).

Every bad value is refused here with a message that names the key and what it accepts, so the rest of the tool
can trust a `Config` and a seller never sees a traceback for a typo.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from healthcheck.errors import ConfigError
from healthcheck.marketplaces import DEFAULT_MARKETPLACE, MARKETPLACES, get_marketplace
from healthcheck.rulebook import PROGRAMS, RulesMode

DEFAULT_OPERATING_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")
CONFIG_FILENAME = "healthcheck.toml"

# The key used in errors about the file as a whole rather than one setting.
FILE_KEY = "(file)"

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FULL_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_BY_NAME: dict[str, str] = {
    **{short.lower(): short for short in WEEKDAYS},
    **{full: short for full, short in zip(_FULL_WEEKDAYS, WEEKDAYS, strict=True)},
}

HANDLING_DAYS_RANGE = (0, 30)
ODR_LAG_DAYS_RANGE = (0, 60)
WINDOW_DAYS_RANGE = (1, 365)

TOP_LEVEL_KEYS = (
    "marketplace",
    "handling_days",
    "handling_days_by_sku",
    "operating_days",
    "closed_dates",
    "order_cutoff",
    "odr_lag_days",
    "carriers",
    "history",
    "rules",
    "program",
    "metrics",
)
METRIC_KEYS = ("target", "at_risk", "window_days")

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})")
_BARE_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")

_INIT_HINT = "run `healthcheck init-config` to write a commented one"


@dataclass(frozen=True)
class MetricOverride:
    """A seller's replacement for some of a metric's defaults; None keeps Amazon's value."""

    target: float | None = None
    at_risk: float | None = None
    window_days: int | None = None


@dataclass(frozen=True)
class Config:
    """Validated settings; the defaults are what a seller gets with no config file."""

    marketplace: str | None = None  # None = not set in the file (the CLI option or "US" decides)
    handling_days: int = 2
    handling_days_by_sku: Mapping[str, int] = field(default_factory=dict)
    operating_days: tuple[str, ...] = DEFAULT_OPERATING_DAYS  # "Mon".."Sun", in week order, no duplicates
    closed_dates: tuple[date, ...] = ()  # sorted
    order_cutoff: time = time(14, 0)
    odr_lag_days: int = 14
    carriers: tuple[str, ...] = ()  # extra integrated carrier names
    metrics: Mapping[str, MetricOverride] = field(default_factory=dict)
    history: str | None = None  # SQLite file every audit is recorded in (relative: to the config file); None = off
    rules: RulesMode = RulesMode.CONTRACT  # SPEC's rules at every date, or Amazon's in force on the as-of day
    program: tuple[str, ...] = ()  # programs whose own thresholds are added (`sfp`)
    source: str | None = None  # the file it came from, for messages


# ----------------------------------------------------------------------------------------------------
# Parsing


def parse_config(data: Mapping[str, Any], *, source: str, metric_ids: Collection[str]) -> Config:
    """Check parsed TOML and build a Config; apart from file reading so callers and tests can pass dicts."""
    _check_keys(data, TOP_LEVEL_KEYS, prefix="", source=source)
    defaults = Config()
    marketplace = _parse_marketplace(data["marketplace"], source) if "marketplace" in data else None
    handling_days = (
        _int_in_range(data["handling_days"], "handling_days", HANDLING_DAYS_RANGE, source)
        if "handling_days" in data
        else defaults.handling_days
    )
    by_sku = _parse_handling_by_sku(data["handling_days_by_sku"], source) if "handling_days_by_sku" in data else {}
    operating_days = (
        _parse_operating_days(data["operating_days"], source) if "operating_days" in data else defaults.operating_days
    )
    closed_dates = _parse_closed_dates(data["closed_dates"], source) if "closed_dates" in data else ()
    order_cutoff = _parse_cutoff(data["order_cutoff"], source) if "order_cutoff" in data else defaults.order_cutoff
    odr_lag_days = (
        _int_in_range(data["odr_lag_days"], "odr_lag_days", ODR_LAG_DAYS_RANGE, source)
        if "odr_lag_days" in data
        else defaults.odr_lag_days
    )
    carriers = _parse_carriers(data["carriers"], source) if "carriers" in data else ()
    metrics = _parse_metrics(data["metrics"], source, metric_ids) if "metrics" in data else {}
    history = _parse_history(data["history"], source) if "history" in data else None
    rules = parse_rules(data["rules"], source) if "rules" in data else RulesMode.CONTRACT
    programs = parse_programs(data["program"], source) if "program" in data else ()
    return Config(
        marketplace=marketplace,
        handling_days=handling_days,
        handling_days_by_sku=by_sku,
        operating_days=operating_days,
        closed_dates=closed_dates,
        order_cutoff=order_cutoff,
        odr_lag_days=odr_lag_days,
        carriers=carriers,
        metrics=metrics,
        history=history,
        rules=rules,
        program=programs,
        source=source,
    )


def load_config(path: Path | None, *, cwd: Path, metric_ids: Collection[str]) -> Config:
    """Read `--config PATH`, else `healthcheck.toml` in cwd if present, else the defaults.

    A named file must exist (a typo in `--config` must not silently fall back to the defaults); a missing
    `healthcheck.toml` is normal.
    """
    if path is None:
        candidate = cwd / CONFIG_FILENAME
        if not candidate.exists():
            return Config()
        return _load_file(candidate, str(candidate), metric_ids)
    return _load_file(cwd / path, str(path), metric_ids)


def _load_file(full_path: Path, source: str, metric_ids: Collection[str]) -> Config:
    """Read, decode and parse one file, turning each way it can fail into a ConfigError naming the file."""
    try:
        raw = full_path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            FILE_KEY, f"the config file does not exist; check the path, or {_INIT_HINT}", source
        ) from None
    except IsADirectoryError:
        raise ConfigError(
            FILE_KEY, f"this is a folder, not a config file; give a .toml file, or {_INIT_HINT}", source
        ) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError(
            FILE_KEY,
            f"the config file cannot be read ({reason}); check its permissions, or {_INIT_HINT}",
            source,
        ) from None
    try:
        # utf-8-sig: editors on Windows often add a byte-order mark that TOML itself does not allow.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            FILE_KEY, f"the config file is not UTF-8 text (byte {exc.start}); save it as UTF-8", source
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            FILE_KEY, f"not valid TOML: {exc}; fix that line, or {_INIT_HINT} to compare", source
        ) from None
    except RecursionError:  # tomllib recurses once per level of nesting
        raise ConfigError(
            FILE_KEY, f"arrays or tables are nested too deeply to be a config; {_INIT_HINT} to compare", source
        ) from None
    return parse_config(data, source=source, metric_ids=metric_ids)


def _parse_marketplace(value: Any, source: str) -> str:
    """Store the canonical code so `gb` and `GB` both become `UK` for every later lookup."""
    accepted = ", ".join(MARKETPLACES)
    if not isinstance(value, str):
        raise ConfigError("marketplace", f"{_show(value)} is not a marketplace code; use one of {accepted}", source)
    try:
        return get_marketplace(value).code
    except ConfigError as exc:
        raise ConfigError("marketplace", exc.detail, source) from None


def _parse_history(value: Any, source: str) -> str | None:
    """A file name; an empty string keeps recording off (the default `init-config` writes)."""
    if not isinstance(value, str):
        raise ConfigError(
            "history", f'{_show(value)} is not a file name; write e.g. history = "history.sqlite"', source
        )
    return value.strip() or None


def parse_rules(value: Any, source: str, key: str = "rules") -> RulesMode:
    """`contract` or `dated` (also `--rules`)."""
    accepted = " or ".join(json.dumps(m.value) for m in RulesMode)
    if isinstance(value, str) and value.strip().lower() in set(RulesMode):
        return RulesMode(value.strip().lower())
    raise ConfigError(key, f"{_show(value)} is not a rules choice; use {accepted}", source)


def parse_programs(value: Any, source: str, key: str = "program") -> tuple[str, ...]:
    """A program name or a list of them (also `--program`), each once."""
    accepted = ", ".join(json.dumps(p) for p in PROGRAMS)
    names = value if isinstance(value, list) else [value]
    found: list[str] = []
    for name in names:
        if not isinstance(name, str) or name.strip().lower() not in PROGRAMS:
            raise ConfigError(key, f"{_show(name)} is not a program; use {accepted} (or leave it out)", source)
        found += [] if name.strip().lower() in found else [name.strip().lower()]
    return tuple(found)


def _parse_handling_by_sku(value: Any, source: str) -> dict[str, int]:
    """Per-SKU handling times; SKUs are kept exactly as written because they are matched exactly."""
    if not isinstance(value, Mapping):
        raise ConfigError(
            "handling_days_by_sku",
            f'{_show(value)} is not a table; write [handling_days_by_sku] and then lines like "SKU-123" = 0',
            source,
        )
    result: dict[str, int] = {}
    for sku, days in value.items():
        key = f"handling_days_by_sku.{_toml_key(sku)}"
        if not sku.strip():
            raise ConfigError(key, 'a SKU cannot be empty; write the SKU in quotes, e.g. "SKU-123" = 0', source)
        result[sku] = _int_in_range(days, key, HANDLING_DAYS_RANGE, source)
    return result


def _parse_operating_days(value: Any, source: str) -> tuple[str, ...]:
    """Accept the ways sellers write weekdays, and store them once each in week order."""
    accepted = ", ".join(WEEKDAYS)
    if not isinstance(value, list):
        raise ConfigError(
            "operating_days", f'{_show(value)} is not a list; use a list like ["Mon", "Tue", "Wed"]', source
        )
    if not value:
        raise ConfigError(
            "operating_days", f"the list is empty; a seller ships on at least one day; use {accepted}", source
        )
    days: set[str] = set()
    for item in value:
        short = _WEEKDAY_BY_NAME.get(item.strip().lower()) if isinstance(item, str) else None
        if short is None:
            raise ConfigError("operating_days", f"{_show(item)} is not a weekday; use {accepted}", source)
        days.add(short)
    return tuple(day for day in WEEKDAYS if day in days)


def _parse_closed_dates(value: Any, source: str) -> tuple[date, ...]:
    """Accept TOML dates and quoted ISO dates; sorted and without repeats so calendar code can bisect."""
    usage = 'use dates like 2024-12-24 or "2024-12-24"'
    if not isinstance(value, list):
        raise ConfigError("closed_dates", f"{_show(value)} is not a list; {usage} inside [ ]", source)
    dates: set[date] = set()
    for item in value:
        # A TOML date-time is a datetime, which is also a date: refuse it rather than drop the time silently.
        if isinstance(item, datetime):
            raise ConfigError("closed_dates", f"{_show(item)} has a time of day; {usage}", source)
        if isinstance(item, date):
            dates.add(item)
        elif isinstance(item, str) and _DATE_RE.fullmatch(item.strip()):
            try:
                dates.add(date.fromisoformat(item.strip()))
            except ValueError:
                raise ConfigError("closed_dates", f"{_show(item)} is not a real date; {usage}", source) from None
        else:
            raise ConfigError("closed_dates", f"{_show(item)} is not a date; {usage}", source)
    return tuple(sorted(dates))


def _parse_cutoff(value: Any, source: str) -> time:
    """Accept "HH:MM" (and a bare TOML time) so the cut-off reads like the one in Seller Central."""
    usage = 'use "HH:MM" from "00:00" to "23:59", e.g. "14:00"'
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise ConfigError("order_cutoff", f"{_show(value)} has a time zone; {usage} (marketplace time)", source)
        return value
    if not isinstance(value, str):
        raise ConfigError("order_cutoff", f"{_show(value)} is not a time of day; {usage}", source)
    match = _TIME_RE.fullmatch(value.strip())
    if match is None:
        raise ConfigError("order_cutoff", f"{_show(value)} is not a time of day; {usage}", source)
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ConfigError("order_cutoff", f"{_show(value)} is not a time of day; {usage}", source)
    return time(hour, minute)


def _parse_carriers(value: Any, source: str) -> tuple[str, ...]:
    """Extra carrier names; trimmed and de-duplicated, kept in the seller's order."""
    usage = 'use a list of carrier names like ["My Regional Courier"]'
    if not isinstance(value, list):
        raise ConfigError("carriers", f"{_show(value)} is not a list; {usage}", source)
    names: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ConfigError("carriers", f"{_show(item)} is not a carrier name; {usage}", source)
        name = item.strip()
        if name not in names:
            names.append(name)
    return tuple(names)


def _parse_metrics(value: Any, source: str, metric_ids: Collection[str]) -> dict[str, MetricOverride]:
    """Per-metric overrides, only for metrics the tool knows, so a misspelt id is not silently ignored."""
    ids = _ordered(metric_ids)
    if not isinstance(value, Mapping):
        raise ConfigError(
            "metrics", f"{_show(value)} is not a table; write tables like [metrics.cancellation_rate]", source
        )
    result: dict[str, MetricOverride] = {}
    for metric_id, table in value.items():
        key = f"metrics.{_toml_key(metric_id)}"
        if metric_id not in metric_ids:
            raise ConfigError(
                key,
                f"{_show(metric_id)} is not a metric id{_did_you_mean(metric_id, ids)}; use one of {', '.join(ids)}",
                source,
            )
        if not isinstance(table, Mapping):
            raise ConfigError(
                key,
                f"{_show(table)} is not a table; write [{key}] and then lines with {', '.join(METRIC_KEYS)}",
                source,
            )
        _check_keys(table, METRIC_KEYS, prefix=f"{key}.", source=source)
        result[metric_id] = MetricOverride(
            target=_fraction(table["target"], f"{key}.target", source) if "target" in table else None,
            at_risk=_fraction(table["at_risk"], f"{key}.at_risk", source) if "at_risk" in table else None,
            window_days=(
                _int_in_range(table["window_days"], f"{key}.window_days", WINDOW_DAYS_RANGE, source)
                if "window_days" in table
                else None
            ),
        )
    return result


# ----------------------------------------------------------------------------------------------------
# Checks shared by several keys


def _check_keys(table: Mapping[str, Any], accepted: Sequence[str], *, prefix: str, source: str) -> None:
    """Refuse unknown keys: a misspelt key silently keeping its default is worse than an error."""
    for key in table:
        if key not in accepted:
            raise ConfigError(
                f"{prefix}{_toml_key(key)}",
                f"unknown key{_did_you_mean(key, accepted)}; accepted keys here: {', '.join(accepted)}",
                source,
            )


def _int_in_range(value: Any, key: str, bounds: tuple[int, int], source: str) -> int:
    """A whole number within bounds; TOML booleans are refused although Python counts them as ints."""
    low, high = bounds
    usage = f"use a whole number from {low} to {high}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(key, f"{_show(value)} is not a whole number; {usage}", source)
    if not low <= value <= high:
        raise ConfigError(key, f"{value} is out of range; {usage}", source)
    return value


def _fraction(value: Any, key: str, source: str) -> float:
    """A rate as a fraction in [0, 1]; a percentage written by mistake (the likely slip) gets a hint."""
    usage = "use a fraction from 0 to 1 (0.04 means 4 %)"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(key, f"{_show(value)} is not a number; {usage}", source)
    number = float(value)
    if math.isnan(number) or not 0.0 <= number <= 1.0:
        hint = f"; for {_show(value)} % write {number / 100:g}" if 1.0 < number <= 100.0 else ""
        raise ConfigError(key, f"{_show(value)} is out of range; {usage}{hint}", source)
    return number


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A suggestion for near-miss spellings, which is what most unknown keys are."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _ordered(ids: Collection[str]) -> list[str]:
    """Keep a sequence's own order (the SPEC's metric order) but sort sets, so messages are stable."""
    return list(dict.fromkeys(ids)) if isinstance(ids, Sequence) else sorted(ids)


def _show(value: Any) -> str:
    """Echo a value the way it looks in TOML, so the seller recognises what they wrote."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "a table"
    return str(value)


def _toml_key(key: str) -> str:
    """A key as it must be written in TOML: bare when possible, else quoted."""
    return key if _BARE_KEY_RE.fullmatch(key) else json.dumps(key, ensure_ascii=False)


# ----------------------------------------------------------------------------------------------------
# init-config


def default_config_text(metric_defaults: Mapping[str, tuple[float, float, int]]) -> str:
    """The commented file `healthcheck init-config` writes: every key at its default, to edit, not guess.

    metric_defaults maps each metric id to (target, at_risk, window_days).
    """
    defaults = Config()
    days = ", ".join(json.dumps(day) for day in defaults.operating_days)
    low_h, high_h = HANDLING_DAYS_RANGE
    low_w, high_w = WINDOW_DAYS_RANGE
    lines = [
        "# healthcheck configuration, written by `healthcheck init-config`.",
        "# Every key is shown at its default; change what differs for you. Unknown keys are an error. The",
        "# marketplace and the metric thresholds are commented out: set, they win over your files and Amazon's rules.",
        "",
        f"# Marketplace code, for time zone, national holidays and date formats: {', '.join(MARKETPLACES)}.",
        f"# Unset, the orders' sales channels name it ({DEFAULT_MARKETPLACE} where they name none); set, it wins.",
        f"# marketplace = {json.dumps(DEFAULT_MARKETPLACE)}",
        "",
        f"# Handling time in business days from purchase to ship-by, {low_h} to {high_h} (0 = same day).",
        f"handling_days = {defaults.handling_days}",
        "",
        f"# Days you ship ({', '.join(WEEKDAYS)}); the marketplace's national holidays are closed anyway.",
        f"operating_days = [{days}]",
        "",
        '# Extra dates you do not ship, e.g. ["2024-12-24", "2024-12-31"].',
        "closed_dates = []",
        "",
        '# Local cut-off time "HH:MM" for same-day handling: later orders ship by the next operating day.',
        f'order_cutoff = "{defaults.order_cutoff.strftime("%H:%M")}"',
        "",
        "# Days the Order Defect Rate window ends before the as-of date, as feedback and claims arrive late.",
        f"odr_lag_days = {defaults.odr_lag_days}",
        "",
        '# More carrier names to count as integrated for Valid Tracking Rate, e.g. ["My Regional Courier"].',
        "carriers = []",
        "",
        '# SQLite file every audit is recorded in, for `healthcheck history` and alerts, e.g. "history.sqlite"',
        '# (relative to this file); "" records nothing.',
        'history = ""',
        "",
        '# Whose rules judge the metrics: "contract" (SPEC rev 2 at every date) or "dated" (Amazon\'s rules in',
        "# force on the as-of day, docs/rules.md). Programs, listings and offers follow the dated rules either way.",
        'rules = "contract"',
        "",
        '# Programs whose own thresholds to add, e.g. program = "sfp" (Seller-Fulfilled Prime).',
        "program = []",
        "",
        "# Handling time per SKU, replacing handling_days for it; an order takes the largest of its items'.",
        "[handling_days_by_sku]",
        '# "SKU-123" = 0',
    ]
    if metric_defaults:
        lines += [
            "",
            "# Thresholds per metric, commented out: unset, each metric is judged by Amazon's rule in force",
            "# (`rules`); set, your value wins over it, so uncomment only what you judge by other numbers (the",
            "# report then calls it your target, beside Amazon's). Rates are fractions: 0.01 means 1 %.",
        ]
    for metric_id, (target, at_risk, window_days) in metric_defaults.items():
        lines += [
            "",
            f"# [metrics.{_toml_key(metric_id)}]",
            f"# target = {float(target)!r}  # Amazon's target; past it the metric is a breach",
            f"# at_risk = {float(at_risk)!r}  # the metric is at risk from here, before the target is passed",
            f"# window_days = {int(window_days)}  # days in the metric's window, {low_w} to {high_w}",
        ]
    return "\n".join(lines) + "\n"
