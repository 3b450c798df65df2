"""Whole accounts from three marketplaces, each in its own encodings, languages, date formats and holidays.

Every file is written with the bytes a seller there really has: Amazon's tab-delimited downloads in cp1252 (DE) or
cp932 (JP), files re-saved in Excel (semicolons and dotted dates in DE, quoted commas, line breaks and M/D/YYYY
times in the US), the JP ship-confirmation template with its Japanese label row. Each account is audited with the
CLI, and every metric number is checked against the one worked out by hand in the comments: a ship-by date moved
by Whit Monday, Golden Week or Memorial Day is what makes an order on time or late.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from input_builders import report_bytes, run_cli, write

AO_HEADER = (
    "amazon-order-id",
    "merchant-order-id",
    "purchase-date",
    "last-updated-date",
    "order-status",
    "fulfillment-channel",
    "sales-channel",
    "product-name",
    "sku",
    "item-status",
    "quantity",
    "item-price",
)
SC_HEADER = (
    "order-id",
    "order-item-id",
    "quantity",
    "ship-date",
    "carrier-code",
    "carrier-name",
    "tracking-number",
    "ship-method",
)


def ao_row(
    order: str,
    purchase: str,
    product: str,
    *,
    channel: str = "Merchant",
    status: str = "Shipped",
    sales_channel: str = "Amazon.com",
    price: str = "19.99",
) -> tuple[str, ...]:
    quantity = "0" if status == "Cancelled" else "1"
    return (order, order, purchase, purchase, status, channel, sales_channel, product, "SKU-1", status, quantity, price)


# -- Germany -------------------------------------------------------------------------------------------------------
# Europe/Berlin (CEST, UTC+2). National holidays in May 2024: Ascension Day (Thu 9 May), Whit Monday (Mon 20 May);
# Corpus Christi (Thu 30 May) is regional, so an operating day. Handling time 2 business days, as of Fri 31 May.
#   order  purchase (local)        ship-by                                  shipped   outcome
#   de-1   Fri 17 May 10:00        Tue 21 = day 1 (Mon 20 holiday), Wed 22  22.05     on time (late without the holiday)
#   de-2   Sat 18 May 11:00        Wed 22                                   23.05     late
#   de-3   Tue 21 May 09:00        Thu 23                                   23.05     on time, no tracking number
#   de-4   Thu  9 May 12:00 (hol.) Fri 10, Mon 13                           13.05     on time, carrier by name only
#   de-5   Mon 27 May 10:00        (seller-cancelled)
#   de-6   Wed 29 May 15:00        Thu 30 (Corpus Christi counts), Fri 31   31.05     on time
#   de-7   Fri 10 May, FBA                                                            2-star feedback
# LSR 10 d (ESD 22-31 May): de-1, de-2, de-3, de-6 -> 1/4; 30 d (2-31 May) adds de-4 -> 1/5.
# VTR (confirmed 2-31 May): 5 packages, de-3 has no tracking -> 4/5.  CR (bought 25-31 May): de-5, de-6 -> 1/2.
# ODR (bought 19 Mar - 17 May): MFN de-1 (1 star), de-4 -> 1/2; FBA de-7 (2 stars) -> 1/1.
DE_ORDERS = {n: f"302-{n:07d}-{n:07d}" for n in range(1, 8)}


def write_de_account(folder: Path) -> list[Path]:
    o = DE_ORDERS
    orders = [
        ao_row(o[1], "2024-05-17T08:00:00+00:00", "Kaffeemühle aus Edelstahl, Größe M"),
        ao_row(o[2], "2024-05-18T09:00:00+00:00", "Brotkörbchen „Bäckerei“"),
        ao_row(o[3], "2024-05-21T07:00:00+00:00", "Teekanne 1,5 l"),
        ao_row(o[4], "2024-05-09T10:00:00+00:00", "Öko-Spülbürste"),
        ao_row(o[5], "2024-05-27T08:00:00+00:00", "Weißwurst-Topf", status="Cancelled"),
        ao_row(o[6], "2024-05-29T13:00:00+00:00", "Schäler"),
        ao_row(o[7], "2024-05-10T08:00:00+00:00", "Gläser (6 Stück)", channel="Amazon"),
    ]
    orders = [(*row[:6], "Amazon.de", *row[7:11], "24,99") for row in orders]
    # Amazon's own download: tab-delimited, cp1252, CRLF.
    all_orders = report_bytes(AO_HEADER, orders, newline="\r\n", encoding="cp1252")
    # The upload file re-saved by Excel in a German locale: semicolons, dotted dates, cp1252.
    confirmations = [
        (o[1], "", "1", "22.05.2024", "DHL", "", "JJD0001", "Päckchen"),
        (o[2], "", "1", "23.05.2024", "DHL", "", "JJD0002", "Päckchen"),
        (o[3], "", "1", "23.05.2024", "DHL", "", "", "Päckchen"),
        (o[4], "", "1", "13.05.2024", "", "Deutsche Post", "RR123456789DE", "Großbrief"),
        (o[6], "", "1", "31.05.2024", "DHL", "", "JJD0006", "Päckchen"),
    ]
    ship = report_bytes(SC_HEADER, confirmations, delimiter=";", newline="\r\n", encoding="cp1252", quoted=True)
    feedback = report_bytes(
        ("Datum", "Bewertung", "Kommentar", "Ihre Antwort", "Transaktionsnummer", "E-Mail des Bewertenden"),
        [
            ("23.5.24", "1", "Größe falsch, Rückgabe läuft", "", o[1], "xyz@marketplace.amazon.de"),
            ("24.5.24", "5", "Schnell und gut", "Danke!", o[2], "abc@marketplace.amazon.de"),
            ("14.5.24", "2", "Glas zerbrochen", "", o[7], "def@marketplace.amazon.de"),
        ],
        newline="\r\n",
        encoding="cp1252",
    )
    return [
        write(folder / "Alle_Bestellungen.txt", all_orders),
        write(folder / "Versandbestätigung.csv", ship),
        write(folder / "Feedback.txt", feedback),
    ]


def test_german_account(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_de_account(tmp_path / "de")
    run = run_cli(
        capsys, tmp_path / "report.json", str(tmp_path / "de"), "--marketplace", "DE", "--as-of", "2024-05-31"
    )
    assert run.doc["errors"] == []
    assert [(Path(i["path"]).name, i["kind"], i["encoding"], i["used_rows"]) for i in run.doc["inputs"]] == [
        ("Alle_Bestellungen.txt", "all_orders", "cp1252", 7),
        ("Feedback.txt", "feedback", "cp1252", 3),
        ("Versandbestätigung.csv", "ship_confirmations", "cp1252", 5),
    ]
    assert run.counts("late_shipment_rate_10d") == (1, 4)
    assert run.metric("late_shipment_rate_10d")["order_ids"] == [DE_ORDERS[2]]
    assert run.counts("late_shipment_rate_30d") == (1, 5)
    assert run.counts("valid_tracking_rate") == (4, 5)
    assert run.counts("cancellation_rate") == (1, 2)
    assert run.metric("cancellation_rate")["order_ids"] == [DE_ORDERS[5]]
    assert run.counts("order_defect_rate_mfn") == (1, 2)
    assert run.metric("order_defect_rate_mfn")["order_ids"] == [DE_ORDERS[1]]
    assert run.counts("order_defect_rate_afn") == (1, 1)
    assert run.doc["unmatched_defects"] == []
    assert run.code == 2


def test_german_account_audited_as_uk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The control: under UK's calendar Whit Monday is a working day, so de-1 is due Tue 21 May and ships late;
    and D.M.YY feedback dates are not UK's D/M/YY: one error for the file, naming the marketplace that reads them."""
    write_de_account(tmp_path / "de")
    uk = run_cli(capsys, tmp_path / "uk.json", str(tmp_path / "de"), "--marketplace", "UK", "--as-of", "2024-05-31")
    assert uk.code == 3
    assert uk.counts("late_shipment_rate_30d") == (2, 5)
    assert uk.metric("late_shipment_rate_30d")["order_ids"] == [DE_ORDERS[1], DE_ORDERS[2]]
    # One error for the whole file, not one per row: every date is in another marketplace's format.
    [error] = uk.doc["errors"]
    assert (error["type"], error["line"]) == ("bad_row", None)
    assert "none of the 3 feedback dates is written D/M/YY" in error["message"]
    assert "written D.M.YY" in error["message"] and "--marketplace DE" in error["message"]
    assert uk.input(tmp_path / "de" / "Feedback.txt")["skipped"] == {"bad_row": 3}
    assert "the orders' sales channels name DE (7 orders): check --marketplace" in " ".join(uk.doc["warnings"])


