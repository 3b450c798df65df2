"""The seller's business-day calendar: expected ship dates and business-day arithmetic (SPEC 3, 4.6).

Amazon counts handling time in the seller's operating days, skipping the marketplace country's national
holidays (exactly the days `holidays.country_holidays(COUNTRY)` lists with no subdivision) and the seller's
own closed dates. Everything here is pure: the vectorised functions run `numpy.busday_*` over whole columns,
and `ship_by_explain.explain_ship_by` walks the same rules day by day so `healthcheck shipby` can show its
working.
"""

from __future__ import annotations

import datetime
import importlib.util
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import holidays
import numpy as np
import numpy.typing as npt
import pandas as pd

from healthcheck.errors import ConfigError

__all__ = [
    "WEEKDAYS",
    "OperatingCalendar",
    "add_operating_days",
    "operating_days_between",
    "ship_by_dates",
]

WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_WEEKDAY_NAMES: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

DayArray = npt.NDArray[np.datetime64]


# ----------------------------------------------------------------------------------------------------
# National holidays (cached: the holidays library recomputes a year's rules on every call)
# ----------------------------------------------------------------------------------------------------


def country_holidays(country: str, **options: Any) -> holidays.HolidayBase:
    """`holidays.country_holidays(country, **options)`, importing only that country's module.

    The library's lazy loader imports the `holidays.countries` package, whose `__init__` imports all 250
    countries (about a tenth of a second at every start); the registry names the one module and class needed.
    Anything unexpected takes the library's own path.
    """
    entity = country_class(country)
    if entity is None:
        return holidays.country_holidays(country, **options)
    return entity(**options)


def _registry() -> dict[str, tuple[str, ...]]:
    """The library's country registry: module name -> (class name, alpha-2, alpha-3, aliases such as UK,
    alternative class names); empty where this version of the library has none."""
    countries = getattr(getattr(holidays, "registry", None), "COUNTRIES", None)
    if not isinstance(countries, dict):
        return {}
    return {name: entry for name, entry in countries.items() if isinstance(entry, tuple) and entry}


def _codes(entry: tuple[str, ...]) -> list[str]:
    """The country codes of a registry entry (its alpha-2, alpha-3 and aliases, not its class names)."""
    return [c for c in entry[1:] if isinstance(c, str) and len(c) <= 3 and c.isalpha() and c.isupper()]


@lru_cache(maxsize=64)
def country_class(country: str) -> Callable[..., holidays.HolidayBase] | None:
    """The class the registry names for `country`, loaded from its own module file; None if not found so."""
    for module_name, entry in _registry().items():
        if country not in _codes(entry):
            continue
        name = f"holidays.countries.{module_name}"
        module = sys.modules.get(name)
        if module is None:
            path = Path(holidays.__file__).parent / "countries" / f"{module_name}.py"
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None or not path.is_file():
                return None
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module  # the package, if imported later, finds it loaded
            try:
                spec.loader.exec_module(module)
            except Exception:  # a layout this does not expect: the library's own loader decides
                sys.modules.pop(name, None)
                return None
        entity = getattr(module, str(entry[0]), None)
        return entity if callable(entity) else None
    return None


def name_language(country: str) -> str | None:
    """English holiday names whatever the process locale: the library otherwise follows LANG/LC_ALL.

    Keep a country's own English variant (en_GB, en_AU, ...) when it has one, else en_US, else the library's
    default (the days never depend on the language, only the names do).
    """
    entity = country_holidays(country)
    default = entity.default_language
    if default is not None and default.startswith("en"):
        return default
    if "en_US" in entity.supported_languages:
        return "en_US"
    return default


@lru_cache(maxsize=1)
def known_countries() -> frozenset[str]:
    """The library's country codes, from its registry (`list_supported_countries` imports every country's
    module to list them, a tenth of a second at every start)."""
    registry = _registry()
    if registry:
        return frozenset(code for entry in registry.values() for code in _codes(entry))
    return frozenset(holidays.list_supported_countries())


@lru_cache(maxsize=64)
def _check_country(country: str) -> str | None:
    """Fail early, with a config error rather than a traceback, on a country the library does not know."""
    if country not in known_countries():
        raise ConfigError(
            "marketplace",
            f"no national holiday calendar for country {country!r} in the holidays library",
        )
    return name_language(country)


@lru_cache(maxsize=512)
def _library_year(country: str, year: int) -> tuple[tuple[datetime.date, str], ...]:
    """What the library lists for one year, national level only (no subdivision), observed days included."""
    listed = country_holidays(country, years=year, language=_check_country(country))
    return tuple(sorted(listed.items()))


