"""Bytes to rows (SPEC 1.1-1.3) and bad input (SPEC 6), with the bytes built in each test."""

from __future__ import annotations

import pandas as pd
import pytest

from healthcheck.errors import InputError, InputProblem
from healthcheck.loaders.normalize import typed_frame
from healthcheck.loaders.reader import RawTable, read_table
from healthcheck.marketplaces import get_marketplace

AO_HEADER = [
    "amazon-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "product-name",
    "sku",
    "item-status",
    "quantity",
]


def ao_row(
    n: int, product: str = "Pillow", sku: str = "SKU-1", purchase: str = "2024-04-19T16:29:58+00:00"
) -> list[str]:
    return [
        f"111-0000000-{n:07d}",
        purchase,
        "2024-04-20T08:00:00+00:00",
        "Shipped",
        "Merchant",
        "Amazon.com",
        product,
        sku,
        "Shipped",
        "1",
    ]


def tsv(rows: list[list[str]], *, newline: str = "\n", header: list[str] | None = None) -> str:
    lines = ["\t".join(header or AO_HEADER), *("\t".join(r) for r in rows)]
    return newline.join(lines) + newline


def read(data: bytes, marketplace: str = "US", encoding: str | None = None) -> RawTable:
    return read_table(data, "in/report.txt", marketplace=marketplace, encoding=encoding)


def load(data: bytes, marketplace: str = "US", encoding: str | None = None) -> tuple[RawTable, pd.DataFrame]:
    table = read(data, marketplace, encoding)
    market = get_marketplace(marketplace)
    typed = typed_frame(
        table, "in/report.txt", timezone=market.timezone, feedback_date_format=market.feedback_date_format
    )
    return table, typed


def problem(data: bytes, marketplace: str = "US", encoding: str | None = None) -> InputProblem:
    with pytest.raises(InputError) as caught:
        load(data, marketplace, encoding)
    assert caught.value.problem.path == "in/report.txt"
    return caught.value.problem


def bad_rows(table: RawTable) -> list[int | None]:
    return [p.line for p in table.problems if p.type == "bad_row"]


# -- line endings, encodings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("trailing", [True, False])
@pytest.mark.parametrize("short", [False, True], ids=["fast", "exact"])
def test_lf_and_crlf(newline: str, trailing: bool, short: bool) -> None:
    rows = [ao_row(1), ao_row(2), ao_row(3)]
    if short:
        rows[1] = rows[1][:-1]  # drops `quantity`: forces the exact reader
    text = tsv(rows, newline=newline)
    if not trailing:
        text = text.removesuffix(newline)
    table, typed = load(text.encode())
    assert table.kind.kind == "all_orders"
    assert table.encoding == "utf-8"
    assert table.rows == 3
    assert typed["_line"].tolist() == [2, 3, 4]
    assert typed["order_id"].tolist() == ["111-0000000-0000001", "111-0000000-0000002", "111-0000000-0000003"]
    # No `\r` leaks into the last column, whichever reader ran.
    assert typed["quantity"].tolist() == [1, pd.NA, 1] if short else [1, 1, 1]
    assert not typed["item_status"].str.contains("\r").any()
    assert table.problems == []


def test_utf8_bom_is_stripped_and_reported() -> None:
    table, typed = load(b"\xef\xbb\xbf" + tsv([ao_row(1, sku="Café")]).encode())
    assert table.encoding == "utf-8-sig"
    assert table.kind.kind == "all_orders"
    assert typed["order_id"].tolist() == ["111-0000000-0000001"]
    assert typed["sku"].tolist() == ["Café"]


def test_cp1252_bytes() -> None:
    data = tsv([ao_row(1, sku="Café crème")]).encode("cp1252")
    assert b"\xe9" in data
    table, typed = load(data)
    assert table.encoding == "cp1252"
    assert typed["sku"].tolist() == ["Café crème"]


def test_cp932_japanese_bytes_with_marketplace_jp() -> None:
    data = tsv([ao_row(1, sku="バルミューダ 電気ケトル")]).encode("cp932")
    table, typed = load(data, marketplace="JP")
    assert table.encoding == "cp932"
    assert typed["sku"].tolist() == ["バルミューダ 電気ケトル"]


def test_utf8_wins_over_cp932_for_jp() -> None:
    table, typed = load(tsv([ao_row(1, sku="バルミューダ")]).encode(), marketplace="JP")
    assert table.encoding == "utf-8"
    assert typed["sku"].tolist() == ["バルミューダ"]


