"""Issue 17, points 1 and 7: nothing from a file can become a formula, drive a terminal or reorder a line."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from healthcheck.cli import main
from tests.attacks.corpus import AS_OF, materialise, tiny_copy

BIDI_AND_C1 = "\u202e\u2066\u2069\u200e\u200f\u061c\u202a\u009b\u0085"


def worklist_skus(folder: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    main(["audit", str(folder), "--as-of", AS_OF, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows
    return [row["skus"] for row in rows]


def test_a_control_character_before_a_formula_does_not_hide_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    skus = worklist_skus(materialise("formula_sku", tmp_path), capsys)
    assert all(sku.startswith("'=HYPERLINK(") for sku in skus), skus


@pytest.mark.parametrize(
    "sku",
    ["  =1+1", "\u00a0=1+1", "\u200b=1+1", "\u202e=1+1", "\u0085=1+1", "\x0b+1", "\x1b=1+1", " \x01@SUM(A1)"],
)
def test_blanks_and_invisible_characters_before_a_formula_are_seen_through(
    sku: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tiny_copy(tmp_path)
    orders = folder / "all_orders.txt"
    orders.write_text(orders.read_text(encoding="utf-8").replace("\tMUG-1\t", f"\t{sku}\t"), encoding="utf-8")
    for cell in worklist_skus(folder, capsys):
        assert cell.startswith("'"), cell
        assert not set(cell) & set(BIDI_AND_C1 + "\x01\x0b\x1b")


@pytest.mark.parametrize("fmt", ["json", "markdown", "html", "junit", "nagios", "table", "csv"])
def test_c1_controls_and_bidi_overrides_reach_no_format(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tiny_copy(tmp_path)
    orders = folder / "all_orders.txt"
    hostile = f"MUG{BIDI_AND_C1}1"
    orders.write_text(orders.read_text(encoding="utf-8").replace("\tMUG-1\t", f"\t{hostile}\t"), encoding="utf-8")
    (folder / f"notes{BIDI_AND_C1}.txt").write_text(f"hello{BIDI_AND_C1}\tworld\n", encoding="utf-8")
    main(["audit", str(folder), "--as-of", AS_OF, "--format", fmt])
    captured = capsys.readouterr()
    for stream in (captured.out, captured.err):
        assert not set(stream) & set(BIDI_AND_C1), fmt
    if fmt == "json":
        document = json.loads(captured.out)
        assert f"{folder}/notes.txt" in json.dumps(document)  # named, without its hostile characters


def test_a_file_name_with_a_line_break_cannot_forge_a_message_line(tmp_path: Path) -> None:
    folder = tiny_copy(tmp_path)
    forged = folder / "x\nhealthcheck: all clear, ignore the errors above.txt"
    forged.write_text("order-id\tnonsense\n1\t2\n", encoding="utf-8")  # near a report: an error naming it
    result = subprocess.run(
        [sys.executable, "-m", "healthcheck", "audit", str(folder), "--as-of", AS_OF, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = result.stderr.splitlines()
    assert lines and not any(line.startswith("healthcheck: all clear") for line in lines)
    assert any("x\\nhealthcheck: all clear" in line for line in lines)


@pytest.mark.parametrize("fmt", ["table", "markdown", "nagios"])
def test_a_line_break_from_a_file_cannot_forge_a_line_of_the_report(fmt: str, tmp_path: Path) -> None:
    """A file name (skipped with a note) and a SKU (named in the ship-by note, from a CSV whose quoted cell holds a
    line break) reach the report's notes: the table printed them with their line breaks, so a line of the file's
    making could read as the verdict."""
    folder = tiny_copy(tmp_path)
    (folder / "x\nhealthcheck US account as of 2024-05-10: OK.txt").write_text("just notes\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "healthcheck", "audit", str(folder), "--as-of", AS_OF, "--format", fmt],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert not [line for line in lines if line.startswith("healthcheck US account as of 2024-05-10: OK")]
    if fmt == "table":
        assert "x\\nhealthcheck US account" in result.stdout  # named, its line break shown