@lru_cache(maxsize=512)
def _holidays_falling_in(country: str, year: int) -> tuple[tuple[datetime.date, str], ...]:
    """The listed holidays whose DATE is in `year`, whichever year's list names them.

    An observed day can fall in the neighbouring year (US New Year's Day 2028 is observed on Fri 2027-12-31),
    so the lists of year-1 and year+1 are read too: every function here then agrees on a day's status.
    """
    names: dict[datetime.date, list[str]] = {}
    for listed_year in (year - 1, year, year + 1):
        for day, name in _library_year(country, listed_year):
            if day.year == year and name not in names.setdefault(day, []):
                names[day].append(name)
    return tuple((day, "; ".join(parts)) for day, parts in sorted(names.items()))


@lru_cache(maxsize=512)
def _holiday_lookup(country: str, year: int) -> Mapping[datetime.date, str]:
    """Read-only date -> name map for the day-by-day walk of `explain_ship_by`."""
    return MappingProxyType(dict(_holidays_falling_in(country, year)))


def forget_holidays() -> None:
    """Forget the holiday names read so far. They are cached per process, and the library names them in the
    language of the locale at the first lookup: one process that changes its locale reads them anew after this."""
    for cached in (_library_year, _holidays_falling_in, _holiday_lookup):
        cached.cache_clear()


def _normalise_weekday(value: str) -> str:
    """Accept `Mon`, `mon`, `Monday`: config files are hand-written."""
    text = str(value).strip().lower()
    for short, full in zip(WEEKDAYS, _WEEKDAY_NAMES, strict=True):
        if text in (short.lower(), full.lower()):
            return short
    raise ConfigError("operating_days", f"unknown weekday {value!r}; use {', '.join(WEEKDAYS)}")


def _as_date(value: datetime.date) -> datetime.date:
    """A closed date given as a datetime means its calendar date (datetime is a date subclass)."""
    return value.date() if isinstance(value, datetime.datetime) else value


# ----------------------------------------------------------------------------------------------------
# The calendar
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OperatingCalendar:
    """The days a seller ships on: operating weekdays minus national holidays minus closed dates.

    Frozen and hashable (its fields are normalised to sorted tuples), so numpy calendars built from it can be
    cached per (calendar, year range).
    """

    country: str
    operating_days: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri")
    closed_dates: tuple[datetime.date, ...] = ()
    cutoff: datetime.time = datetime.time(14, 0)

    def __post_init__(self) -> None:
        """Normalise the fields so equal calendars hash equally, and reject what would never ship."""
        country = str(self.country).strip().upper()
        _check_country(country)
        given = {_normalise_weekday(d) for d in self.operating_days}
        if not given:
            raise ConfigError("operating_days", "at least one operating day is needed, e.g. Mon to Fri")
        if not isinstance(self.cutoff, datetime.time):
            raise ConfigError("order_cutoff", f"expected a time of day such as 14:00, got {self.cutoff!r}")
        object.__setattr__(self, "country", country)
        object.__setattr__(self, "operating_days", tuple(d for d in WEEKDAYS if d in given))
        object.__setattr__(self, "closed_dates", tuple(sorted({_as_date(d) for d in self.closed_dates})))

    @property
    def weekmask(self) -> str:
        """numpy's weekmask string, Monday first ("1111100" for Mon-Fri)."""
        return "".join("1" if d in self.operating_days else "0" for d in WEEKDAYS)

    def holiday_names(self, years: Iterable[int]) -> dict[datetime.date, str]:
        """National holidays (observed days included) falling in the given years, by date."""
        result: dict[datetime.date, str] = {}
        for year in sorted(set(years)):
            result.update(_holidays_falling_in(self.country, int(year)))
        return result

    def _holiday_name(self, day: datetime.date) -> str | None:
        """The national holiday on `day`, if any."""
        return _holiday_lookup(self.country, day.year).get(day)

    def is_operating_day(self, day: datetime.date) -> bool:
        """Whether handling time counts this day (the seller ships and Amazon expects it to)."""
        return self.closed_reason(day) is None

    def closed_reason(self, day: datetime.date) -> str | None:
        """None on an operating day, else every reason it is not one, e.g. "holiday: Thanksgiving Day".

        All reasons are given ("weekend (Saturday); holiday: Constitution Day") so a seller who enables
        weekend shipping can still see why that day would not count.
        """
        day = _as_date(day)
        reasons: list[str] = []
        weekday = day.weekday()
        if WEEKDAYS[weekday] not in self.operating_days:
            kind = "weekend" if weekday >= 5 else "not an operating day"
            reasons.append(f"{kind} ({_WEEKDAY_NAMES[weekday]})")
        holiday = self._holiday_name(day)
        if holiday is not None:
            reasons.append(f"holiday: {holiday}")
        if day in self.closed_dates:
            reasons.append("closed date")
        return "; ".join(reasons) if reasons else None

    def busdaycalendar(self, start_year: int, end_year: int) -> np.busdaycalendar:
        """numpy calendar for the years start_year..end_year inclusive (outside them only weekdays count)."""
        return _busdaycalendar(self, int(start_year), int(end_year))


