"""Option values checked before any file is read, so a typo is a usage error (exit 3) naming what is accepted."""

from __future__ import annotations

import codecs
import datetime as dt

from healthcheck.loaders.guard import FIRST_YEAR, LAST_YEAR

# Codecs that turn bytes into text but are not the encoding of any file: domain-name and escape-sequence codecs.
_NOT_FILE_ENCODINGS = frozenset({"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined"})
_SAMPLE = "amazon-order-id\tpurchase-date\n111-0000001-0000001\t2024-05-01\n"


def as_of_problem(day: dt.date, what: str = "--as-of") -> str | None:
    """Why `--as-of day` cannot be audited, or None: windows reach back 90 days and forward a few, so a day at
    the ends of the calendar would overflow every date computed from it."""
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return f"{what} {day.isoformat()} is outside the accepted range {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31"


def text_encoding(name: str) -> str:
    """The Python name of a codec a report file can be written in; ValueError (with why) for anything else."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ValueError(f"--encoding {name!r} is not a known encoding") from None
    canonical = info.name.replace("_", "-")
    # `_is_text_encoding` is how the codecs module itself tells rot13, hex or base64 from real text encodings.
    if canonical in _NOT_FILE_ENCODINGS or not getattr(info, "_is_text_encoding", True):
        raise ValueError(f"--encoding {name!r} is not a text encoding that files are written in")
    try:
        round_trip = _SAMPLE.encode(info.name).decode(info.name)
    except (UnicodeError, LookupError):
        round_trip = None
    if round_trip != _SAMPLE:
        raise ValueError(f"--encoding {name!r} cannot hold a report's plain letters and digits")
    return info.name
