"""Property-based tests of the loaders (SPEC 6: never a traceback, never a silent drop, never a hang).

Real-shaped report files are mutated (byte flips, truncation, inserted tabs, quotes, CRs and NULs, lines
duplicated, header columns permuted, re-encoded) and read: the only outcomes allowed are a table whose every row is
used or counted as bad with a line inside the file, or a clean `InputError`. Round trips check that what Excel's
CSV writer quotes comes back field for field on the right lines, and that amounts in any locale keep their value.
Bounded (no example database, no deadline, a fixed number of examples) so the file runs in seconds.
"""

from __future__ import annotations

import codecs
import csv
import io
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from input_builders import GOOD, report_bytes, zip_bytes

from healthcheck.errors import InputError
from healthcheck.loaders import load_inputs, parse
from healthcheck.loaders.normalize import typed_frame
from healthcheck.loaders.reader import read_table
from healthcheck.marketplaces import get_marketplace

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# The whole-loader and round-trip properties cost more per example: fewer, so the file stays a few seconds.
FUZZ_LIGHT = settings(FUZZ, max_examples=60)

AO = (
    "amazon-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "product-name",
    "sku",
    "item-status",
    "quantity",
    "item-price",
)


def _seeds() -> list[tuple[str, str, tuple[str, ...], list[tuple[str, ...]], str]]:
    """(name, marketplace, header, rows, delimiter): one of each kind of file the loaders meet."""
    stamp = "2024-04-19T16:29:58+00:00"
    return [
        (
            "all_orders",
            "US",
            AO,
            [
                (
                    "111-0000000-0000001",
                    stamp,
                    stamp,
                    "Shipped",
                    "Merchant",
                    '"Deluxe" pillow 12" x 18"',
                    "A",
                    "Shipped",
                    "1",
                    "7.49",
                ),
                ("111-0000000-0000002", stamp, stamp, "Cancelled", "Amazon", "Café", "B", "Cancelled", "0"),
            ],
            "\t",
        ),
        (
            "claims_csv",
            "US",
            ("order-id", "claim-type", "status", "claim-date", "amount", "reason"),
            [
                ("111-0000000-0000001", "a-to-z", "open", "4/19/2024", "1,234.50", "line one\nline two"),
                ("111-0000000-0000002", "chargeback", "denied", "2024-04-20", "12", "fraud"),
            ],
            ",",
        ),
        (
            "feedback_de",
            "DE",
            ("Datum", "Bewertung", "Kommentar", "Ihre Antwort", "Transaktionsnummer", "E-Mail des Bewertenden"),
            [
                ("23.5.24", "1", "Größe falsch", "", "302-0000000-0000001", ""),
                ("24.5.24", "5", "gut", "", "302-0000000-0000002", ""),
            ],
            "\t",
        ),
        (
            "ship_confirmations_jp",
            "JP",
            ("order-id", "order-item-id", "quantity", "ship-date", "carrier-code", "carrier-name", "tracking-number"),
            [("503-0000000-0000001", "1", "1", "2024/05/08", "Yamato Transport", "ヤマト運輸", "1234")],
            "\t",
        ),
        (
            "order_report_semicolon",
            "FR",
            (
                "order-id",
                "order-item-id",
                "purchase-date",
                "promise-date",
                "quantity-purchased",
                "is-buyer-requested-cancellation",
            ),
            [("403-0000000-0000001", "52336476957402", "19/04/2024 16:29", "2024-04-22T23:59:59+02:00", "1", "false")],
            ";",
        ),
        (
            "mfn_returns",
            "US",
            ("Order ID", "Order date", "Return request date", "A-to-Z Claim", "Refunded Amount"),
            [("113-6277818-6289068", "10-Jul-2025", "14-Jul-2025", "N")],
            "\t",
        ),
    ]


SEEDS = _seeds()
TOKENS = [
    b"\t",
    b'"',
    b"\r",
    b"\n",
    b"\r\n",
    b"\x00",
    b",",
    b";",
    b'""',
    b"\xff\xfe",
    b"\xe9",
    b"\x81",
    b"E+13",
    b"\xef\xbb\xbf",
    b"\x1b[31m",
]
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le", "cp932", "latin-1"]


@st.composite
def mutated_reports(draw: st.DrawFn) -> tuple[str, bytes]:
    """(marketplace, bytes) of a seed report after random damage."""
    _, marketplace, header, rows, delimiter = draw(st.sampled_from(SEEDS))
    order = list(range(len(header)))
    if draw(st.booleans()):
        order = draw(st.permutations(order))
    moved_rows = [tuple(row[i] if i < len(row) else "" for i in order) for row in rows]
    if draw(st.booleans()):  # the header moved but not the rows (a column pasted elsewhere)
        moved_rows = list(rows)
    text = report_bytes(
        tuple(header[i] for i in order),
        moved_rows,
        delimiter=delimiter,
        newline=draw(st.sampled_from(["\n", "\r\n", "\r"])),
        quoted=delimiter != "\t",
    ).decode("utf-8")
    encoding = draw(st.sampled_from(ENCODINGS))
    data = (codecs.BOM_UTF16_LE if encoding == "utf-16" else b"") + text.encode(
        "utf-16-le" if encoding == "utf-16" else encoding, errors="replace"
    )
    for _ in range(draw(st.integers(0, 5))):
        if not data:
            break
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "duplicate"]))
        if action == "flip" and at < len(data):
            data = data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1 :]
        elif action == "truncate":
            data = data[:at]
        elif action == "insert":
            data = data[:at] + draw(st.sampled_from(TOKENS)) + data[at:]
        elif action == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 8)) :]
        elif action == "duplicate":
            lines = data.split(b"\n")
            pick = draw(st.integers(0, len(lines) - 1))
            data = b"\n".join([*lines[: pick + 1], lines[pick], *lines[pick + 1 :]])
    return marketplace, data


