"""Values no report holds, and bad-row messages that quote nothing a buyer wrote (SPEC 6; issue 17, 2/4/8).

A control character inside an order id or a date is damage (a NUL pasted into an id would otherwise make an order
of its own); a date in year 1 or 9999 is damage too, and would overflow every date computation after it. Reports
that carry buyer data -- the order report (names, addresses) and feedback (comments, e-mail addresses) -- are
never quoted in a message: a damaged row whose fields shifted can put an e-mail address where a date was.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from healthcheck.loaders.kinds import FEEDBACK, KindSpec, ValueType

# C0 controls but tab and Ctrl-Z (an old end-of-file mark), and DEL: none belongs in an id or a date.
_CONTROL_RE = "[\\x00-\\x08\\x0a-\\x19\\x1b-\\x1f\\x7f]"
# Dates a report can hold: Amazon's marketplaces opened in 1995, and no report looks further ahead than 2099.
FIRST_YEAR, LAST_YEAR = 1995, 2099
_FIRST = pd.Timestamp(f"{FIRST_YEAR}-01-01", tz="UTC")
_END = pd.Timestamp(f"{LAST_YEAR + 1}-01-01", tz="UTC")
_CHECKED = (ValueType.ID, ValueType.INSTANT, ValueType.DATE)


def holds_pii(kind: KindSpec) -> bool:
    """Whether a kind's rows may hold buyer data: its values are described in messages, never quoted."""
    return kind is FEEDBACK or any(column.pii for column in kind.columns)


def damaged(raw: pd.Series, values: pd.Series, value_type: ValueType) -> tuple[pd.Series, str]:
    """(rows whose value is damaged, what is wrong) for an id or date column; no rows for other columns."""
    none = pd.Series(False, index=raw.index)
    if value_type not in _CHECKED or raw.empty:
        return none, ""
    array = pa.array(raw.array) if hasattr(raw.array, "__arrow_array__") else pa.array(raw.astype("str"))
    control = pc.match_substring_regex(array, _CONTROL_RE).to_numpy(zero_copy_only=False)
    if bool(control.any()):
        return pd.Series(
            control, index=raw.index
        ), "holds a control character (such as NUL), which no report value does"
    if value_type is ValueType.ID:
        return none, ""
    stamps = values if isinstance(values.dtype, pd.DatetimeTZDtype) else values.dt.tz_localize("UTC")
    outside = stamps.notna() & ((stamps < _FIRST) | (stamps >= _END))
    if bool(outside.any()):
        return outside.fillna(False).astype(bool), f"is a date outside the years {FIRST_YEAR}-{LAST_YEAR}"
    return none, ""


def describe(text: pd.Series) -> pd.Series:
    """What each value is, without any of its characters: `an e-mail address`, `a text of 12 characters`, ..."""
    length = text.str.len()
    kind = pd.Series("a text of " + length.astype("str") + " characters", index=text.index, dtype="str")
    kind = kind.where(~text.str.fullmatch(r"[\d\s().+-]+"), "a number of " + length.astype("str") + " characters")
    return kind.where(~text.str.contains(r"[^\s@]+@[^\s@]+", regex=True), "an e-mail address")