@pytest.mark.parametrize(
    ("text_encoding", "forced", "reported", "sku"),
    [
        # Valid UTF-8 bytes, but the seller says cp1252: the bytes are read as cp1252.
        ("utf-8", "cp1252", "cp1252", "CafÃ©"),
        ("cp932", "cp932", "cp932", "電気ケトル"),  # forced even though the marketplace is US
        ("cp1252", "latin-1", "iso8859-1", "Café"),  # reported by its Python codec name
        ("utf-8", "UTF8", "utf-8", "Café"),
    ],
)
def test_encoding_forced(text_encoding: str, forced: str, reported: str, sku: str) -> None:
    source = "電気ケトル" if text_encoding == "cp932" else "Café"
    table, typed = load(tsv([ao_row(1, sku=source)]).encode(text_encoding), encoding=forced)
    assert table.encoding == reported
    assert typed["sku"].tolist() == [sku]


def test_forced_utf8_strips_a_bom() -> None:
    table, typed = load(b"\xef\xbb\xbf" + tsv([ao_row(1)]).encode(), encoding="utf-8")
    assert table.kind.kind == "all_orders"
    assert typed["order_id"].tolist() == ["111-0000000-0000001"]


@pytest.mark.parametrize("forced", ["utf-8", "no-such-codec"])
def test_forced_encoding_that_fails_is_undecodable(forced: str) -> None:
    found = problem(tsv([ao_row(1, sku="Café")]).encode("cp1252"), encoding=forced)
    assert found.type == "undecodable"
    assert "--encoding" in found.message


def test_undecodable_bytes() -> None:
    # 0x81 0x8d 0x8f 0x90 0x9d are undefined in cp1252 and the bytes are not UTF-8.
    found = problem(tsv([ao_row(1, sku="x\x81\x8d")]).encode("latin-1"))
    assert found.type == "undecodable"
    assert "--encoding" in found.message


# -- delimiters, header names, quotes ----------------------------------------------------------------------------


