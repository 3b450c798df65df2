"""`manifest.json`: what a fetch folder holds and which date ranges it covers, so the next fetch asks only for
what is new. It names reports, ranges, sizes and checksums; never a credential.

The audit skips this file when it reads the folder (`is_fetch_manifest`), so fetching changes none of its output.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from healthcheck.errors import FetchError

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "healthcheck-fetch-manifest"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Entry:
    """One report Amazon produced: DONE with a file (or with bytes already held), or CANCELLED (no data)."""

    report_type: str
    report_id: str
    status: str
    data_start: str | None
    data_end: str | None
    fetched_at: str
    file: str | None = None
    bytes: int | None = None
    sha256: str | None = None


@dataclass
class Manifest:
    marketplace: str
    account: str
    entries: list[Entry]
    # Files an earlier fetch wrote that are no longer in the folder: their entries are dropped, so that their
    # ranges are fetched again (the audit would otherwise cover less, with nothing said).
    gone: list[str] = field(default_factory=list)

    def missing(self, report_type: str, start: str, end: str) -> list[tuple[str, str]]:
        """The parts of [start, end) no earlier fetch of the report type covered, oldest first (ISO timestamps in
        UTC compare as text). Gaps, not just "after the last end": a range that failed stays to be fetched."""
        covered = sorted(
            (e.data_start, e.data_end)
            for e in self.entries
            if e.report_type == report_type and e.data_start and e.data_end
        )
        gaps: list[tuple[str, str]] = []
        cursor = start
        for first, last in covered:
            if first > cursor:
                gaps.append((cursor, min(first, end)))
            cursor = max(cursor, last)
            if cursor >= end:
                break
        if cursor < end:
            gaps.append((cursor, end))
        return [(a, b) for a, b in gaps if a < b]

    def has_bytes(self, sha256: str) -> bool:
        return any(e.sha256 == sha256 for e in self.entries if e.file)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": MANIFEST_FORMAT,
            "version": MANIFEST_VERSION,
            "account": self.account,
            "marketplace": self.marketplace,
            "reports": [asdict(e) for e in self.entries],
        }


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_fetch_manifest(path: Path) -> bool:
    """True for the manifest a fetch wrote (checked by content, so a seller's own `manifest.json` still counts)."""
    if path.name != MANIFEST_NAME:
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(200)
    except OSError:
        return False
    return f'"format": "{MANIFEST_FORMAT}"'.encode() in head


def load_manifest(folder: Path, *, account: str, marketplace: str) -> Manifest:
    path = folder / MANIFEST_NAME
    if not path.exists():
        return Manifest(marketplace, account, [])
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != MANIFEST_FORMAT:
            raise ValueError("not a fetch manifest")
        entries = [Entry(**raw) for raw in document.get("reports", [])]
    except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError) as exc:
        raise FetchError(
            f"{path} cannot be read ({exc}); fix: delete it (the next fetch downloads the whole range again, "
            "which the audit de-duplicates) or restore it"
        ) from None
    if document.get("marketplace") not in (None, marketplace):
        raise FetchError(
            f"{folder} holds {document.get('marketplace')} reports, not {marketplace}; fix: fetch into another "
            "folder (--into) or pass --marketplace " + str(document.get("marketplace"))
        )
    if document.get("account") not in (None, account):
        raise FetchError(
            f"{folder} holds account {document.get('account')!r}'s reports, not {account!r}'s; fix: fetch into "
            f"another folder (--into) or pass --account {document.get('account')}"
        )
    gone = [e.file for e in entries if e.file and not (folder / e.file).is_file()]
    kept = [e for e in entries if e.file not in gone]
    return Manifest(marketplace, account, kept, gone=gone)


def save_manifest(folder: Path, manifest: Manifest) -> None:
    text = json.dumps(manifest.to_dict(), indent=2) + "\n"
    write_bytes_atomically(folder / MANIFEST_NAME, text.encode("utf-8"))


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write beside the target, then rename over it: an interrupted fetch never leaves half a report that the
    audit would read (the temporary name starts with a dot, which the audit skips)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
