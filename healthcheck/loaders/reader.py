"""Bytes to rows (SPEC 1.1): encoding, delimiter, header detection and the raw string table.

Clean files take a fast path (pyarrow's multi-threaded CSV reader over only the needed columns). A file with
short or long rows, or blank lines, is re-read by an exact pure-Python splitter that knows every line number,
so bad rows can be reported precisely. Nothing here interprets values: see `parse.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa

from healthcheck.errors import InputError, InputProblem
from healthcheck.loaders.decode import Decoded, decode
from healthcheck.loaders.fast_read import LINE_FIELD, empty_frame, fast_read
from healthcheck.loaders.header import HEADER_SEARCH_LINES, NOT_A_REPORT, Header, csv_fields, find_header
from healthcheck.loaders.kinds import (
    FEEDBACK,
    KindSpec,
)
from healthcheck.wording import plural, verb

__all__ = ["HEADER_SEARCH_LINES", "LINE_FIELD", "MAX_LISTED_BAD_ROWS", "NOT_A_REPORT", "RawTable", "read_table"]

# The header is looked for in a file's first bytes (up to `HEADER_SEARCH_LINES` lines of them).
HEAD_BYTES = 256 * 1024
# Bad rows listed one by one per file and reason; the rest are counted in one problem (all are in `bad_rows`).
MAX_LISTED_BAD_ROWS = 50


@dataclass
class RawTable:
    """A file's rows as strings, one column per field the kind declares and the file has."""

    kind: KindSpec
    frame: pd.DataFrame  # string columns named by field, plus `_line` (1-based line number in the file)
    encoding: str
    delimiter: str
    rows: int  # data rows in the file, bad ones included
    bad_rows: int = 0  # rows left out as bad (each one counted, even past the listed problems)
    repeated_headers: int = 0  # the header (or a line before it) found again: two downloads joined (SPEC 1.1)
    problems: list[InputProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Read row by row (a stray quote, a cell over several lines, mixed encodings, joined downloads) rather than by
    # arrow's parser at once: the same rows, a slower path.
    read_exactly: bool = False


def read_table(
    data: bytes,
    path: str,
    *,
    marketplace: str,
    encoding: str | None = None,
    include_pii: bool = False,
    undecided: bool = False,
) -> RawTable:
    """Decode, find the header, and read the declared columns of every data row as strings (`undecided`: see
    `decode.decode`)."""
    if not data or data.isspace():  # `not data.strip()` without copying the file
        raise InputError(InputProblem("empty_file", path, "the file is empty; download the report again"))
    decoded = decode(data, path, marketplace=marketplace, forced=encoding, undecided=undecided)
    codec, utf8 = decoded.codec, decoded.utf8
    if b"\n" not in utf8 and b"\r" in utf8:
        utf8 = utf8.replace(b"\r", b"\n")  # classic Mac line endings (Excel's "CSV (Macintosh)")
    located = locate_header(utf8[:HEAD_BYTES], path, include_pii=include_pii)
    header, positions, kind = located.header, located.positions, located.header.kind
    if decoded.bad_lines and min(decoded.bad_lines) <= header.line_index + 1:
        raise InputError(
            InputProblem(
                "undecodable",
                path,
                f"the header holds a byte (0x{decoded.bad_byte or 0:02X}) that is not UTF-8 while the rest of the "
                "file is: the file mixes encodings; re-download the report, or pass --encoding",
                line=min(decoded.bad_lines),
            )
        )
    if located.missing:
        raise InputError(
            InputProblem(
                "missing_column",
                path,
                f"this {kind.title} (`{kind.kind}`) has no column {', '.join(located.missing)}; {kind.missing_fix}",
                line=header.line_index + 1,
            )
        )

    body_start = offset_after_lines(utf8, header.line_index + 1)
    first_line = header.line_index + 2
    table = RawTable(kind, pd.DataFrame(), codec, header.delimiter, 0)
    preamble = located.preamble
    repeated = frozenset(line for line in preamble if line.strip()) if _repeats(utf8, body_start, preamble) else None
    frame = None
    if not decoded.bad_lines and repeated is None:
        end = body_end(utf8, body_start)
        body = pa.BufferReader(pa.py_buffer(utf8).slice(body_start, end - body_start))  # read where it lies
        newlines = partial(utf8.count, b"\n", body_start, end)
        frame = fast_read(body, newlines, header, positions, first_line) if end > body_start else empty_frame(positions)
    if frame is None:
        frame = _exact_read(utf8[body_start:], header, positions, first_line, path, table, decoded, repeated)
        table.read_exactly = True
    table.frame = frame
    table.rows = len(frame) + table.bad_rows + table.repeated_headers
    if table.repeated_headers:
        table.warnings.append(
            f"{plural(table.repeated_headers, 'line')} {verb(table.repeated_headers, 'repeats', 'repeat')} the "
            "header (downloads joined into one file): skipped, not data"
        )
    if table.rows == 0:
        # A report with nothing in its period is a normal download (no unshipped orders today), not an error.
        table.warnings.append("the file has a header but no data rows: the report lists nothing for its period")
    return table


@dataclass(frozen=True)
class LocatedHeader:
    """Where a report's header is, and what it says of the columns to read."""

    header: Header
    positions: dict[str, int]  # field -> column position, of the columns read
    missing: list[str]  # the needed columns the header lacks, by their header names
    preamble: list[str]  # the header line and the lines before it, as a repeat of them would read


def locate_header(head: bytes, path: str, *, include_pii: bool) -> LocatedHeader:
    """The header among the first lines of `head` (a file's first `HEAD_BYTES`, as UTF-8); raises where no
    header is found or a column it reads comes twice."""
    text = head.decode("utf-8", errors="ignore")
    head_lines = text.replace("\r\n", "\n").split("\n")[: HEADER_SEARCH_LINES + 22]
    header = find_header(head_lines, path)
    positions = _column_positions(header, header.kind, include_pii=include_pii)
    _reject_duplicate_columns(header, path)
    return LocatedHeader(
        header,
        positions,
        [c.header for c in header.kind.needed() if c.field not in positions],
        [line.rstrip("\r").lstrip("\ufeff") for line in head_lines[: header.line_index + 1]],
    )


def body_end(data: bytes, start: int) -> int:
    """Where the body (from `start`) ends once trailing line breaks are left out."""
    end = len(data)
    while end > start and data[end - 1] in b"\r\n":
        end -= 1
    return end


def _repeats(data: bytes, start: int, preamble: Sequence[str]) -> bool:
    """Whether the header line comes again in the body (one scan of the bytes, so clean files keep the fast path)."""
    line = preamble[-1].encode("utf-8") if preamble else b""
    if not line:
        return False
    # One pass over the body for the line itself; a hit counts where it starts a line (after a BOM or not).
    at = data.find(line, start)
    while at >= 0:
        before = data[max(at - 4, 0) : at]
        if before.endswith((b"\n", b"\n\xef\xbb\xbf")):
            return True
        at = data.find(line, at + 1)
    return False


def _reject_duplicate_columns(header: Header, path: str) -> None:
    """A column the tool reads that appears twice cannot say which copy holds the values (SPEC 6)."""
    if header.kind is FEEDBACK:
        return  # read by position
    wanted = {name for column in header.kind.columns for name in column.headers}
    seen: dict[str, list[int]] = {}
    for pos, name in enumerate(header.names, 1):
        if name in wanted:
            seen.setdefault(name, []).append(pos)
    twice = {name: at for name, at in seen.items() if len(at) > 1}
    if twice:
        name, at = next(iter(twice.items()))
        raise InputError(
            InputProblem(
                "duplicate_column",
                path,
                f"the header names the column `{name}` {len(at)} times (columns {', '.join(map(str, at))}), so it "
                f"cannot tell which one to read; delete the extra column, or re-download the report",
                line=header.line_index + 1,
            )
        )


def _column_positions(header: Header, kind: KindSpec, *, include_pii: bool = False) -> dict[str, int]:
    """Field -> column position; feedback maps by position, other kinds by name (first match wins).

    Buyer-data columns are not even read unless the user asked for them (--show-pii).
    """
    if kind is FEEDBACK:
        return {c.field: i for i, c in enumerate(kind.columns)}
    index: dict[str, int] = {}
    for pos, name in enumerate(header.names):
        index.setdefault(name, pos)
    positions: dict[str, int] = {}
    for column in kind.columns:
        if column.pii and not include_pii:
            continue
        for name in column.headers:
            if name in index:
                positions[column.field] = index[name]
                break
    return positions


def offset_after_lines(data: bytes, count: int) -> int:
    offset = 0
    for _ in range(count):
        nl = data.find(b"\n", offset)
        if nl < 0:
            return len(data)
        offset = nl + 1
    return offset


def _exact_read(
    body: bytes,
    header: Header,
    positions: dict[str, int],
    first_line: int,
    path: str,
    table: RawTable,
    decoded: Decoded,
    repeated: frozenset[str] | None = None,
) -> pd.DataFrame:
    """Record by record: pads short rows (Amazon drops trailing empty fields), skips rows of only delimiters and
    lines that repeat the header (or the lines before it), reports long ones and lines in another encoding as bad
    rows, each with its physical line number."""
    width = len(header.names)
    text = body.decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if repeated:
        again = {i for i, line in enumerate(lines) if line.rstrip("\r").lstrip("\ufeff") in repeated}
        table.repeated_headers += len(again)
        # Blanked, so that line numbers stay those of the file; a blank line is passed over below.
        lines = ["" if i in again else line for i, line in enumerate(lines)]
    fields = list(positions.items())
    columns: dict[str, list[str]] = {f: [] for f, _ in fields}
    line_numbers: list[int] = []
    records: Iterable[tuple[int, int, list[str] | None]]
    if header.delimiter == "\t":
        records = ((i, 1, line.rstrip("\r").split("\t")) for i, line in enumerate(lines))
    else:
        records = _csv_records(lines, header.delimiter, width)
    separator = {"\t": "a tab", ",": "an unquoted comma", ";": "an unquoted semicolon"}[header.delimiter]
    last: list[str] = []
    last_line = first_line
    for i, span, values in records:
        line = first_line + i
        if values is None:
            _bad_row(
                table,
                path,
                line,
                'a quoted field opened on this line (a field starting with ") is never closed, so the row '
                'cannot be split into its fields; the row was left out (remove the stray " or double it as "")',
            )
            continue
        if not any(v.strip() for v in values):
            continue  # a blank row, or one of only delimiters (`,,,,` from Excel): not a row at all
        last, last_line = values, line
        mixed = [n for n in range(line, line + span) if n in decoded.bad_lines]
        if mixed:
            _bad_row(
                table,
                path,
                mixed[0],
                f"the line holds a byte (0x{decoded.bad_byte or 0:02X}) that is not UTF-8 while the rest of the "
                "file is: the file mixes encodings; the row was left out (re-download the report, or pass "
                "--encoding to read the whole file in one encoding)",
            )
            continue
        if len(values) > width:
            _bad_row(
                table,
                path,
                line,
                f"{len(values)} fields where the header has {width}: a field holds {separator} or the row "
                "was damaged; the row was left out (re-download the report)",
            )
            continue
        if len(values) < width:
            values = values + [""] * (width - len(values))
        for f, pos in fields:
            columns[f].append(values[pos])
        line_numbers.append(line)
    if table.bad_rows > MAX_LISTED_BAD_ROWS:
        table.problems.append(
            InputProblem(
                "bad_row",
                path,
                f"{plural(table.bad_rows - MAX_LISTED_BAD_ROWS, 'more row')} like the ones above "
                f"{verb(table.bad_rows - MAX_LISTED_BAD_ROWS, 'was', 'were')} left out",
            )
        )
    if last and len(last) < width and not body.endswith(b"\n"):
        table.warnings.append(
            f"the last row (line {last_line}) is shorter than the header "
            "and the file does not end with a line break: the download may have been cut off; re-download the "
            "report if rows are missing"
        )
    frame = pd.DataFrame({f: pd.Series(v, dtype="str") for f, v in columns.items()})
    frame[LINE_FIELD] = np.asarray(line_numbers, dtype=np.int32)
    return frame


def _bad_row(table: RawTable, path: str, line: int, message: str) -> None:
    """Count a bad row; list it while under the cap (the rest are summed up in one problem)."""
    table.bad_rows += 1
    if table.bad_rows <= MAX_LISTED_BAD_ROWS:
        table.problems.append(InputProblem("bad_row", path, message, line=line))


# A quoted cell may hold line breaks (Alt+Enter in Excel); more than this many lines is a stray quote instead.
MAX_RECORD_LINES = 20


def _csv_records(lines: list[str], delimiter: str, width: int) -> Iterator[tuple[int, int, list[str] | None]]:
    """(first line index, lines spanned, fields) per record of a comma or semicolon file.

    A quoted field may hold line breaks, so a record may span lines; its line number is that of its first line.
    A record spanning lines must be quoted the way a spreadsheet writes it (every closing quote followed by a
    delimiter or the end of the line), close within `MAX_RECORD_LINES` and have no more fields than the header;
    otherwise its first line holds a stray quote: it is reported on its own, as `None`, and reading goes on with
    the next line, so one stray quote never swallows the rows after it.
    """
    i, count = 0, len(lines)
    while i < count:
        line = lines[i]
        quoted, irregular = _quote_state(line, delimiter) if '"' in line else (False, False)
        if not quoted:
            yield i, 1, csv_fields(line.rstrip("\r"), delimiter)
            i += 1
            continue
        end = i
        while quoted and not irregular and end + 1 < count and end + 1 - i < MAX_RECORD_LINES:
            end += 1
            quoted, irregular = _quote_state(lines[end], delimiter, quoted=True, irregular=irregular)
        values = None if quoted or irregular else csv_fields("\n".join(lines[i : end + 1]).rstrip("\r"), delimiter)
        if values is None or len(values) > width:
            yield i, 1, None
            i += 1
            continue
        yield i, end - i + 1, values
        i = end + 1


def _quote_state(line: str, delimiter: str, *, quoted: bool = False, irregular: bool = False) -> tuple[bool, bool]:
    """(whether the line ends inside a quoted field, whether a closing quote was followed by more of its field),
    given whether it starts inside one.

    The csv module's rules: a quote opens a field only as its first character, `""` inside is a quote, and
    after the closing quote the field goes on unquoted to the next delimiter (which Excel never writes).
    """
    position = 0
    at_field_start = not quoted
    while True:
        if quoted:
            close = line.find('"', position)
            if close < 0:
                return True, irregular
            if line.startswith('"', close + 1):
                position = close + 2  # an escaped quote
                continue
            rest = line[close + 1 : close + 2]
            irregular = irregular or rest not in ("", delimiter, "\r")
            quoted, at_field_start, position = False, False, close + 1
            continue
        if at_field_start and line.startswith('"', position):
            quoted, position = True, position + 1
            continue
        found = line.find(delimiter, position)
        if found < 0:
            return False, irregular
        position, at_field_start = found + 1, True
