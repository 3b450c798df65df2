"""Audit a portfolio's accounts: one task per account on a pool of processes (a coarse seam, like the loaders').

Each process reads only its own account's files and hands back plain data (`Audited`): the documents and the
rendered reports, never the frames, so memory stays that of the largest single audit times the jobs. Results come
back in the portfolio's order whatever finished first. An account whose audit fails is UNKNOWN in its row, with the
reason, and the others go on.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path

from healthcheck.audit import AuditReport, audit_loaded, run_audit
from healthcheck.config import Config, load_config
from healthcheck.context import MarketplaceConflict, choose_marketplace
from healthcheck.errors import ConfigError, HealthcheckError
from healthcheck.loaders import load_inputs
from healthcheck.marketplaces import get_marketplace
from healthcheck.metrics import metric_ids, resolve
from healthcheck.outcome import ExitCode, FailOn, OverallStatus
from healthcheck.portfolio import Account, Audited
from healthcheck.portfolio.split import split_account
from healthcheck.report import Format, render
from healthcheck.report.document import document as json_document
from healthcheck.sanitize import one_line, problem_text

# What the parent hears after each account: (accounts done, accounts in all).
Tick = Callable[[int, int], None]


@dataclass(frozen=True)
class Options:
    """What every account's audit shares: the command line's options."""

    fmt: Format
    fail_on: FailOn
    as_of: dt.date | None
    now: dt.datetime
    width: int | None = None
    color: bool = False
    cwd: Path = Path(".")


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _rendered(report: AuditReport, options: Options) -> str | None:
    """The audit's own report in the formats a roll-up holds whole (JSON holds the document itself)."""
    if options.fmt in (Format.TABLE, Format.MARKDOWN, Format.HTML, Format.JUNIT):
        return render(report, options.fmt, fail_on=options.fail_on, color=options.color, width=options.width)
    return None


def _audited(name: str, report: AuditReport, options: Options) -> Audited:
    messages = tuple(f"{error.title.lower()}: {problem_text(error)}" for error in report.errors)
    return Audited(
        name=name,
        marketplace=report.marketplace.code,
        status=report.status,
        exit_code=report.exit_code(options.fail_on),
        document=json_document(report, options.fail_on),
        rendered=_rendered(report, options),
        messages=messages,
    )


def _split_audits(
    account: Account, config: Config, as_of: dt.date | None, codes: Sequence[str], now: dt.datetime
) -> list[AuditReport]:
    """The audits of an account whose files name several marketplaces: one per marketplace (`split`)."""
    loads = {code: load_inputs(account.paths, marketplace=get_marketplace(code)) for code in sorted(codes)}
    reports = []
    for code, loaded in split_account(loads).items():
        choice = choose_marketplace(None, "the portfolio", loaded)
        reports.append(
            audit_loaded(
                loaded,
                get_marketplace(code),
                choice,
                paths=account.paths,
                config=config,
                as_of=as_of,
                strict=False,
                show_pii=False,
                now=now,
            )
        )
    return reports


def _config(account: Account, cwd: Path) -> Config:
    config = load_config(account.config, cwd=cwd, metric_ids=metric_ids())
    resolve(config)  # thresholds that contradict each other are refused, as by `audit`
    return config


def audit_account(account: Account, options: Options) -> list[Audited]:
    """Every marketplace audit of one account; a failure is one UNKNOWN row saying why, never an exception."""
    # The account's own as-of (from the portfolio file) is the more specific one: it wins over --as-of.
    as_of = account.as_of or options.as_of
    try:
        config = _config(account, options.cwd)
        try:
            reports = [
                run_audit(
                    account.paths,
                    config=config,
                    marketplace=account.marketplace,
                    as_of=as_of,
                    now=options.now,
                    several_marketplaces="raise",
                )
            ]
        except MarketplaceConflict as conflict:
            # `audit` stops here and asks for one folder per marketplace; a portfolio splits the files itself.
            reports = _split_audits(account, config, as_of, list(conflict.counts), options.now)
        return [_audited(account.name, report, options) for report in reports]
    except ConfigError as exc:
        return [_failed(account, f"config error: {exc}")]
    except HealthcheckError as exc:
        return [_failed(account, str(exc))]
    except MemoryError:
        return [_failed(account, "out of memory: the account's reports need more memory than this process has")]
    except Exception as exc:  # one account's bug must not stop the others: it is UNKNOWN, with what went wrong
        return [_failed(account, f"internal error: {type(exc).__name__}: {exc}")]


