"""`make bench`'s portfolio measurement (issue 14): N accounts of M orders in one `healthcheck portfolio` run
against N sequential `healthcheck audit` runs, each a subprocess, as a cron script would run them.

The accounts are the generated account (bench/generate.py) hard-linked into N folders: every account's process
reads its own paths, and no disk space is spent on copies. Both sides write JSON to a file; the portfolio's report
of the first account must carry the same metrics as its single audit.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accounts import ensure_account

# The issue's target: the portfolio takes at most this share of the sequential runs' wall time (on 2 cores).
TARGET_PORTFOLIO_RATIO = 0.6
OK_CODES = (0, 1, 2)
# run.py's `timed`: a command's wall seconds and peak RSS, given the exit codes that are not a failure.
Timed = Callable[..., tuple[float, int]]


@dataclass(frozen=True)
class PortfolioTiming:
    accounts: int
    orders: int
    jobs: int
    portfolio_s: float
    sequential_s: float
    same_numbers: bool

    @property
    def ratio(self) -> float:
        return self.portfolio_s / self.sequential_s

    @property
    def accounts_per_hour(self) -> float:
        return self.accounts * 3600 / self.portfolio_s


def portfolio_folder(cache: Path, accounts: int, orders: int) -> Path:
    """cache/portfolio-NxM/acc-000 ... : each a hard-linked copy of the generated account's reports."""
    source, _ = ensure_account(cache, orders)
    folder = cache / f"portfolio-{accounts}x{orders}"
    for index in range(accounts):
        account = folder / f"acc-{index:03d}"
        account.mkdir(parents=True, exist_ok=True)
        for report in source.glob("*.txt"):
            target = account / report.name
            if not target.exists():
                os.link(report, target)
    return folder


def _metrics(document: dict[str, Any]) -> list[dict[str, Any]]:
    return list(document["metrics"])


def bench_portfolio(
    healthcheck: Path, cache: Path, accounts: int, orders: int, jobs: int, timed: Timed
) -> PortfolioTiming:
    """Time the portfolio, then the sequential audits (`timed` is run.py's: wall seconds and peak RSS)."""
    folder = portfolio_folder(cache, accounts, orders)
    names = sorted(p.name for p in folder.iterdir() if p.is_dir())[:accounts]
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        # One untimed single audit: the reports are in the page cache for both sides.
        timed([str(healthcheck), "audit", str(folder / names[0]), "-f", "json", "-o", str(out / "warm.json")],
              ok_codes=OK_CODES)  # fmt: skip
        portfolio_s, _ = timed(
            [str(healthcheck), "portfolio", str(folder), "-f", "json", "-o", str(out / "all.json"), "-j", str(jobs)],
            ok_codes=OK_CODES,
        )
        started = time.perf_counter()
        for name in names:
            timed([str(healthcheck), "audit", str(folder / name), "-f", "json", "-o", str(out / f"{name}.json")],
                  ok_codes=OK_CODES)  # fmt: skip
        sequential_s = time.perf_counter() - started
        rollup = json.loads((out / "all.json").read_text(encoding="utf-8"))
        first = next(a for a in rollup["accounts"] if a["name"] == names[0])
        single = json.loads((out / f"{names[0]}.json").read_text(encoding="utf-8"))
        same = len(rollup["accounts"]) == len(names) and _metrics(first["report"]) == _metrics(single)
    return PortfolioTiming(accounts, orders, jobs, portfolio_s, sequential_s, same)
