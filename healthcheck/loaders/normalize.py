"""Raw string tables to typed frames, driven by the column declarations in `kinds.py`.

A value that does not parse in a needed column makes its row a bad row (left out, reported with its line,
SPEC 6); in an optional column it is blanked and counted in a warning, because the row is still usable.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from healthcheck.errors import InputProblem
from healthcheck.loaders import guard, parse
from healthcheck.loaders.kinds import FEEDBACK, Column, KindSpec, ValueType
from healthcheck.loaders.reader import LINE_FIELD, MAX_LISTED_BAD_ROWS, RawTable
from healthcheck.loaders.repeated import categorical_text
from healthcheck.loaders.sheet_dates import SheetDates, spreadsheet_dates
from healthcheck.marketplaces import MARKETPLACES, date_order_of
from healthcheck.wording import plural, verb


def typed_frame(table: RawTable, path: str, *, timezone: str, feedback_date_format: str) -> pd.DataFrame:
    """Parse every declared column; drop (and report) rows whose needed values are missing or unparseable."""
    frame = table.frame
    out: dict[str, pd.Series] = {}
    # Why each left-out row is bad, made at the first bad value: a clean file of millions of rows needs no column
    # of empty strings.
    bad_reasons: pd.Series | None = None
    whole_file: str | None = None  # one message for a file all of whose rows fail alike (a wrong marketplace)
    # Spreadsheet-written dates (`4/19/2024 16:29`) read in the marketplace's day/month order.
    order = date_order_of(feedback_date_format)
    for column in table.kind.columns:
        if column.field not in frame.columns:
            continue
        values, bad, empty = _parse_column(
            column, frame[column.field], table.kind, timezone, feedback_date_format, order
        )
        broken, why = guard.damaged(frame[column.field], values, column.type, table.kind)
        if why:
            bad = bad | broken
        if column.type is ValueType.ID:
            mangled = parse.scientific_id_mask(frame[column.field])
            if bool(mangled.any()):
                first = frame.loc[mangled].iloc[0]
                table.warnings.append(
                    f"{plural(int(mangled.sum()), 'value')} of `{column.header}` "
                    f"{verb(int(mangled.sum()), 'is', 'are')} in scientific notation (e.g. "
                    f"{str(first[column.field]).strip()} at line {int(first[LINE_FIELD])}): the file was opened "
                    "and saved in Excel and their digits are lost; re-download the report"
                )
        if column.needed:
            unusable = bad | (empty & (column.type is not ValueType.TEXT) & (column.type is not ValueType.BOOL))
            if bool(unusable.any()):
                # Only the unusable values: every spreadsheet date that is ambiguous or contradicts is among them.
                reason = _reason(column, frame.loc[unusable, column.field], table.kind, feedback_date_format, order)
                if why:
                    reason = reason.where(
                        ~broken[unusable],
                        f"`{column.header}` {why}; the row was left out ({table.kind.fix})",
                    )
                if bad_reasons is None:
                    bad_reasons = pd.Series("", index=frame.index, dtype="str")
                bad_reasons = bad_reasons.where(~unusable | (bad_reasons != ""), reason)
                if (
                    table.kind is FEEDBACK
                    and column.type is ValueType.DATE
                    and int(bad.sum()) > 1
                    and bool((bad | empty).all())
                ):
                    whole_file = _wrong_format(frame.loc[bad, column.field], feedback_date_format)
        elif bool(bad.any()):
            table.warnings.append(
                f"{plural(int(bad.sum()), 'value')} of `{column.header}` could not be read and "
                f"{verb(int(bad.sum()), 'was', 'were')} ignored "
                f"(first at line {int(frame.loc[bad, LINE_FIELD].iloc[0])})"
            )
            values = values.mask(bad)
        out[column.field] = values
    # Not copied (pandas copies a dict of columns by default, into blocks of one type: a large report's whole
    # typed frame a second time, at the read's peak).
    typed = pd.DataFrame(out, index=frame.index, copy=False)
    typed[LINE_FIELD] = frame[LINE_FIELD]
    if bad_reasons is None:
        return _finish(table.kind, typed).reset_index(drop=True)
    bad_rows = bad_reasons != ""
    if whole_file is not None:
        # Not one line per row: every date is in another marketplace's format, so it is one mistake (SPEC 1.3).
        table.bad_rows += int(bad_rows.sum())
        table.problems.append(InputProblem("bad_row", path, whole_file))
        return _finish(table.kind, typed.loc[~bad_rows]).reset_index(drop=True)
    if bool(bad_rows.any()):
        table.bad_rows += int(bad_rows.sum())
        lines = frame.loc[bad_rows, LINE_FIELD]
        for line, reason in zip(
            lines.iloc[:MAX_LISTED_BAD_ROWS], bad_reasons[bad_rows].iloc[:MAX_LISTED_BAD_ROWS], strict=True
        ):
            table.problems.append(InputProblem("bad_row", path, reason, line=int(line)))
        extra = int(bad_rows.sum()) - MAX_LISTED_BAD_ROWS
        if extra > 0:
            left_out = f"{plural(extra, 'more bad row')} like the ones above {verb(extra, 'was', 'were')} left out"
            table.problems.append(InputProblem("bad_row", path, left_out))
        typed = typed.loc[~bad_rows]
    return _finish(table.kind, typed).reset_index(drop=True)


def _parse_column(
    column: Column, raw: pd.Series, kind: KindSpec, timezone: str, feedback_date_format: str, order: str
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(values, bad mask, empty mask)."""
    # Text and ids are kept stripped; the parsers strip for themselves, so for them emptiness is found without
    # building the stripped strings a second time.
    if column.repeated:
        text, empty = categorical_text(raw)
    elif column.type in (ValueType.TEXT, ValueType.ID):
        text, empty = parse.clean_text_and_blank(raw)
    else:
        text, empty = None, parse.blank(raw)
    parsers: dict[ValueType, Callable[[pd.Series], tuple[pd.Series, pd.Series]]] = {
        ValueType.INSTANT: lambda s: parse.parse_instants(s, timezone, order),
        ValueType.INT: parse.parse_ints,
        ValueType.FLOAT: parse.parse_floats,
        ValueType.BOOL: parse.parse_bools,
    }
    if kind is FEEDBACK and column.type is ValueType.DATE:
        values, bad = parse.parse_dates(raw, feedback_date_format)  # its marketplace's format only (SPEC 1.3)
    elif column.type is ValueType.DATE:
        values, bad = parse.parse_dates(raw, column.date_format, date_order=order, timezone=timezone)
    elif column.type is ValueType.PRESENT:
        values, bad = ~empty, pd.Series(False, index=raw.index)
    elif column.type in parsers:
        values, bad = parsers[column.type](raw)
    else:
        values, bad = text if text is not None else parse.clean_text(raw), pd.Series(False, index=raw.index)
    if kind is FEEDBACK and column.field == "rating":
        bad = bad | (values.notna() & ~values.isin([1, 2, 3, 4, 5]))
    if column.choices:
        bad = bad | (~empty & ~_chosen(values, column.choices))
    return values, bad, empty