def test_a_given_marketplace_audits_its_own_orders_when_the_files_name_others_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The files name DE and US; `--marketplace DE` audits the German orders alone, as the portfolio splits them:
    the US orders (3, cancelled, to ship, late) would otherwise count in Germany's rates (SPEC 2: still a warning)."""
    write_de_account(tmp_path / "mixed")
    us = [
        ao_row("111-0000001-0000001", "2024-05-27T08:00:00+00:00", "Mug", status="Cancelled"),
        ao_row("111-0000002-0000002", "2024-05-20T08:00:00+00:00", "Bowl", status="Unshipped"),
        ao_row("111-0000003-0000003", "2024-05-29T08:00:00+00:00", "Cup"),
    ]
    write(tmp_path / "mixed" / "us_orders.txt", report_bytes(AO_HEADER, us))
    claims = ("order-id", "claim-type", "status", "claim-date")
    write(
        tmp_path / "mixed" / "us_claims.txt",
        report_bytes(claims, [("111-0000003-0000003", "a-to-z", "open", "2024-05-30")]),
    )
    run = run_cli(
        capsys, tmp_path / "report.json", str(tmp_path / "mixed"), "--marketplace", "DE", "--as-of", "2024-05-31"
    )
    assert run.doc["errors"] == []
    assert run.counts("late_shipment_rate_10d") == (1, 4)
    assert run.counts("cancellation_rate") == (1, 2)
    assert run.metric("cancellation_rate")["order_ids"] == [DE_ORDERS[5]]
    assert run.counts("order_defect_rate_mfn") == (1, 2)
    us_file = run.input(tmp_path / "mixed" / "us_orders.txt")
    assert (us_file["rows"], us_file["used_rows"], us_file["skipped"]) == (3, 0, {"other_marketplace": 3})
    # The US claims give Germany nothing: its order defect rate still says claims would complete it.
    assert run.input(tmp_path / "mixed" / "us_claims.txt")["skipped"] == {"other_marketplace": 1}
    assert "claims" in run.metric("order_defect_rate_mfn")["coverage"]["missing_inputs"]
    assert (
        "the audit is for marketplace DE (from --marketplace, 7 orders in the files), and the orders' sales channels "
        "also name US (3 orders): their rows were left out" in " ".join(run.doc["warnings"])
    )


