"""Issue 17, point 3: the tool's own reports in its input folder are skipped with a note; `-o` never overwrites an
input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from healthcheck.cli import main
from healthcheck.report import Format
from tests.attacks.corpus import AS_OF, TINY, tiny_copy


def audit_json(capsys: pytest.CaptureFixture[str], folder: Path) -> tuple[int, dict[str, Any]]:
    code = main(["audit", str(folder), "--as-of", AS_OF, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def metrics_of(document: dict[str, Any]) -> list[object]:
    return [(m["id"], m["status"], m["numerator"], m["denominator"]) for m in document["metrics"]]


@pytest.mark.parametrize("fmt", [f.value for f in Format])
def test_every_output_format_saved_among_the_reports_is_skipped_with_a_note(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tiny_copy(tmp_path)
    code, before = audit_json(capsys, folder)
    saved = folder / f"healthcheck-{fmt}.txt"  # a report suffix: only the content can tell
    main(["audit", str(folder), "--as-of", AS_OF, "--format", fmt, "--output", str(saved)])
    capsys.readouterr()
    assert saved.is_file()
    again, after = audit_json(capsys, folder)
    assert (again, metrics_of(after)) == (code, metrics_of(before))
    assert not after["errors"]
    assert [w for w in after["warnings"] if str(saved) in w and "written by healthcheck" in w]
    assert str(saved) not in [i["path"] for i in after["inputs"]]


def test_the_worklist_beside_the_reports_no_longer_counts_as_cancellations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tiny_copy(tmp_path)
    worklist = folder / "worklist.csv"
    assert main(["audit", str(folder), "--as-of", AS_OF, "--format", "csv", "-o", str(worklist)]) == 2
    _, document = audit_json(capsys, folder)
    assert "cancellations" not in [i["kind"] for i in document["inputs"]]


@pytest.mark.parametrize("named", ["file", "folder"])
def test_output_naming_an_input_report_is_refused(
    named: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tiny_copy(tmp_path)
    report = folder / "all_orders.txt"
    before = report.read_bytes()
    given = report if named == "file" else folder
    assert main(["audit", str(given), "--as-of", AS_OF, "--output", str(report)]) == 3
    assert "is one of the reports being audited" in capsys.readouterr().err
    assert report.read_bytes() == before


@pytest.mark.parametrize("fmt", [f.value for f in Format])
def test_the_portfolios_own_reports_beside_the_accounts_are_not_named_as_loose_files(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file beside a portfolio's account folders is named (not audited, in no account), unless the portfolio
    wrote it there: every format of its report, saved with a report's suffix, is recognised as its own."""
    for account in ("acme", "brio"):
        shutil.copytree(TINY, tmp_path / account)
    (tmp_path / "claims.txt").write_text("order-id\tclaim-type\n", encoding="utf-8")
    saved = tmp_path / f"portfolio-{fmt}.txt"
    main(["portfolio", str(tmp_path), "--as-of", AS_OF, "--format", fmt, "--output", str(saved)])
    capsys.readouterr()
    main(["portfolio", str(tmp_path), "--as-of", AS_OF, "--format", "nagios"])
    notes = [line for line in capsys.readouterr().err.splitlines() if "beside the account folders" in line]
    assert notes == [
        f"healthcheck: note: {tmp_path / 'claims.txt'} is beside the account folders, in none of them: not audited "
        "(move it into its account's folder)"
    ]
