"""Portfolios (issue 14): every account and marketplace an agency runs, audited in one command.

`target` reads what to audit (a `portfolio.toml` or a folder of account folders), `split` divides an account whose
files name several marketplaces, `run` audits the accounts in parallel processes, `rollup` and `render` lay out the
result. Nothing here prints or exits: the CLI (`cli_portfolio.py`) does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from healthcheck.outcome import ExitCode, OverallStatus


@dataclass(frozen=True)
class Account:
    """One seller account of the portfolio: its files, and what the portfolio file says about it."""

    name: str
    paths: tuple[Path, ...]
    marketplace: str | None = None
    config: Path | None = None
    as_of: dt.date | None = None


@dataclass(frozen=True)
class Audited:
    """One audit of one account's marketplace, as the worker process hands it back (plain data, picklable).

    `document` is the audit's SPEC 5.2 JSON object and `rendered` its report in the portfolio's format; both are
    None when the audit failed, and `error` says why.
    """

    name: str
    marketplace: str | None
    status: OverallStatus
    exit_code: ExitCode
    document: dict[str, Any] | None = None
    rendered: str | None = None
    error: str | None = None
    messages: tuple[str, ...] = field(default_factory=tuple)  # the input errors, one line each, for stderr