# -- Japan ---------------------------------------------------------------------------------------------------------
# Asia/Tokyo (UTC+9). Golden Week 2024: Mon 29 Apr (Showa Day), Fri 3 - Mon 6 May (Constitution Day, Greenery Day,
# Children's Day, substitute holiday). Handling 2 business days, as of Fri 10 May.
#   order  purchase (local)          ship-by                                   shipped     outcome
#   jp-1   Thu  2 May 10:00          Tue 7 = day 1, Wed 8                      2024/05/08  on time
#   jp-2   Fri 26 Apr 10:00          Tue 30 Apr (29 is Showa Day), Wed 1 May   2024/05/02  late
#   jp-3   Tue  7 May 20:00          Wed 8, Thu 9                              2024/05/09  on time
#   jp-4   Thu  2 May 01:30 (Wed 1 May 16:30 UTC): as jp-1, Wed 8           2024/05/08  on time (late by UTC date)
#   jp-5   Mon 15 Apr 10:00          Wed 17 Apr                                2024/04/17  on time, carrier `Other`
#   jp-6   Thu  9 May 10:00          (seller-cancelled)
# LSR 10 d (ESD 1-10 May): jp-1..4 -> 1/4; 30 d (11 Apr - 10 May) adds jp-5 -> 1/5.  VTR: 5 packages, jp-5 invalid
# -> 4/5.  CR (bought 4-10 May): jp-3, jp-6 -> 1/2.  ODR (bought 27 Feb - 26 Apr): jp-2 (2 stars), jp-5 -> 1/2.
JP_ORDERS = {n: f"503-{n:07d}-{n:07d}" for n in range(1, 7)}


