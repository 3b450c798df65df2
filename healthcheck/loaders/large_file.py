"""A large report read from its file, never held whole in memory (issue 16).

`read_table` takes a file's bytes: a 350 MB All Orders report is then 350 MB of Python bytes beside what pyarrow
parses out of it, and two such reports load at once. Here a large file that is plain UTF-8 is checked in one
pass through a reused buffer (valid UTF-8 throughout, where its line breaks are, no repeated header: in a tab
file that is looked for in one column after the read, `_witness`), then pyarrow reads it from the file, a block
at a time, keeping only the declared columns. What it returns equals what `read_table` would give for the file's
bytes; anything else (a byte-order mark, another encoding, a
repeated header, blank lines at the end, a row the fast path refuses) returns None, and `read_table` reads the
file whole and says what is wrong with it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from io import FileIO
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from healthcheck.errors import InputError
from healthcheck.loaders.decode import reject_binary, utf16_codec
from healthcheck.loaders.fast_read import fast_read
from healthcheck.loaders.reader import HEAD_BYTES, LocatedHeader, RawTable, locate_header, offset_after_lines

# From this size a file is read from the file (below it, holding its bytes costs little and saves a pass).
LARGE_BYTES = 32 << 20
# The checking pass reads this much at a time into one buffer.
SCAN_BYTES = 16 << 20
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class _Scanned:
    newlines: int  # line feeds in the whole file (when counted)
    tail: bytes  # the file's last bytes (at most 64)


def read_large(
    path: Path, label: str, *, include_pii: bool, at_least: int = LARGE_BYTES, scan_bytes: int = SCAN_BYTES
) -> RawTable | None:
    """The rows of a plain UTF-8 report of `at_least` bytes, as `read_table` gives them; None for any other file.
    `scan_bytes` is the checking pass's buffer (its longest line)."""
    try:
        file = path.open("rb", buffering=0)
    except OSError:
        return None
    with file:
        try:
            before = _identity(os.fstat(file.fileno()))  # the file the checking pass reads
            if before[1] < at_least:
                return None
            head = file.read(HEAD_BYTES)
            if not _plain_text(head, label):
                return None
            located = locate_header(head, label, include_pii=include_pii)
        except (OSError, InputError):
            return None
        header = located.header
        body_start = offset_after_lines(head, header.line_index + 1)
        if located.missing or body_start >= len(head):
            return None
        witness = _witness(located)
        line = None if witness else located.preamble[-1].encode("utf-8")
        file.seek(0)
        scanned = _scan(file, bytearray(scan_bytes), line, body_start, count=header.delimiter != "\t")
    if scanned is None:
        return None
    ending = scanned.tail[len(scanned.tail.rstrip(b"\r\n")) :]
    if ending not in (b"", b"\n", b"\r\n") or len(ending) == len(scanned.tail):
        return None  # blank lines at the end: the whole-file read leaves them out
    # The body's line breaks, as `read_table` counts them: the file's, less the header's lines and the last one.
    newlines = scanned.newlines - (header.line_index + 1) - ending.count(b"\n")
    source = pa.OSFile(str(path))
    try:
        source.seek(body_start)
        frame = fast_read(source, lambda: newlines, header, located.positions, header.line_index + 2)
    finally:
        source.close()
    if frame is None or frame.empty or (witness is not None and _holds(frame[witness[0]], witness[1])):
        return None  # a repeated header, or a value that reads like one: the whole-file reader decides
    try:
        if _identity(path.stat()) != before:  # the file arrow opened by its name, then or since
            return None  # rewritten since it was checked (a download still being written): read whole, once
    except OSError:
        return None
    return RawTable(header.kind, frame, "utf-8", header.delimiter, len(frame))


