"""Every marketplace's encodings (SPEC 1.1): detection, the codec reported per file, `--encoding`, UTF-16 from
Excel's "Unicode Text", files that mix encodings, and binary files named for what they are."""

from __future__ import annotations

import codecs
from pathlib import Path

import pandas as pd
import pytest
from input_builders import report_bytes, run_cli, write

from healthcheck.errors import InputError, InputProblem
from healthcheck.loaders.normalize import typed_frame
from healthcheck.loaders.reader import RawTable, read_table
from healthcheck.marketplaces import get_marketplace

AO = ("amazon-order-id", "purchase-date", "order-status", "fulfillment-channel", "sku", "item-status")


def rows(*products: str) -> list[tuple[str, ...]]:
    return [
        (f"111-0000000-{n:07d}", "2024-05-01T10:00:00+00:00", "Shipped", "MFN", name, "Shipped")
        for n, name in enumerate(products, 1)
    ]


def load(data: bytes, marketplace: str = "US", encoding: str | None = None) -> tuple[RawTable, pd.DataFrame]:
    market = get_marketplace(marketplace)
    table = read_table(data, "in/x.txt", marketplace=market.code, encoding=encoding)
    typed = typed_frame(table, "in/x.txt", timezone=market.timezone, feedback_date_format=market.feedback_date_format)
    return table, typed


def problem(data: bytes, marketplace: str = "US", encoding: str | None = None) -> InputProblem:
    with pytest.raises(InputError) as caught:
        load(data, marketplace, encoding)
    assert caught.value.problem.path == "in/x.txt"
    return caught.value.problem


@pytest.mark.parametrize(
    ("marketplace", "encoding", "products", "reported"),
    [
        ("US", "utf-8", ["Café", "naïve"], "utf-8"),
        ("US", "utf-8-sig", ["Café"], "utf-8-sig"),
        ("US", "cp1252", ["Café “curly” – €5"], "cp1252"),
        ("UK", "iso-8859-1", ["Crème brûlée", "£5 ±1"], "cp1252"),  # Latin-1 text is cp1252 text
        ("DE", "cp1252", ["Größe", "Kaffeemühle für 12,50 €"], "cp1252"),
        ("FR", "cp1252", ["Œuf à la coque"], "cp1252"),
        ("JP", "cp932", ["バルミューダ 電気ケトル", "①②③ ＮＥＣ"], "cp932"),  # NEC/IBM extensions: cp932, not shift_jis
        ("JP", "shift_jis", ["無印良品"], "cp932"),
        ("JP", "utf-8", ["無印良品"], "utf-8"),
    ],
)
def test_detected_encoding_is_reported(marketplace: str, encoding: str, products: list[str], reported: str) -> None:
    table, typed = load(report_bytes(AO, rows(*products), encoding=encoding, newline="\r\n"), marketplace)
    assert table.encoding == reported
    assert typed["sku"].tolist() == products


@pytest.mark.parametrize(
    ("data", "reported"),
    [
        (
            codecs.BOM_UTF16_LE + "\r\n".join(["\t".join(AO), "\t".join(rows("Café ☕")[0])]).encode("utf-16-le"),
            "utf-16",
        ),
        (codecs.BOM_UTF16_BE + "\n".join(["\t".join(AO), "\t".join(rows("Café ☕")[0])]).encode("utf-16-be"), "utf-16"),
        ("\n".join(["\t".join(AO), "\t".join(rows("Café ☕")[0])]).encode("utf-16-le"), "utf-16-le"),
        ("\n".join(["\t".join(AO), "\t".join(rows("Café ☕")[0])]).encode("utf-16-be"), "utf-16-be"),
    ],
    ids=["le-bom", "be-bom", "le", "be"],
)
def test_utf16_unicode_text_from_excel(data: bytes, reported: str) -> None:
    """Excel's "Unicode Text" is UTF-16 with tabs: decoded, not a misleading unknown header."""
    table, typed = load(data)
    assert (table.kind.kind, table.encoding) == ("all_orders", reported)
    assert typed["sku"].tolist() == ["Café ☕"]
    assert typed["_line"].tolist() == [2]


