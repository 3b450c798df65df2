"""Zip archives of reports: each member is its own input, named `archive.zip/member.txt`; nothing is extracted.
A gzip file (`report.txt.gz`, as SP-API serves its documents) is one input, named as the file.

An archive is hostile until read: its members are unpacked as streams, counting every byte, so that a zip bomb
(a few megabytes that unpack to gigabytes of valid-looking report text) stops at a cap with a clear error instead
of exhausting memory; and an archive of tens of thousands of tiny members is refused before any is read.
"""

from __future__ import annotations

import gzip
import importlib.util
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from healthcheck.errors import InputProblem
from healthcheck.loaders.own_outputs import skips_own_output

# Files in a folder or archive that are plainly not reports are passed over with a note, not an error.
REPORT_SUFFIXES = {"", ".txt", ".tsv", ".csv", ".tab", ".json", ".zip", ".gz"}
# Archives inside an archive are not opened: a seller's zip of downloads holds the reports themselves.
ARCHIVE_SUFFIXES = {".zip", ".gz"}
GZIP_MAGIC = b"\x1f\x8b"
# Unpacked bytes one archive may give, all members together: a year of a million-order account's reports is well
# under a gigabyte, and holding more than this in memory at once is what a zip bomb is for.
MAX_UNPACKED_BYTES = 2 << 30
# A member larger than this (as the archive declares it; reading stops there) is a zip bomb, not a report.
MAX_MEMBER_BYTES = MAX_UNPACKED_BYTES
# Report text packs 5 to 20 times smaller; a member that unpacks more than this many times its packed size, once
# it is past RATIO_FLOOR bytes (tiny members may pack oddly), is built to explode.
MAX_RATIO = 100
RATIO_FLOOR = 16 << 20
# Members one archive may hold: a seller's downloads are tens of files.
MAX_MEMBERS = 500
_CHUNK = 4 << 20
WORKBOOK_FIX = "open it in Excel and use File > Save As > Text (Tab delimited), or re-download the report"
# Compression methods the standard library can unpack (bzip2 and lzma only where Python was built with them).
READABLE_COMPRESSION = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
    | ({zipfile.ZIP_BZIP2} if importlib.util.find_spec("bz2") else set())
    | ({zipfile.ZIP_LZMA} if importlib.util.find_spec("lzma") else set())
)


class _Stream(Protocol):
    """What unpacking reads from: a zip member or a gzip file opened for reading."""

    def read(self, size: int = -1, /) -> bytes: ...


class _TooLarge(Exception):
    """Unpacking went past a cap: `total` (the bytes all members may give) or `ratio` (a member's to its packed
    size)."""

    def __init__(self, cap: str) -> None:
        self.cap = cap
        super().__init__(cap)


def zip_members(path: Path, label: str, notes: list[str], problems: list[InputProblem]) -> Iterator[tuple[str, bytes]]:
    """(label, unpacked bytes) of every report member; the archive is read from disk, its members one at a time."""
    try:
        if path.stat().st_size == 0:
            problems.append(InputProblem("bad_archive", label, "the zip archive is empty (0 bytes); download it again"))
            return
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        problems.append(InputProblem("bad_archive", label, f"not a readable zip archive ({exc}); re-download it"))
        return
    with archive:
        yield from _members(archive, members, label, notes, problems)


