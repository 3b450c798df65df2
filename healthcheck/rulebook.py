"""Which of Amazon's rules an audit judges by: the names a seller writes in `--rules` and `--program` (and the
config's `rules` and `program`). The rules themselves, dated and sourced, are `metrics/rules.py`; this module holds
only the words, so the config can check them without importing the metrics."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class RulesMode(StrEnum):
    """`contract`: SPEC rev 2's rules for its metrics at every date (the default, checked against an independent
    implementation). `dated`: the rules Amazon had in force on the audit's as-of day."""

    CONTRACT = "contract"
    DATED = "dated"


# The programs whose own thresholds `--program` adds, by the name a seller writes.
PROGRAMS: Mapping[str, str] = MappingProxyType({"sfp": "Seller-Fulfilled Prime"})
