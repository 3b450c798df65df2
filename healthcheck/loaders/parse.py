"""Vectorised value parsing: strings in, typed columns plus a mask of values that did not parse.

Timestamps become UTC instants. A value with no offset (a bare date, or a time written without one) is read as
local time in the marketplace zone: SPEC 3/4.3 say a date-only `ship-date` means 00:00 local that day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# A date or date-time written with no offset (local time). Everything else goes to the offset-aware parser, so a
# value whose offset is written some other way (`+00`, as PostgreSQL prints it) can never reach `tz_localize`.
_NAIVE_RE = r"^\d{4}-?\d\d-?\d\d(?:[T ]\d\d(?::?\d\d(?::?\d\d(?:[.,]\d+)?)?)?)?$"
_SCIENTIFIC_RE = r"^\d+(?:\.\d+)?[eE]\+\d+$"
_TRUE = {"true", "t", "y", "yes", "1"}
_FALSE = {"false", "f", "n", "no", "0"}


def clean_text(values: pd.Series) -> pd.Series:
    """Strip surrounding white space; a lone `"` quoting an Excel-saved value is not part of it."""
    return values.astype("str").str.strip()


def parse_instants(values: pd.Series, timezone: str) -> tuple[pd.Series, pd.Series]:
    """Return (UTC instants, bad mask). Empty values are NaT and not bad."""
    text = clean_text(values)
    empty = text == ""
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    if bool(empty.all()):
        return result, pd.Series(False, index=values.index)
    naive_mask = text.str.match(_NAIVE_RE) & ~empty
    has_offset = ~naive_mask & ~empty
    if bool(has_offset.any()):
        aware = pd.to_datetime(text[has_offset], utc=True, format="ISO8601", errors="coerce")
        result[has_offset] = aware.astype("datetime64[us, UTC]")
    if bool(naive_mask.any()):
        naive = pd.to_datetime(text[naive_mask], format="ISO8601", errors="coerce")
        # A local time in the hour repeated when DST ends is still a time, not a bad value: read it as the
        # first of the two (DST) instants.
        first = np.ones(len(naive), dtype=bool)
        local = naive.dt.tz_localize(timezone, ambiguous=first, nonexistent="shift_forward")
        result[naive_mask] = local.dt.tz_convert("UTC").astype("datetime64[us, UTC]")
    bad = result.isna() & ~empty
    return result, bad


def parse_dates(values: pd.Series, date_format: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Return (naive midnight datetimes, bad mask): calendar dates carry no zone."""
    text = clean_text(values)
    empty = text == ""
    if date_format:
        parsed = pd.to_datetime(text.where(~empty), format=date_format, errors="coerce")
    else:
        # ISO dates, or ISO timestamps of which only the date is meant.
        parsed = pd.to_datetime(text.where(~empty).str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    parsed = parsed.astype("datetime64[us]")
    return parsed, parsed.isna() & ~empty


def parse_ints(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = clean_text(values)
    empty = text == ""
    number = pd.to_numeric(text.where(~empty), errors="coerce")
    whole = number.notna() & (number == number.round())
    result = number.where(whole).astype("Int64")
    return result, ~whole & ~empty


def parse_floats(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = clean_text(values).str.replace(",", "", regex=False)
    empty = text == ""
    number = pd.to_numeric(text.where(~empty), errors="coerce").astype("Float64")
    return number, number.isna() & ~empty


def parse_bools(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """true/false, Y/N, yes/no, any case (SPEC 1.4); empty is unknown (NA), not false."""
    text = clean_text(values).str.lower()
    result = pd.Series(pd.NA, index=values.index, dtype="boolean")
    result[text.isin(_TRUE)] = True
    result[text.isin(_FALSE)] = False
    bad = result.isna() & (text != "")
    return result, bad


def scientific_ids(values: pd.Series) -> int:
    """How many ids Excel turned into `5.80293E+13` (the digits are lost: the seller must re-download)."""
    return int(scientific_id_mask(values).sum())


def scientific_id_mask(values: pd.Series) -> pd.Series:
    """Which ids are in Excel's scientific notation."""
    return clean_text(values).str.match(_SCIENTIFIC_RE).astype(bool)