@pytest.mark.parametrize("short", [False, True], ids=["fast", "exact"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_comma_separated_excel_resave_with_quotes(short: bool, newline: str) -> None:
    lines = [
        ",".join(f'"{h}"' for h in AO_HEADER),
        "111-0000000-0000001,2024-04-19T16:29:58+00:00,2024-04-20T08:00:00+00:00,Shipped,Merchant,Amazon.com,"
        'Pillow,"Pillow, 12"" x 18""",Shipped,2',
        "111-0000000-0000002,2024-04-19T16:29:58+00:00,2024-04-20T08:00:00+00:00,Shipped,Merchant,Amazon.com,"
        "Plain,Plain,Shipped" + ("" if short else ",1"),
    ]
    table, typed = load((newline.join(lines) + newline).encode())
    assert table.kind.kind == "all_orders"
    assert table.delimiter == ","
    assert typed["sku"].tolist() == ['Pillow, 12" x 18"', "Plain"]
    assert typed["quantity"].tolist() == [2, pd.NA] if short else [2, 1]
    assert typed["_line"].tolist() == [2, 3]
    assert table.problems == []


def test_column_names_match_loosely() -> None:
    header = [
        " Amazon_Order_ID ",
        "PURCHASE-DATE",
        "Last_Updated_Date",
        "order_status ",
        " Fulfillment-Channel",
        "sales-channel",
        "product-name",
        "SKU",
        "Item_Status",
        "Quantity",
    ]
    table, typed = load(tsv([ao_row(1)], header=header).encode())
    assert table.kind.kind == "all_orders"
    assert typed["order_id"].tolist() == ["111-0000000-0000001"]
    assert typed["sku"].tolist() == ["SKU-1"]
    assert typed["quantity"].tolist() == [1]
    assert typed["purchase_ts"].tolist() == [pd.Timestamp("2024-04-19T16:29:58Z")]


@pytest.mark.parametrize("short", [False, True], ids=["fast", "exact"])
def test_quote_in_a_tab_file_is_literal(short: bool) -> None:
    products = ['"Deluxe" pillow 12" x 18"', '"', '"unclosed quote']
    rows = [ao_row(n, sku=p) for n, p in enumerate(products, 1)]
    if short:
        rows[1] = rows[1][:-1]
    table, typed = load(tsv(rows).encode())
    assert table.problems == []
    assert typed["sku"].tolist() == products
    assert typed["_line"].tolist() == [2, 3, 4]


# -- short, long and blank rows ----------------------------------------------------------------------------------


def test_short_rows_are_padded() -> None:
    rows = [ao_row(1), ao_row(2)[:7], ao_row(3)[:9]]
    table, typed = load(tsv(rows).encode())
    assert table.problems == []
    assert table.rows == 3
    assert typed["_line"].tolist() == [2, 3, 4]
    assert typed["sku"].tolist() == ["SKU-1", "", "SKU-1"]
    assert typed["item_status"].tolist() == ["Shipped", "", "Shipped"]
    assert typed["quantity"].isna().tolist() == [False, True, True]


def test_long_row_is_a_bad_row_with_its_line() -> None:
    rows = [ao_row(1), [*ao_row(2), "extra"], ao_row(3), [*ao_row(4), "", ""]]
    table, typed = load(tsv(rows).encode())
    assert table.rows == 4
    assert table.bad_rows == 2
    assert bad_rows(table) == [3, 5]
    assert "11 fields where the header has 10" in table.problems[0].message
    assert typed["order_id"].tolist() == ["111-0000000-0000001", "111-0000000-0000003"]
    assert typed["_line"].tolist() == [2, 4]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_blank_lines_keep_line_numbers_exact(newline: str) -> None:
    lines = [
        "\t".join(AO_HEADER),
        "\t".join(ao_row(1)),
        "",
        "\t".join(ao_row(2)),
        "   ",
        "",
        "\t".join([*ao_row(3), "extra"]),
        "\t".join(ao_row(4, purchase="19/04/2024")),
        "\t".join(ao_row(5)),
        "",
        "",
    ]
    table, typed = load(newline.join(lines).encode())
    assert typed["_line"].tolist() == [2, 4, 9]
    assert typed["order_id"].str[-1].tolist() == ["1", "2", "5"]
    assert set(bad_rows(table)) == {7, 8}
    assert table.rows == 5
    assert table.bad_rows == 2


@pytest.mark.parametrize("short", [False, True], ids=["fast", "exact"])
def test_unparseable_needed_date_is_a_bad_row(short: bool) -> None:
    rows = [ao_row(1), ao_row(2, purchase="2024-13-45T99:00:00+00:00"), ao_row(3, purchase=""), ao_row(4)]
    if short:
        rows[3] = rows[3][:-1]
    table, typed = load(tsv(rows).encode())
    assert bad_rows(table) == [3, 4]
    assert "purchase-date" in table.problems[0].message
    assert "2024-13-45" in table.problems[0].message
    assert "empty" in table.problems[1].message
    assert typed["_line"].tolist() == [2, 5]
    assert table.rows == 4
    assert table.bad_rows == 2


def test_unparseable_optional_value_is_blanked_with_a_warning() -> None:
    rows = [ao_row(1), ao_row(2)]
    rows[1][9] = "lots"
    table, typed = load(tsv(rows).encode())
    assert table.problems == []
    assert typed["quantity"].isna().tolist() == [False, True]
    assert any("quantity" in w and "line 3" in w for w in table.warnings)


def test_bad_rows_past_the_listed_ones_are_all_counted() -> None:
    rows = [ao_row(n, purchase="never" if n % 2 else "2024-04-19T16:29:58+00:00") for n in range(130)]
    table, typed = load(tsv(rows).encode())
    assert len(typed) == 65
    assert table.bad_rows == 65
    assert table.rows == 130
    listed = [p for p in table.problems if p.type == "bad_row"]
    assert [p.line for p in listed[:2]] == [3, 5]
    assert listed[-1].line is None and "15 more" in listed[-1].message


def test_scientific_notation_ids_are_counted_in_a_warning() -> None:
    rows = [ao_row(1), ao_row(2), ao_row(3)]
    rows[0][0] = "1.11000E+17"
    rows[2][0] = "1.11E+17"
    table, typed = load(tsv(rows).encode())
    assert typed["order_id"].tolist()[0] == "1.11000E+17"  # never a float
    [warning] = [w for w in table.warnings if "scientific" in w]
    assert warning.startswith("2 values of `amazon-order-id`")


# -- header detection, kinds -------------------------------------------------------------------------------------

CONFIRM_HEADER = (
    "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method"
)


@pytest.mark.parametrize(
    ("labels", "marketplace", "encoding"),
    [
        (
            "Order ID\tOrder Item ID\tQuantity\tShip Date\tCarrier Code\tCarrier Name\tTracking Number\tShip Method",
            "US",
            "utf-8",
        ),
        (
            "注文番号\t注文商品番号\t出荷数\t出荷日\t配送業者コード\t配送業者名\tお問い合わせ伝票番号\t配送方法",
            "JP",
            "cp932",
        ),
    ],
)
def test_ship_confirmation_upload_template(labels: str, marketplace: str, encoding: str) -> None:
    text = "\r\n".join(
        [
            "TemplateType=OrderFulfillment\tVersion=2011.1102\tThe top 3 rows are for Amazon.com use only. "
            "Do not modify or delete the top 3 rows.",
            labels,
            CONFIRM_HEADER,
            "111-0000000-0000001\t12345678901234\t1\t2024-04-20\tUSPS\t\t9400111899223344556677\tFirst Class",
            "111-0000000-0000002\t12345678901235\t2\t2024-04-21T10:00:00-07:00\tOther\tMy Courier",
        ]
    )
    table, typed = load(text.encode(encoding), marketplace=marketplace)
    assert table.kind.kind == "ship_confirmations"
    assert table.encoding == encoding
    assert typed["_line"].tolist() == [4, 5]
    assert typed["order_id"].tolist() == ["111-0000000-0000001", "111-0000000-0000002"]
    assert typed["tracking_number"].tolist() == ["9400111899223344556677", ""]
    assert typed["carrier_name"].tolist() == ["", "My Courier"]
    tz = get_marketplace(marketplace).timezone
    # A date-only ship-date is 00:00 local that day.
    assert typed["ship_ts"].iloc[0] == pd.Timestamp("2024-04-20", tz=tz).tz_convert("UTC")
    assert typed["ship_ts"].iloc[1] == pd.Timestamp("2024-04-21T17:00:00Z")


FEEDBACK_ROWS = [
    ("{d1}", "1", "Arrived broken", "", "111-1234567-1234567", "redacted@marketplace.amazon.com"),
    ("{d2}", "5", "Great", "Thanks!", "222-1234567-1234567", "redacted@marketplace.amazon.com"),
]


@pytest.mark.parametrize(
    ("header", "marketplace", "d1", "d2"),
    [
        ("Date\tRating\tComments\tYour Response\tOrder ID\tRater Email", "US", "4/5/24", "12/31/23"),
        ("Date\tRating\tComments\tResponse\tOrder ID\tRater Email", "UK", "5/4/24", "31/12/23"),
        (
            "Datum\tBewertung\tKommentar\tIhre Antwort\tTransaktionsnummer\tE-Mail des Bewertenden",
            "DE",
            "5.4.24",
            "31.12.23",
        ),
        (
            "Date\tRating\tComentarios\tResponse\tNúmero de pedido\tE-mail del cliente",
            "ES",
            "05/04/24",
            "31/12/23",
        ),
        (
            "Fecha\tRating\tComentarios\tTu respuesta\tNúmero de pedido\tCorreo electrónico del evaluador",
            "MX",
            "5/4/24",
            "31/12/23",
        ),
        ("日付\t評価\tコメント\t回答\t注文番号\t評価者のEメール", "JP", "24/4/5", "23/12/31"),  # by position
        ("Data\tValutazione\tCommenti\tRisposta\tNumero ordine\tE-mail del valutatore", "IT", "5/4/24", "31/12/23"),
        ("Date\tÉvaluation\tCommentaires\tRéponse\tN° de commande\tE-mail de l'évaluateur", "FR", "5/4/24", "31/12/23"),
        ("Datum\tBetyg\tKommentarer\tSvar\tBeställnings-ID\tE-post", "SE", "2024-04-05", "2023-12-31"),
    ],
)
def test_feedback_in_every_language(header: str, marketplace: str, d1: str, d2: str) -> None:
    rows = [[v.format(d1=d1, d2=d2) for v in row] for row in FEEDBACK_ROWS]
    encoding = "cp932" if marketplace == "JP" else "utf-8"
    table, typed = load(tsv(rows, header=header.split("\t"), newline="\r\n").encode(encoding), marketplace)
    assert table.kind.kind == "feedback"
    assert table.problems == []
    assert typed["feedback_date"].tolist() == [pd.Timestamp("2024-04-05"), pd.Timestamp("2023-12-31")]
    assert typed["rating"].tolist() == [1, 5]
    assert typed["order_id"].tolist() == ["111-1234567-1234567", "222-1234567-1234567"]
    assert typed["comments"].tolist() == ["Arrived broken", "Great"]
    # The rater's e-mail is PII: it is never read.
    assert not any("email" in c or "mail" in c for c in typed.columns)


def test_feedback_date_in_another_marketplace_format_is_a_bad_row() -> None:
    header = ["Datum", "Bewertung", "Kommentar", "Ihre Antwort", "Transaktionsnummer", "E-Mail des Bewertenden"]
    rows = [
        ["5.4.24", "2", "", "", "111-1234567-1234567", ""],
        ["4/5/24", "1", "", "", "222-1234567-1234567", ""],  # US format in a DE file: never guessed
        ["31.12.23", "7", "", "", "333-1234567-1234567", ""],  # not a 1-5 rating
    ]
    table, typed = load(tsv(rows, header=header).encode(), "DE")
    assert typed["order_id"].tolist() == ["111-1234567-1234567"]
    assert bad_rows(table) == [3, 4]
    assert "date" in table.problems[0].message


def test_six_columns_that_are_not_feedback_are_unknown() -> None:
    header = ["Datum", "Note", "Text", "Antwort", "Nummer", "Mail"]
    rows = [["5.4.24", "9", "", "", "111-1234567-1234567", ""]]
    found = problem(tsv(rows, header=header).encode(), "DE")
    assert found.type == "unknown_header"


def test_unknown_header_names_the_nearest_kind_and_missing_columns() -> None:
    header = ["amazon-order-id", "purchase-date", "order-status", "sku"]
    found = problem(tsv([["111-0000000-0000001", "2024-01-01", "Shipped", "A"]], header=header).encode())
    assert found.type == "unknown_header"
    assert "all_orders" in found.message
    assert "fulfillment-channel" in found.message
    assert "amazon-order-id" in found.message  # the header it saw


def test_a_header_naming_no_report_column_is_not_a_report() -> None:
    """SPEC 1.2 (rev 2): a seller's own file beside the reports is passed over, not an error."""
    found = problem(b"foo\tbar\tbaz\n1\t2\t3\n")
    assert found.type == "not_a_report"
    assert "skipped" in found.message


def test_a_header_sharing_one_column_with_a_kind_is_still_an_error() -> None:
    found = problem(b"order-id\tbar\tbaz\n1\t2\t3\n")
    assert found.type == "unknown_header"
    assert "order-id" in found.message and "bar" not in found.message  # unknown names never echoed (issue 17)


def test_a_headerless_report_is_an_error_not_a_stray_file() -> None:
    """A report whose header line was lost starts with data: never skipped as "not a report"."""
    found = problem(b"111-0000000-0000001\t2024-01-01\tShipped\n")
    assert found.type == "unknown_header"
    assert "no header row" in found.message


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (
            ["amazon-order-id", "purchase-date", "order-status", "fulfillment-channel", "sku"],
            "item-status",
        ),
        (["order-id", "claim-type", "status"], "claim-date"),
    ],
)
def test_missing_needed_column(header: list[str], missing: str) -> None:
    found = problem(tsv([["x"] * len(header)], header=header).encode())
    assert found.type == "missing_column"
    assert missing in found.message
    assert found.line == 1


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\r\n  \r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"])
def test_empty_file(data: bytes) -> None:
    assert problem(data).type == "empty_file"


