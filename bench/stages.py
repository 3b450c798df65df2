"""Time and peak memory of each stage of one audit, in this process (issue 16): where the next change should look.

Usage::

    python bench/stages.py DIR [--json]

The audit runs as `healthcheck audit DIR --format json` does (`run_audit`, then the JSON rendered), and its
`on_stage` hook marks the end of each stage. At each mark the probe reads the process's peak resident memory
since the previous mark (`VmHWM` in /proc/self/status, which writing 5 to /proc/self/clear_refs resets: Linux
only) and its resident memory then. Importing the tool is the first stage; rendering and writing the JSON the last.

Resetting the peak at each mark has one effect on the audit itself: between metrics, `model.release_memory`
trims the heap only near the peak so far, and here that peak is the stage's, so the probe's metrics stage trims
(and faults memory back in) more often than a real audit does. The bench's own timings run the command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Stage:
    name: str
    seconds: float
    peak_mb: float  # peak resident memory during the stage
    rss_mb: float  # resident memory when it ended
    cpu_seconds: float  # user + system time of all the process's threads in the stage: above `seconds` when
    # threads overlap, so cpu/wall says how much of the stage ran on both cores
    system_seconds: float  # the kernel's part of it: on a VM mostly the zeroing of fresh pages
    page_faults: int  # minor faults: each is a fresh page of memory (4 KB) touched for the first time


def _memory() -> tuple[float, float]:
    """(VmHWM, VmRSS) in MB."""
    found: dict[str, float] = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                found[key] = int(value.split()[0]) / 1024 * 1.048576  # kB -> MB (10^6 bytes)
    return found["VmHWM"], found["VmRSS"]


def _cpu() -> tuple[float, float, int]:
    """(user + system seconds, system seconds, minor page faults) of the process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_stime, usage.ru_minflt


class Probe:
    def __init__(self) -> None:
        self.stages: list[Stage] = []
        self.resettable = True
        self._reset()
        self._since = time.perf_counter()
        self._cpu = _cpu()

    def _reset(self) -> None:
        try:
            with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
                refs.write("5")  # resets VmHWM to the current RSS
        except OSError:
            self.resettable = False  # the peaks are then the process's peak so far

    def __call__(self, name: str) -> None:
        now, (cpu, system, faults) = time.perf_counter(), _cpu()
        peak, rss = _memory()
        since_cpu, since_system, since_faults = self._cpu
        self.stages.append(
            Stage(name, now - self._since, peak, rss, cpu - since_cpu, system - since_system, faults - since_faults)
        )
        self._reset()
        self._since, self._cpu = time.perf_counter(), _cpu()


def probe(folder: Path) -> list[Stage]:
    marks = Probe()
    from healthcheck.cli import numpy_settings

    numpy_settings()  # as `healthcheck` does, before numpy is imported
    from healthcheck.audit import run_audit
    from healthcheck.config import Config
    from healthcheck.outcome import FailOn
    from healthcheck.report import Format, render

    marks("import")
    report = run_audit([folder], config=Config(), now=dt.datetime.now(dt.UTC), on_stage=marks)
    with tempfile.TemporaryDirectory() as tmp:
        text = render(report, Format.JSON, fail_on=FailOn.AT_RISK, color=False, width=None, to_file=True)
        (Path(tmp) / "report.json").write_text(text, encoding="utf-8")
    marks("render and write the JSON")
    return marks.stages


def table(stages: Sequence[Stage]) -> str:
    rows = [
        "| stage | wall | CPU (user + sys) | of it sys | page faults | peak RSS in the stage | RSS at its end |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {s.name} | {s.seconds:.2f} s | {s.cpu_seconds:.2f} s | {s.system_seconds:.2f} s | {s.page_faults:,} "
            f"| {s.peak_mb:,.0f} MB | {s.rss_mb:,.0f} MB |"
            for s in stages
        ),
    ]
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="time and peak memory of each stage of one audit")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--json", action="store_true", help="print the stages as JSON")
    args = parser.parse_args(argv)
    stages = probe(args.folder)
    print(json.dumps([asdict(s) for s in stages]) if args.json else table(stages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
