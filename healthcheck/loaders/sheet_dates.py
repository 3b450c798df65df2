"""Dates as a spreadsheet re-writes them (`4/19/2024 16:29`, `19.04.24`): read in the marketplace's day/month order
(SPEC 1.1 and docs/decisions.md), never guessed when a column holds values that only read the other way."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MONTH_FIRST, DAY_FIRST, YEAR_FIRST = "MDY", "DMY", "YMD"
_SHEET_RE = (
    r"^(?P<a>\d{1,4})(?P<s1>[/.-])(?P<b>\d{1,2})(?P<s2>[/.-])(?P<c>\d{2}|\d{4})"
    r"(?:[ T]+(?P<hh>\d{1,2}):(?P<mm>\d{2})(?::(?P<ss>\d{2})(?:[.,]\d+)?)?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?$"
)


@dataclass(frozen=True)
class SheetDates:
    """Values as a spreadsheet writes dates, read in the marketplace's order, and why the others were not."""

    values: pd.Series  # naive local datetimes; NaT where not read
    issue: pd.Series  # "" (read, or not a spreadsheet date at all), "ambiguous", "order" or "invalid"
    contradiction: str | None  # a value of the column that reads only in the other day/month order


def spreadsheet_dates(values: pd.Series, date_order: str) -> SheetDates:
    """Read `4/19/2024 16:29`-style values; never guess the day/month order.

    Year-first (`2024/4/19`) and dotted (`19.04.2024`, always day-first) forms read the same everywhere. A slashed
    `a/b/yyyy` reads in the marketplace's order (month-first in the US, day-first elsewhere); when some value of
    the column only reads in the other order, the column was written in that order and every slashed value in it
    is ambiguous: none is read, each is reported. `values` are stripped text (`parse.clean_text`).
    """
    text = values.astype("str")
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    issue = pd.Series("", index=text.index, dtype="str")
    parts = _sheet_parts(text)
    # `2024-4-19 4:29` (Excel's yyyy-m-d h:mm) is year-first; `19-04-2024` is not read (its order is unknown).
    looks = parts["a"].notna() & (parts["s1"] == parts["s2"]) & ((parts["s1"] != "-") | (parts["a_len"] == 4))
    if not bool(looks.any()):
        return SheetDates(parsed, issue, None)
    p = parts[looks]
    a, b, c = p["a"], p["b"], p["c"]
    a_long, c_long = p["a_len"] == 4, p["c_len"] == 4
    year_c = c.where(c_long, c + np.where(c < 69, 2000, 1900))  # strptime's %y pivot
    year_a = a.where(a_long, a + np.where(a < 69, 2000, 1900))
    dotted = (p["s1"] == ".") & ~a_long
    slashed = (p["s1"] == "/") & ~a_long
    # In a year-first marketplace a slashed date with a 2-digit last part is YY/M/D (JP's 24/4/19), and a/b/yyyy
    # has no reading there.
    year_first = a_long | (slashed & ~c_long) if date_order == YEAR_FIRST else a_long
    month_first_slash = slashed & ~year_first & (date_order == MONTH_FIRST)
    day_first_slash = slashed & ~year_first & (date_order == DAY_FIRST)
    readable = year_first | dotted | month_first_slash | day_first_slash
    day_first = day_first_slash | dotted
    stamp = _dates(
        year_a.where(year_first, year_c),
        b.where(year_first | day_first, a),
        c.where(year_first, a.where(day_first, b)),
    )
    stamp = (stamp + _clock(p)).where(readable)
    # The other day/month reading of the slashed values: evidence that the column is in the other order.
    other = _dates(year_c, b.where(month_first_slash, a), a.where(month_first_slash, b))
    contradicting = (month_first_slash | day_first_slash) & stamp.isna() & other.notna()
    codes = pd.Series("", index=p.index, dtype="str")
    codes = codes.mask(readable & stamp.isna(), "invalid")
    codes = codes.mask(slashed & ~readable, "order")
    contradiction = None
    if bool(contradicting.any()):
        contradiction = str(text[contradicting[contradicting].index[0]])
        guessed = (month_first_slash | day_first_slash) & stamp.notna()
        stamp = stamp.mask(guessed)
        codes = codes.mask(guessed, "ambiguous").mask(contradicting, "order")
    parsed[p.index] = stamp.astype("datetime64[us]")
    issue[p.index] = codes
    return SheetDates(parsed, issue, contradiction)


_SHEET_NUMBERS = frozenset({"a", "b", "c", "hh", "mm", "ss"})


def _sheet_parts(text: pd.Series) -> pd.DataFrame:
    """The groups of `_SHEET_RE` per value: numbers as floats (NaN where absent), separators as text, and the
    digit counts of the first and last parts. RE2 and Arrow casts over the whole column at once: pandas'
    `str.extract` runs Python's `re` value by value, ten times slower."""
    found = pc.extract_regex(pa.array(text, type=pa.string(), from_pandas=True), _SHEET_RE)
    valid = pc.is_valid(found)
    nothing = pa.scalar(None, pa.string())
    columns: dict[str, np.ndarray] = {}
    for at, group in enumerate(found.type):
        values = pc.struct_field(found, [at])
        values = pc.if_else(pc.and_(valid, pc.not_equal(values, "")), values, nothing)
        if group.name in _SHEET_NUMBERS:
            columns[group.name] = pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
        else:
            columns[group.name] = values.to_numpy(zero_copy_only=False)
        if group.name in ("a", "c"):
            columns[f"{group.name}_len"] = pc.utf8_length(values).to_numpy(zero_copy_only=False)
    return pd.DataFrame(columns, index=text.index)


def _dates(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """Midnight of each (year, month, day); NaT where there is no such day (Feb 30, month 13)."""
    parts = pd.DataFrame({"year": year, "month": month, "day": day})
    return pd.to_datetime(parts, errors="coerce").astype("datetime64[us]")


def _clock(parts: pd.DataFrame) -> pd.Series:
    """Time of day from a spreadsheet time (24-hour, or 12-hour with AM/PM); zero when there is none; NaT if bad."""
    hour, minute, second = (parts[k].fillna(0) for k in ("hh", "mm", "ss"))
    ampm = parts["ampm"].fillna("").astype("str").str.lower().str.replace(".", "", regex=False)
    twelve = ampm != ""
    bad = twelve & ((hour < 1) | (hour > 12))
    hour = hour.where(~twelve, hour % 12 + np.where(ampm == "pm", 12, 0))
    bad = bad | (hour > 23) | (minute > 59) | (second > 59)
    return pd.to_timedelta(hour * 3600 + minute * 60 + second, unit="s").mask(bad)
