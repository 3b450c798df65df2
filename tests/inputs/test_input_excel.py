"""Reports re-saved in Excel (SPEC 1.1): quoting, line breaks in cells, semicolons, decimal commas, rows of only
delimiters, dates a spreadsheet re-wrote, and ids it turned into scientific notation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from input_builders import report_bytes, write

from healthcheck.errors import InputProblem
from healthcheck.loaders import load_inputs
from healthcheck.loaders.normalize import typed_frame
from healthcheck.loaders.reader import RawTable, read_table
from healthcheck.marketplaces import get_marketplace

CLAIMS = ("order-id", "claim-type", "status", "claim-date", "amount", "reason")
AO = ("amazon-order-id", "purchase-date", "order-status", "fulfillment-channel", "sku", "item-status")


def load(data: bytes, marketplace: str = "US") -> tuple[RawTable, pd.DataFrame]:
    market = get_marketplace(marketplace)
    table = read_table(data, "in/x.csv", marketplace=market.code)
    typed = typed_frame(table, "in/x.csv", timezone=market.timezone, feedback_date_format=market.feedback_date_format)
    return table, typed


def bad_lines(table: RawTable) -> list[int | None]:
    return [p.line for p in table.problems if p.type == "bad_row"]


def claim(n: int, date: str = "2024-05-01", amount: str = "1", reason: str = "") -> tuple[str, ...]:
    return (f"111-0000000-{n:07d}", "a-to-z", "open", date, amount, reason)


# -- quoted fields holding line breaks ----------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_a_quoted_cell_with_line_breaks_keeps_every_line_number(delimiter: str, newline: str) -> None:
    rows = [
        claim(1, reason="one line"),
        claim(2, reason="Alt+Enter in Excel:\nsecond line\nthird line"),
        claim(3, reason=f'quoted {delimiter} and "inches"'),
        claim(4, date="not a date"),
        claim(5, reason="last"),
    ]
    data = report_bytes(CLAIMS, rows, delimiter=delimiter, newline=newline, quoted=True)
    table, typed = load(data)
    assert table.delimiter == delimiter
    assert typed["order_id"].str[-1].tolist() == ["1", "2", "3", "5"]
    # Row 2 spans lines 3-5, so row 3 is on line 6, the bad row 4 on line 7.
    assert typed["_line"].tolist() == [2, 3, 6, 8]
    assert bad_lines(table) == [7]
    assert typed["reason"].tolist()[1] == "alt+enter-in-excel:-second-line-third-line"  # claim words fold spaces
    assert table.rows == 5


def test_a_clean_file_with_a_multi_line_cell_leaves_the_fast_reader() -> None:
    """pyarrow reads the cell happily but its row numbers no longer match the lines: the exact reader must run."""
    data = report_bytes(CLAIMS, [claim(1, reason="a\nb"), claim(2)], delimiter=",", quoted=True)
    table, typed = load(data)
    assert table.read_exactly
    assert typed["_line"].tolist() == [2, 4]


def test_a_clean_csv_still_takes_the_fast_reader() -> None:
    rows = [claim(n, amount="12,50", reason='a "quoted", value') for n in range(1, 200)]
    table, typed = load(report_bytes(CLAIMS, rows, delimiter=",", quoted=True))
    assert not table.read_exactly
    assert len(typed) == 199
    assert typed["_line"].iloc[-1] == 200
    assert typed["amount"].iloc[0] == 12.5


def test_a_stray_quote_never_swallows_the_rows_after_it() -> None:
    lines = [
        ",".join(CLAIMS),
        '111-0000000-0000001,a-to-z,open,2024-05-01,1,"never closed',
        "111-0000000-0000002,a-to-z,open,2024-05-01,1,fine",
        "111-0000000-0000003,a-to-z,open,2024-05-01,1,fine too",
    ]
    table, typed = load("\n".join(lines).encode())
    assert typed["order_id"].str[-1].tolist() == ["2", "3"]
    assert typed["_line"].tolist() == [3, 4]
    assert bad_lines(table) == [2]
    assert "never closed" in table.problems[0].message


def test_text_starting_with_a_quote_survives_excel() -> None:
    names = ['"Deluxe" pillow, 12" x 18"', '"', '""', 'ends with "']
    rows = [
        (f"111-0000000-{n:07d}", "2024-05-01T10:00:00Z", "Shipped", "MFN", name, "Shipped")
        for n, name in enumerate(names)
    ]
    _, typed = load(report_bytes(AO, rows, delimiter=",", quoted=True, newline="\r\n"))
    assert typed["sku"].tolist() == names


# -- semicolons, decimal commas, blank rows ------------------------------------------------------------------------


def test_semicolon_file_from_a_german_excel() -> None:
    rows = [claim(1, date="19.04.2024", amount="12,50"), claim(2, date="20.04.2024", amount="1.234,50")]
    table, typed = load(report_bytes(CLAIMS, rows, delimiter=";", newline="\r\n", encoding="cp1252"), "DE")
    assert (table.kind.kind, table.delimiter, table.encoding) == ("claims", ";", "utf-8")
    assert typed["amount"].tolist() == [12.5, 1234.5]
    assert typed["claim_date"].tolist() == [pd.Timestamp("2024-04-19"), pd.Timestamp("2024-04-20")]


def test_semicolons_with_an_unknown_header_are_named_split() -> None:
    problem = _problem(b"order-id;claim-kind;status\n1;a;b\n")
    assert problem.type == "unknown_header"
    assert "(order-id, status, 1 column no report has)" in problem.message  # unknown names never echoed
    assert "`claims` (missing claim-type)" in problem.message


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("12,50", 12.5),
        ("12,5", 12.5),
        ("0,99", 0.99),
        ("1.234,50", 1234.5),
        ("1.234.567", 1234567.0),
        ("1,234.50", 1234.5),
        ("1,234", 1234.0),  # groups of three: a thousands comma (decided)
        ("€ 12,50", 12.5),
        ("12,50 €", 12.5),
        ("$1,234.50", 1234.5),
        ("1\u202f234,50", 1234.5),  # French Excel groups thousands with a narrow no-break space
        ("-3,5", -3.5),
        ("12.50", 12.5),
    ],
)
def test_decimal_commas_never_multiply_an_amount(written: str, amount: float) -> None:
    _, typed = load(report_bytes(CLAIMS, [claim(1, amount=written)], delimiter=";"))
    assert typed["amount"].tolist() == [amount]


def test_unreadable_amount_is_blanked_with_a_warning_not_a_guess() -> None:
    table, typed = load(report_bytes(CLAIMS, [claim(1, amount="12,50,1"), claim(2, amount="7")]))
    assert typed["amount"].isna().tolist() == [True, False]
    assert any("`amount`" in w and "line 2" in w for w in table.warnings)


@pytest.mark.parametrize("short", [False, True], ids=["fast", "exact"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_rows_of_only_delimiters_are_blank_not_bad(delimiter: str, short: bool) -> None:
    rows = [claim(1), claim(2)[:4] if short else claim(2)]
    data = report_bytes(CLAIMS, rows, delimiter=delimiter, newline="\r\n")
    empty = delimiter * (len(CLAIMS) - 1)
    data = data.replace(b"\r\n111-0000000-0000002", f"\r\n{empty}\r\n111-0000000-0000002".encode())
    data += f"{empty}\r\n{delimiter * 2}\r\n".encode()
    table, typed = load(data)
    assert table.problems == []
    assert table.rows == 2
    assert typed["_line"].tolist() == [2, 4]


def test_a_row_with_data_only_in_unread_columns_is_not_blank() -> None:
    header = (*CLAIMS, "notes")
    data = report_bytes(header, [(*claim(1), ""), ("", "", "", "", "", "", "someone typed here")])
    table, typed = load(data)
    assert table.rows == 2
    assert bad_lines(table) == [3]
    assert len(typed) == 1


# -- dates a spreadsheet re-wrote ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("marketplace", "written", "local"),
    [
        ("US", "4/19/2024 16:29", "2024-04-19 16:29"),
        ("US", "4/5/2024 9:05", "2024-04-05 09:05"),  # month first in the US
        ("US", "4/19/24 4:29 PM", "2024-04-19 16:29"),
        ("US", "12/1/2024 12:00 AM", "2024-12-01 00:00"),
        ("US", "2024-04-19 16:29:58", "2024-04-19 16:29:58"),  # ISO without an offset: local time
        ("US", "2024-4-19 4:29", "2024-04-19 04:29"),
        ("UK", "4/5/2024 9:05", "2024-05-04 09:05"),  # day first elsewhere
        ("UK", "19/04/2024 16:29", "2024-04-19 16:29"),
        ("DE", "19.04.2024 16:29", "2024-04-19 16:29"),
        ("DE", "5.4.24", "2024-04-05 00:00"),
        ("FR", "05/04/2024 09:05:10", "2024-04-05 09:05:10"),
        ("JP", "2024/04/19 16:29", "2024-04-19 16:29"),
        ("JP", "24/4/19 16:29", "2024-04-19 16:29"),
        ("US", "2024/04/19 16:29", "2024-04-19 16:29"),  # year first reads the same everywhere
    ],
)
def test_spreadsheet_dates_read_in_the_marketplace_order(marketplace: str, written: str, local: str) -> None:
    header = ("order-id", "ship-date", "tracking-number")
    table, typed = load(report_bytes(header, [("111-0000000-0000001", written, "1Z")]), marketplace)
    assert table.problems == []
    tz = get_marketplace(marketplace).timezone
    assert typed["ship_ts"].tolist() == [pd.Timestamp(local, tz=tz).tz_convert("UTC")]


def test_a_day_first_column_in_a_us_file_is_never_guessed() -> None:
    header = ("order-id", "ship-date", "tracking-number")
    rows = [
        ("111-0000000-0000001", "4/5/2024", "1Z"),
        ("111-0000000-0000002", "19/4/2024", "1Z"),
        ("3", "2024-04-05", "1Z"),
    ]
    table, typed = load(report_bytes(header, rows))
    assert typed["order_id"].tolist() == ["3"]
    [first, second] = table.problems
    assert first.line == 2
    assert "`ship-date` is '4/5/2024', whose day and month cannot be told apart" in first.message
    assert "also holds '19/4/2024'" in first.message
    assert "write dates as YYYY-MM-DD" in first.message and "--marketplace" in first.message
    assert second.line == 3
    assert "`ship-date` is '19/4/2024', which is not a month-first date (M/D/YYYY)" in second.message


@pytest.mark.parametrize(
    ("marketplace", "written", "says"),
    [
        ("US", "2/30/2024", "which is not a real date and time"),
        ("US", "4/19/2024 25:00", "which is not a real date and time"),
        ("JP", "4/19/2024", "which is not a year-first date (YYYY/M/D)"),
        ("US", "19-04-2024", "expected a timestamp like 2024-04-19T16:29:58+00:00"),
    ],
)
def test_unreadable_spreadsheet_dates_say_why(marketplace: str, written: str, says: str) -> None:
    header = ("order-id", "ship-date", "tracking-number")
    table, typed = load(report_bytes(header, [("111-0000000-0000001", written, "1Z")]), marketplace)
    assert typed.empty
    [problem] = table.problems
    assert (problem.line, problem.path) == (2, "in/x.csv")
    assert f"`ship-date` is '{written}'" in problem.message
    assert says in problem.message


@pytest.mark.parametrize(
    ("marketplace", "written"),
    [("DE", "05.04.2024"), ("US", "4/5/2024"), ("JP", "2024/4/5"), ("UK", "05/04/2024")],
)
def test_feedback_dates_with_a_four_digit_year(marketplace: str, written: str) -> None:
    """Excel re-writes D.M.YY as DD.MM.YYYY: the marketplace's own format, only with the long year."""
    header = ("Date", "Rating", "Comments", "Your Response", "Order ID", "Rater Email")
    data = report_bytes(header, [(written, "1", "", "", "111-1234567-1234567", "")])
    table, typed = load(data, marketplace)
    assert table.problems == []
    assert typed["feedback_date"].tolist() == [pd.Timestamp("2024-04-05")]


