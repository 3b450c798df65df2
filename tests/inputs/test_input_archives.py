"""Folders, archives and repeated downloads (SPEC 1, 1.5): what is skipped with a note, what is an error, and
the same rows downloaded twice counted once, with the duplicates in the input summary."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from input_builders import GOOD, report_bytes, run_cli, write, zip_bytes

import healthcheck.loaders.archive as archive_module
from healthcheck.loaders import load_inputs
from healthcheck.marketplaces import get_marketplace

US = get_marketplace("US")
AS_OF = "2024-05-10"
ORDERS = [f"111-1000000-000000{n}" for n in range(1, 5)]  # the orders of tests/inputs/good


def test_folder_notes_non_reports_and_reads_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    write(folder / "orders.txt", (GOOD / "all_orders.txt").read_bytes())
    write(folder / "Orders.xlsx", zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}))
    write(folder / "notes.docx", b"PK")
    write(folder / "screenshot.PNG", b"\x89PNG")
    write(folder / ".~lock.orders.txt#", b"junk")
    write(folder / "archive" / "more.zip", zip_bytes({"ship.txt": (GOOD / "ship_confirmations.txt").read_bytes()}))
    result = load_inputs([folder], marketplace=US)
    assert result.problems == []
    assert [Path(i.path).name for i in result.inputs] == ["ship.txt", "orders.txt"]
    notes = "\n".join(result.notes)
    assert "Orders.xlsx: an Excel workbook: to audit it, open it in Excel and use File > Save As > Text" in notes
    assert "notes.docx: not a report file (.docx), skipped" in notes
    assert "screenshot.PNG" in notes
    assert ".~lock" not in notes  # hidden files are passed over without a note


def test_a_workbook_named_on_the_command_line_is_an_error(tmp_path: Path) -> None:
    book = write(tmp_path / "Orders.xlsx", zip_bytes({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>"}))
    result = load_inputs([book], marketplace=US)
    [problem] = result.problems
    assert (problem.type, problem.path) == ("bad_archive", str(book))
    assert "Save As > Text (Tab delimited)" in problem.message


@pytest.mark.parametrize(
    ("members", "says"),
    [
        ({"README.md": b"# hi", "logo.png": b"\x89PNG"}, "holds no report files"),
        ({}, "the zip archive is empty"),
    ],
)
def test_an_archive_with_no_report_is_a_problem(tmp_path: Path, members: dict[str, bytes], says: str) -> None:
    archive = write(tmp_path / "dl.zip", zip_bytes(members))
    result = load_inputs([archive], marketplace=US)
    [problem] = result.problems
    assert problem.path == str(archive)
    assert says in problem.message


def test_zero_byte_zip(tmp_path: Path) -> None:
    archive = write(tmp_path / "dl.zip", b"")
    good = tmp_path / "orders.txt"
    good.write_bytes((GOOD / "all_orders.txt").read_bytes())
    result = load_inputs([archive, good], marketplace=US)
    assert [(p.type, p.path, p.message) for p in result.problems] == [
        ("bad_archive", str(archive), "the zip archive is empty (0 bytes); download it again")
    ]
    assert len(result.frames["all_orders"]) == 4


def test_path_traversal_member_is_only_a_label(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "x" / "y"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    members = {
        "../../evil.txt": (GOOD / "all_orders.txt").read_bytes(),
        "/etc/passwd.txt": (GOOD / "ship_confirmations.txt").read_bytes(),
    }
    archive = write(work / "dl.zip", zip_bytes(members))
    result = load_inputs([archive], marketplace=US)
    assert result.problems == []
    assert [(i.path, i.kind) for i in result.inputs] == [
        (f"{archive}/../../evil.txt", "all_orders"),
        (f"{archive}//etc/passwd.txt", "ship_confirmations"),
    ]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["dl.zip", "x", "y"]


def test_an_oversized_member_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive_module, "MAX_MEMBER_BYTES", 100)
    archive = write(tmp_path / "bomb.zip", zip_bytes({"big.txt": b"a\tb\n" * 1000, "orders.txt": b"x"}))
    result = load_inputs([archive], marketplace=US)
    first = result.problems[0]
    assert (first.type, first.path) == ("bad_archive", f"{archive}/big.txt")
    assert "declares 4000 bytes unpacked" in first.message


# -- the same rows from two uploads ---------------------------------------------------------------------------------


FEEDBACK = ("Date", "Rating", "Comments", "Your Response", "Order ID", "Rater Email")
CLAIMS = ("order-id", "claim-type", "status", "claim-date", "amount")


def test_repeated_downloads_of_every_kind_count_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two overlapping feedback downloads, a claims file saved twice (once through Excel: `12,50`), and a second
    ship-confirmation upload repeating a package: every metric counts each once, the summary counts the copies."""
    folder = tmp_path / "acct"
    write(folder / "all_orders.txt", (GOOD / "all_orders.txt").read_bytes())
    write(folder / "ship_1.txt", (GOOD / "ship_confirmations.txt").read_bytes())
    header, _, second, *_ = (GOOD / "ship_confirmations.txt").read_bytes().splitlines(keepends=True)
    write(folder / "ship_2.txt", header + second)  # a later upload repeating one package
    early = [("5/3/24", "1", "Broken", "", ORDERS[0], ""), ("5/4/24", "5", "Great", "", ORDERS[2], "")]
    late = [*early, ("5/8/24", "2", "Slow", "", ORDERS[1], "")]
    write(folder / "feedback_may_1_4.txt", report_bytes(FEEDBACK, early, newline="\r\n"))
    write(folder / "feedback_may_1_8.txt", report_bytes(FEEDBACK, late, newline="\r\n"))
    claim = [(ORDERS[3], "a-to-z", "open", "2024-05-09", "12.50")]
    write(folder / "claims.txt", report_bytes(CLAIMS, claim))
    excel = [(ORDERS[3], "A-to-z", "Open", "5/9/2024", "12,50")]
    write(folder / "claims_excel.csv", report_bytes(CLAIMS, excel, delimiter=";", newline="\r\n", encoding="cp1252"))
    run = run_cli(capsys, tmp_path / "r.json", str(folder), "--as-of", "2024-05-31")
    assert run.doc["errors"] == []
    summary = {Path(i["path"]).name: (i["rows"], i["used_rows"], i["skipped"]) for i in run.doc["inputs"]}
    assert summary == {
        "all_orders.txt": (4, 4, {}),
        "claims.txt": (1, 1, {}),
        "claims_excel.csv": (1, 0, {"duplicate": 1}),
        "feedback_may_1_4.txt": (2, 2, {}),
        "feedback_may_1_8.txt": (3, 1, {"duplicate": 2}),
        "ship_1.txt": (4, 4, {}),
        "ship_2.txt": (1, 0, {"duplicate": 1}),
    }
    odr = run.metric("order_defect_rate_mfn")
    assert (odr["numerator"], odr["denominator"]) == (3, 4)
    assert (odr["details"]["negative_feedback"], odr["details"]["a_to_z_claims"]) == (2, 1)
    assert odr["order_ids"] == [ORDERS[0], ORDERS[1], ORDERS[3]]
    # The repeated confirmation is the same package: still 4 packages.
    assert run.counts("valid_tracking_rate") == (4, 4)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_never_read_forever(tmp_path: Path) -> None:
    good = write(tmp_path / "orders.txt", (GOOD / "all_orders.txt").read_bytes())
    result = load_inputs([Path("/dev/zero"), good], marketplace=US)
    assert [(p.type, p.path) for p in result.problems] == [("unreadable", "/dev/zero")]
    assert "not a regular file" in result.problems[0].message
    assert len(result.frames["all_orders"]) == 4


