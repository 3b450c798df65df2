"""Values no report holds, and bad-row messages that quote nothing a buyer wrote (SPEC 6; issue 17, 2/4/8).

A control character inside an order id or a date is damage (a NUL pasted into an id would otherwise make an order
of its own); a date in year 1 or 9999 is damage too, and would overflow every date computation after it. Reports
that carry buyer data (`KindSpec.buyer_data`: names, addresses, e-mail addresses, comments) are never quoted in a
message: a damaged row whose fields shifted can put an e-mail address where a date was. In such a report an id
holding an `@` is damage too: it is the buyer's e-mail address, shifted, and as an order id it would be listed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from healthcheck.loaders.kinds import KindSpec, ValueType

# C0 controls but tab and Ctrl-Z (an old end-of-file mark), and DEL: none belongs in an id or a date.
_CONTROL_RE = "[\\x00-\\x08\\x0a-\\x19\\x1b-\\x1f\\x7f]"
# Dates a report can hold: Amazon's marketplaces opened in 1995, and no report looks further ahead than 2099.
FIRST_YEAR, LAST_YEAR = 1995, 2099
_FIRST = np.datetime64(f"{FIRST_YEAR}-01-01", "us")
_END = np.datetime64(f"{LAST_YEAR + 1}-01-01", "us")
_CONTROL_WHY = "holds a control character (such as NUL), which no report value does"
_ADDRESS_WHY = "holds an e-mail address, which no id does (the row's fields shifted)"
_CHECKED = (ValueType.ID, ValueType.INSTANT, ValueType.DATE)


def holds_pii(kind: KindSpec) -> bool:
    """Whether a kind's rows may hold buyer data: its values are described in messages, never quoted."""
    return kind.buyer_data or any(column.pii for column in kind.columns)


def damaged(raw: pd.Series, values: pd.Series, value_type: ValueType, kind: KindSpec) -> tuple[pd.Series, str]:
    """(rows whose value is damaged, what is wrong) for an id or date column; no rows for other columns."""
    none = pd.Series(False, index=raw.index)
    if value_type not in _CHECKED or raw.empty:
        return none, ""
    array = pa.array(raw.array) if hasattr(raw.array, "__arrow_array__") else pa.array(raw.astype("str"))
    if _may_hold_control(array):
        control = pc.match_substring_regex(array, _CONTROL_RE).to_numpy(zero_copy_only=False)
        if bool(control.any()):
            return pd.Series(control, index=raw.index), _CONTROL_WHY
    if value_type is ValueType.ID:
        if holds_pii(kind):
            address = pc.fill_null(pc.match_substring(array, "@"), False).to_numpy(zero_copy_only=False)
            if bool(address.any()):
                return pd.Series(address, index=raw.index), _ADDRESS_WHY
        return none, ""
    # Compared as numbers where the values lie: a million timestamps take milliseconds, not a tenth of a second.
    stamps = values.to_numpy(dtype="datetime64[us]")  # UTC for instants; a view, not a copy
    outside = (stamps < _FIRST) | (stamps >= _END)  # NaT compares false
    if bool(outside.any()):
        return pd.Series(outside, index=raw.index), f"is a date outside the years {FIRST_YEAR}-{LAST_YEAR}"
    return none, ""


def _may_hold_control(array: pa.Array | pa.ChunkedArray) -> bool:
    """Whether any byte of the column is a control character: one scan of its bytes where they lie, so that the
    search value by value runs only for the rare column that has one (a tab or Ctrl-Z too: the search decides)."""
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    for chunk in chunks:
        buffers = chunk.buffers()
        if len(buffers) < 3 or buffers[2] is None:
            continue
        data = np.frombuffer(buffers[2], dtype=np.uint8)
        # DEL is checked for only where a byte is that high: ASCII text makes no temporary of its bytes.
        if len(data) and (int(data.min()) < 0x20 or (int(data.max()) >= 0x7F and bool((data == 0x7F).any()))):
            return True
    return False


# A date, with a time and zone or not, written as reports and spreadsheets write them (`2024-13-45`, `4/19/24 16:29`,
# `2024-04-19T16:29:58+00:00`): no buyer wrote it, and seeing it is how the seller finds the mistake. A phone
# number does not take this shape (its groups after the first are three digits or more).
_DATE_SHAPE = (
    r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?(?:Z|[+-]\d{2}:?\d{2}|[A-Z]{2,5}))?)?"
)


def describe(text: pd.Series) -> pd.Series:
    """What each value is, without any of its characters (`an e-mail address`, `a text of 12 characters`), but a
    value shaped as a date, which is quoted."""
    length = text.str.len()
    kind = pd.Series("a text of " + length.astype("str") + " characters", index=text.index, dtype="str")
    kind = kind.where(~text.str.fullmatch(r"[\d\s().+-]+"), "a number of " + length.astype("str") + " characters")
    kind = kind.where(~text.str.fullmatch(_DATE_SHAPE), "'" + text + "'")
    return kind.where(~text.str.contains(r"[^\s@]+@[^\s@]+", regex=True), "an e-mail address")