def _failed(account: Account, why: str) -> Audited:
    return Audited(
        name=account.name,
        marketplace=account.marketplace.upper() if account.marketplace else None,
        status=OverallStatus.UNKNOWN,
        exit_code=ExitCode.UNKNOWN,
        error=one_line(why),
    )


def _quiet_worker() -> None:
    """A worker process does not take Ctrl-C itself: the parent stops the pool and says so."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def audit_portfolio(
    accounts: Sequence[Account], options: Options, *, jobs: int, tick: Tick | None = None
) -> list[Audited]:
    """Every account's audits, in the portfolio's order. One job runs them in this process."""
    done: dict[int, list[Audited]] = {}
    if jobs <= 1 or len(accounts) <= 1:
        for index, account in enumerate(accounts):
            done[index] = audit_account(account, options)
            if tick:
                tick(len(done), len(accounts))
    else:
        # Spawned, not forked: the parent may hold threads (the progress bar) that a fork would copy mid-step.
        context = multiprocessing.get_context("spawn")
        workers = min(jobs, len(accounts))
        executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_quiet_worker)
        broken: list[int] = []
        try:
            futures: dict[Future[list[Audited]], int] = {}
            for index, account in enumerate(accounts):
                try:
                    futures[executor.submit(audit_account, account, options)] = index
                except (BrokenProcessPool, OSError):
                    # A worker died while the accounts were still being handed out: the pool says so, or, in the
                    # moment it closes its pipes, the pipe does ("handle is closed").
                    broken.append(index)
            for future in as_completed(futures):
                index = futures[future]
                try:
                    done[index] = future.result()
                except BrokenProcessPool:
                    # A worker died (killed, out of memory) and took every account still in the pool with it.
                    broken.append(index)
                    continue
                except Exception as exc:
                    done[index] = [_failed(accounts[index], f"the audit's process failed: {type(exc).__name__}: {exc}")]
                if tick:
                    tick(len(done), len(accounts))
        except BaseException:
            # Stopped (SIGINT, SIGTERM): the accounts not started are dropped, and the ones being audited are stopped
            # too (the CLI exits at once, and a worker left behind would audit on with no one to read its result).
            for worker in multiprocessing.active_children():
                worker.terminate()
            executor.shutdown(wait=True, cancel_futures=True)  # its queues closed, none of their locks left over
            raise
        if broken:
            # A worker started while the pool was breaking is not among those the pool stops, and shutting down
            # waits for it, blocked writing a result no one reads: stopped here as on an interrupt.
            for worker in multiprocessing.active_children():
                worker.terminate()
        executor.shutdown()
        # Each account the broken pool took is audited again in a process of its own, so that only an account
        # whose audit kills its process is UNKNOWN, never the others that happened to share the pool.
        for index in sorted(broken):
            done[index] = _alone(accounts[index], options, context)
            if tick:
                tick(len(done), len(accounts))
    return [audited for index in range(len(accounts)) for audited in done[index]]


def _alone(account: Account, options: Options, context: BaseContext) -> list[Audited]:
    """One account's audits in a process of its own: UNKNOWN, saying so, if that process dies too."""
    with ProcessPoolExecutor(1, mp_context=context, initializer=_quiet_worker) as single:
        try:
            return single.submit(audit_account, account, options).result()
        except Exception as exc:
            return [_failed(account, f"the audit's process failed: {type(exc).__name__}: {exc}")]