def write_jp_account(folder: Path) -> None:
    o = JP_ORDERS
    orders = [
        ao_row(o[1], "2024-05-02T10:00:00+09:00", "バルミューダ 電気ケトル", sales_channel="Amazon.co.jp"),
        ao_row(o[2], "2024-04-26T10:00:00+09:00", "無印良品 ノート", sales_channel="Amazon.co.jp"),
        ao_row(o[3], "2024-05-07T20:00:00+09:00", "タオル（白）", sales_channel="Amazon.co.jp"),
        ao_row(o[4], "2024-05-01T16:30:00+00:00", "急須・湯呑みセット", sales_channel="Amazon.co.jp"),
        ao_row(o[5], "2024-04-15T10:00:00+09:00", "箸", sales_channel="Amazon.co.jp"),
        ao_row(o[6], "2024-05-09T10:00:00+09:00", "茶碗", sales_channel="Amazon.co.jp", status="Cancelled"),
    ]
    write(folder / "注文レポート.txt", report_bytes(AO_HEADER, orders, newline="\r\n", encoding="cp932"))
    # The JP Shipping Confirmation template: a TemplateType line, the Japanese labels, then the English keys.
    preamble = (
        "TemplateType=OrderFulfillment\tVersion=2011.1102\t"
        "上3行は Amazon.co.jp 使用欄です。変更または削除しないでください。",
        "注文番号\t注文商品番号\t出荷数\t出荷日\t配送業者コード\t配送業者名\tお問い合わせ伝票番号\t配送方法",
    )
    confirmations = [
        (o[1], "", "1", "2024/05/08", "Yamato Transport", "", "1234-5678-0001", "宅急便"),
        (o[2], "", "1", "2024/05/02", "Sagawa Express", "", "4000-0000-0002", "飛脚宅配便"),
        (o[3], "", "1", "2024/05/09", "Japan Post", "", "EJ000000003JP", "ゆうパック"),
        (o[4], "", "1", "2024/05/08", "Yamato Transport", "", "1234-5678-0004", "宅急便"),
        (o[5], "", "1", "2024/04/17", "Other", "ヤマト運輸", "1234-5678-0005", "ネコポス"),
    ]
    ship = report_bytes(SC_HEADER, confirmations, newline="\r\n", encoding="cp932", preamble=preamble)
    write(folder / "出荷通知.txt", ship)
    feedback = report_bytes(
        ("日付", "評価", "コメント", "回答", "注文番号", "評価者のEメール"),
        [
            ("24/5/3", "2", "配送が遅い", "", o[2], "a@marketplace.amazon.co.jp"),
            ("24/4/20", "5", "良い", "", o[5], "b@marketplace.amazon.co.jp"),
        ],
        newline="\r\n",
        encoding="cp932",
    )
    write(folder / "評価.txt", feedback)


