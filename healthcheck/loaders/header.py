"""Finding a report's header (SPEC 1.1, 1.2, 1.3): the first of the first lines whose names match a kind's
signature, the delimiter it is written with, and what to say when none does (a stray file is not a report)."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass

from healthcheck.errors import InputError, InputProblem
from healthcheck.loaders.kinds import (
    FEEDBACK,
    FEEDBACK_HEADERS,
    FLAT_KINDS,
    RECOGNISING_COLUMNS,
    KindSpec,
    normalise_header,
)
from healthcheck.loaders.parse import AMAZON_ORDER_ID
from healthcheck.wording import plural

# How far into a file the header may be: upload templates put up to three rows of labels first.
HEADER_SEARCH_LINES = 10
_ORDER_ID_RE = re.compile(AMAZON_ORDER_ID)


def split_line(line: str, delimiter: str) -> list[str]:
    if delimiter == "\t":
        return line.split("\t")
    return csv_fields(line, delimiter)


def csv_fields(record: str, delimiter: str = ",") -> list[str]:
    """One record of a comma (or semicolon) file, quoted fields and their line breaks included."""
    try:
        return next(csv.reader([record], delimiter=delimiter), [])
    except csv.Error:  # a stray carriage return in an unquoted field: keep it, never a traceback
        return record.split(delimiter)


def _delimiters(line: str) -> list[str]:
    """Tab (Amazon's own), comma (a re-save in Excel), semicolon (Excel in DE/FR locales): those the line holds."""
    return [d for d in ("\t", ",", ";") if d in line] or ["\t"]


@dataclass(frozen=True)
class Header:
    kind: KindSpec
    line_index: int  # 0-based index of the header line
    delimiter: str
    names: tuple[str, ...]  # normalised header names, by position


def find_header(lines: Sequence[str], path: str) -> Header:
    """The first of the first lines whose names match a kind's signature; rows before it are skipped."""
    candidates: list[tuple[str, ...]] = []
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        if not line.strip():
            continue
        widest: tuple[str, ...] = ()
        # Only a known header set decides the delimiter (SPEC 1.1): a comma inside a tab file's header, or a
        # semicolon inside a comma file's, never makes it something else.
        for delimiter in _delimiters(line):
            names = tuple(normalise_header(n) for n in split_line(line, delimiter))
            widest = max(widest, names, key=len)
            present = set(names)
            for kind in FLAT_KINDS:
                if kind.signature <= present:
                    return Header(kind, index, delimiter, names)
            if _is_feedback_header(names, lines[index + 1 : index + 21], delimiter):
                return Header(FEEDBACK, index, delimiter, names)
        candidates.append(widest)
    if not candidates:
        raise InputError(InputProblem("empty_file", path, "the file has no header row; download the report again"))
    if not any(RECOGNISING_COLUMNS & set(names) or _looks_like_data(names) for names in candidates):
        # SPEC 1.2 (rev 2): nothing in it names a report's column: a seller's own file, not a damaged report.
        raise InputError(
            InputProblem(
                NOT_A_REPORT,
                path,
                "not a Seller Central report (its first line names none of a report's columns), skipped",
            )
        )
    raise InputError(InputProblem("unknown_header", path, _unknown_header_message(candidates)))


NOT_A_REPORT = "not_a_report"


def _looks_like_data(names: Sequence[str]) -> bool:
    """A line of values (order ids, e-mail addresses) where a header should be: a report whose header was lost."""
    return any(_ORDER_ID_RE.match(n) or "@" in n for n in names)


def _is_feedback_header(names: tuple[str, ...], sample: Sequence[str], delimiter: str) -> bool:
    """Known translations, or by position: 6 columns, ratings 1-5 second, order ids fifth (SPEC 1.3)."""
    while names and not names[-1]:
        names = names[:-1]  # a trailing delimiter (Excel re-save) adds an empty column name
    if len(names) != 6:
        return False
    if names in FEEDBACK_HEADERS:
        return True
    rows = [split_line(line, delimiter) for line in sample if line.strip()]
    if not rows:
        return False
    for row in rows:
        if len(row) < 5 or row[1].strip() not in {"1", "2", "3", "4", "5"}:
            return False
        if not _ORDER_ID_RE.match(row[4].strip()):
            return False
    return True


def _unknown_header_message(candidates: Sequence[tuple[str, ...]]) -> str:
    """Name the nearest kinds and the columns they lack, so the seller knows which download was meant.

    Every scanned line is a candidate header: a preamble line (`TemplateType=...`) must not hide a real header
    that lacks one column.
    """
    best: tuple[int, int] | None = None  # (columns missing, candidate index)
    for at, names in enumerate(candidates):
        present = set(names)
        for kind in (*FLAT_KINDS, FEEDBACK):
            missing = len(kind.signature - present)
            if missing < len(kind.signature) and (best is None or missing < best[0]):
                best = (missing, at)
    names = candidates[best[1] if best else 0]
    if _looks_like_data(names):
        # A data row, not a header: never echo it (it may hold a buyer's name or e-mail, SPEC 6).
        return (
            "the file has no header row: its first line holds data (order ids or e-mail addresses), not column "
            "names. Download the report again from Seller Central and keep its first line"
        )
    shown = _header_shown(names)
    if best is None:
        hint = "it matches none of the known reports"
    else:
        present = set(names)
        tied = [k for k in (*FLAT_KINDS, FEEDBACK) if len(k.signature - present) == best[0]]
        tied.sort(key=lambda k: -len(k.signature & present))  # more of its columns seen: nearer
        nearest = [f"`{k.kind}` (missing {', '.join(sorted(k.signature - present))})" for k in tied]
        hint = f"it looks most like {' or '.join(nearest[:3])}"
    return (
        f"the header ({shown}) is not a known Seller Central report: {hint}. "
        "Download the report again from Seller Central (the README lists every report it reads)"
    )


def _header_shown(names: Sequence[str]) -> str:
    """The header as far as it is made of column names some report uses; the rest only counted. An unknown
    file's first line may be a buyer's name or a line of /etc/passwd behind a symlink: never echoed (SPEC 6)."""
    known = {name for kind in (*FLAT_KINDS, FEEDBACK) for column in kind.columns for name in column.headers}
    known.update(name for header in FEEDBACK_HEADERS for name in header)
    ours = [name for name in names if name in known]
    others = sum(1 for name in names if name and name not in known)
    parts = ours[:8] + ([f"{len(ours) - 8} more"] if len(ours) > 8 else [])
    if others:
        columns = plural(others, "column")
        parts.append(f"{columns} no report has" if ours else f"{columns}, none a report's")
    return ", ".join(parts) or "no column names"
