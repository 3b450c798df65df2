"""Bytes to rows (SPEC 1.1): encoding, delimiter, header detection and the raw string table.

Clean files take a fast path (pyarrow's multi-threaded CSV reader over only the needed columns). A file with
short or long rows, or blank lines, is re-read by an exact pure-Python splitter that knows every line number,
so bad rows can be reported precisely. Nothing here interprets values: see `parse.py`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from healthcheck.errors import InputError, InputProblem
from healthcheck.loaders.kinds import (
    FEEDBACK,
    FEEDBACK_HEADERS,
    FLAT_KINDS,
    KindSpec,
    normalise_header,
)

# How far into a file the header may be: upload templates put up to three rows of labels first.
HEADER_SEARCH_LINES = 10
LINE_FIELD = "_line"
# Bad rows listed one by one per file and reason; the rest are counted in one problem (all are in `bad_rows`).
MAX_LISTED_BAD_ROWS = 50
_ORDER_ID_RE = re.compile(r"^\d{3}-\d{7}-\d{7}$")


@dataclass
class RawTable:
    """A file's rows as strings, one column per field the kind declares and the file has."""

    kind: KindSpec
    frame: pd.DataFrame  # string columns named by field, plus `_line` (1-based line number in the file)
    encoding: str
    delimiter: str
    rows: int  # data rows in the file, bad ones included
    bad_rows: int = 0  # rows left out as bad (each one counted, even past the listed problems)
    problems: list[InputProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def decode(data: bytes, path: str, *, marketplace: str, forced: str | None) -> tuple[str, bytes]:
    """Return (codec name, UTF-8 bytes without BOM), trying UTF-8, then cp932 for JP, then cp1252."""
    if forced:
        try:
            text = data.decode(forced)
            forced = codecs.lookup(forced).name  # reported by its Python codec name (SPEC 1.1)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(
                InputProblem(
                    "undecodable",
                    path,
                    f"cannot decode with --encoding {forced}: {exc}; try another --encoding or re-save as UTF-8",
                )
            ) from None
        return forced, text.lstrip("\ufeff").encode("utf-8")
    if data.startswith(b"\xef\xbb\xbf"):
        body = data[3:]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _undecodable(path, "utf-8-sig", exc) from None
        return "utf-8-sig", body
    try:
        data.decode("utf-8")
        return "utf-8", data
    except UnicodeDecodeError as first:
        candidates = ("cp932", "cp1252") if marketplace == "JP" else ("cp1252",)
        for codec in candidates:
            try:
                return codec, data.decode(codec).encode("utf-8")
            except UnicodeDecodeError:
                continue
        raise _undecodable(path, "utf-8", first) from None


def _undecodable(path: str, codec: str, exc: UnicodeDecodeError) -> InputError:
    return InputError(
        InputProblem(
            "undecodable",
            path,
            f"bytes at offset {exc.start} are not valid {codec}, cp932 or cp1252 text; "
            "re-download the report, or pass --encoding with the file's encoding",
        )
    )


def _split_line(line: str, delimiter: str) -> list[str]:
    if delimiter == "\t":
        return line.split("\t")
    return _csv_fields(line)


def _csv_fields(line: str) -> list[str]:
    try:
        return next(csv.reader([line]), [])
    except csv.Error:  # a stray carriage return in an unquoted field: keep it, never a traceback
        return line.split(",")


def _guess_delimiter(line: str) -> str:
    return "\t" if "\t" in line or "," not in line else ","


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
        delimiter = _guess_delimiter(line)
        names = tuple(normalise_header(n) for n in _split_line(line, delimiter))
        candidates.append(names)
        present = set(names)
        for kind in FLAT_KINDS:
            if kind.signature <= present:
                return Header(kind, index, delimiter, names)
        if _is_feedback_header(names, lines[index + 1 : index + 21], delimiter):
            return Header(FEEDBACK, index, delimiter, names)
    if not candidates:
        raise InputError(InputProblem("empty_file", path, "the file has no header row; download the report again"))
    raise InputError(InputProblem("unknown_header", path, _unknown_header_message(candidates)))


def _is_feedback_header(names: tuple[str, ...], sample: Sequence[str], delimiter: str) -> bool:
    """Known translations, or by position: 6 columns, ratings 1-5 second, order ids fifth (SPEC 1.3)."""
    while names and not names[-1]:
        names = names[:-1]  # a trailing delimiter (Excel re-save) adds an empty column name
    if len(names) != 6:
        return False
    if names in FEEDBACK_HEADERS:
        return True
    rows = [_split_line(line, delimiter) for line in sample if line.strip()]
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
    if any(_ORDER_ID_RE.match(n) or "@" in n for n in names):
        # A data row, not a header: never echo it (it may hold a buyer's name or e-mail, SPEC 6).
        return (
            "the file has no header row: its first line holds data (order ids or e-mail addresses), not column "
            "names. Download the report again from Seller Central and keep its first line"
        )
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
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


