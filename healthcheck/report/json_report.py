"""`--format json`: the schema-version-1 document of SPEC 5.2."""

from __future__ import annotations

from collections.abc import Mapping
from json.encoder import encode_basestring  # type: ignore[attr-defined]  # C-accelerated in CPython
from typing import Any

from healthcheck.audit import AuditReport
from healthcheck.outcome import FailOn
from healthcheck.report.document import document
from healthcheck.sanitize import CHANGED_BY_CLEAN, clean


def render_json(report: AuditReport, *, fail_on: FailOn) -> str:
    return dumps(document(report, fail_on)) + "\n"


def dumps(value: Any) -> str:
    """`json.dumps(scrub(value), indent=2, ensure_ascii=False)`, character for character, in a fraction of its time.

    With an indent the standard library encodes in pure Python, one generator step per value: on a million-order
    account (hundreds of thousands of order ids) that was 1.2 s, and the separate `scrub` walk 0.8 s more. Here a
    list of strings, the bulk of a document, is checked for unsafe characters in one regular-expression search and
    written by the C string encoder in one join.
    """
    out: list[str] = []
    _write(value, "\n", out)
    return "".join(out)


def _write(value: Any, newline: str, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(encode_basestring(clean(value)))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, Mapping):
        _write_object(value, newline, out)
    elif isinstance(value, list | tuple):
        _write_array(value, newline, out)
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _write_object(value: Mapping[Any, Any], newline: str, out: list[str]) -> None:
    if not value:
        out.append("{}")
        return
    inner = newline + "  "
    separator = "{" + inner
    # Cleaned first, as `scrub` does: two keys that differ only by unsafe characters become one.
    cleaned = {clean(key) if isinstance(key, str) else key: item for key, item in value.items()}
    for key, item in cleaned.items():
        out.append(separator)
        out.append(encode_basestring(_key(key)))
        out.append(": ")
        _write(item, inner, out)
        separator = "," + inner
    out.append(newline + "}")


def _write_array(value: list[Any] | tuple[Any, ...], newline: str, out: list[str]) -> None:
    if not value:
        out.append("[]")
        return
    inner = newline + "  "
    if all(type(item) is str for item in value):
        # "\n" is kept by `clean`, so the joined text holds an unsafe character only where an item does.
        items = value if CHANGED_BY_CLEAN.search("\n".join(value)) is None else [clean(item) for item in value]
        out.append("[" + inner + ("," + inner).join(map(encode_basestring, items)) + newline + "]")
        return
    separator = "[" + inner
    for item in value:
        out.append(separator)
        _write(item, inner, out)
        separator = "," + inner
    out.append(newline + "]")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _key(key: object) -> str:
    """A key as the json module writes it (it accepts str, int, float, bool and None keys)."""
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool | int | float):
        return dumps(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