@lru_cache(maxsize=256)
def _busdaycalendar(cal: OperatingCalendar, start_year: int, end_year: int) -> np.busdaycalendar:
    """Cached: building the holiday list is the slow part and audits ask for the same years repeatedly."""
    years = range(start_year, end_year + 1)
    days = set(cal.holiday_names(years))
    days.update(d for d in cal.closed_dates if start_year <= d.year <= end_year)
    holiday_array = np.array(sorted(days), dtype="datetime64[D]")
    return np.busdaycalendar(weekmask=cal.weekmask, holidays=holiday_array)


# ----------------------------------------------------------------------------------------------------
# Vectorised arithmetic
# ----------------------------------------------------------------------------------------------------


def _naive_datetimes(series: pd.Series, what: str) -> npt.NDArray[np.datetime64]:
    """The series as naive datetime64[ns] values, refusing zone-aware input.

    A zone-aware series would silently be read in the wrong zone's wall clock; the caller must convert to the
    marketplace zone and drop the zone (`.dt.tz_convert(zone).dt.tz_localize(None)`).
    """
    if not pd.api.types.is_datetime64_any_dtype(series.dtype):
        series = pd.to_datetime(series)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        raise TypeError(
            f"{what} must be naive local wall-clock times: use .dt.tz_convert(zone).dt.tz_localize(None) first"
        )
    return series.to_numpy(dtype="datetime64[ns]")


def _same_index(a: pd.Series, b: pd.Series, what: str) -> None:
    """Row-aligned inputs are required: silently reindexing would pair the wrong rows."""
    if not a.index.equals(b.index):
        raise ValueError(f"{what} must have the same index")


def _year(values: DayArray) -> int:
    """Calendar year of a scalar or the single element of a datetime64[D] reduction."""
    return int(np.asarray(values).astype("datetime64[Y]").astype(np.int64)) + 1970


def _nth_after(days: DayArray, offsets: npt.NDArray[np.int64], cal: OperatingCalendar) -> DayArray:
    """busday_offset(d, n, roll="backward") over valid rows: the n-th operating day strictly after d (n >= 1).

    For n = 0 it is d itself when d is operating. Holidays are loaded for min(year)-1 .. max(year)+1 and the
    range grows until every result lies inside it, so long handling times cannot escape the holiday list.
    """
    out = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    valid = ~np.isnat(days)
    if not valid.any():
        return out
    start, steps = days[valid], offsets[valid]
    first_year, last_year = _year(start.min()) - 1, _year(start.max()) + 1
    # Orders share a few hundred purchase days and a few handling times: each distinct (day, n) is worked out
    # once (min and max, which set the holiday years, are among them).
    pairs, where = _distinct_pairs(start, steps)
    pair_days, pair_steps = pairs
    while True:
        result = np.busday_offset(
            pair_days, pair_steps, roll="backward", busdaycal=cal.busdaycalendar(first_year, last_year)
        )
        top = _year(result.max())
        if top <= last_year:
            break
        last_year = top + 1
    out[valid] = result if where is None else result[where]
    return out


