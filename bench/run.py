"""`make bench`: healthcheck against a DuckDB baseline on large synthetic accounts, side by side.

Usage::

    python bench/run.py [--sizes 100k 1m] [--runs 3] [--cache .bench] [--portfolio-accounts 100]
                        [--portfolio-orders 10000] [--portfolio-jobs N] [--only-portfolio] [--no-stages]

`make bench SIZES="1m 5m"` passes --sizes: 5,000,000 orders (5 GB of reports, a few minutes to generate) are
generated only when asked for.

For each size it generates the account once (bench/generate.py, cached), runs each command once untimed (the
reports back in the page cache for both), then times, interleaved (A B A B ...),
`healthcheck audit DIR --format json -o ...` and `python bench/baseline.py DIR` (bench/baseline.sql in DuckDB),
each as a subprocess: wall time, and peak resident memory from the kernel's rusage of that one child. It prints
the medians, the ratios healthcheck / DuckDB, the start-up times, and checks that both computed the same
numerators and denominators for the cancellation rate, both late shipment rates and the valid tracking rate.
Exit 1 when they differ or a run fails; the speed and memory targets are reported, not enforced (a busy machine
must not fail a build), unless --enforce-targets is given. Then, for the largest size, the time and peak memory
of each stage of one audit (bench/stages.py).

Then the portfolio (issue 14, bench/portfolio.py): 100 accounts of 10,000 orders in one `healthcheck portfolio`
run against 100 sequential `healthcheck audit` runs (target: at most 0.6 of their wall time on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from accounts import ensure_account  # noqa: E402  (bench/ is a folder of scripts, not a package)
from portfolio import TARGET_PORTFOLIO_RATIO, bench_portfolio  # noqa: E402

HEALTHCHECK = Path(sys.executable).with_name("healthcheck")
# What both sides compute: healthcheck metric id -> the baseline's column prefix.
COMPARED = {
    "cancellation_rate": "cancellation",
    "late_shipment_rate_10d": "late_shipment_10d",
    "late_shipment_rate_30d": "late_shipment_30d",
    "valid_tracking_rate": "valid_tracking",
}
# Targets (issue 16), per size: wall time and peak memory against DuckDB's, and (5M) peak memory in bytes.
TARGET_WALL_RATIO = {1_000_000: 1.2, 5_000_000: 1.3}
TARGET_RSS_RATIO = {1_000_000: 1.5}
TARGET_RSS_BYTES = {5_000_000: 3e9}
TARGET_HELP_S = 0.1
TARGET_SAMPLE_S = 0.5


def orders_count(text: str) -> int:
    """`100k`, `1m`, `5M` or `1000000`: a number of orders."""
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    try:
        return int(float(text[:-1] if scale > 1 else text) * scale)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of orders: {text!r} (e.g. 100k, 1m, 5m)") from None


@dataclass
class Runs:
    """Wall seconds and peak RSS (bytes) of each run of one command."""

    wall: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)

    @property
    def wall_median(self) -> float:
        return statistics.median(self.wall)

    @property
    def rss_median(self) -> float:
        return statistics.median(self.rss)


def timed(command: Sequence[str], *, ok_codes: Sequence[int] = (0,)) -> tuple[float, int]:
    """Run a command; (wall seconds, peak RSS in bytes of that child alone, from wait4's rusage)."""
    with tempfile.TemporaryFile(mode="w+") as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode not in ok_codes:
            errors.seek(0)
            raise SystemExit(f"bench: {' '.join(command)} exited {child.returncode}:\n{errors.read()[-2000:]}")
    return wall, int(usage.ru_maxrss) * 1024  # KiB on Linux


def input_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.txt"))


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    import duckdb
    import numpy
    import pandas
    import pyarrow

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    return {
        "cores (nproc)": str(os.cpu_count()),
        "cpu": cpu,
        "ram": ram,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "pandas": pandas.__version__,
        "pyarrow": pyarrow.__version__,
        "numpy": numpy.__version__,
        "duckdb": duckdb.__version__,
    }


def compare(size: int, ours: dict[str, object], theirs: dict[str, object]) -> list[str]:
    """Differences between healthcheck's JSON and the baseline's numbers (empty when they agree)."""
    problems: list[str] = []
    if ours.get("as_of") != theirs.get("as_of"):
        problems.append(f"as-of: healthcheck {ours.get('as_of')}, DuckDB {theirs.get('as_of')}")
    metrics = {m["id"]: m for m in ours["metrics"]}  # type: ignore[index, union-attr, attr-defined]
    for metric_id, prefix in COMPARED.items():
        metric = metrics.get(metric_id)
        if metric is None:
            problems.append(f"{metric_id}: missing from healthcheck's report")
            continue
        for part in ("numerator", "denominator"):
            got, want = metric.get(part), theirs.get(f"{prefix}_{part}")
            if got != want:
                problems.append(f"{metric_id} {part}: healthcheck {got}, DuckDB {want}")
    # What the baseline leaves out must not happen in the data (bench/baseline.sql says why).
    cancellation = metrics.get("cancellation_rate", {})
    if cancellation.get("details", {}).get("expired_unconfirmed"):
        problems.append("the data has expired orders in the cancellation window; the baseline cannot count them")
    for metric_id in ("late_shipment_rate_10d", "late_shipment_rate_30d"):
        if any("computed" in note for note in metrics.get(metric_id, {}).get("notes", [])):
            problems.append(f"{metric_id}: ship-by dates were computed; the baseline needs latest-ship-date")
    return [f"{size:,} orders: {p}" for p in problems]


@dataclass(frozen=True)
class Startup:
    """Median seconds of each start-up measurement (`startup`)."""

    help_s: float  # `healthcheck --help`
    sample_s: float  # auditing the bundled demo account, JSON written to a file
    floor_s: float  # Python with the CLI's module and pandas, numpy and pyarrow imported as the CLI imports them
    modules_s: float  # the floor and the tool's own modules an audit imports: the part of the demo not auditing


# As the audit command imports them (`cli.engine_imports`: the collector paused, then the import frozen); imported
# without it, the same libraries took 0.09 s more on the bench machine, time the command never spends.
_ENGINE = "from healthcheck.cli import numpy_settings, engine_imports\nnumpy_settings()\nwith engine_imports():\n"
FLOOR_CODE = _ENGINE + "    import numpy, pyarrow, pandas\n"
MODULES_CODE = FLOOR_CODE + "    import healthcheck.audit, healthcheck.report.json_report\n"


def startup(runs: int) -> Startup:
    """`--help`, the demo account, and what the demo's time stands on: the floor under any audit (Python, the
    CLI's module and the libraries every audit imports, and nothing of the audit) and the floor with the tool's own
    modules imported. Interleaved, so that all four see the same machine."""
    commands = {
        "help": [str(HEALTHCHECK), "--help"],
        "floor": [sys.executable, "-c", FLOOR_CODE],
        "modules": [sys.executable, "-c", MODULES_CODE],
    }
    times: dict[str, list[float]] = {name: [] for name in (*commands, "sample")}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sample.json"
        sample = [str(HEALTHCHECK), "audit", str(ROOT / "sample_reports"), "--format", "json", "-o", str(out)]
        for _ in range(runs):
            times["help"].append(timed(commands["help"])[0])
            times["sample"].append(timed(sample, ok_codes=(0, 1, 2))[0])
            times["floor"].append(timed(commands["floor"])[0])
            times["modules"].append(timed(commands["modules"])[0])
    median = {name: statistics.median(values) for name, values in times.items()}
    return Startup(median["help"], median["sample"], median["floor"], median["modules"])


def bench_size(folder: Path, runs: int) -> tuple[Runs, Runs, list[str]]:
    """Interleaved runs (healthcheck, DuckDB, healthcheck, ...); the numbers of the last run are compared.

    One untimed run of each comes first: whichever command ran first would otherwise also pay for bringing the
    reports back into the page cache (the machine reclaims it between sizes), and healthcheck always runs first.
    """
    ours, theirs = Runs(), Runs()
    with tempfile.TemporaryDirectory() as tmp:
        ours_out, theirs_out = Path(tmp) / "healthcheck.json", Path(tmp) / "duckdb.json"
        ours_cmd = [str(HEALTHCHECK), "audit", str(folder), "--format", "json", "-o", str(ours_out)]
        theirs_cmd = [sys.executable, str(HERE / "baseline.py"), str(folder), "-o", str(theirs_out)]
        timed(ours_cmd, ok_codes=(0, 1, 2))  # warm-up, not counted
        timed(theirs_cmd)
        for _ in range(runs):
            wall, rss = timed(ours_cmd, ok_codes=(0, 1, 2))  # 1 and 2 are metric statuses, 3 a failure
            ours.wall.append(wall)
            ours.rss.append(rss)
            wall, rss = timed(theirs_cmd)
            theirs.wall.append(wall)
            theirs.rss.append(rss)
        size = json.loads((folder / ".generated.json").read_text())["orders"]
        problems = compare(size, json.loads(ours_out.read_text()), json.loads(theirs_out.read_text()))
    return ours, theirs, problems


def mb(value: float) -> str:
    return f"{value / 1e6:,.0f} MB"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="healthcheck vs DuckDB on large synthetic accounts")
    parser.add_argument("--sizes", type=orders_count, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3, help="runs of each command per size (at least 3)")
    parser.add_argument("--cache", type=Path, default=ROOT / ".bench", help="where the accounts are generated")
    parser.add_argument("--enforce-targets", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--portfolio-accounts", type=int, default=100, help="accounts in the portfolio measurement (0: skip it)"
    )
    parser.add_argument("--portfolio-orders", type=int, default=10_000, help="orders per portfolio account")
    parser.add_argument("--portfolio-jobs", type=int, default=os.cpu_count() or 1, help="the portfolio's --jobs")
    parser.add_argument("--only-portfolio", action="store_true", help="measure the portfolio alone")
    parser.add_argument("--no-stages", action="store_true", help="skip the per-stage probe of the largest size")
    args = parser.parse_args(argv)
    runs = max(3, args.runs)
    if not HEALTHCHECK.exists():
        raise SystemExit(f"bench: {HEALTHCHECK} not found; run `make bench` (it installs healthcheck first)")

    print("## Machine\n")
    for key, value in machine().items():
        print(f"- {key}: {value}")
    rows: list[str] = []
    problems: list[str] = []
    missed: list[str] = []
    for size in [] if args.only_portfolio else args.sizes:
        folder, seconds = ensure_account(args.cache, size)
        if seconds:
            print(f"\ngenerated {folder} in {seconds:.1f} s")
        ours, theirs, found = bench_size(folder, runs)
        problems += found
        size_in = input_bytes(folder)
        wall_ratio = ours.wall_median / theirs.wall_median
        rss_ratio = ours.rss_median / theirs.rss_median
        rows.append(
            f"| {size:,} | {mb(size_in)} | {ours.wall_median:.2f} s | {theirs.wall_median:.2f} s | "
            f"{wall_ratio:.2f}x | {mb(ours.rss_median)} ({ours.rss_median / size_in:.2f}x input) | "
            f"{mb(theirs.rss_median)} ({theirs.rss_median / size_in:.2f}x input) | {rss_ratio:.2f}x | "
            f"{'yes' if not found else 'NO'} |"
        )
        where = f"on {size:,} orders (target <="
        if size in TARGET_WALL_RATIO and wall_ratio > TARGET_WALL_RATIO[size]:
            missed.append(f"wall time {wall_ratio:.2f}x DuckDB {where} {TARGET_WALL_RATIO[size]}x)")
        if size in TARGET_RSS_RATIO and rss_ratio > TARGET_RSS_RATIO[size]:
            missed.append(f"peak memory {rss_ratio:.2f}x DuckDB's {where} {TARGET_RSS_RATIO[size]}x)")
        if size in TARGET_RSS_BYTES and ours.rss_median > TARGET_RSS_BYTES[size]:
            missed.append(f"peak memory {mb(ours.rss_median)} {where} {mb(TARGET_RSS_BYTES[size])})")
        print(
            f"\n{size:,} orders: healthcheck {', '.join(f'{w:.2f}' for w in ours.wall)} s; "
            f"DuckDB {', '.join(f'{w:.2f}' for w in theirs.wall)} s"
        )
    start = startup(runs)
    help_s, sample_s = start.help_s, start.sample_s
    portfolio_line = ""
    if args.portfolio_accounts > 0:
        timing = bench_portfolio(
            HEALTHCHECK, args.cache, args.portfolio_accounts, args.portfolio_orders, args.portfolio_jobs, timed
        )
        portfolio_line = (
            f"\n## Portfolio: {timing.accounts} accounts of {timing.orders:,} orders\n\n"
            f"`healthcheck portfolio --jobs {timing.jobs}` {timing.portfolio_s:.1f} s "
            f"({timing.accounts_per_hour:,.0f} accounts per hour); {timing.accounts} sequential `healthcheck audit` "
            f"runs {timing.sequential_s:.1f} s; ratio {timing.ratio:.2f} (target <= {TARGET_PORTFOLIO_RATIO}); "
            f"same numbers as the single audit: {'yes' if timing.same_numbers else 'NO'}."
        )
        if not timing.same_numbers:
            problems.append("the portfolio's report of the first account differs from its single audit")
        if timing.ratio > TARGET_PORTFOLIO_RATIO:
            missed.append(f"portfolio {timing.ratio:.2f} of the sequential audits (target <= {TARGET_PORTFOLIO_RATIO})")
    for what, seconds, target in (("--help", help_s, TARGET_HELP_S), ("the sample account", sample_s, TARGET_SAMPLE_S)):
        if seconds > target:
            missed.append(f"start-up ({what}) {seconds:.2f} s (target < {target} s)")
    stages = ""
    if args.sizes and not args.only_portfolio and not args.no_stages:
        largest = args.cache / f"orders-{max(args.sizes)}"
        probe = subprocess.run(
            [sys.executable, str(HERE / "stages.py"), str(largest)], capture_output=True, text=True, check=False
        )
        stages = f"\n## Stages of one audit of {max(args.sizes):,} orders (bench/stages.py)\n\n" + (
            probe.stdout if probe.returncode == 0 else f"the probe failed:\n{probe.stderr[-2000:]}"
        )
    print(f"\n## Results (median of {runs} interleaved runs each, after one untimed run of each)\n")
    print(
        "| orders | input | healthcheck | DuckDB | wall ratio | healthcheck peak RSS | DuckDB peak RSS | "
        "RSS ratio | same numbers |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|:---:|")
    print("\n".join(rows))
    print(
        f"\nStart-up: `healthcheck --help` {help_s:.2f} s; the sample account (sample_reports/) {sample_s:.2f} s: "
        f"{start.floor_s:.2f} s the floor under any audit (Python with the CLI's module and pandas, numpy and pyarrow "
        f"imported as the CLI imports them), {start.modules_s - start.floor_s:.2f} s the tool's own modules, "
        f"{sample_s - start.modules_s:.2f} s the audit itself (each measured alone, interleaved)."
    )
    print(portfolio_line)
    print(stages)
    compared = ", ".join(COMPARED)
    if problems:
        print(f"\nFAIL: healthcheck and the DuckDB baseline disagree ({compared}):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    if rows:
        print(f"\nChecked: both give the same numerators and denominators for {compared}.")
    if missed:
        print("\nTargets missed:\n" + "\n".join(f"  - {m}" for m in missed))
        return 1 if args.enforce_targets else 0
    print("\nAll targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