def _members(
    archive: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    label: str,
    notes: list[str],
    problems: list[InputProblem],
) -> Iterator[tuple[str, bytes]]:
    if not members:
        problems.append(InputProblem("bad_archive", label, "the zip archive is empty"))
        return
    if len(members) > MAX_MEMBERS:
        problems.append(
            InputProblem(
                "bad_archive",
                label,
                f"holds {len(members)} files, more than the {MAX_MEMBERS} an archive of reports may hold; none was "
                "read (extract it and audit the folder, or zip only the reports)",
            )
        )
        return
    names = {m.filename for m in members}
    if "[Content_Types].xml" in names and any(n.startswith(("xl/", "word/", "ppt/")) for n in names):
        # An .xlsx is a zip of XML parts: name it for what it is rather than listing its parts.
        problems.append(InputProblem("bad_archive", label, f"this is an Office document, not a report; {WORKBOOK_FIX}"))
        return
    found = False
    budget = MAX_UNPACKED_BYTES
    for member in members:
        # Only ever a label: a name like `../../evil.txt` is never used as a path, nothing is written to disk.
        name = member.filename
        member_label = f"{label}/{name}"
        suffix = Path(name).suffix.lower()
        if Path(name).name.startswith(".") or suffix not in REPORT_SUFFIXES or suffix in ARCHIVE_SUFFIXES:
            notes.append(f"{member_label}: not a report file, skipped")
            continue
        found = True
        problem = _unreadable_member(member, member_label)
        if problem is not None:
            problems.append(problem)
            continue
        try:
            with archive.open(member) as stream:
                data = _unpack(stream, max(member.compress_size, 1), budget)
        except _TooLarge as exc:
            if exc.cap == "total":
                why = (
                    f"unpacks to more than {MAX_UNPACKED_BYTES >> 20} MiB with the members before it, more than an "
                    "archive of reports holds (a zip bomb?); extract it and audit the files if they are real"
                )
            else:
                why = (
                    f"unpacks to more than {MAX_RATIO} times its packed size ({member.compress_size} bytes), which "
                    "report text never does (a zip bomb?); extract it and audit the file if it is real"
                )
            problems.append(InputProblem("bad_archive", member_label, f"{why}; the rest of the archive was not read"))
            return
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError) as exc:
            problems.append(InputProblem("bad_archive", member_label, f"cannot be read from the archive: {exc}"))
            continue
        budget -= len(data)
        if skips_own_output(member_label, data, notes):
            continue
        yield member_label, data
    if not found:
        problems.append(
            InputProblem(
                "no_reports",
                label,
                "the zip archive holds no report files (.txt, .tsv, .csv, .tab or .json); put the downloads in it",
            )
        )


def _unreadable_member(member: zipfile.ZipInfo, member_label: str) -> InputProblem | None:
    if member.file_size > MAX_MEMBER_BYTES:
        return InputProblem(
            "bad_archive",
            member_label,
            f"declares {member.file_size} bytes unpacked, more than any report; it was not read "
            "(extract it and audit the file itself if it is real)",
        )
    if member.compress_type not in READABLE_COMPRESSION:
        return InputProblem(
            "bad_archive",
            member_label,
            f"is packed with compression method {member.compress_type}, which Python's zip reader does not "
            "support; re-create the archive with ordinary (deflate) compression, or extract it first",
        )
    return None


def gzip_member(path: Path, label: str, notes: list[str], problems: list[InputProblem]) -> Iterator[tuple[str, bytes]]:
    """(label, unpacked bytes) of a gzip-compressed report, with a zip member's caps: held in memory whole, so a
    report larger than them is unpacked first (`gunzip`) and read from its file."""
    try:
        packed = max(path.stat().st_size, 1)
        with gzip.open(path, "rb") as stream:
            data = _unpack(stream, packed, MAX_UNPACKED_BYTES)
    except _TooLarge as exc:
        size = f"{MAX_UNPACKED_BYTES >> 20} MiB" if exc.cap == "total" else f"{MAX_RATIO} times its packed size"
        problems.append(
            InputProblem(
                "bad_archive",
                label,
                f"unpacks to more than {size}, which a report never does in memory here (a gzip bomb?); unpack it "
                "(gunzip) and audit the file if it is real",
            )
        )
        return
    except (OSError, EOFError, zlib.error) as exc:
        problems.append(InputProblem("bad_archive", label, f"not a readable gzip file ({exc}); re-download it"))
        return
    if skips_own_output(label, data, notes):
        return
    yield label, data


def _unpack(stream: _Stream, packed: int, budget: int) -> bytes:
    """The stream's bytes, read a chunk at a time and counted: the sizes an archive declares may lie."""
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > budget:
            raise _TooLarge("total")
        if size > RATIO_FLOOR and size > MAX_RATIO * packed:
            raise _TooLarge("ratio")
        chunks.append(chunk)
    return b"".join(chunks)