def test_a_gzip_report_is_read_as_the_report_it_holds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SP-API serves its documents gzip-compressed: `all_orders.txt.gz` audits as `all_orders.txt` does; a gzip
    file inside a zip is not opened (noted), and a damaged one is an error naming it."""
    folder = tmp_path / "downloads"
    write(folder / "all_orders.txt.gz", gzip.compress((GOOD / "all_orders.txt").read_bytes()))
    write(folder / "ship_confirmations.txt", (GOOD / "ship_confirmations.txt").read_bytes())
    packed = run_cli(capsys, tmp_path / "packed.json", str(folder), "--as-of", AS_OF)
    plain = run_cli(capsys, tmp_path / "plain.json", str(GOOD), "--as-of", AS_OF)
    assert packed.doc["errors"] == []
    assert packed.input(folder / "all_orders.txt.gz")["kind"] == "all_orders"
    for metric_id in ("late_shipment_rate_10d", "valid_tracking_rate"):
        assert packed.counts(metric_id) == plain.counts(metric_id)
    nested = write(tmp_path / "dl.zip", zip_bytes({"orders.txt.gz": gzip.compress(b"x"), "claims.txt": b""}))
    assert any("dl.zip/orders.txt.gz: not a report file" in n for n in load_inputs([nested], marketplace=US).notes)
    damaged = write(tmp_path / "orders.txt.gz", gzip.compress(b"amazon-order-id\tpurchase-date\n")[:-6])
    [problem] = load_inputs([damaged], marketplace=US).problems
    assert (problem.type, problem.path) == ("bad_archive", str(damaged))
    assert "not a readable gzip file" in problem.message
