"""Text from a report file made safe to show: in a terminal, a spreadsheet, a JSON document or a log line.

Control characters can drive a terminal (ESC, and U+009B, the one-character CSI of C1); bidirectional overrides and
isolates can make a line or a cell display in an order other than the one it holds (`Trojan Source`). Neither has
any place in a report value, so both are removed wherever a value is written, in every format.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from healthcheck.errors import InputProblem

# C0 controls except tab and line feed, DEL, C1 controls; then the directional marks, embeddings, overrides and
# isolates: LRM, RLM, LRE..RLO, LRI..PDI and the Arabic letter mark.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")


# A file name's bytes that are not UTF-8 reach Python as lone surrogates (`os.fsdecode`): no output can encode
# them (a report written to a file failed; stdout passed the raw bytes on, breaking the JSON). Shown as `\xff`.
_SURROGATE = re.compile("[\ud800-\udfff]")
# What `clean` changes: a text it finds nothing of is returned as it is (a fast path's test).
CHANGED_BY_CLEAN = re.compile(f"{UNSAFE.pattern}|{_SURROGATE.pattern}")


def _escaped(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def clean(value: object) -> str:
    """`value` as text with every unsafe character removed (tabs and line breaks kept), and bytes of a file name
    that are not UTF-8 written as `\\xff`."""
    text = UNSAFE.sub("", str(value))
    return _SURROGATE.sub(_escaped, text) if _SURROGATE.search(text) else text


def one_line(value: object) -> str:
    """`clean`, and line breaks shown as `\\n`: a message line quoting a file name cannot start a forged line."""
    return clean(value).replace("\r", "\\r").replace("\n", "\\n")


def problem_text(problem: InputProblem) -> str:
    """`path, line N: message` of an input problem, as one clean line: paths and messages quote bytes from the
    files, which must neither drive a terminal nor start a line of their own."""
    where = one_line(problem.path) + (f", line {problem.line}" if problem.line else "")
    return f"{where}: {one_line(problem.message)}"


def scrub(document: Any) -> Any:
    """Every string of a JSON-shaped document (keys included) cleaned; numbers, booleans and None unchanged."""
    if isinstance(document, str):
        return clean(document)
    if isinstance(document, Mapping):
        return {scrub(key): scrub(value) for key, value in document.items()}
    if isinstance(document, list | tuple):
        return [scrub(item) for item in document]
    return document