def test_forced_encoding_overrides_detection() -> None:
    data = report_bytes(AO, rows("Café"), encoding="utf-16")
    table, typed = load(data, encoding="utf-16")
    assert table.encoding == "utf-16"
    assert typed["sku"].tolist() == ["Café"]
    # A wrong forced encoding is an error naming the option, never mojibake silently accepted as a header.
    assert "--encoding" in problem(data, encoding="utf-8").message


def test_a_file_mixing_encodings_loses_only_the_pasted_lines() -> None:
    utf8 = report_bytes(AO, rows("Café", "Crème", "Thé"))
    pasted = "\t".join(rows("Pâté")[0]).replace("0000001", "0000009").encode("cp1252") + b"\n"
    table, typed = load(utf8 + pasted + "\t".join(rows("Müsli")[0]).replace("0000001", "0000010").encode() + b"\n")
    assert table.encoding == "utf-8"
    # The UTF-8 letters are not turned into mojibake by a whole-file cp1252 fallback.
    assert typed["sku"].tolist() == ["Café", "Crème", "Thé", "Müsli"]
    assert typed["_line"].tolist() == [2, 3, 4, 6]
    [bad] = table.problems
    assert (bad.type, bad.line) == ("bad_row", 5)
    assert "(0xE2) that is not UTF-8 while the rest of the file is" in bad.message
    assert "--encoding" in bad.message
    assert table.rows == 5


def test_a_bom_file_with_one_stray_byte() -> None:
    data = codecs.BOM_UTF8 + report_bytes(AO, rows("ok")) + "\t".join(rows("Zoë")[0]).encode("cp1252") + b"\n"
    table, typed = load(data)
    assert table.encoding == "utf-8-sig"
    assert len(typed) == 1
    assert [(p.type, p.line) for p in table.problems] == [("bad_row", 3)]


def test_a_stray_byte_in_the_header_is_a_file_error() -> None:
    header = "amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\titem-status\tproduct-name ñ"
    data = (
        header.encode("cp1252")
        + b"\n"
        + "\t".join(rows("Café", "Thé")[0]).encode()
        + "\t".join(rows("Thé")[0]).encode()
    )
    found = problem(data)
    assert (found.type, found.line) == ("undecodable", 1)
    assert "mixes encodings" in found.message


def test_a_whole_cp1252_file_is_not_mixed() -> None:
    """Accented letters on every line, none valid UTF-8: the file is cp1252, nothing is left out."""
    table, typed = load(report_bytes(AO, rows("Café", "Crème", "Thé", "Pâté"), encoding="cp1252"))
    assert table.encoding == "cp1252"
    assert table.problems == []
    assert typed["sku"].tolist() == ["Café", "Crème", "Thé", "Pâté"]


def test_undecodable_names_the_line_and_the_fix() -> None:
    data = report_bytes(AO, rows("plain", "also plain")).replace(b"also", b"al\x81so")
    found = problem(data)
    assert (found.type, found.line) == ("undecodable", 3)
    assert "(line 3) are not valid utf-8 or cp1252 text" in found.message
    assert "--encoding" in found.message


def test_shift_jis_outside_jp_says_to_pass_the_marketplace() -> None:
    found = problem(report_bytes(AO, rows("バルミューダ"), encoding="cp932"))
    assert found.type == "undecodable"
    assert "they read as Japanese (Shift_JIS): pass --marketplace JP, or --encoding cp932" in found.message


JP_AO = (*AO, "sales-channel")


def _jp_rows(*products: str, channel: str = "Amazon.co.jp") -> list[tuple[str, ...]]:
    return [(*row, channel) for row in rows(*products)]