def test_header_only_file_has_no_rows() -> None:
    table, typed = load(("\t".join(AO_HEADER) + "\r\n").encode())
    assert table.kind.kind == "all_orders"
    assert table.rows == 0
    assert len(typed) == 0


@pytest.mark.parametrize(
    ("header", "row", "kind"),
    [
        (
            ["order-id", "claim-type", "status", "claim-date", "reason"],
            ["1", "A-to-z", "Granted Seller Funded", "2024-01-02", "Fraud"],
            "claims",
        ),
        (["order-id", "cancel-reason", "cancelled-by"], ["1", "NoInventory", " Buyer "], "cancellations"),
        (["message-id", "received-at", "order-id"], ["m1", "2024-01-02T03:04:05Z", "1"], "messages"),
        (["amazon-order-id", "shipment-id", "shipment-date"], ["1", "S", "2024-01-02T03:04:05+09:00"], "fba_shipments"),
    ],
)
def test_tool_documented_kinds(header: list[str], row: list[str], kind: str) -> None:
    table, typed = load(tsv([row], header=header).encode())
    assert table.kind.kind == kind
    assert len(typed) == 1
    if kind == "claims":
        assert typed[["claim_type", "status", "reason"]].iloc[0].tolist() == [
            "a-to-z",
            "granted-seller-funded",
            "fraud",
        ]
    if kind == "cancellations":
        assert typed["cancelled_by"].tolist() == ["buyer"]


