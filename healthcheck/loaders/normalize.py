"""Raw string tables to typed frames, driven by the column declarations in `kinds.py`.

A value that does not parse in a needed column makes its row a bad row (left out, reported with its line,
SPEC 6); in an optional column it is blanked and counted in a warning, because the row is still usable.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from healthcheck.errors import InputProblem
from healthcheck.loaders import parse
from healthcheck.loaders.kinds import FEEDBACK, Column, KindSpec, ValueType
from healthcheck.loaders.reader import LINE_FIELD, MAX_LISTED_BAD_ROWS, RawTable


def typed_frame(table: RawTable, path: str, *, timezone: str, feedback_date_format: str) -> pd.DataFrame:
    """Parse every declared column; drop (and report) rows whose needed values are missing or unparseable."""
    frame = table.frame
    out: dict[str, pd.Series] = {}
    bad_reasons = pd.Series("", index=frame.index, dtype="str")
    for column in table.kind.columns:
        if column.field not in frame.columns:
            continue
        values, bad, empty = _parse_column(column, frame[column.field], table.kind, timezone, feedback_date_format)
        if column.type is ValueType.ID:
            mangled = parse.scientific_id_mask(frame[column.field])
            if bool(mangled.any()):
                first = frame.loc[mangled].iloc[0]
                table.warnings.append(
                    f"{int(mangled.sum())} value(s) of `{column.header}` are in scientific notation (e.g. "
                    f"{str(first[column.field]).strip()} at line {int(first[LINE_FIELD])}): the file was opened "
                    "and saved in Excel and their digits are lost; re-download the report"
                )
        if column.needed:
            unusable = bad | (empty & (column.type is not ValueType.TEXT) & (column.type is not ValueType.BOOL))
            if bool(unusable.any()):
                reason = _reason(column, frame[column.field])
                bad_reasons = bad_reasons.where(~unusable | (bad_reasons != ""), reason[unusable])
        elif bool(bad.any()):
            table.warnings.append(
                f"{int(bad.sum())} value(s) of `{column.header}` could not be read and were ignored "
                f"(first at line {int(frame.loc[bad, LINE_FIELD].iloc[0])})"
            )
            values = values.mask(bad)
        out[column.field] = values
    typed = pd.DataFrame(out, index=frame.index)
    typed[LINE_FIELD] = frame[LINE_FIELD]
    bad_rows = bad_reasons != ""
    if bool(bad_rows.any()):
        table.bad_rows += int(bad_rows.sum())
        lines = frame.loc[bad_rows, LINE_FIELD]
        for line, reason in zip(
            lines.iloc[:MAX_LISTED_BAD_ROWS], bad_reasons[bad_rows].iloc[:MAX_LISTED_BAD_ROWS], strict=True
        ):
            table.problems.append(InputProblem("bad_row", path, reason, line=int(line)))
        extra = int(bad_rows.sum()) - MAX_LISTED_BAD_ROWS
        if extra > 0:
            table.problems.append(
                InputProblem("bad_row", path, f"{extra} more bad row(s) like the ones above were left out")
            )
        typed = typed.loc[~bad_rows]
    return _finish(table.kind, typed).reset_index(drop=True)


def _parse_column(
    column: Column, raw: pd.Series, kind: KindSpec, timezone: str, feedback_date_format: str
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(values, bad mask, empty mask)."""
    empty = parse.clean_text(raw) == ""
    parsers: dict[ValueType, Callable[[pd.Series], tuple[pd.Series, pd.Series]]] = {
        ValueType.INSTANT: lambda s: parse.parse_instants(s, timezone),
        ValueType.INT: parse.parse_ints,
        ValueType.FLOAT: parse.parse_floats,
        ValueType.BOOL: parse.parse_bools,
    }
    if column.type is ValueType.DATE:
        fmt = feedback_date_format if kind is FEEDBACK else column.date_format
        values, bad = parse.parse_dates(raw, fmt)
    elif column.type in parsers:
        values, bad = parsers[column.type](raw)
    else:
        values, bad = parse.clean_text(raw), pd.Series(False, index=raw.index)
    if kind is FEEDBACK and column.field == "rating":
        bad = bad | (values.notna() & ~values.isin([1, 2, 3, 4, 5]))
    return values, bad, empty


def _reason(column: Column, raw: pd.Series) -> pd.Series:
    """Per-row message for a needed value that cannot be used."""
    text = parse.clean_text(raw)
    what = {
        ValueType.INSTANT: "a timestamp like 2024-04-19T16:29:58+00:00",
        ValueType.DATE: f"a date{f' ({column.date_format})' if column.date_format else ''}",
        ValueType.INT: "a whole number",
        ValueType.FLOAT: "a number",
        ValueType.ID: "an id",
        ValueType.BOOL: "Y/N or true/false",
        ValueType.TEXT: "a value",
    }[column.type]
    shown = text.str.slice(0, 40)
    return ("`" + column.header + "` is '" + shown + "', expected " + what + "; the row was left out").where(
        text != "", f"`{column.header}` is empty; the row was left out"
    )


def _finish(kind: KindSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Kind-specific derived fields, so later code never needs to know which column a value came from."""
    if kind.kind == "order_report":
        ship_by = frame.get("latest_ship_ts")
        promise = frame.get("promise_ts")
        if ship_by is None:
            ship_by = promise
        elif promise is not None:
            ship_by = ship_by.fillna(promise)
        if ship_by is not None:
            frame["ship_by_ts"] = ship_by
    if kind.kind == "claims":
        frame["claim_type"] = _word(frame["claim_type"])
        frame["status"] = _word(frame["status"])
        if "reason" in frame:
            frame["reason"] = _word(frame["reason"])
    if kind.kind == "cancellations" and "cancelled_by" in frame:
        frame["cancelled_by"] = _word(frame["cancelled_by"])
    return frame


def _word(values: pd.Series) -> pd.Series:
    """Status words compare case-insensitively with spaces and `_` read as `-` (SPEC 4.1).

    Runs of separators fold to one, so "Granted - Amazon funded" reads as `granted-amazon-funded`.
    """
    return values.astype("str").str.strip().str.lower().str.replace(r"[\s_-]+", "-", regex=True)
