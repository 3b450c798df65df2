"""Issue 17, points 2, 4 and 8: one bad value is one bad row or a usage error, and quotes nothing of a buyer's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from healthcheck.cli import main
from tests.attacks.corpus import AS_OF, TINY, materialise


def audit_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    code = main(["audit", *args, "--format", "json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


@pytest.mark.parametrize("fmt", ["json", "markdown", "table", "html", "junit", "nagios"])
def test_bad_rows_of_reports_with_buyer_data_quote_none_of_it(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = materialise("pii_in_bad_rows", tmp_path)
    code = main(["audit", str(folder), "--as-of", "2026-11-20", "--format", fmt])
    captured = capsys.readouterr()
    assert code == 3
    assert "is an e-mail address" in captured.err  # what it is, not what it says
    for text in (captured.out, captured.err):
        # Every download that carries buyer data (names, addresses, comments, e-mail addresses), whose shifted
        # fields put them where a date, a channel or an order id was: described, never quoted or listed.
        for secret in (
            "jane.doe",
            "Jane Doe",
            "555-0199",
            "leah.pruitt",
            "Leah Pruitt",
            "elena.a",  # Amazon Fulfilled Shipments
            "Jane Street",  # All Orders: an address as purchase-date
            "555-0100",  # All Orders: a phone number as fulfillment-channel
            "Jane Buyer",  # FBA returns: the customer's comment as return-date
            "yukimcallister56",  # order report: the e-mail address as the order id
        ):
            assert secret not in text, (fmt, secret)


def test_an_unknown_files_first_line_is_never_echoed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = materialise("unknown_first_line", tmp_path)
    code, document, err = audit_json(capsys, str(folder), str(TINY), "--as-of", AS_OF)
    assert code == 3
    # near_miss.txt shares a column with a report: an error, showing that column only; passwd.txt, none: skipped.
    assert "the header (order-id, 2 columns no report has) is not a known Seller Central report" in err
    for text in (json.dumps(document), err):
        assert "Jane" not in text and "/bin/bash" not in text and "root:x" not in text


def test_control_characters_in_order_ids_are_bad_rows_not_phantom_orders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = materialise("nul_in_order_ids", tmp_path)
    orders_file = folder / "all_orders.txt"
    undamaged = tmp_path / "undamaged"
    undamaged.mkdir()
    (undamaged / "ship_confirmations.txt").write_bytes((folder / "ship_confirmations.txt").read_bytes())
    kept = [line for line in orders_file.read_text(encoding="utf-8").splitlines(True) if "\0" not in line]
    (undamaged / "all_orders.txt").write_text("".join(kept), encoding="utf-8")
    _, clean, _ = audit_json(capsys, str(undamaged), "--as-of", AS_OF)
    code, attacked, err = audit_json(capsys, str(folder), "--as-of", AS_OF)
    assert code == 3
    assert err.count("holds a control character") == 20
    orders = next(i for i in attacked["inputs"] if str(i["path"]).endswith("all_orders.txt"))
    assert orders["skipped"] == {"bad_row": 20}
    denominators = {m["id"]: m["denominator"] for m in clean["metrics"]}
    assert {m["id"]: m["denominator"] for m in attacked["metrics"]} == denominators


def test_a_row_dated_year_one_is_one_bad_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, document, err = audit_json(capsys, str(materialise("year_one", tmp_path)), "--as-of", AS_OF)
    assert code == 3
    assert "internal error" not in err
    assert "`purchase-date` is a date outside the years 1995-2099" in err
    assert [e["line"] for e in document["errors"]] == [4]
    assert any(m["status"] == "breach" for m in document["metrics"])


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1900-06-01"])
def test_as_of_at_the_ends_of_the_calendar_is_a_usage_error(day: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(TINY), "--as-of", day]) == 3
    err = capsys.readouterr().err
    assert "accepted range 1995-01-01 to 2099-12-31" in err and "internal error" not in err


@pytest.mark.parametrize("codec", ["punycode", "idna", "rot13", "hex", "unicode_escape"])
def test_a_codec_that_is_not_a_file_encoding_is_a_usage_error(codec: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(TINY), "--as-of", AS_OF, "--encoding", codec]) == 3
    err = capsys.readouterr().err
    assert err.startswith(f"healthcheck: error: --encoding {codec!r} is not a text encoding")
    assert "internal error" not in err


def test_a_deeply_nested_config_is_a_config_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "healthcheck.toml"
    config.write_text("handling_days = " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    assert main(["audit", str(TINY), "--as-of", AS_OF, "--config", str(config)]) == 3
    err = capsys.readouterr().err
    assert "nested too deeply" in err and "internal error" not in err


def test_a_deeply_nested_seller_performance_json_is_one_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    performance = tmp_path / "seller_performance.json"
    performance.write_text('{"performanceMetrics": ' + "[" * 200_000 + "]" * 200_000 + "}", encoding="utf-8")
    code, document, err = audit_json(capsys, str(TINY), str(performance), "--as-of", AS_OF)
    assert code == 3
    assert "nested too deeply" in err and "internal error" not in err
    assert any(m["status"] == "breach" for m in document["metrics"])


SAMPLES = Path(__file__).resolve().parents[2] / "sample_reports"


@pytest.mark.parametrize("quantity", ["-500", "99999999999999999999", "1000001"])
def test_a_negative_or_huge_count_is_ignored_never_added_up(
    quantity: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A count outside 0..1,000,000 in an optional column is blanked with a warning, as an unreadable one is: -500
    units made on-time delivery 152 % and "ok", and 20 digits wrapped around int64 to "100 %"."""
    folder = tmp_path / "account"
    shutil.copytree(SAMPLES, folder)
    path = folder / "ship_confirmations.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("order-id\t"))  # after the template's notes
    header = lines[first].split("\t")
    at = {name: header.index(name) for name in ("quantity", "ship-date", "delivered-at")}
    changed = 0
    for number, line in enumerate(lines[first + 1 :], start=first + 1):
        cells = line.split("\t")
        if cells[at["ship-date"]].startswith("2026-11-0") and cells[at["delivered-at"]] and changed < 2:
            cells[at["quantity"]] = quantity
            lines[number] = "\t".join(cells)
            changed += 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, clean, _ = audit_json(capsys, str(SAMPLES))
    code, damaged, _ = audit_json(capsys, str(folder))
    on_time = {d["path"].split("/")[-1]: d for d in damaged["inputs"]}["ship_confirmations.txt"]
    assert on_time["warnings"][0].startswith("2 values of `quantity` could not be read and were ignored")
    rates = [
        next(m for m in document["metrics"] if m["id"] == "on_time_delivery_rate") for document in (clean, damaged)
    ]
    assert changed == 2 and rates[1]["rate"] == rates[0]["rate"] <= 1  # the two rows count one unit each
    assert code == clean["exit_code"]


