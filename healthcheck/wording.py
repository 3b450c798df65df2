"""Counted nouns in the words a person reads: `1 order`, `2 orders`, never `order(s)` (issue 17, point 14).

Kept apart from the report package so that every layer that writes a message (loaders, model, metrics, actions)
can use the same helper without reaching up into the report."""

from __future__ import annotations


def plural(count: int, singular: str, many: str | None = None) -> str:
    """`1 order`, `3 orders`; `many` for irregular plurals (`1 was`, `2 were` need it, as do `reply`/`replies`)."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def verb(count: int, one: str, many: str) -> str:
    """The verb agreeing with a count: `is`/`are`, `has`/`have`, `names`/`name`."""
    return one if count == 1 else many


def in_sentence(title: str) -> str:
    """`order defect rate (FBA)`, `Amazon's account status`: a metric's title inside a sentence, its first letter
    lowered and the rest (FBA, Amazon) as written."""
    return title if title.startswith("Amazon") else f"{title[:1].lower()}{title[1:]}"


def capitalised(text: str) -> str:
    """`The order defect rate (FBA)`: a sentence opening with a title, its other capitals kept."""
    return text[:1].upper() + text[1:]


def the_title(title: str) -> str:
    """`the invoice defect rate`, `Amazon's account status`: a metric's title inside a sentence."""
    return title if title.startswith("Amazon") else f"the {in_sentence(title)}"


def headroom_pair(until_at_risk: int | None, until_breach: int | None, *, passed: str = "-") -> str:
    """`2 / 4`: bad events still possible before at risk / before breach; `passed` where the line is already
    crossed (`-` on screen; a CSV writes a word, since a cell opening with `-` reads as a formula)."""

    def shown(value: int | None) -> str:
        return passed if value is None else str(value)

    return f"{shown(until_at_risk)} / {shown(until_breach)}"


# An audit's `as_of_source` when the day was given (--as-of, or a portfolio account's `as_of`), not found in the data.
AS_OF_GIVEN = "given with --as-of"