def test_returns_dates_excel_shortened() -> None:
    """`14-Jul-2025` comes back from Excel as `14-Jul-25`, or `7/14/2025` in a US locale."""
    header = ("Order ID", "Order date", "Return request date", "A-to-Z Claim")
    rows = [("1", "14-Jul-25", "7/14/2025", "N"), ("2", "2025-07-14", "14-Jul-2025", "Y")]
    table, typed = load(report_bytes(header, rows))
    assert table.problems == [] and table.warnings == []
    assert typed["order_date"].tolist() == [pd.Timestamp("2025-07-14")] * 2
    assert typed["return_date"].tolist() == [pd.Timestamp("2025-07-14")] * 2


# -- ids Excel turned into numbers ---------------------------------------------------------------------------------


def test_scientific_ids_warning_is_under_the_file_that_has_them(tmp_path: Path) -> None:
    header = ("order-id", "ship-date", "tracking-number", "carrier-code")
    good = write(tmp_path / "a.txt", report_bytes(header, [("111-0000000-0000001", "2024-05-01", "1Z999", "UPS")]))
    mangled = write(
        tmp_path / "excel.csv",
        report_bytes(
            header,
            [
                ("111-0000000-0000002", "2024-05-01", "9.40011E+21", "USPS"),
                ("111-0000000-0000003", "2024-05-01", "9.4E+21", "USPS"),
            ],
            delimiter=",",
        ),
    )
    result = load_inputs([good, mangled], marketplace=get_marketplace("US"))
    assert result.inputs[0].warnings == []
    [warning] = result.inputs[1].warnings
    assert result.inputs[1].path == str(mangled)
    assert warning.startswith("2 values of `tracking-number` are in scientific notation (e.g. 9.40011E+21 at line 2)")
    assert "re-download the report" in warning
    # The values stay strings (never floats), so the rows are used.
    assert result.frames["ship_confirmations"]["tracking_number"].tolist() == ["1Z999", "9.40011E+21", "9.4E+21"]


def _problem(data: bytes) -> InputProblem:
    from healthcheck.errors import InputError

    with pytest.raises(InputError) as caught:
        load(data)
    return caught.value.problem