def read_table(data: bytes, path: str, *, marketplace: str, encoding: str | None = None) -> RawTable:
    """Decode, find the header, and read the declared columns of every data row as strings."""
    if not data.strip():
        raise InputError(InputProblem("empty_file", path, "the file is empty; download the report again"))
    codec, utf8 = decode(data, path, marketplace=marketplace, forced=encoding)
    if b"\n" not in utf8 and b"\r" in utf8:
        utf8 = utf8.replace(b"\r", b"\n")  # classic Mac line endings (Excel's "CSV (Macintosh)")
    head = utf8[: 256 * 1024].decode("utf-8", errors="ignore")
    head_lines = head.replace("\r\n", "\n").split("\n")[: HEADER_SEARCH_LINES + 22]
    header = find_header(head_lines, path)
    kind = header.kind

    positions = _column_positions(header, kind)
    missing = [c.header for c in kind.needed() if c.field not in positions]
    if missing:
        raise InputError(
            InputProblem(
                "missing_column",
                path,
                f"this {kind.title} (`{kind.kind}`) has no column {', '.join(missing)}; "
                "download the full report from Seller Central (do not delete columns)",
                line=header.line_index + 1,
            )
        )

    body_start = _offset_after_lines(utf8, header.line_index + 1)
    body = utf8[body_start:]
    first_line = header.line_index + 2
    table = RawTable(kind, pd.DataFrame(), codec, header.delimiter, 0)
    frame = _fast_read(body, header, positions, first_line)
    if frame is None:
        frame = _exact_read(body, header, positions, first_line, path, table)
    table.frame = frame
    table.rows = len(frame) + table.bad_rows
    return table


def _column_positions(header: Header, kind: KindSpec) -> dict[str, int]:
    """Field -> column position; feedback maps by position, other kinds by name (first match wins)."""
    if kind is FEEDBACK:
        return {c.field: i for i, c in enumerate(kind.columns)}
    index: dict[str, int] = {}
    for pos, name in enumerate(header.names):
        index.setdefault(name, pos)
    positions: dict[str, int] = {}
    for column in kind.columns:
        for name in column.headers:
            if name in index:
                positions[column.field] = index[name]
                break
    return positions


def _offset_after_lines(data: bytes, count: int) -> int:
    offset = 0
    for _ in range(count):
        nl = data.find(b"\n", offset)
        if nl < 0:
            return len(data)
        offset = nl + 1
    return offset


def _fast_read(body: bytes, header: Header, positions: dict[str, int], first_line: int) -> pd.DataFrame | None:
    """pyarrow over clean files; None when any row is short, long or blank (the exact reader takes over)."""
    stripped = body.rstrip(b"\r\n")
    if not stripped:
        return _empty_frame(positions)
    if b"\n\n" in stripped or b"\n\r\n" in stripped:
        return None
    width = len(header.names)
    names = [f"c{i}" for i in range(width)]
    invalid: list[int] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(row.actual_columns)
        return "skip"

    wanted = {f"c{pos}": field for field, pos in positions.items()}
    try:
        table = pacsv.read_csv(
            io.BytesIO(stripped),
            read_options=pacsv.ReadOptions(column_names=names, block_size=16 << 20),
            parse_options=pacsv.ParseOptions(
                delimiter=header.delimiter,
                quote_char='"' if header.delimiter == "," else False,
                newlines_in_values=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(wanted),
                column_types={name: pa.string() for name in wanted},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None
    if invalid:
        return None
    frame = table.rename_columns([wanted[n] for n in table.column_names]).to_pandas()
    frame[LINE_FIELD] = np.arange(first_line, first_line + len(frame), dtype=np.int64)
    return frame


def _exact_read(
    body: bytes,
    header: Header,
    positions: dict[str, int],
    first_line: int,
    path: str,
    table: RawTable,
) -> pd.DataFrame:
    """Line by line: pads short rows (Amazon drops trailing empty fields), reports long ones as bad rows."""
    width = len(header.names)
    text = body.decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    fields = list(positions.items())
    columns: dict[str, list[str]] = {f: [] for f, _ in fields}
    line_numbers: list[int] = []
    rows_iter: Iterable[tuple[int, list[str]]]
    if header.delimiter == ",":
        rows_iter = _csv_rows(lines)
    else:
        rows_iter = ((i, line.rstrip("\r").split("\t")) for i, line in enumerate(lines))
    for i, values in rows_iter:
        if not values or (len(values) == 1 and not values[0].strip()):
            continue
        if len(values) > width:
            table.bad_rows += 1
            if table.bad_rows <= MAX_LISTED_BAD_ROWS:
                table.problems.append(
                    InputProblem(
                        "bad_row",
                        path,
                        f"{len(values)} fields where the header has {width}: a field holds a tab or the row "
                        "was damaged; the row was left out (re-download the report)",
                        line=first_line + i,
                    )
                )
            continue
        if len(values) < width:
            values = values + [""] * (width - len(values))
        for f, pos in fields:
            columns[f].append(values[pos])
        line_numbers.append(first_line + i)
    if table.bad_rows > MAX_LISTED_BAD_ROWS:
        table.problems.append(
            InputProblem(
                "bad_row",
                path,
                f"{table.bad_rows - MAX_LISTED_BAD_ROWS} more row(s) with more fields than the header were left out",
            )
        )
    frame = pd.DataFrame({f: pd.Series(v, dtype="str") for f, v in columns.items()})
    frame[LINE_FIELD] = np.asarray(line_numbers, dtype=np.int64)
    return frame


def _csv_rows(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Comma files may quote fields; csv handles that, line numbers stay the physical ones."""
    rows: list[tuple[int, list[str]]] = []
    for i, line in enumerate(lines):
        rows.append((i, _csv_fields(line.rstrip("\r"))))
    return rows


def _empty_frame(positions: dict[str, int]) -> pd.DataFrame:
    frame = pd.DataFrame({f: pd.Series([], dtype="str") for f in positions})
    frame[LINE_FIELD] = np.asarray([], dtype=np.int64)
    return frame
