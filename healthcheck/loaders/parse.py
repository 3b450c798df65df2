"""Vectorised value parsing: strings in, typed columns plus a mask of values that did not parse.

Timestamps become UTC instants. A value with no offset (a bare date, or a time written without one) is read as
local time in the marketplace zone: SPEC 3/4.3 say a date-only `ship-date` means 00:00 local that day.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from healthcheck.loaders.sheet_dates import MONTH_FIRST, spreadsheet_dates

# A date or date-time written with no offset (local time). Everything else goes to the offset-aware parser, so a
# value whose offset is written some other way (`+00`, as PostgreSQL prints it) can never reach `tz_localize`.
_NAIVE_RE = r"^\d{4}-?\d\d-?\d\d(?:[T ]\d\d(?::?\d\d(?::?\d\d(?:[.,]\d+)?)?)?)?$"
_AWARE_RE = r"^\d{4}-?\d\d-?\d\d(?:[T ]\d\d(?::?\d\d(?::?\d\d(?:[.,]\d+)?)?)?)? ?(?:[zZ]|[+-]\d\d(?::?\d\d)?)$"
_ZONE_RE = r"(?:[zZ]|[+-]\d\d(?::?\d\d)?|\b(?:UTC|GMT))$"
_SCIENTIFIC_RE = r"^\d+(?:\.\d+)?[eE]\+\d+$"
# An Amazon order id (`114-3941689-8772232`): 17 digits in groups of 3, 7 and 7.
AMAZON_ORDER_ID = r"^\d{3}-\d{7}-\d{7}$"
_TRUE = {"true", "t", "y", "yes", "1"}
_FALSE = {"false", "f", "n", "no", "0"}
# A date as a spreadsheet re-writes it when it re-saves a report: `4/19/2024 16:29`, `19.04.2024`,
# `2024/4/19 4:29 PM`, `24/4/19`. Read only where the marketplace's day/month order says how (never a guess).
# Day/month orders of a marketplace's short dates: month-first (US), day-first, year-first (JP, SE).
# Spreadsheet amounts: a currency sign, spaces (also the no-break ones French Excel groups thousands with) and
# the Swiss apostrophe are not part of the number.
_NUMBER_NOISE_RE = r"[\s\u00a0\u202f'’€$£¥₹]"
_THOUSANDS_COMMA_RE = r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?"  # 1,234.50 (and 1,234: a thousands comma)
_THOUSANDS_DOT_RE = r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+,\d+|[+-]?[1-9]\d{0,2}(?:\.\d{3}){2,}"  # 1.234,50 / 1.234.567
_DECIMAL_COMMA_RE = r"[+-]?\d*,\d+"  # 12,50


def clean_text(values: pd.Series) -> pd.Series:
    """Strip surrounding white space; a lone `"` quoting an Excel-saved value is not part of it."""
    array = _arrow_text(values)
    if array is not None:
        if not _may_need_trim(array):
            return values  # nothing to strip (the usual case): no copy of a column of a million strings
        # The same arrow kernel `.str.strip()` runs, without pandas' overhead on every column.
        return pd.Series(pc.utf8_trim_whitespace(array), index=values.index, dtype="str")
    return values.astype("str").str.strip()


def clean_text_and_blank(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(`clean_text(values)`, `blank(values)`), deciding once whether anything needs stripping."""
    array = _arrow_text(values)
    if array is None:
        text = clean_text(values)
        return text, text == ""
    if _may_need_trim(array):
        array = pc.utf8_trim_whitespace(array)
        values = pd.Series(array, index=values.index, dtype="str")
    return values, pd.Series(_empties(array), index=values.index, dtype=bool)  # stripped: empty is length 0