def _witness(located: LocatedHeader) -> tuple[str, str] | None:
    """A column read whose every row would hold its own header name were the header repeated in the body (two
    downloads joined): then the checking pass need not search 350 MB for the header line (a fifth of its time),
    one look at that column after the read does.

    Tab files only (their fields are the text between tabs, as arrow reads them), and a column neither first (a
    repeated header may follow a byte-order mark) nor last (a line that only starts with the header line differs
    there); a dictionary-encoded one where there is one, which is looked at once per distinct value."""
    header = located.header
    if header.delimiter != "\t":
        return None
    raw = located.preamble[-1].split("\t")
    inner = [(field, pos) for field, pos in located.positions.items() if 0 < pos < len(raw) - 1]
    if not inner:
        return None
    repeated = {column.field for column in header.kind.columns if column.repeated}
    field, pos = min(inner, key=lambda item: (item[0] not in repeated, item[1]))
    return field, raw[pos]


def _holds(column: pd.Series, value: str) -> bool:
    """Whether some row of the column is `value`."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return value in column.cat.categories
    return bool((column == value).any())


def _identity(stat: os.stat_result) -> tuple[int, int, int]:
    """A file's inode, size and modification time: the checking pass and arrow's read are two reads, and what
    the first proved (valid UTF-8 throughout, no repeated header) holds for the second only if these agree."""
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def _plain_text(head: bytes, label: str) -> bool:
    """Whether the file's first bytes are text `read_table` would read as UTF-8 as it is: no byte-order mark, not
    UTF-16, not binary, not JSON, not blank, and lines ending in line feeds."""
    if label.lower().endswith(".json") or head.startswith(_BOM) or utf16_codec(head) is not None:
        return False
    try:
        reject_binary(head, label, check_nul=True)
    except InputError:
        return False
    return head.lstrip()[:1] not in (b"{", b"") and b"\n" in head


def _scan(file: FileIO, buffer: bytearray, line: bytes | None, body_start: int, *, count: bool) -> _Scanned | None:
    """One pass over the file: None unless it is valid UTF-8 throughout, each line shorter than the buffer, and
    `line` (the header; None: a column is looked at instead, `_witness`) starts no line of the body, after a
    byte-order mark or not. Line feeds are counted when `count` (only a quoted file's rows need them: a tab
    file's fields never hold one)."""
    view = memoryview(buffer)
    headers = () if line is None else (line, _BOM + line)
    kept = base = newlines = 0  # bytes carried to the buffer's start; the file offset of the buffer's start
    tail = b""
    while True:
        read = file.readinto(view[kept:])
        filled = kept + read
        if filled == 0:
            break
        # A segment ends at a line feed (a UTF-8 character boundary), or at the end of the file.
        cut = filled if read == 0 else buffer.rfind(b"\n", 0, filled) + 1
        if cut == 0:
            if filled == len(buffer):
                return None  # a line longer than the buffer: not a report's line
            kept = filled
            continue
        segment = view[:cut]
        # Bytes past `filled` are an earlier segment's, so an ASCII buffer holds an ASCII segment.
        ascii = buffer.isascii()
        if not ascii and not _valid_utf8(segment):
            return None
        newlines += buffer.count(b"\n", 0, cut) if count else 0
        start, at_line_start = max(body_start - base, 0), base >= body_start
        # The header again, after a byte-order mark or not (only a non-ASCII segment can hold a mark): downloads
        # joined into one file.
        for again in headers[: 2 if not ascii else 1]:
            if _header_again(buffer, cut, again, start, at_line_start=at_line_start):
                return None
        tail = (tail + bytes(segment[-64:]))[-64:]
        kept = filled - cut
        buffer[:kept] = buffer[cut:filled]
        base += cut
        if read == 0:
            break
    return _Scanned(newlines, tail)


def _header_again(buffer: bytearray, end: int, line: bytes, start: int, *, at_line_start: bool) -> bool:
    """Whether the header line starts a line of `buffer[start:end]` (two downloads joined); `at_line_start` when
    `buffer[0]` starts a line of the body."""
    if at_line_start and buffer.startswith(line):
        return True
    return buffer.find(b"\n" + line, max(start - 1, 0), end) >= 0


def _valid_utf8(segment: memoryview) -> bool:
    """Whether the bytes are UTF-8, checked by arrow where they lie (Python would decode them into a new str)."""
    offsets = pa.py_buffer(np.array([0, len(segment)], dtype=np.int64))
    try:
        pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(segment)]).cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True
