"""The tool's own reports, found among its inputs (`-o reports/worklist.csv` in a cron line), are never read as
reports: the CSV worklist would otherwise load as a cancellations report and double the cancellation rate."""

from __future__ import annotations

import re
from pathlib import Path

# How much of a file is enough to recognise every format by its first lines.
HEAD_BYTES = 4096
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_NAGIOS = re.compile(r"HEALTHCHECK (OK|AT RISK|BREACH|UNKNOWN) - ")
_CSV_HEADER = "section,id,priority,metric_id,metric_status,title,order_id,"
_PORTFOLIO_CSV_HEADER = "account,marketplace,status,exit_code,as_of,worst_metric,"


def own_output(head: bytes) -> str | None:
    """Which of our formats `head` (a file's first bytes) starts, or None for anything else."""
    text = _ANSI.sub("", head.decode("utf-8", errors="replace")).lstrip("\ufeff").lstrip()
    first = text.split("\n", 1)[0]
    if first.startswith(_CSV_HEADER):
        return "the CSV worklist"
    if first.startswith(_PORTFOLIO_CSV_HEADER):
        return "the portfolio's CSV"
    if _NAGIOS.match(first):
        return "the nagios status line"
    if first.startswith(("# healthcheck:", "# healthcheck portfolio:")):
        return "the Markdown report"
    if first.startswith("healthcheck "):
        return "the table report"
    if first.startswith("{") and re.search(r'"tool":\s*\{\s*"name":\s*"healthcheck"', text):
        return "the JSON report"
    if first.startswith("<?xml") and re.search(r'<testsuites name="healthcheck( portfolio)?"', text):
        return "the JUnit report"
    if first.lower().startswith("<!doctype html") and "<title>healthcheck" in text:
        return "the HTML report"
    return None


def skips_own_output(label: str, head: bytes, notes: list[str]) -> bool:
    """True when `head` starts one of our own reports, which is then noted as skipped (wherever it was found: in
    the folder, in a zip, in a gzip file)."""
    ours = own_output(head[:HEAD_BYTES])
    if ours is not None:
        notes.append(f"{label}: {ours} written by healthcheck, not a report; skipped")
    return ours is not None


def read_head(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(HEAD_BYTES)


def output_clash(output: Path, inputs: list[Path]) -> str | None:
    """Why writing the report to `output` would overwrite a report it reads, or None.

    An output file already there that is one of our own reports is fine (it is skipped when read); so is a new file.
    """
    try:
        target = output.resolve()
        if not target.is_file() or own_output(read_head(target)) is not None:
            return None
    except OSError:
        return None  # not there, or not readable: writing it names the problem
    for given in inputs:
        try:
            source = given.resolve()
        except OSError:
            continue
        if source == target or (source.is_dir() and source in target.parents):
            return f"--output {output} is one of the reports being audited; writing it would overwrite that report"
    return None