def test_a_shift_jis_account_names_its_marketplace_without_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SPEC 2 (rev 2) takes the marketplace from the files, and SPEC 1.1 reads JP's in cp932: a Seller Central JP
    download, in Shift_JIS, audits as JP with no --marketplace (its sales channel is plain ASCII in any encoding)."""
    folder = tmp_path / "jp"
    write(
        folder / "orders.txt",
        report_bytes(JP_AO, _jp_rows("バルミューダ 電気ケトル", "無印良品、収納"), encoding="cp932"),
    )
    run = run_cli(capsys, tmp_path / "r.json", str(folder))
    assert run.doc["errors"] == []
    assert (run.doc["marketplace"], run.doc["marketplace_source"]) == ("JP", "from the sales channel of 2 orders")
    assert run.input(folder / "orders.txt")["encoding"] == "cp932"


def test_a_shift_jis_file_in_another_marketplaces_account_is_still_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "us"
    write(folder / "orders.txt", report_bytes(JP_AO, _jp_rows("Kettle", channel="Amazon.com")))
    write(
        folder / "more.txt",
        report_bytes(AO, [("111-0000000-0000009", *rows("無印良品、収納")[0][1:])], encoding="cp932"),
    )
    run = run_cli(capsys, tmp_path / "r.json", str(folder))
    assert run.doc["marketplace"] == "US"
    [error] = run.doc["errors"]
    assert (
        error["type"] == "undecodable"
        and "they read as Japanese (Shift_JIS): pass --marketplace JP" in error["message"]
    )


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(40), "this is a PNG image"),
        (b"\xff\xd8\xff\xe0" + bytes(40), "this is a JPEG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "this is a PDF document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(40), "Excel 97-2003 workbook (.xls)"),
        (
            b"\x1f\x8b\x08\x00" + bytes(40),
            "this is a gzip-compressed file, not a report text file; decompress it first",
        ),
        (bytes(range(256)), "this is a binary file"),
        (b"amazon-order-id\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13", "this is a binary file"),
    ],
    ids=["png", "jpeg", "pdf", "xls", "gzip", "bytes", "controls"],
)
def test_binary_files_are_named_for_what_they_are(data: bytes, says: str) -> None:
    found = problem(data)
    assert found.type == "undecodable"
    assert says in found.message
    assert "report" in found.message


def test_control_characters_of_an_unknown_header_are_not_echoed() -> None:
    found = problem(b"foo\x1b[31m\tbar\x07\torder-id\n" + b"1\t2\t3\n" * 20)
    assert found.type == "unknown_header"
    assert "\x1b" not in found.message and "\x07" not in found.message
    assert "foo" not in found.message and "(order-id, 2 columns no report has)" in found.message  # never echoed


def test_encoding_shown_per_file_in_the_audit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "acct"
    write(folder / "a.txt", report_bytes(AO, rows("Café"), encoding="cp1252"))
    write(folder / "b.txt", report_bytes(AO, rows("Café"), encoding="utf-16"))
    write(folder / "c.txt", codecs.BOM_UTF8 + report_bytes(AO, rows("Café")))
    run = run_cli(capsys, tmp_path / "r.json", str(folder), "--as-of", "2024-05-10")
    assert [(Path(i["path"]).name, i["encoding"]) for i in run.doc["inputs"]] == [
        ("a.txt", "cp1252"),
        ("b.txt", "utf-16"),
        ("c.txt", "utf-8-sig"),
    ]
    # The three are one order item downloaded three times: counted once.
    assert [i["skipped"] for i in run.doc["inputs"]] == [{}, {"duplicate": 1}, {"duplicate": 1}]
    forced = run_cli(
        capsys, tmp_path / "f.json", str(folder / "a.txt"), "--encoding", "latin-1", "--as-of", "2024-05-10"
    )
    assert forced.doc["inputs"][0]["encoding"] == "iso8859-1"
