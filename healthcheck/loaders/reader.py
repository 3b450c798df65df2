"""Bytes to rows (SPEC 1.1): encoding, delimiter, header detection and the raw string table.

Clean files take a fast path (pyarrow's multi-threaded CSV reader over only the needed columns). A file with
short or long rows, or blank lines, is re-read by an exact pure-Python splitter that knows every line number,
so bad rows can be reported precisely. Nothing here interprets values: see `parse.py`.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

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

# How far into a file the header may be: upload templates put up to three rows of labels first.
HEADER_SEARCH_LINES = 10
LINE_FIELD = "_line"
# Bad rows listed one by one per file and reason; the rest are counted in one problem (all are in `bad_rows`).
MAX_LISTED_BAD_ROWS = 50
_ORDER_ID_RE = re.compile(AMAZON_ORDER_ID)


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


@dataclass(frozen=True)
class Decoded:
    """A file's text as UTF-8 bytes (no BOM), the codec it was read with, and the lines that did not decode."""

    codec: str
    utf8: bytes
    # 1-based physical lines of a UTF-8 file that hold bytes of another encoding (a file that mixes encodings).
    bad_lines: frozenset[int] = frozenset()
    bad_byte: int | None = None  # the first such byte, to show it


# Files that are plainly not text reports, by their first bytes: named in the message, with the fix.
_BINARY_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG", "a PNG image", "download the report itself as a .txt file"),
    (b"\xff\xd8\xff", "a JPEG image", "download the report itself as a .txt file"),
    (b"GIF8", "a GIF image", "download the report itself as a .txt file"),
    (b"%PDF", "a PDF document", "download the report as a .txt file, not a printout"),
    (
        b"\xd0\xcf\x11\xe0",
        "an Excel 97-2003 workbook (.xls)",
        "open it in Excel and use File > Save As > Text (Tab delimited), or re-download the report",
    ),
    (b"\x1f\x8b", "a gzip-compressed file", "decompress it first (gunzip, or double-click it)"),
    (b"BZh", "a bzip2-compressed file", "decompress it first"),
    (b"7z\xbc\xaf", "a 7-Zip archive", "extract it, or re-pack it as a .zip"),
    (b"Rar!", "a RAR archive", "extract it, or re-pack it as a .zip"),
)
# C0 control bytes that never appear in a text report (tab, line breaks, form feed and Ctrl-Z do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1a")


def decode(data: bytes, path: str, *, marketplace: str, forced: str | None) -> Decoded:
    """Try UTF-8 (a BOM is stripped), UTF-16 (Excel's "Unicode Text"), then cp932 for JP, then cp1252.

    A file that is UTF-8 except for a few lines of another encoding (two files pasted together) is read as UTF-8
    and those lines are reported as bad rows, instead of turning every accented letter of the file into mojibake.
    """
    _reject_binary(data, path, check_nul=not forced)
    if forced:
        try:
            text = data.decode(forced)
            forced = codecs.lookup(forced).name  # reported by its Python codec name (SPEC 1.1)
        except (UnicodeError, LookupError) as exc:  # UnicodeError: punycode and idna raise no subclass
            raise InputError(
                InputProblem(
                    "undecodable",
                    path,
                    f"cannot decode with --encoding {forced}: {exc}; try another --encoding or re-save as UTF-8",
                )
            ) from None
        return Decoded(forced, text.lstrip("\ufeff").encode("utf-8"))
    if data.startswith(b"\xef\xbb\xbf"):
        body = data[3:]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            # The mark says UTF-8: bytes that are not are a pasted-in line, whatever their number.
            marked = _mixed_utf8(body, exc, codec="utf-8-sig", certain=True)
            assert marked is not None
            return marked
        return Decoded("utf-8-sig", body)
    utf16 = _utf16_codec(data)
    if utf16:
        try:
            return Decoded(utf16, data.decode(utf16).lstrip("\ufeff").encode("utf-8"))
        except UnicodeDecodeError as exc:
            raise _undecodable(path, utf16, exc, data) from None
    try:
        _check_utf8(data)
        return Decoded("utf-8", data)
    except UnicodeDecodeError as first:
        mixed = _mixed_utf8(data, first)
        if mixed is not None:
            return mixed
        candidates = ("cp932", "cp1252") if marketplace == "JP" else ("cp1252",)
        for codec in candidates:
            try:
                return Decoded(codec, data.decode(codec).encode("utf-8"))
            except UnicodeDecodeError:
                continue
        tried = f"utf-8 or {' or '.join(candidates)}"
        raise _undecodable(path, tried, first, data, japanese=marketplace != "JP" and _is_cp932(data)) from None


def _check_utf8(data: bytes) -> None:
    """Raise UnicodeDecodeError unless `data` is strict UTF-8, as `data.decode("utf-8")` does.

    Arrow validates the bytes where they are; decoding a 300 MB report into a Python str only to throw it away
    costs seconds and a gigabyte. The precise error (its offset) still comes from Python's decoder.
    """
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    try:
        pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)]).cast(pa.large_string())
    except pa.ArrowInvalid:
        data.decode("utf-8")  # raises, with the offset; were arrow ever stricter than Python, Python decides