def _chosen(values: pd.Series, choices: tuple[str, ...]) -> pd.Series:
    """Whether each value is one of `choices`, case aside; a Categorical's categories are compared, not its rows."""
    allowed = [choice.lower() for choice in choices]
    if isinstance(values.dtype, pd.CategoricalDtype):
        known = pd.Series(values.cat.categories, dtype="str").str.lower().isin(allowed).to_numpy()
        codes = np.asarray(values.cat.codes)
        return pd.Series(np.append(known, False)[codes], index=values.index)  # code -1 (missing) reads False
    return values.astype("str").str.lower().isin(allowed)


def _reason(column: Column, raw: pd.Series, kind: KindSpec, feedback_date_format: str, order: str) -> pd.Series:
    """Per-row message for a needed value that cannot be used: the column, the value, what was expected, the fix."""
    text = parse.clean_text(raw)
    fix = kind.fix
    what = {
        ValueType.INSTANT: "a timestamp like 2024-04-19T16:29:58+00:00",
        ValueType.DATE: f"a date like {_example(column.date_format or '%Y-%m-%d')}",
        ValueType.INT: f"a whole number from 0 to {parse.MAX_COUNT:,}",
        ValueType.FLOAT: "a number",
        ValueType.ID: "an id",
        ValueType.BOOL: "Y/N or true/false",
        ValueType.PRESENT: "a value",
        ValueType.TEXT: "a value",
    }[column.type]
    if column.choices:
        what = " or ".join((", ".join(column.choices[:-1]), column.choices[-1]))
    if kind is FEEDBACK and column.type is ValueType.DATE:
        example = _example(feedback_date_format, unpadded=True)
        written = _label(feedback_date_format)
        what = f"a feedback date written {written} (e.g. {example}), the format of the marketplace audited"
        fix = _feedback_fix(text, feedback_date_format)
    elif kind is FEEDBACK and column.field == "rating":
        what = "a rating from 1 to 5"
    shown = "`" + column.header + "` is '" + text.str.slice(0, 40) + "'"
    if guard.holds_pii(kind):  # a shifted row may put a buyer's e-mail here: say what it is, never what it says
        shown = "`" + column.header + "` is " + guard.describe(text)
    reasons = shown + ", expected " + what + "; the row was left out (" + fix + ")"
    if column.type in (ValueType.INSTANT, ValueType.DATE) and kind is not FEEDBACK:
        sheet = spreadsheet_dates(text, order)
        reasons = reasons.where(sheet.issue == "", shown + ", " + sheet.issue.map(_sheet_issue(sheet, order)))
    return reasons.where(text != "", f"`{column.header}` is empty; the row was left out ({fix})")