def blank(values: pd.Series) -> pd.Series:
    """`clean_text(values) == ""` (empty, or only white space), without building the stripped strings."""
    array = _arrow_text(values)
    if array is None:
        return clean_text(values) == ""
    if not _may_need_trim(array):
        return pd.Series(_empties(array), index=values.index, dtype=bool)
    empty = pc.or_(pc.equal(array, ""), pc.utf8_is_space(array))  # the white space the strip removes
    return pd.Series(empty.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def _string_chunks(array: pa.Array | pa.ChunkedArray) -> list[tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8]]]:
    """(offsets, bytes) of each chunk of a null-free arrow string column, as numpy views of arrow's buffers."""
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    out = []
    for chunk in chunks:
        _, offsets_buffer, data_buffer = chunk.buffers()
        offsets = np.frombuffer(offsets_buffer, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
        data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
        out.append((offsets.astype(np.int64, copy=False), data))
    return out


def _lengths(array: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.int64]:
    """Byte length of every value (0 only for the empty string)."""
    parts = [np.diff(offsets) for offsets, _ in _string_chunks(array)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _empties(array: pa.Array | pa.ChunkedArray) -> npt.NDArray[np.bool_]:
    """Whether each value is the empty string: equal neighbouring offsets, with no column of lengths between."""
    parts = [np.equal(offsets[1:], offsets[:-1]) for offsets, _ in _string_chunks(array)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def holds_byte(array: pa.Array | pa.ChunkedArray, byte: int) -> bool:
    """Whether any value of a null-free string column contains `byte` (an ASCII character): one scan of the
    values' bytes where they lie, many times faster than a substring search value by value."""
    for offsets, data in _string_chunks(array):
        if len(offsets) > 1 and bool((data[int(offsets[0]) : int(offsets[-1])] == byte).any()):
            return True
    return False


def _may_need_trim(array: pa.Array | pa.ChunkedArray) -> bool:
    """Whether some value may start or end with white space: its first or last byte is a space or a control
    character, or not ASCII (Unicode white space such as U+00A0 or U+3000). When this says no,
    `utf8_trim_whitespace` would return every value unchanged.

    A chunk whose bytes are all printable ASCII is settled by its lowest and highest byte (two passes, no
    temporaries: ids, dates and numbers); only another chunk's first and last bytes are looked at, in place."""
    for offsets, data in _string_chunks(array):
        low, high = int(offsets[0]), int(offsets[-1])
        if high <= low:
            continue  # every value empty
        held = data[low:high]
        if int(held.min()) > 0x20 and int(held.max()) < 0x7F:
            continue
        starts, ends = offsets[:-1], offsets[1:]
        filled = ends > starts
        first, last = data[starts[filled]], data[ends[filled] - 1]
        if bool(((first <= 0x20) | (first >= 0x7F) | (last <= 0x20) | (last >= 0x7F)).any()):
            return True
    return False


def parse_instants(values: pd.Series, timezone: str, date_order: str = MONTH_FIRST) -> tuple[pd.Series, pd.Series]:
    """Return (UTC instants, bad mask). Empty values are NaT and not bad.

    A value a spreadsheet re-wrote (`4/19/2024 16:29`) is local time, read in the marketplace's `date_order`;
    only the values ISO parsing rejected are tried that way, so clean files pay nothing for it.
    """
    text = clean_text(values)
    canonical = _canonical_instants(text, timezone)  # empty values are NaT there too
    if canonical is not None:
        return canonical, pd.Series(False, index=values.index)
    empty = text == ""
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    if bool(empty.all()):
        return result, pd.Series(False, index=values.index)
    # One anchored regex pass over a clean column: ISO with an offset (Amazon's order and shipment reports), else
    # ISO without one (local time); anything else with a zone written some other way still goes to pandas, but
    # a value with no zone at all is never read as UTC.
    has_offset = text.str.match(_AWARE_RE)
    rest = ~has_offset & ~empty
    naive_mask = pd.Series(False, index=text.index)
    if bool(rest.any()):
        naive_mask[rest] = text[rest].str.match(_NAIVE_RE)
        other = rest & ~naive_mask
        if bool(other.any()):
            has_offset |= other & text.str.contains(_ZONE_RE)
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
    if bool(bad.any()):
        sheet = spreadsheet_dates(text[bad], date_order).values
        read = sheet.notna()
        if bool(read.any()):
            first = np.ones(int(read.sum()), dtype=bool)
            local = sheet[read].dt.tz_localize(timezone, ambiguous=first, nonexistent="shift_forward")
            result[read[read].index] = local.dt.tz_convert("UTC").astype("datetime64[us, UTC]")
            bad = result.isna() & ~empty
    return result, bad


def _arrow_text(text: pd.Series) -> pa.Array | pa.ChunkedArray | None:
    """The column as arrow strings (zero-copy for the `str` columns the reader makes); None if it holds a null."""
    try:
        array = pa.array(text.array) if hasattr(text.array, "__arrow_array__") else pa.array(text, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)) or array.null_count:
        return None
    return array


def _canonical_instants(text: pd.Series, timezone: str) -> pd.Series | None:
    """ISO 8601 with an offset (Amazon's `2024-04-19T16:29:58+00:00`), or an ISO date alone (`2024-04-19`, local
    midnight: a ship confirmation's `ship-date` is often one) in every non-empty value: arrow's C++ parser reads
    the whole column at once, to the same instants as the general path. None when any value is written otherwise
    (no offset, a spreadsheet date, a 30 February): the general path then reads, and reports, them all.
    """
    array = _arrow_text(text)
    if array is None:
        return None
    lengths = _lengths(array)
    stamped = lengths > 10  # a date alone is exactly ten characters; an instant with an offset is longer
    if bool(stamped.all()):
        # Every value an instant (the usual column): cast as a whole, handed to pandas as arrow made it (no
        # filtered copy of the strings, no second pass to attach the zone).
        try:
            instants = pc.cast(array, pa.timestamp("us", tz="UTC")).to_pandas()
        except pa.ArrowException:  # arrow cannot read it exactly: the general path does
            return None
        return pd.Series(instants.astype("datetime64[us, UTC]").array, index=text.index)
    dated = lengths == 10
    micros = np.full(len(array), np.iinfo(np.int64).min, dtype=np.int64)  # NaT where empty
    try:
        # Arrow's cast to a zoned timestamp refuses a value without an offset (never read as UTC) and anything
        # that is not strict ISO 8601; such a column takes the general path. So does a date that is not one.
        if stamped.any():
            stamps = pc.cast(array.filter(pa.array(stamped)), pa.timestamp("us", tz="UTC"))
            micros[stamped] = stamps.to_numpy(zero_copy_only=False).view(np.int64)
        if dated.any():
            days = pc.cast(array.filter(pa.array(dated)), pa.date32()).to_numpy(zero_copy_only=False)
            micros[dated] = _local_midnights(np.asarray(days, dtype="datetime64[D]"), timezone)
    except pa.ArrowException:  # arrow cannot read it exactly: the general path does
        return None
    if bool(((lengths > 0) & ~stamped & ~dated).any()):
        return None  # a value of one to nine characters is no ISO date or instant: the general path reports it
    return pd.Series(micros.view("datetime64[us]"), index=text.index, dtype="datetime64[us, UTC]")  # taken as UTC


def _local_midnights(days: npt.NDArray[np.datetime64], timezone: str) -> npt.NDArray[np.int64]:
    """00:00 local on each day as UTC microseconds, worked out once per distinct day; like the general path, a
    midnight skipped by a DST change moves forward, a repeated one is the first (DST) instant."""
    distinct, where = np.unique(days, return_inverse=True)
    local = pd.DatetimeIndex(distinct.astype("datetime64[us]")).tz_localize(
        timezone, ambiguous=np.ones(len(distinct), dtype=bool), nonexistent="shift_forward"
    )
    return np.asarray(local.tz_convert("UTC").as_unit("us").asi8, dtype=np.int64)[where.reshape(-1)]


def parse_dates(
    values: pd.Series, date_format: str | None = None, *, date_order: str | None = None, timezone: str | None = None
) -> tuple[pd.Series, pd.Series]:
    """Return (naive midnight datetimes, bad mask): calendar dates carry no zone.

    `date_format` is the kind's own format; its twin with the other year width is read too, because a spreadsheet
    re-writes `5.4.24` as `05.04.2024`. With `date_order`, ISO dates and spreadsheet dates read in that order are
    accepted as well; without it (feedback, SPEC 1.3) nothing but the format is, and nothing is guessed. An ISO
    timestamp with an offset is a moment: with `timezone`, its date is the marketplace's there (SPEC 2), not the
    one written (`2024-06-11T05:00:00+00:00` is June 10 in Los Angeles).
    """
    text = clean_text(values)
    empty = text == ""
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    todo = ~empty
    formats = [date_format, _other_year_width(date_format)] if date_format else []
    for fmt in formats:
        if fmt and bool(todo.any()):
            parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce").astype("datetime64[us]")
            todo = parsed.isna() & ~empty
    if (not date_format or date_order) and bool(todo.any()):
        # ISO dates, or ISO timestamps of which only the date is meant.
        iso = pd.to_datetime(text[todo].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
        if timezone is not None:
            iso = _local_day_of_moments(text[todo], iso, timezone)
        parsed[todo] = iso.astype("datetime64[us]")
        todo = parsed.isna() & ~empty
    if date_order and bool(todo.any()):
        parsed[todo] = spreadsheet_dates(text[todo], date_order).values.dt.normalize()
    return parsed, parsed.isna() & ~empty


def _local_day_of_moments(text: pd.Series, days: pd.Series, timezone: str) -> pd.Series:
    """`days` (the dates as written) with each ISO timestamp that carries an offset replaced by its local date."""
    moments = text.str.contains(_ISO_MOMENT, regex=True)
    if not bool(moments.any()):
        return days
    at = pd.to_datetime(text[moments], utc=True, format="ISO8601", errors="coerce")
    local = at.dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize()
    return days.astype("datetime64[us]").mask(moments & local.notna(), local.astype("datetime64[us]"))


# A date, a time, and a zone: `Z` or an offset.
_ISO_MOMENT = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$"


def _other_year_width(date_format: str) -> str | None:
    """`%d.%m.%y` <-> `%d.%m.%Y`."""
    if "%y" in date_format:
        return date_format.replace("%y", "%Y")
    if "%Y" in date_format:
        return date_format.replace("%Y", "%y")
    return None


MAX_COUNT = 1_000_000  # more units on one row is a damaged value (`parse_ints`)


def parse_ints(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Counts (every whole-number column is a quantity or a rating): whole numbers from 0 to MAX_COUNT; `1,0` or
    `1.000,0` from a spreadsheet read as 1 and 1000. A negative or huge count is a damaged value, not a number to
    add up: -500 units made an on-time delivery rate of 152 %, and 20 digits wrapped around int64."""
    plain = _plain_numbers(clean_text(values), pa.int64())
    if plain is not None:
        out_of_range = (plain.notna() & ((plain < 0) | (plain > MAX_COUNT))).fillna(False).astype(bool)
        if not bool(out_of_range.any()):
            return plain, out_of_range
        return plain.where(~out_of_range).astype("Int64"), out_of_range
    number, bad = parse_floats(values)
    counted = number.notna() & (number == number.round()) & (number >= 0) & (number <= MAX_COUNT)
    whole = counted.fillna(False).astype(bool)
    result = number.where(whole).astype("Int64")
    return result, bad | (number.notna() & ~whole)


def parse_floats(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Plain numbers first (fast); only the rest are read as spreadsheet amounts, see `normalise_amounts`."""
    text = clean_text(values)
    empty = text == ""
    plain = _plain_numbers(text, pa.float64())
    if plain is not None:
        return plain, pd.Series(False, index=values.index)
    number = pd.to_numeric(text.where(~empty), errors="coerce").astype("Float64")
    retry = number.isna() & ~empty
    if bool(retry.any()):
        number[retry] = pd.to_numeric(normalise_amounts(text[retry]), errors="coerce").astype("Float64")
    number = number.where(~number.isin([np.inf, -np.inf]))
    return number, number.isna() & ~empty


def _plain_numbers(text: pd.Series, kind: pa.DataType) -> pd.Series | None:
    """Every non-empty value a plain finite number (`12.5`, `3`; whole ones for int64): arrow parses the column
    at once, to the same values as `to_numeric`. None when any value is not (a spreadsheet amount, `1.0` for a
    whole number): the general path reads them."""
    array = _arrow_text(text)
    if array is None:
        return None
    blank = pc.equal(array, "")
    try:
        numbers = pc.cast(pc.if_else(blank, pa.scalar(None, array.type), array), kind)
    except pa.ArrowException:  # arrow cannot read it exactly: the general path does
        return None
    if pa.types.is_floating(kind) and not pc.all(pc.is_finite(numbers)).as_py():
        return None
    missing = np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool)
    data = numbers.fill_null(0).to_numpy(zero_copy_only=False)
    if pa.types.is_integer(kind):
        return pd.Series(pd.arrays.IntegerArray(np.asarray(data, dtype=np.int64), missing), index=text.index)
    return pd.Series(pd.arrays.FloatingArray(np.asarray(data, dtype=np.float64), missing), index=text.index)


def normalise_amounts(text: pd.Series) -> pd.Series:
    """Spreadsheet amounts to plain decimals: `12,50` -> 12.50, `1.234,50` and `1,234.50` -> 1234.50, `€ 9,99`.

    A comma followed by groups of exactly three digits (`1,234`) is a thousands separator; any other single comma
    is a decimal comma, so `12,50` never becomes 1250.
    """
    t = text.str.replace(_NUMBER_NOISE_RE, "", regex=True)
    out = t.copy()
    thousands_comma = t.str.fullmatch(_THOUSANDS_COMMA_RE).fillna(False).astype(bool)
    thousands_dot = t.str.fullmatch(_THOUSANDS_DOT_RE).fillna(False).astype(bool)
    decimal_comma = t.str.fullmatch(_DECIMAL_COMMA_RE).fillna(False).astype(bool) & ~thousands_comma
    out[thousands_comma] = t[thousands_comma].str.replace(",", "", regex=False)
    out[thousands_dot] = t[thousands_dot].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    out[decimal_comma] = t[decimal_comma].str.replace(",", ".", regex=False)
    return out


def parse_bools(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """true/false, Y/N, yes/no, any case (SPEC 1.4); empty is unknown (NA), not false.

    Read once per distinct value (a column holds a handful), not once per row."""
    codes, uniques = pd.factorize(values)
    if not bool((codes < 0).any()):
        words = clean_text(pd.Series(uniques, dtype="str")).str.lower()
        truth = np.full(len(words), -1, dtype=np.int8)  # per distinct value: 1 true, 0 false, -1 neither
        truth[words.isin(_TRUE).to_numpy(dtype=bool)] = 1
        truth[words.isin(_FALSE).to_numpy(dtype=bool)] = 0
        unread = (truth < 0) & (words != "").to_numpy(dtype=bool)
        known = truth[codes]
        result = pd.Series(pd.arrays.BooleanArray(known == 1, known < 0), index=values.index)
        return result, pd.Series(unread[codes], index=values.index)
    text = clean_text(values).str.lower()
    result = pd.Series(pd.NA, index=values.index, dtype="boolean")
    result[text.isin(_TRUE)] = True
    result[text.isin(_FALSE)] = False
    bad = result.isna() & (text != "")
    return result, bad


def scientific_ids(values: pd.Series) -> int:
    """How many ids Excel turned into `5.80293E+13` (the digits are lost: the seller must re-download)."""
    return int(scientific_id_mask(values).sum())


# `ddd-ddddddd-ddddddd`: where the digits and the dashes of an Amazon order id are.
_ID_WIDTH = 19
_ID_DASHES = (3, 11)
_ID_DIGITS = tuple(i for i in range(_ID_WIDTH) if i not in _ID_DASHES)
# Millions of rows are worked through this many at a time (here and in `skus.distinct_pairs`): each step's
# temporaries stay in the cache and their memory is reused, where temporaries as long as the column are fresh
# pages, slow to fault in on a VM (5M order ids written: 1.0 s -> 0.14 s).
CHUNK_ROWS = 1 << 16


def _ascii_groups(digits: int) -> npt.NDArray[np.uint64]:
    """Each number below 10**digits written with `digits` ASCII digits, as a little-endian word."""
    text = b"".join(f"{n:0{digits}d}".encode().ljust(4, b"\0") for n in range(10**digits))
    return np.frombuffer(text, dtype="<u4").astype(np.uint64)


_ASCII3, _ASCII4 = _ascii_groups(3), _ascii_groups(4)


def _fixed_width_numbers(
    offsets: npt.NDArray[np.int64], data: npt.NDArray[np.uint8], chunk: int = CHUNK_ROWS
) -> npt.NDArray[np.int64] | None:
    """The order numbers read straight off one chunk's bytes (`_string_chunks`) when every value is exactly an
    Amazon order id (19 bytes, dashes at 4 and 12, digits elsewhere); None otherwise (the regex path decides).

    A million ids are checked and summed digit by digit in numpy, `chunk` ids at a time, in a tenth of the time
    the regex and the cast take."""
    count = len(offsets) - 1
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    start, end = int(offsets[0]), int(offsets[-1])
    if end - start != _ID_WIDTH * count or not bool((np.diff(offsets) == _ID_WIDTH).all()):
        return None
    rows = data[start:end].reshape(count, _ID_WIDTH)
    numbers = np.zeros(count, dtype=np.int64)
    for at in range(0, count, chunk):
        part, out = rows[at : at + chunk], numbers[at : at + chunk]
        if not all(bool((part[:, i] == ord("-")).all()) for i in _ID_DASHES):
            return None
        for i in _ID_DIGITS:
            digit = part[:, i] - np.uint8(ord("0"))  # bytes below "0" wrap around past 9
            if bool((digit > 9).any()):
                return None
            out *= 10
            out += digit
    return numbers


def amazon_order_ids(numbers: npt.NDArray[np.int64], chunk: int = CHUNK_ROWS) -> pd.Series:
    """The Amazon order ids (`ddd-ddddddd-ddddddd`) the numbers stand for: the inverse of `amazon_order_numbers`,
    written into one buffer (no Python string per id) as three little-endian words per id, each looked up from
    the ASCII of its 3- or 4-digit groups: bytes 0-7 `ddd-dddd`, 8-15 `ddd-dddd`, 15-18 `dddd`."""
    values = np.asarray(numbers, dtype=np.int64)
    count = len(values)
    if not count:
        return pd.Series([], dtype="str")
    text = np.empty(count * _ID_WIDTH, dtype=np.uint8)
    first, second, third = (
        np.ndarray((count,), dtype=dtype, buffer=text, offset=offset, strides=(_ID_WIDTH,))
        for offset, dtype in ((0, "<u8"), (8, "<u8"), (15, "<u4"))
    )
    dash = np.uint64(ord("-")) << np.uint64(24)
    for at in range(0, count, chunk):
        head, rest = np.divmod(values[at : at + chunk], 10**14)
        middle, tail = np.divmod(rest, 10**7)
        middle_head, middle_rest = np.divmod(middle, 1000)
        word = _ASCII4[middle_head] << np.uint64(32)
        word |= _ASCII3[head]
        word |= dash
        first[at : at + chunk] = word
        word = _ASCII4[tail // 1000] << np.uint64(32)
        word |= _ASCII3[middle_rest]
        word |= dash
        second[at : at + chunk] = word
        third[at : at + chunk] = _ASCII4[tail % 10000]
    offsets = pa.py_buffer(np.arange(0, (count + 1) * _ID_WIDTH, _ID_WIDTH, dtype=np.int64))
    array = pa.Array.from_buffers(pa.large_string(), count, [None, offsets, pa.py_buffer(text)])
    return pd.Series(array, dtype="str")


def scientific_id_mask(values: pd.Series) -> pd.Series:
    """Which ids are in Excel's scientific notation."""
    array = _arrow_text(values)
    if array is not None and not holds_byte(array, ord("+")):
        return pd.Series(False, index=values.index)  # no `E+`, no scientific notation: skip the regex
    return clean_text(values).str.match(_SCIENTIFIC_RE).astype(bool)


def amazon_order_numbers(ids: pd.Series) -> npt.NDArray[np.int64] | None:
    """The ids as the numbers their 17 digits make when every one is an Amazon order id (`ddd-ddddddd-ddddddd`,
    one-to-one with the number), else None. Numbers hash, sort and compare many times faster than strings."""
    text = _arrow_text(ids)
    return None if text is None else amazon_order_numbers_of(text)


def amazon_order_numbers_of(text: pa.Array | pa.ChunkedArray, chunk: int = CHUNK_ROWS) -> npt.NDArray[np.int64] | None:
    """`amazon_order_numbers` of an arrow string column (None if it holds a null), read `chunk` ids at a time."""
    if not len(text) or text.null_count:
        return None
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
        return None
    fixed = [_fixed_width_numbers(offsets, data, chunk) for offsets, data in _string_chunks(text)]
    if all(part is not None for part in fixed):
        return np.concatenate([part for part in fixed if part is not None])
    if not pc.all(pc.match_substring_regex(text, AMAZON_ORDER_ID)).as_py():
        return None
    numbers = pc.cast(pc.replace_substring(text, "-", ""), pa.int64()).to_numpy(zero_copy_only=False)
    return np.asarray(numbers, dtype=np.int64)