def _reject_binary(data: bytes, path: str, *, check_nul: bool) -> None:
    """An image, a PDF, a workbook or a compressed file is named as such, never read as a garbled header."""
    for magic, what, fix in _BINARY_MAGIC:
        if data.startswith(magic):
            raise InputError(InputProblem("undecodable", path, f"this is {what}, not a report text file; {fix}"))
    if not check_nul:
        return
    sample = data[:8192]
    if _utf16_codec(data):
        return
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if b"\x00" in sample or controls * 20 > len(sample):
        raise InputError(
            InputProblem(
                "undecodable",
                path,
                "this is a binary file, not a report text file; download the report from Seller Central as a "
                "tab-delimited .txt file (or pass --encoding if it is text in an unusual encoding)",
            )
        )


def _utf16_codec(data: bytes) -> str | None:
    """`utf-16` for a UTF-16 byte-order mark; `utf-16-le`/`-be` for BOM-less text whose every other byte is NUL."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2 or b"\x00" not in sample:
        return None
    even, odd = sample[0 : 2 * half : 2].count(0), sample[1 : 2 * half : 2].count(0)
    if odd * 10 >= half * 3 and even * 20 < half:
        return "utf-16-le"
    if even * 10 >= half * 3 and odd * 20 < half:
        return "utf-16-be"
    return None


def _mixed_utf8(
    data: bytes, first: UnicodeDecodeError, *, codec: str = "utf-8", certain: bool = False
) -> Decoded | None:
    """UTF-8 with a few lines in another encoding: more valid UTF-8 letters than invalid bytes.

    A cp1252 or cp932 file almost never holds a valid multi-byte UTF-8 sequence (`Ã©` in cp1252), so a file
    with at least as many of those as invalid ones is UTF-8 that had a line of something else pasted in.
    """
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.count("\ufffd".encode())
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    valid = non_ascii - text.count("\ufffd")
    if not certain and (replaced <= 0 or valid < replaced):
        return None
    bad_lines: set[int] = set()
    line, last = 1, 0
    for found in re.finditer("\ufffd", text):
        line += text.count("\n", last, found.start())
        last = found.start()
        bad_lines.add(line)
    return Decoded(codec, text.encode("utf-8"), frozenset(bad_lines), data[first.start])


def _is_cp932(data: bytes) -> bool:
    try:
        data.decode("cp932")
    except UnicodeDecodeError:
        return False
    return True


def _undecodable(path: str, codec: str, exc: UnicodeDecodeError, data: bytes, *, japanese: bool = False) -> InputError:
    line = data.count(b"\n", 0, exc.start) + 1
    hint = (
        "they read as Japanese (Shift_JIS): pass --marketplace JP, or --encoding cp932"
        if japanese
        else "re-download the report, or pass --encoding with the file's encoding"
    )
    return InputError(
        InputProblem(
            "undecodable",
            path,
            f"bytes at offset {exc.start} (line {line}) are not valid {codec} text; {hint}",
            line=line,
        )
    )


def _split_line(line: str, delimiter: str) -> list[str]:
    if delimiter == "\t":
        return line.split("\t")
    return _csv_fields(line, delimiter)


def _csv_fields(record: str, delimiter: str = ",") -> list[str]:
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
            names = tuple(normalise_header(n) for n in _split_line(line, delimiter))
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
        parts.append(f"{others} column(s) no report has" if ours else f"{others} column(s), none a report's")
    return ", ".join(parts) or "no column names"


def read_table(
    data: bytes, path: str, *, marketplace: str, encoding: str | None = None, include_pii: bool = False
) -> RawTable:
    """Decode, find the header, and read the declared columns of every data row as strings."""
    if not data or data.isspace():  # `not data.strip()` without copying the file
        raise InputError(InputProblem("empty_file", path, "the file is empty; download the report again"))
    decoded = decode(data, path, marketplace=marketplace, forced=encoding)
    codec, utf8 = decoded.codec, decoded.utf8
    if b"\n" not in utf8 and b"\r" in utf8:
        utf8 = utf8.replace(b"\r", b"\n")  # classic Mac line endings (Excel's "CSV (Macintosh)")
    head = utf8[: 256 * 1024].decode("utf-8", errors="ignore")
    head_lines = head.replace("\r\n", "\n").split("\n")[: HEADER_SEARCH_LINES + 22]
    header = find_header(head_lines, path)
    kind = header.kind

    positions = _column_positions(header, kind, include_pii=include_pii)
    _reject_duplicate_columns(header, path)
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
    first_line = header.line_index + 2
    table = RawTable(kind, pd.DataFrame(), codec, header.delimiter, 0)
    preamble = [line.rstrip("\r").lstrip("\ufeff") for line in head_lines[: header.line_index + 1]]
    repeated = frozenset(line for line in preamble if line.strip()) if _repeats(utf8, body_start, preamble) else None
    fast = not decoded.bad_lines and repeated is None
    frame = _fast_read(utf8, body_start, header, positions, first_line) if fast else None
    if frame is None:
        frame = _exact_read(utf8[body_start:], header, positions, first_line, path, table, decoded, repeated)
    table.frame = frame
    table.rows = len(frame) + table.bad_rows + table.repeated_headers
    if table.repeated_headers:
        table.warnings.append(
            f"{table.repeated_headers} line(s) repeat the header (downloads joined into one file): skipped, not data"
        )
    if table.rows == 0:
        # A report with nothing in its period is a normal download (no unshipped orders today), not an error.
        table.warnings.append("the file has a header but no data rows: nothing in it was audited")
    return table


def _repeats(data: bytes, start: int, preamble: Sequence[str]) -> bool:
    """Whether the header line comes again in the body (one scan of the bytes, so clean files keep the fast path)."""
    line = preamble[-1].encode("utf-8") if preamble else b""
    if not line:
        return False
    return any(data.find(b"\n" + bom + line, max(start - 1, 0)) >= 0 for bom in (b"", b"\xef\xbb\xbf"))


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


def _offset_after_lines(data: bytes, count: int) -> int:
    offset = 0
    for _ in range(count):
        nl = data.find(b"\n", offset)
        if nl < 0:
            return len(data)
        offset = nl + 1
    return offset


def _fast_read(
    data: bytes, start: int, header: Header, positions: dict[str, int], first_line: int
) -> pd.DataFrame | None:
    """pyarrow over clean files; None when any row is short, long or blank, or a quoted field holds a line break
    (the exact reader takes over, and knows every line number).

    The body (from `start`) is read where it lies: no copy of a report that may be hundreds of megabytes. A blank
    line is read as a row of empty values (`ignore_empty_lines=False`), which `_has_blank_rows` sends to the
    exact reader.
    """
    end = len(data)
    while end > start and data[end - 1] in b"\r\n":
        end -= 1
    if end == start:
        return _empty_frame(positions)
    width = len(header.names)
    names = [f"c{i}" for i in range(width)]
    invalid: list[int] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(row.actual_columns)
        return "skip"

    wanted = {f"c{pos}": field for field, pos in positions.items()}
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data).slice(start, end - start)),
            # 8 MB blocks: measured 0.2 s faster than 16 MB (and than 1-4 MB) loading a 1M-order account.
            read_options=pacsv.ReadOptions(column_names=names, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(
                delimiter=header.delimiter,
                quote_char=False if header.delimiter == "\t" else '"',  # tab files are never quoted (SPEC 1.1)
                newlines_in_values=False,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(wanted),
                # pandas' `str` columns are large_string: read them as such, or every column is converted again.
                column_types={name: pa.large_string() for name in wanted},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None
    if invalid:
        return None
    if header.delimiter != "\t" and table.num_rows != data.count(b"\n", start, end) + 1:
        return None  # a quoted field spans lines: row i is no longer line first_line + i
    if wanted and _has_blank_rows(table):
        return None  # `,,,,` rows left by Excel are blank, not bad rows; only the full line can tell
    frame = table.rename_columns([wanted[n] for n in table.column_names]).to_pandas()
    frame[LINE_FIELD] = np.arange(first_line, first_line + len(frame), dtype=np.int64)
    return frame


def _has_blank_rows(table: pa.Table) -> bool:
    """Whether some row is empty in every column read (it may be a row of only delimiters)."""
    blank: pa.ChunkedArray | None = None
    for column in table.columns:
        empty = pc.equal(pc.utf8_length(column), 0)
        blank = empty if blank is None else pc.and_(blank, empty)
        if not pc.any(blank).as_py():
            return False  # usually decided by the first column (an order id is never empty)
    return blank is not None


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
                f"{table.bad_rows - MAX_LISTED_BAD_ROWS} more row(s) like the ones above were left out",
            )
        )
    if last and len(last) < width and not body.endswith(b"\n"):
        table.warnings.append(
            f"the last row (line {last_line}) is shorter than the header "
            "and the file does not end with a line break: the download may have been cut off; re-download the "
            "report if rows are missing"
        )
    frame = pd.DataFrame({f: pd.Series(v, dtype="str") for f, v in columns.items()})
    frame[LINE_FIELD] = np.asarray(line_numbers, dtype=np.int64)
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
            yield i, 1, _csv_fields(line.rstrip("\r"), delimiter)
            i += 1
            continue
        end = i
        while quoted and not irregular and end + 1 < count and end + 1 - i < MAX_RECORD_LINES:
            end += 1
            quoted, irregular = _quote_state(lines[end], delimiter, quoted=True, irregular=irregular)
        values = None if quoted or irregular else _csv_fields("\n".join(lines[i : end + 1]).rstrip("\r"), delimiter)
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


def _empty_frame(positions: dict[str, int]) -> pd.DataFrame:
    frame = pd.DataFrame({f: pd.Series([], dtype="str") for f in positions})
    frame[LINE_FIELD] = np.asarray([], dtype=np.int64)
    return frame
