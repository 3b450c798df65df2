"""The corpus of bad inputs (SPEC 6), each audited by the CLI beside a good account.

Every bad file must give exit 3, a message naming the file (and its line where there is one), what was
expected and the fix, never a traceback; and the good account must still be audited, its numbers in the JSON.
Text cases are committed under `corpus/` byte for byte; binary ones (images, archives, stray bytes) are built
here, so that no editor or git setting can change them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from input_builders import CORPUS, GOOD, report_bytes, run_cli, write, zip_bytes

AS_OF = "2024-05-10"
CLAIMS_HEADER = ("order-id", "claim-type", "status", "claim-date", "reason")


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def _random_bytes() -> bytes:
    return random.Random(20240510).randbytes(3000)


def _mixed_encoding() -> bytes:
    """A UTF-8 claims file into which one line was pasted from a cp1252 file."""
    rows = [
        ("111-1000000-0000001", "a-to-z", "denied", "2024-05-04", "Café froid"),
        ("111-1000000-0000002", "a-to-z", "denied", "2024-05-05", "Crème brûlée cassée"),
    ]
    pasted = "111-1000000-0000003\ta-to-z\tdenied\t2024-05-06\tThé renversé\n".encode("cp1252")
    return report_bytes(CLAIMS_HEADER, rows) + pasted


def _undecodable() -> bytes:
    # 0x81 and 0x8d are neither UTF-8 nor defined in cp1252.
    return b"order-id\tclaim-type\tstatus\tclaim-date\n111-1000000-0000001\ta-to-z\tdenied\t2024-05-04\x81\x8d\n"


def _traversal_zip() -> bytes:
    # An order report missing columns: an error naming the kind (a file naming no report column would be skipped).
    return zip_bytes({"../../evil.txt": b"order-id\tworld\n1\t2\n"})


def _workbook() -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def _truncated_zip() -> bytes:
    members = {"orders.txt": (GOOD / "all_orders.txt").read_bytes()}
    return zip_bytes(members)[:120]


GENERATED: dict[str, Callable[[], bytes]] = {
    "image.png": _png,
    "random.bin": _random_bytes,
    "mixed_encoding.txt": _mixed_encoding,
    "undecodable.txt": _undecodable,
    "empty.zip": lambda: b"",
    "traversal.zip": _traversal_zip,
    "workbook.xlsx": _workbook,
    "truncated.zip": _truncated_zip,
}


@dataclass(frozen=True)
class Case:
    name: str
    type: str
    # (line or None, a fragment of that problem's message): each must be among the file's errors.
    errors: tuple[tuple[int | None, str], ...]
    member: str | None = None  # the problem is about this member of the archive


CASES = [
    Case("empty.txt", "empty_file", ((None, "the file is empty; download the report again"),)),
    Case("blank_lines.txt", "empty_file", ((None, "the file is empty"),)),
    Case("unknown_header.txt", "unknown_header", ((None, "`all_orders` (missing fulfillment-channel)"),)),
    Case("headerless.txt", "unknown_header", ((None, "the file has no header row"),)),
    Case("truncated.txt", "bad_row", ((3, "`claim-date` is empty; the row was left out"),)),
    Case("too_many_fields.txt", "bad_row", ((3, "5 fields where the header has 4: a field holds a tab"),)),
    Case("bad_dates.txt", "bad_row", ((2, "`claim-date` is 'yesterday', expected a date like 2024-04-19"),)),
    Case("feedback_de_audited_as_us.txt", "bad_row", ((2, "written D.M.YY: if the report is from that"),)),
    Case("duplicate_header.txt", "duplicate_column", ((1, "names the column `status` 2 times (columns 3, 5)"),)),
    Case("missing_column.txt", "missing_column", ((1, "has no column item-status"),)),
    Case("unclosed_quote.csv", "bad_row", ((2, "a quoted field opened on this line"),)),
    Case(
        "ambiguous_dates.csv",
        "bad_row",
        (
            (2, "`claim-date` is '4/5/2024', whose day and month cannot be told apart"),
            (3, "`claim-date` is '19/4/2024', which is not a month-first date (M/D/YYYY)"),
        ),
    ),
    Case("broken.json", "bad_json", ((None, "not valid JSON"),)),
    Case("not_performance.json", "unknown_header", ((None, "without `performanceMetrics`"),)),
    Case("image.png", "undecodable", ((None, "this is a PNG image, not a report text file"),)),
    Case("random.bin", "undecodable", ((None, "this is a binary file"),)),
    Case("mixed_encoding.txt", "bad_row", ((4, "(0xE9) that is not UTF-8 while the rest of the file is"),)),
    Case("undecodable.txt", "undecodable", ((2, "(line 2) are not valid utf-8 or cp1252 text"),)),
    Case("empty.zip", "bad_archive", ((None, "the zip archive is empty (0 bytes)"),)),
    Case("traversal.zip", "unknown_header", ((None, "not a known Seller Central report"),), "../../evil.txt"),
    Case("workbook.xlsx", "bad_archive", ((None, "this is an Office document, not a report"),)),
    Case("truncated.zip", "bad_archive", ((None, "not a readable zip archive"),)),
]


def materialise(name: str, folder: Path) -> Path:
    if name in GENERATED:
        return write(folder / "bad" / name, GENERATED[name]())
    path = CORPUS / name
    assert path.is_file(), f"{path} is missing from the corpus"
    return path


def assert_good_account_audited(run_doc_counts: Callable[[str], tuple[int | None, int | None]]) -> None:
    """The good account's own numbers (tests/inputs/good): one of 4 orders late, every package valid."""
    assert run_doc_counts("late_shipment_rate_10d") == (1, 4)
    assert run_doc_counts("late_shipment_rate_30d") == (1, 4)
    assert run_doc_counts("valid_tracking_rate") == (4, 4)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input_is_reported_and_the_good_account_still_audited(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = materialise(case.name, tmp_path)
    run = run_cli(capsys, tmp_path / "report.json", str(GOOD), str(bad), "--as-of", AS_OF)
    assert run.code == 3
    assert run.doc["exit_code"] == 3
    assert run.doc["status"] == "unknown"
    assert "Traceback" not in run.stdout + run.stderr
    assert "internal error" not in run.stderr
    label = f"{bad}/{case.member}" if case.member else str(bad)
    found = run.errors_for(label)
    assert found, f"no error names {label}: {run.doc['errors']}"
    assert {e["type"] for e in found} == {case.type}
    for line, fragment in case.errors:
        matching = [e for e in found if e["line"] == line and fragment in e["message"]]
        assert matching, f"no error at line {line} saying {fragment!r}: {found}"
        where = f"{label}, line {line}" if line else label
        assert f"{where}: {matching[0]['message']}" in run.stderr
    # Every error names a file, and every message says what to do.
    assert all(e["path"] for e in run.doc["errors"])
    assert_good_account_audited(run.counts)
    good = [(i["kind"], i["rows"], i["used_rows"]) for i in run.doc["inputs"] if i["path"].startswith(str(GOOD))]
    assert good == [("all_orders", 4, 4), ("ship_confirmations", 4, 4)]


def test_the_good_account_alone_is_a_breach_not_unknown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The baseline of the corpus test: without the bad file the same account exits 2 (LSR 25 %)."""
    run = run_cli(capsys, tmp_path / "report.json", str(GOOD), "--as-of", AS_OF)
    assert (run.code, run.doc["errors"]) == (2, [])
    assert_good_account_audited(run.counts)


def test_header_only_file_is_a_warning_not_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A report with nothing in its period (no claims, no unshipped orders) is a normal download (decided)."""
    empty = CORPUS / "header_only.txt"
    run = run_cli(capsys, tmp_path / "report.json", str(GOOD), str(empty), "--as-of", AS_OF)
    assert run.code == 2
    assert run.doc["errors"] == []
    info = run.input(empty)
    assert (info["kind"], info["rows"], info["used_rows"]) == ("claims", 0, 0)
    assert info["warnings"] == ["the file has a header but no data rows: the report lists nothing for its period"]
    assert_good_account_audited(run.counts)


def test_the_path_traversal_member_is_never_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    archive = write(work / "traversal.zip", _traversal_zip())
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    run = run_cli(capsys, tmp_path / "report.json", str(GOOD), str(archive), "--as-of", AS_OF)
    assert run.code == 3
    [entry] = [i for i in run.doc["inputs"] if i["path"].startswith(str(archive))]
    assert entry["path"] == f"{archive}/../../evil.txt"
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.name != "report.json")
    assert after == before
    assert not (Path.cwd() / "evil.txt").exists()
    assert not list(tmp_path.rglob("evil.txt"))


def test_every_corpus_file_is_a_case() -> None:
    """A file added to corpus/ without a case would never be audited."""
    named = {c.name for c in CASES} | {"header_only.txt"}
    assert {p.name for p in CORPUS.iterdir() if not p.name.startswith(".")} <= named