def test_unknown_header_behind_a_template_preamble_names_the_kind() -> None:
    """A `TemplateType=` line must not hide the real header from the hint."""
    text = "\n".join(
        [
            "TemplateType=OrderFulfillment\tVersion=2011.1102",
            "Order ID\tOrder Item ID\tShip Date",
            "order-id\torder-item-id\tship-date\tcarrier-code",
            "111-0000000-0000001\t1\t2024-04-20\tUPS",
        ]
    )
    found = problem(text.encode())
    assert found.type == "unknown_header"
    assert "`ship_confirmations` (missing tracking-number)" in found.message
    assert "order-id, order-item-id, ship-date, carrier-code" in found.message


def test_feedback_header_with_a_trailing_delimiter() -> None:
    header = ["Datum", "Bewertung", "Kommentar", "Ihre Antwort", "Transaktionsnummer", "E-Mail des Bewertenden", ""]
    rows = [["5.4.24", "2", "zu spät", "", "111-1234567-1234567", "", ""]]
    table, typed = load(tsv(rows, header=header).encode(), "DE")
    assert table.kind.kind == "feedback"
    assert typed["order_id"].tolist() == ["111-1234567-1234567"]
    assert typed["rating"].tolist() == [2]


def test_feedback_by_position_with_a_trailing_delimiter() -> None:
    header = ["Data", "Valutazione", "Commenti", "Risposta", "Numero ordine", "E-mail", ""]
    rows = [["5/4/24", "4", "ok", "", "111-1234567-1234567", "", ""]]
    table, typed = load(tsv(rows, header=header).encode(), "IT")
    assert table.kind.kind == "feedback"
    assert typed["feedback_date"].tolist() == [pd.Timestamp("2024-04-05")]