def _distinct_pairs(
    days: DayArray, steps: npt.NDArray[np.int64]
) -> tuple[tuple[DayArray, npt.NDArray[np.int64]], npt.NDArray[np.intp] | None]:
    """((the distinct (day, n) pairs' days, their n), each row's pair), numbered in a table over the pairs' range;
    the rows themselves and None where that range is far larger than the rows."""
    numbers = days.astype(np.int64)
    low, low_step = int(numbers.min()), int(steps.min())
    span, step_span = int(numbers.max()) - low + 1, int(steps.max()) - low_step + 1
    if span * step_span > 4 * len(numbers) + (1 << 16):
        return (days, steps), None
    key = (numbers - low) * step_span + (steps - low_step)
    seen = np.zeros(span * step_span, dtype=bool)
    seen[key] = True
    distinct = np.flatnonzero(seen)
    place = np.cumsum(seen) - 1  # each pair's place among the distinct ones
    pair_days = (distinct // step_span + low).astype("datetime64[D]")
    return (pair_days, distinct % step_span + low_step), place[key]


def _to_series(days: DayArray, like: pd.Series) -> pd.Series:
    """Midnight datetime64[ns] series on the caller's index."""
    return pd.Series(days.astype("datetime64[ns]"), index=like.index, name=like.name, dtype="datetime64[ns]")


def ship_by_dates(local_purchase: pd.Series, handling_days: pd.Series, cal: OperatingCalendar) -> pd.Series:
    """Ship-by DATE (midnight, naive datetime64[ns]) per order, from local purchase time and handling days.

    Vectorised with numpy.busday_offset, since audits hold hundreds of thousands of orders. N = 0 ships on
    the purchase date when it is an operating day and the order came strictly before the cut-off, else on the
    next operating day; N >= 1 ships on the N-th operating day strictly after the purchase date. A NaT
    purchase or a missing handling time gives NaT.
    """
    _same_index(local_purchase, handling_days, "local_purchase and handling_days")
    moments = _naive_datetimes(local_purchase, "local_purchase")
    days = moments.astype("datetime64[D]")
    missing = handling_days.isna().to_numpy(dtype=bool)
    numbers = pd.to_numeric(handling_days, errors="raise").to_numpy(dtype=np.float64, na_value=0.0)
    if (numbers != np.floor(numbers)).any() or (numbers < 0).any():
        raise ValueError("handling_days must be whole numbers >= 0")
    steps = numbers.astype(np.int64)
    days[missing] = np.datetime64("NaT")

    cutoff = datetime.timedelta(
        hours=cal.cutoff.hour,
        minutes=cal.cutoff.minute,
        seconds=cal.cutoff.second,
        microseconds=cal.cutoff.microsecond,
    )
    time_of_day = moments - days.astype("datetime64[ns]")
    same_day = time_of_day < np.timedelta64(cutoff)
    valid = ~np.isnat(days)
    if valid.any():
        bought = days[valid]
        (distinct, _), where = _distinct_pairs(bought, np.zeros(len(bought), dtype=np.int64))
        calendar = cal.busdaycalendar(_year(bought.min()), _year(bought.max()))
        operating = np.is_busday(distinct, busdaycal=calendar)
        same_day[valid] &= operating if where is None else operating[where]
    # N = 0 becomes "0 steps" (stay on an operating purchase date) or "1 step" (the next operating day).
    steps = np.where(steps == 0, np.where(same_day, 0, 1), steps)
    return _to_series(_nth_after(days, steps, cal), local_purchase)


def add_operating_days(days: pd.Series, n: int, cal: OperatingCalendar) -> pd.Series:
    """The n-th operating day strictly after each date (times of day are ignored; NaT stays NaT).

    Used for Amazon's auto-cancellation clock: an order unconfirmed 7 business days after its ship-by date
    expires. n = 0 returns the dates themselves.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    dates = _naive_datetimes(days, "days").astype("datetime64[D]")
    if n == 0:
        return _to_series(dates, days)
    return _to_series(_nth_after(dates, np.full(dates.shape, n, dtype=np.int64), cal), days)


def operating_days_between(start: pd.Series, end: pd.Series, cal: OperatingCalendar) -> pd.Series:
    """Count of operating days d with start < d <= end, by date (float; NaN where either side is NaT).

    This is how many business days late a shipment confirmed on `end` was for a ship-by date `start` (0 when
    confirmed on the ship-by date or on non-operating days right after it). When end < start the count is
    negative (minus the operating days in end < d <= start), so early shipments read as early.
    """
    _same_index(start, end, "start and end")
    first = _naive_datetimes(start, "start").astype("datetime64[D]")
    last = _naive_datetimes(end, "end").astype("datetime64[D]")
    out = np.full(first.shape, np.nan, dtype=np.float64)
    valid = ~(np.isnat(first) | np.isnat(last))
    if valid.any():
        a, b = first[valid], last[valid]
        low = min(_year(a.min()), _year(b.min())) - 1
        high = max(_year(a.max()), _year(b.max())) + 1
        numpy_cal = cal.busdaycalendar(low, high)
        one = np.timedelta64(1, "D")
        # busday_count(begin, end) counts [begin, end) when begin <= end: shifting both by a day gives
        # (start, end]. When end < begin it already returns minus the count of (end, begin].
        forward = np.busday_count(a + one, b + one, busdaycal=numpy_cal)
        backward = np.busday_count(a, b, busdaycal=numpy_cal)
        out[valid] = np.where(b >= a, forward, backward)
    return pd.Series(out, index=start.index, dtype="float64")