def test_an_unknown_fulfillment_channel_is_a_bad_row_never_a_quiet_drop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`Seller Fulfilled` is neither seller-fulfilled nor FBA to the SPEC (1.4): every such row was used, in no
    channel, and the seller-fulfilled rates said "no seller-fulfilled orders" with no warning."""
    folder = tmp_path / "account"
    shutil.copytree(SAMPLES, folder)
    (folder / "order_report.txt").unlink()
    for path in folder.glob("all_orders_*.txt"):
        path.write_text(path.read_text(encoding="utf-8").replace("\tMerchant\t", "\tSeller Fulfilled\t"), "utf-8")
    code, document, err = audit_json(capsys, str(folder))
    assert code == 3
    # Described, not quoted: All Orders carries the buyer's address, and a shifted row can put it in this column.
    assert (
        "`fulfillment-channel` is a text of 16 characters, expected Merchant, MFN, Amazon or AFN; the row was left out"
        in err
    )
    orders = [i for i in document["inputs"] if i["kind"] == "all_orders"]
    assert all(i["skipped"]["bad_row"] > 1000 for i in orders)


def test_a_bad_value_in_the_sellers_own_file_is_corrected_there_not_downloaded_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The claims, cancellations and messages files are the seller's own (`healthcheck template`): a bad row in
    one said "re-download the report from Seller Central"."""
    folder = tmp_path / "account"
    shutil.copytree(SAMPLES, folder)
    with (folder / "claims.txt").open("a", encoding="utf-8") as claims:
        claims.write("111-0000001-0000001\ta-to-z\topen\tyesterday\t\t\n")
    code, _, err = audit_json(capsys, str(folder))
    assert code == 3
    assert (
        "`claim-date` is 'yesterday', expected a date like 2024-04-19; the row was left out (correct the value in "
        "your file; `healthcheck template claims` shows what each column takes)" in err
    )
    assert "Seller Central" not in err.split("claims.txt", 1)[1].splitlines()[0]


def test_a_column_missing_from_the_sellers_own_file_names_the_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A claims file without its status column said to download the full report from Seller Central, which has no
    such report; and a lone notes file named as the input said only "no report files were found"."""
    claims = tmp_path / "claims.txt"
    claims.write_text("order-id\tclaim-type\n111-1111111-1111111\ta-to-z\n", encoding="utf-8")
    code, _, err = audit_json(capsys, str(claims))
    assert code == 3
    assert (
        "has no column status, claim-date; add the column to your file; `healthcheck template claims` writes one "
        "with every column" in err
    )
    notes = tmp_path / "notes.txt"
    notes.write_text("call the carrier on Monday\n", encoding="utf-8")
    code, document, err = audit_json(capsys, str(notes))
    assert code == 3
    [problem] = document["errors"]
    assert problem["message"] == (
        "no report files were found (not a Seller Central report (its first line names none of a report's "
        "columns), skipped); give the files or the folder of your Seller Central downloads"
    )