_ORDER_NAMES = {
    "MDY": ("month-first", "M/D/YYYY"),
    "DMY": ("day-first", "D/M/YYYY"),
    "YMD": ("year-first", "YYYY/M/D"),
}


def _sheet_issue(sheet: SheetDates, order: str) -> dict[str, str]:
    """Why a spreadsheet-written date was not read, and the fix, by issue code."""
    name, form = _ORDER_NAMES.get(order, _ORDER_NAMES["MDY"])
    fix = (
        "the row was left out (write dates as YYYY-MM-DD, or re-download the report instead of re-saving it in a "
        "spreadsheet; if the file is from another marketplace, pass its --marketplace)"
    )
    return {
        "ambiguous": (
            f"whose day and month cannot be told apart: this column also holds '{sheet.contradiction}', which only "
            f"reads in the other order, while this marketplace's dates are read {name} ({form}); {fix}"
        ),
        "order": f"which is not a {name} date ({form}) as this marketplace's dates are read; {fix}",
        "invalid": "which is not a real date and time; the row was left out (correct the value)",
    }


def _label(date_format: str) -> str:
    """`%d.%m.%y` -> `D.M.YY`: how a seller reads a date format."""
    for code, label in (("%d", "D"), ("%m", "M"), ("%y", "YY"), ("%Y", "YYYY"), ("%b", "Mon")):
        date_format = date_format.replace(code, label)
    return date_format


def _example(date_format: str, *, unpadded: bool = False) -> str:
    """19 April 2024 in the format; `unpadded` as feedback reports write it (`4/19/24`)."""
    text = dt.date(2024, 4, 19).strftime(date_format)
    return re.sub(r"\b0(\d)", r"\1", text) if unpadded else text


def _feedback_fix(text: pd.Series, date_format: str) -> str:
    """Name the marketplaces whose feedback date format reads every date of the file (SPEC 1.3: never a guess)."""
    values = text[text != ""]
    readers: dict[str, list[str]] = {}
    for market in MARKETPLACES.values():
        fmt = market.feedback_date_format
        if fmt != date_format and not bool(parse.parse_dates(values, fmt)[1].any()):
            readers.setdefault(fmt, []).append(market.code)
    if len(readers) == 1 and values.size:
        [(fmt, codes)] = readers.items()
        which = codes[0] if len(codes) == 1 else f"one of {', '.join(codes)}"
        return (
            f"the file's dates are written {_label(fmt)}: if the report is from that marketplace, pass "
            f"--marketplace {which}"
        )
    return "pass the --marketplace the feedback report was downloaded from, or re-download it"


def _wrong_format(raw: pd.Series, date_format: str) -> str:
    """The one message for a feedback file none of whose dates reads in the audited marketplace's format."""
    text = parse.clean_text(raw)
    return (
        f"none of the {len(text)} feedback dates is written {_label(date_format)}, the format of the marketplace "
        f"audited, so every row was left out; {_feedback_fix(text, date_format)}"
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
