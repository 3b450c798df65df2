"""The terminal report on a narrow terminal through the CLI (issue 17, point 11): no line over the width, metric
titles whole, a file name never cut; a folder too long for the line loses only its middle."""

from __future__ import annotations

from pathlib import Path

from report_accounts import cancellation_account

from healthcheck.cli import main


def test_a_long_folder_is_elided_in_the_middle_and_the_file_name_kept_whole(tmp_path: Path) -> None:
    folder = cancellation_account(tmp_path / ("seller_central_downloads_" * 4 + "november"))
    out = tmp_path / "report.txt"
    assert main(["audit", str(folder / "all_orders.txt"), "--format", "table", "--width", "80", "-o", str(out)]) == 2
    lines = out.read_text(encoding="utf-8").splitlines()
    assert max(len(line) for line in lines) <= 80
    start = lines.index("Inputs")
    shown = lines[start + 1]
    head, tail = shown[2:].split("…")
    # The start and the end of the folder, the file name whole at the end.
    assert shown.startswith("- ") and str(folder).startswith(head) and str(folder / "all_orders.txt").endswith(tail)
    assert tail.endswith("november/all_orders.txt") and len(head) > 20
    assert lines[start + 2].strip() == "all_orders · utf-8 · 200 rows, 200 used"
    # The metric blocks: status, then the title whole; the facts on the next line.
    health = lines.index("Account health")
    assert lines[health + 1] == "BREACH  Cancellation rate"
    assert lines[health + 2].strip().startswith("3.57% (5/140) · target < 2.5% · May 04 - May 10")


def test_wide_terminals_keep_the_side_by_side_tables(tmp_path: Path) -> None:
    folder = cancellation_account(tmp_path / "acct")
    out = tmp_path / "report.txt"
    assert main(["audit", str(folder), "--format", "table", "--width", "100", "-o", str(out)]) == 2
    text = out.read_text(encoding="utf-8")
    assert "┃ Metric" in text and max(len(line) for line in text.splitlines()) <= 100
