"""Helpers for the input tests: report bytes as Seller Central, Excel or a seller writes them, and CLI runs.

Every file is built as bytes (the encoding, delimiter, quoting and line endings are what is under test), and the
CLI is run in-process through `healthcheck.cli.main`, whose return value is the exit code.
The module name is unique across `tests/` on purpose: the test folders have no `__init__.py`.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from healthcheck.cli import main

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
GOOD = HERE / "good"


def report_bytes(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    delimiter: str = "\t",
    newline: str = "\n",
    encoding: str = "utf-8",
    quoted: bool = False,
    preamble: Sequence[str] = (),
) -> bytes:
    """A report as bytes: tab files are never quoted (SPEC 1.1); `quoted` writes what Excel's CSV writer does."""
    if quoted:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
        for line in preamble:
            buffer.write(line + newline)
        writer.writerow(header)
        writer.writerows([[str(v) for v in row] for row in rows])
        text = buffer.getvalue()
    else:
        lines = [*preamble, delimiter.join(header), *(delimiter.join(str(v) for v in row) for row in rows)]
        text = newline.join(lines) + newline
    if encoding == "utf-16":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return text.encode(encoding)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def zip_bytes(members: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@dataclass(frozen=True)
class CliRun:
    """One `healthcheck audit ... --format json --output FILE` run."""

    code: int
    doc: dict[str, Any]
    stdout: str
    stderr: str

    def metric(self, metric_id: str) -> dict[str, Any]:
        [found] = [m for m in self.doc["metrics"] if m["id"] == metric_id]
        return dict(found)

    def counts(self, metric_id: str) -> tuple[int | None, int | None]:
        found = self.metric(metric_id)
        return found["numerator"], found["denominator"]

    def input(self, path: Path | str) -> dict[str, Any]:
        [found] = [i for i in self.doc["inputs"] if i["path"] == str(path)]
        return dict(found)

    def errors_for(self, path: Path | str) -> list[dict[str, Any]]:
        return [e for e in self.doc["errors"] if e["path"] == str(path)]


def run_cli(capsys: pytest.CaptureFixture[str], output: Path, *args: str) -> CliRun:
    """Audit with the CLI; the JSON report goes to `output`, so stdout holds nothing but what the CLI adds."""
    code = main(["audit", *args, "--format", "json", "--output", str(output)])
    captured = capsys.readouterr()
    doc = json.loads(output.read_text(encoding="utf-8")) if output.exists() else {}
    return CliRun(code, doc, captured.out, captured.err)