def test_japanese_account(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_jp_account(tmp_path / "jp")
    run = run_cli(
        capsys, tmp_path / "report.json", str(tmp_path / "jp"), "--marketplace", "JP", "--as-of", "2024-05-10"
    )
    assert run.doc["errors"] == []
    assert sorted((Path(i["path"]).name, i["kind"], i["encoding"], i["used_rows"]) for i in run.doc["inputs"]) == [
        ("出荷通知.txt", "ship_confirmations", "cp932", 5),
        ("注文レポート.txt", "all_orders", "cp932", 6),
        ("評価.txt", "feedback", "cp932", 2),
    ]
    assert run.counts("late_shipment_rate_10d") == (1, 4)
    assert run.metric("late_shipment_rate_10d")["order_ids"] == [JP_ORDERS[2]]
    assert run.counts("late_shipment_rate_30d") == (1, 5)
    assert run.counts("valid_tracking_rate") == (4, 5)
    assert run.counts("cancellation_rate") == (1, 2)
    assert run.counts("order_defect_rate_mfn") == (1, 2)
    assert run.metric("order_defect_rate_mfn")["order_ids"] == [JP_ORDERS[2]]
    assert run.metric("order_defect_rate_afn")["status"] == "not_evaluated"


def test_a_japanese_account_in_shift_jis_names_its_marketplace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No --marketplace: its Shift_JIS files are read as cp932 to find the marketplace their sales channel names
    (JP), then audited as JP, with the numbers the option and --encoding give."""
    write_jp_account(tmp_path / "jp")
    run = run_cli(capsys, tmp_path / "report.json", str(tmp_path / "jp"), "--as-of", "2024-05-10")
    assert run.doc["errors"] == []
    assert run.doc["marketplace"] == "JP" and run.doc["marketplace_source"].startswith("from the sales channel")
    forced = run_cli(
        capsys,
        tmp_path / "forced.json",
        str(tmp_path / "jp"),
        "--encoding",
        "cp932",
        "--marketplace",
        "JP",
        "--as-of",
        "2024-05-10",
    )
    assert forced.doc["errors"] == []
    assert forced.counts("late_shipment_rate_10d") == (1, 4)
    assert [m["numerator"] for m in run.doc["metrics"]] == [m["numerator"] for m in forced.doc["metrics"]]
    assert [m["denominator"] for m in run.doc["metrics"]] == [m["denominator"] for m in forced.doc["metrics"]]
    # Audited as another marketplace, Shift_JIS bytes are not cp1252 text: each file says to pass --marketplace JP.
    wrong = run_cli(capsys, tmp_path / "us.json", str(tmp_path / "jp"), "--marketplace", "US", "--as-of", "2024-05-10")
    assert wrong.code == 3 and len(wrong.doc["errors"]) == 3
    assert all("pass --marketplace JP, or --encoding cp932" in e["message"] for e in wrong.doc["errors"])


# -- United States -------------------------------------------------------------------------------------------------
# America/Los_Angeles (PDT, UTC-7). Memorial Day: Mon 27 May 2024. Handling 2 business days, as of Fri 31 May.
# The All Orders report was opened and saved in Excel (CSV, cp1252): purchase dates became `5/24/2024 10:00`
# (M/D/YYYY, local time), product names with commas and a line break are quoted, and `,,,,` rows were left at the
# end. The claims file (the tool's own) was typed in Excel too: `5/20/2024` and `$1,234.50`.
#   order  purchase (local)   ship-by                                 shipped     outcome
#   us-1   Fri 24 May 10:00   Tue 28 = day 1 (Mon 27 holiday), Wed 29  2024-05-29  on time
#   us-2   Sat 25 May 09:00   Wed 29                                  2024-05-30  late
#   us-3   Tue 28 May 11:00   Thu 30                                  -           late, unconfirmed past due
#   us-4   Wed 29 May 14:00   Fri 31 (= as of)                        -           pending: not counted
#   us-5   Fri 24 May 22:30   Wed 29                                  2024-05-29  on time
#   us-6   Mon  6 May 09:15   Wed 8 (June 5 if misread day-first)     2024-05-08  on time, carrier `Other`
#   us-7   Thu 30 May 10:00   (seller-cancelled)
#   us-8   Wed 10 Apr 08:00   Fri 12 Apr                              2024-04-12  4-star feedback, a denied claim
# LSR 10 d (ESD 22-31 May): us-1, us-2, us-3, us-5 -> 2/4; 30 d (2-31 May) adds us-6 -> 2/5.
# VTR (confirmed 2-31 May): us-1, us-2, us-5, us-6 -> 3/4.  CR (bought 25-31 May): us-2, us-3, us-4, us-7 -> 1/4.
# ODR (bought 19 Mar - 17 May): us-6 (1 star), us-8 (claim denied) -> 1/2.
US_ORDERS = {n: f"111-{n:07d}-{n:07d}" for n in range(1, 9)}


def write_us_account(folder: Path) -> None:
    o = US_ORDERS
    orders = [
        ao_row(o[1], "5/24/2024 10:00", 'Mug, 12 oz, "Café" blue', price="12.50"),
        ao_row(o[2], "5/25/2024 9:00", 'Pillow\nGrey, 18" x 18"', price="1,234.50"),
        ao_row(o[3], "5/28/2024 11:00", "Kettle", status="Unshipped", price="$29.99"),
        ao_row(o[4], "5/29/2024 14:00", "Spoon", status="Unshipped", price="3"),
        ao_row(o[5], "5/24/2024 22:30", "Fork", price="4.5"),
        ao_row(o[6], "5/6/2024 9:15", "Knife", price="7"),
        ao_row(o[7], "5/30/2024 10:00", "Plate", status="Cancelled", price="9"),
        ao_row(o[8], "4/10/2024 8:00", "Bowl", price="9"),
    ]
    data = report_bytes(AO_HEADER, orders, delimiter=",", newline="\r\n", encoding="cp1252", quoted=True)
    write(folder / "All Orders.csv", data + b",,,,,,,,,,,\r\n,,,,,,,,,,,\r\n")
    confirmations = [
        (o[1], "", "1", "2024-05-29", "USPS", "", "9400100000000000000001", "Priority"),
        (o[2], "", "1", "2024-05-30", "UPS", "", "1Z0000000000000002", "Ground"),
        (o[5], "", "1", "2024-05-29", "FedEx", "", "7700000000000005", "Ground"),
        (o[6], "", "1", "2024-05-08", "Other", "Bob's Courier", "BC6", "Local"),
        (o[8], "", "1", "2024-04-12", "USPS", "", "9400100000000000000008", "Priority"),
    ]
    write(folder / "confirmations.txt", b"\xef\xbb\xbf" + report_bytes(SC_HEADER, confirmations))
    feedback = report_bytes(
        ("Date", "Rating", "Comments", "Your Response", "Order ID", "Rater Email"),
        [
            ("5/10/24", "1", "Dull knife", "", o[6], "a@marketplace.amazon.com"),
            ("4/20/24", "4", "Fine", "", o[8], "b@marketplace.amazon.com"),
        ],
    )
    write(folder / "feedback.txt", feedback)
    claims = report_bytes(
        ("order-id", "claim-type", "status", "claim-date", "amount", "reason"),
        [(o[8], "A-to-z", "Denied", "5/20/2024", "$1,234.50", "")],
        delimiter=",",
        newline="\r\n",
        quoted=True,
    )
    write(folder / "claims.csv", claims)


def test_us_account_resaved_in_excel(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_us_account(tmp_path / "us")
    run = run_cli(capsys, tmp_path / "report.json", str(tmp_path / "us"), "--as-of", "2024-05-31")
    assert run.doc["errors"] == []
    assert sorted(
        (Path(i["path"]).name, i["kind"], i["encoding"], i["rows"], i["used_rows"]) for i in run.doc["inputs"]
    ) == [
        ("All Orders.csv", "all_orders", "cp1252", 8, 8),
        ("claims.csv", "claims", "utf-8", 1, 1),
        ("confirmations.txt", "ship_confirmations", "utf-8-sig", 5, 5),
        ("feedback.txt", "feedback", "utf-8", 2, 2),
    ]
    assert run.counts("late_shipment_rate_10d") == (2, 4)
    lsr = run.metric("late_shipment_rate_10d")
    assert lsr["order_ids"] == [US_ORDERS[2], US_ORDERS[3]]
    assert (lsr["details"]["late_confirmed"], lsr["details"]["late_unconfirmed"]) == (1, 1)
    assert run.counts("late_shipment_rate_30d") == (2, 5)
    assert run.counts("valid_tracking_rate") == (3, 4)
    assert run.counts("cancellation_rate") == (1, 4)
    assert run.counts("order_defect_rate_mfn") == (1, 2)
    assert run.metric("order_defect_rate_mfn")["order_ids"] == [US_ORDERS[6]]
    assert run.code == 2


def _account(writer: str, folder: Path) -> None:
    {"de": write_de_account, "jp": write_jp_account, "us": write_us_account}[writer](folder)


@pytest.mark.parametrize(("account", "marketplace"), [("de", "DE"), ("jp", "JP"), ("us", "US")])
def test_accounts_zipped_read_the_same(
    account: str, marketplace: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same files in one .zip (as a seller mails them) give the same numbers as the folder."""
    import zipfile

    folder = tmp_path / account
    _account(account, folder)
    archive = tmp_path / f"{account}.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(folder.iterdir()):
            bundle.write(path, path.name)
    as_of = "2024-05-10" if account == "jp" else "2024-05-31"
    direct = run_cli(capsys, tmp_path / "a.json", str(folder), "--marketplace", marketplace, "--as-of", as_of)
    zipped = run_cli(capsys, tmp_path / "b.json", str(archive), "--marketplace", marketplace, "--as-of", as_of)
    assert zipped.doc["errors"] == direct.doc["errors"] == []
    assert [m["numerator"] for m in zipped.doc["metrics"]] == [m["numerator"] for m in direct.doc["metrics"]]
    assert [m["denominator"] for m in zipped.doc["metrics"]] == [m["denominator"] for m in direct.doc["metrics"]]
    assert sorted(i["encoding"] for i in zipped.doc["inputs"]) == sorted(i["encoding"] for i in direct.doc["inputs"])


def test_a_given_marketplace_of_a_whole_mixed_folder_audits_as_its_own_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every report of a US and a DE account in one folder, audited with `--marketplace` as the stop message
    advises: each marketplace's numbers are those of its own folder, with no error. The German feedback dates,
    read as American, were a file of bad rows (exit 3); the files are now read as each marketplace they name."""
    import re
    import sys

    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root / "scripts"))
    import make_samples

    german = tmp_path / "de"
    make_samples.write_account(german, seed=11, marketplace="DE")
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    for path in (root / "sample_reports").glob("*.*"):
        if path.suffix != ".md":
            (mixed / f"us_{path.name}").write_bytes(path.read_bytes())
    for path in german.iterdir():  # the German order ids made distinct from the American ones
        text = re.sub(r"(^|\t|\")11([1-4])-", r"\g<1>30\2-", path.read_text(encoding="utf-8"), flags=re.M)
        (mixed / f"de_{path.name}").write_text(text, encoding="utf-8")
    for code, alone in (("US", root / "sample_reports"), ("DE", german)):
        share = run_cli(capsys, tmp_path / f"{code}.json", str(mixed), "--marketplace", code)
        own = run_cli(capsys, tmp_path / f"{code}-alone.json", str(alone))
        assert share.doc["errors"] == [] and share.code == own.code
        assert [(m["id"], m["numerator"], m["denominator"]) for m in share.doc["metrics"]] == [
            (m["id"], m["numerator"], m["denominator"]) for m in own.doc["metrics"]
        ]
        other = "de_" if code == "US" else "us_"
        assert all(
            i["used_rows"] == 0 and set(i["skipped"]) <= {"other_marketplace"}
            for i in share.doc["inputs"]
            if Path(i["path"]).name.startswith(other)
        )
