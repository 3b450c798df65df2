"""Bytes to text (SPEC 1.1): strict UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode Text"), cp932 for JP,
else cp1252; a file mixing encodings keeps its UTF-8 lines and names the others; binaries are named for what
they are, never read as a garbled header."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from healthcheck.errors import InputError, InputProblem


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
# The marketplace whose reports Seller Central writes in cp932 (Shift_JIS, SPEC 1.1).
SHIFT_JIS_MARKETPLACE = "JP"
# C0 control bytes that never appear in a text report (tab, line breaks, form feed and Ctrl-Z do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1a")


def decode(data: bytes, path: str, *, marketplace: str, forced: str | None, undecided: bool = False) -> Decoded:
    """Try UTF-8 (a BOM is stripped), UTF-16 (Excel's "Unicode Text"), then cp932 for JP, then cp1252.

    `undecided`: the marketplace is not given and is still to be read from the files (SPEC 2, rev 2); a file that
    is neither UTF-8 nor cp1252 but reads as Japanese (Shift_JIS, SPEC 1.1's encoding for JP) is read as cp932,
    so that its sales channel can name the marketplace. The audit reads the files again once it is decided.

    A file that is UTF-8 except for a few lines of another encoding (two files pasted together) is read as UTF-8
    and those lines are reported as bad rows, instead of turning every accented letter of the file into mojibake.
    """
    reject_binary(data, path, check_nul=not forced)
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
    utf16 = utf16_codec(data)
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
        candidates = ("cp932", "cp1252") if marketplace == SHIFT_JIS_MARKETPLACE else ("cp1252",)
        for codec in candidates:
            try:
                return Decoded(codec, data.decode(codec).encode("utf-8"))
            except UnicodeDecodeError:
                continue
        japanese = None if marketplace == SHIFT_JIS_MARKETPLACE else _as_cp932(data)
        if japanese is not None and undecided:
            return Decoded("cp932", japanese.encode("utf-8"))
        tried = f"utf-8 or {' or '.join(candidates)}"
        raise _undecodable(path, tried, first, data, japanese=japanese is not None) from None


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


def reject_binary(data: bytes, path: str, *, check_nul: bool) -> None:
    """An image, a PDF, a workbook or a compressed file is named as such, never read as a garbled header."""
    for magic, what, fix in _BINARY_MAGIC:
        if data.startswith(magic):
            raise InputError(InputProblem("undecodable", path, f"this is {what}, not a report text file; {fix}"))
    if not check_nul:
        return
    sample = data[:8192]
    if utf16_codec(data):
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


def utf16_codec(data: bytes) -> str | None:
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


def _as_cp932(data: bytes) -> str | None:
    """The text, where the bytes read as Japanese (Shift_JIS as Windows writes it); None where they do not."""
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        return None


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