def _physical_lines(data: bytes) -> int:
    return max(data.count(b"\n"), data.count(b"\r")) + 2


@FUZZ
@given(mutated_reports(), st.sampled_from([None, None, None, "utf-8", "cp1252", "utf-16"]))
def test_damaged_reports_are_read_or_refused_cleanly(report: tuple[str, bytes], forced: str | None) -> None:
    marketplace, data = report
    market = get_marketplace(marketplace)
    try:
        table = read_table(data, "in/fuzz.txt", marketplace=marketplace, encoding=forced)
        typed = typed_frame(
            table, "in/fuzz.txt", timezone=market.timezone, feedback_date_format=market.feedback_date_format
        )
    except InputError as exc:
        assert exc.problem.path == "in/fuzz.txt"
        assert exc.problem.message
        return
    # Every row is used or counted as bad (SPEC 1.5), and every line named is one of the file's.
    assert table.rows == len(typed) + table.bad_rows + table.repeated_headers
    limit = _physical_lines(data) * 2  # UTF-16 and stray CRs may split lines more ways than bytes show
    lines = typed["_line"].tolist()
    assert lines == sorted(set(lines))
    assert all(1 < line <= limit for line in lines)
    listed = [p for p in table.problems if p.type == "bad_row"]
    assert len(listed) <= table.bad_rows + 2
    for problem in table.problems:
        assert problem.path == "in/fuzz.txt" and problem.message
        assert problem.line is None or 1 <= problem.line <= limit


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ_LIGHT
@given(mutated_reports(), st.booleans())
def test_load_inputs_never_raises_and_keeps_the_good_file(
    fuzz_dir: Path, report: tuple[str, bytes], zipped: bool
) -> None:
    marketplace, data = report
    bad = fuzz_dir / ("bad.zip" if zipped else "bad.txt")
    bad.write_bytes(zip_bytes({"report.txt": data}) if zipped else data)
    result = load_inputs([GOOD / "all_orders.txt", bad], marketplace=get_marketplace(marketplace))
    good = result.inputs[0]
    assert (good.kind, good.rows) == ("all_orders", 4)
    assert good.encoding == "utf-8"
    for info in result.inputs[1:]:
        # An input that was not read is always explained by a problem naming it.
        assert info.kind is not None or any(p.path == info.path for p in result.problems)
        assert info.rows == info.used_rows + sum(info.skipped.values())
    assert all(p.path for p in result.problems)


_CELL = st.text(alphabet=st.sampled_from(list("ab ,;\"\n\r\tÉé漢'")), max_size=10)


@FUZZ_LIGHT
@given(
    st.lists(_CELL, min_size=1, max_size=6),
    st.sampled_from([",", ";"]),
    st.sampled_from(["\r\n", "\n"]),
    st.sampled_from(["utf-8", "cp1252"]),
)
def test_excel_quoting_round_trips_with_line_numbers(
    names: list[str], delimiter: str, newline: str, encoding: str
) -> None:
    """Whatever a cell holds (quotes, delimiters, line breaks), Excel's quoting reads back as written."""
    if encoding == "cp1252":
        names = [n.replace("漢", "x") for n in names]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(AO)
    expected_lines = []
    line = 2
    for n, name in enumerate(names):
        before = buffer.getvalue().count("\n")
        writer.writerow(
            [f"111-0000000-{n:07d}", "2024-04-19T16:29:58Z", "", "Shipped", "MFN", "Mug", name, "Shipped", "1", ""]
        )
        expected_lines.append(line)
        line += buffer.getvalue().count("\n") - before
    data = buffer.getvalue().encode(encoding)
    table = read_table(data, "in/x.csv", marketplace="US")
    typed = typed_frame(table, "in/x.csv", timezone="America/Los_Angeles", feedback_date_format="%m/%d/%y")
    assert table.problems == []
    assert typed["sku"].tolist() == [n.strip() for n in names]
    assert typed["_line"].tolist() == expected_lines


@FUZZ
@given(
    st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2, allow_nan=False),
    st.sampled_from(["plain", "us", "eu", "eu_space", "ch"]),
)
def test_amounts_keep_their_value_in_every_locale(amount: Decimal, style: str) -> None:
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = f"{int(whole):,}"
    thousands, decimal = {
        "plain": ("", "."),
        "us": (",", "."),
        "eu": (".", ","),
        "eu_space": ("\u202f", ","),  # French Excel
        "ch": ("'", "."),  # Swiss
    }[style]
    written = sign + groups.replace(",", thousands) + decimal + cents
    values, bad = parse.parse_floats(pd.Series([written]))
    assert not bad.iloc[0], written
    assert values.iloc[0] == pytest.approx(float(amount)), written