def test_many_long_rows_are_all_counted_and_the_listing_is_capped() -> None:
    rows = [[*ao_row(n), ""] if n % 2 else ao_row(n) for n in range(240)]
    table, typed = load(tsv(rows).encode())
    assert len(typed) == 120
    assert (table.rows, table.bad_rows) == (240, 120)
    listed = [p for p in table.problems if p.type == "bad_row"]
    assert [p.line for p in listed[:3]] == [3, 5, 7]
    assert len(listed) == 51
    assert listed[-1].line is None and listed[-1].message.startswith("70 more rows like the ones above were left out")


@pytest.mark.parametrize("delimiter", ["\t", ","])
def test_classic_mac_line_endings(delimiter: str) -> None:
    lines = [delimiter.join(AO_HEADER), delimiter.join(ao_row(1)), delimiter.join(ao_row(2))]
    table, typed = load(("\r".join(lines) + "\r").encode())
    assert table.kind.kind == "all_orders"
    assert typed["_line"].tolist() == [2, 3]
    assert typed["order_id"].tolist() == ["111-0000000-0000001", "111-0000000-0000002"]


def test_stray_carriage_return_in_a_comma_file_is_not_a_crash() -> None:
    text = "order-id,claim-type,status,claim-date\n111-0000000-0000001,a-to-z,open\rnow,2024-01-02\n"
    table, typed = load(text.encode())
    assert table.kind.kind == "claims"
    assert typed["order_id"].tolist() == ["111-0000000-0000001"]


def test_ship_date_with_an_hour_only_offset() -> None:
    """PostgreSQL prints `2024-04-20 10:00:00+00`: an offset, never read as local time, never a traceback."""
    text = "\n".join(
        [
            "order-id\tship-date\ttracking-number\tcarrier-code",
            "111-0000000-0000001\t2024-04-20 10:00:00+00\t1Z\tUPS",
            "111-0000000-0000002\t2024-04-20\t1Z\tUPS",
            "111-0000000-0000003\t2024-04-20T10:00:00+05\t1Z\tUPS",
        ]
    )
    table, typed = load(text.encode())
    assert table.problems == []
    assert typed["ship_ts"].tolist() == [
        pd.Timestamp("2024-04-20T10:00:00Z"),
        pd.Timestamp("2024-04-20T07:00:00Z"),
        pd.Timestamp("2024-04-20T05:00:00Z"),
    ]


def test_headerless_file_is_unknown_without_echoing_buyer_data() -> None:
    row = ["114-0149180-7966659", "59686379847882", "2017-09-23T14:18:23-07:00", "jane@example.com", "Jane Buyer"]
    found = problem(("\t".join(row) + "\n").encode())
    assert found.type == "unknown_header"
    assert "no header row" in found.message
    assert "jane" not in found.message.lower()
