"""Every real-format example in shared/formats loads as the right kind with the right rows and values (SPEC 1)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from healthcheck.loaders import ORDER_NO, LoadResult, load_inputs, order_ids, reader
from healthcheck.loaders.normalize import typed_frame
from healthcheck.marketplaces import get_marketplace

FORMATS = Path(__file__).resolve().parents[2].parent / "shared" / "formats"

pytestmark = pytest.mark.skipif(not FORMATS.is_dir(), reason=f"{FORMATS} is not checked out beside the repo")


def _item_ids(name: str, marketplace: str = "US") -> list[str]:
    """The order-item ids as the loader parses them: it keeps them only while it de-duplicates (`Column.kept`)."""
    market = get_marketplace(marketplace)
    table = reader.read_table((FORMATS / name).read_bytes(), name, marketplace=market.code)
    typed = typed_frame(table, name, timezone=market.timezone, feedback_date_format=market.feedback_date_format)
    return typed["order_item_id"].tolist()


def _load(name: str, marketplace: str = "US") -> LoadResult:
    result = load_inputs([FORMATS / name], marketplace=get_marketplace(marketplace))
    assert result.problems == []
    assert len(result.inputs) == 1
    return result


def _utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text).tz_convert("UTC")


@pytest.mark.parametrize(
    ("name", "marketplace", "kind", "rows"),
    [
        ("all_orders_it_2017_scrubbed.tsv", "IT", "all_orders", 1),
        ("all_orders_us_fba_2020.tsv", "US", "all_orders", 13),
        ("fba_shipments_jp_2017.tsv", "JP", "fba_shipments", 17),
        ("order_report_unshipped_in_2025.tsv", "IN", "order_report", 3),
        ("order_report_us_2017.tsv", "US", "order_report", 1),
        ("returns_fba_us_2025.tsv", "US", "fba_returns", 1),
        ("returns_mfn_us_2025.tsv", "US", "mfn_returns", 1),
    ],
)
def test_each_example_loads_as_its_kind(name: str, marketplace: str, kind: str, rows: int) -> None:
    result = _load(name, marketplace)
    info = result.inputs[0].to_dict()
    assert info["kind"] == kind
    assert info["encoding"] == "utf-8"
    assert info["rows"] == rows
    assert info["used_rows"] == rows
    assert info["skipped"] == {}
    frame = result.frames[kind]
    assert len(frame) == rows
    # Line numbers are the physical ones (the header is line 1): bad rows and de-duplication go by them, and
    # nothing after loading reads them.
    table = reader.read_table((FORMATS / name).read_bytes(), name, marketplace=marketplace)
    assert table.frame["_line"].tolist() == list(range(2, rows + 2))
    assert "_line" not in frame


def _example_files() -> list[Path]:
    return sorted(p for p in FORMATS.iterdir() if p.name != "README.md") if FORMATS.is_dir() else []


@pytest.mark.parametrize("path", _example_files(), ids=lambda p: p.name)
def test_every_example_file_is_recognised(path: Path) -> None:
    """Any example in formats/, including one added later, loads as some kind with no problem and no bad row."""
    code = next((c for c in ("jp", "in", "it", "de", "uk") if f"_{c}_" in path.name), "us").upper()
    result = _load(path.name, code)
    info = result.inputs[0]
    assert info.kind is not None
    assert info.rows > 0
    assert info.used_rows == info.rows


def test_all_orders_us_fba_values() -> None:
    frame = _load("all_orders_us_fba_2020.tsv").frames["all_orders"]
    first = frame.iloc[0]
    # The ids of an order source are held as the numbers their digits make, and written back where read.
    assert "order_id" not in frame.columns and ORDER_NO in frame.columns
    assert order_ids(frame).iloc[0] == "114-4892924-3377867"
    assert first["purchase_ts"] == _utc("2020-02-18T05:05:21+00:00")
    assert first["last_updated"] == _utc("2020-02-18T17:23:22+00:00")
    assert first["fulfillment_channel"] == "Amazon"
    assert first["sales_channel"] == "Amazon.com"
    assert first["sku"] == "th1218"
    # Columns nothing uses are not read (kinds.py): the product name is a tenth of a large account's bytes.
    assert not {"product_name", "asin"} & set(frame.columns)
    # Read for SPEC 4.2 (rev 2): a Cancelled order with every price empty was cancelled while Pending.
    assert bool(first["has_price"]) and bool(first["has_currency"])
    assert frame["quantity"].tolist()[3] == 4
    assert order_ids(frame).is_unique
    assert str(frame["purchase_ts"].dtype) == "datetime64[us, UTC]"


def test_all_orders_it_shipped_order_with_cancelled_item() -> None:
    frame = _load("all_orders_it_2017_scrubbed.tsv", "IT").frames["all_orders"]
    row = frame.iloc[0]
    assert (row["order_status"], row["item_status"]) == ("Shipped", "Cancelled")
    assert row["sales_channel"] == "Amazon.it"
    assert row["quantity"] == 1
    assert row["purchase_ts"] == _utc("2017-06-17T08:04:21+00:00")


def test_order_report_us_2017_offset_converted_to_utc() -> None:
    frame = _load("order_report_us_2017.tsv").frames["order_report"]
    row = frame.iloc[0]
    assert order_ids(frame).iloc[0] == "114-0149180-7966659"
    assert _item_ids("order_report_us_2017.tsv")[0] == "59686379847882"
    assert row["purchase_ts"] == pd.Timestamp("2017-09-23T21:18:23Z")
    assert row["purchase_ts"] == _utc("2017-09-23T14:18:23-07:00")
    assert row["sku"] == "AUSC2A13-02"
    assert row["quantity"] == 1
    assert row["sales_channel"] == "Amazon.com"
    # No promise-date or latest-ship-date in this layout: no deadline is invented.
    assert "ship_by_ts" not in frame or frame["ship_by_ts"].isna().all()


def test_order_report_in_promise_date_is_the_ship_by_deadline() -> None:
    frame = _load("order_report_unshipped_in_2025.tsv", "IN").frames["order_report"]
    assert order_ids(frame).tolist() == ["408-4870009-9733125", "404-8712750-6212352", "408-1498953-3866768"]
    assert _item_ids("order_report_unshipped_in_2025.tsv", "IN") == [
        "52336476957402",
        "52427051134402",
        "52458442042522",
    ]
    assert frame["ship_by_ts"].tolist() == [
        pd.Timestamp("2025-08-21T18:29:59Z"),
        pd.Timestamp("2025-08-22T18:29:59Z"),
        pd.Timestamp("2025-08-22T18:29:59Z"),
    ]
    # 18:29:59 UTC is the last second of the day in India.
    local = frame["ship_by_ts"].iloc[0].tz_convert("Asia/Kolkata")
    assert (local.date().isoformat(), local.strftime("%H:%M:%S")) == ("2025-08-21", "23:59:59")
    assert frame["quantity"].tolist() == [1, 1, 1]
    assert frame["quantity_shipped"].tolist() == [0, 0, 0]
    assert frame["sku"].iloc[0] == "ARB_B0B79CYVTM"


def test_fba_shipments_jp_values_and_excel_warning() -> None:
    result = _load("fba_shipments_jp_2017.tsv", "JP")
    frame = result.frames["fba_shipments"]
    row = frame.iloc[0]
    assert order_ids(frame).iloc[0] == "249-0814575-0394263"
    item_ids = _item_ids("fba_shipments_jp_2017.tsv", "JP")
    assert item_ids[0] == "67225985676654"
    assert row["shipment_ts"] == _utc("2017-06-05T19:58:19+09:00")
    assert row["purchase_ts"] == pd.Timestamp("2017-06-04T21:57:28Z")
    assert row["sales_channel"] == "Amazon.co.jp"
    assert not {"product_name", "shipment_id"} & set(frame.columns)  # nothing uses them: not read
    # Mangled ids stay strings: never turned into floats.
    assert item_ids[2] == "5.80293E+13"
    # The same order shipped in two shipments is two rows, not a duplicate.
    assert (order_ids(frame) == "503-8346168-3395065").sum() == 2
    warnings = result.inputs[0].warnings
    item_warning = [w for w in warnings if "amazon-order-item-id" in w]
    assert len(item_warning) == 1
    assert item_warning[0].startswith("15 values")
    assert "scientific notation" in item_warning[0]
    # Tracking numbers are ids too (SPEC 1.1).
    tracking_warning = [w for w in warnings if "tracking-number" in w]
    assert len(tracking_warning) == 1
    assert tracking_warning[0].startswith("15 values")
    # The example is a real one from the file, with its line.
    assert "2.77343E+11 at line 4" in tracking_warning[0]


def test_mfn_returns_short_row_is_padded_and_used() -> None:
    result = _load("returns_mfn_us_2025.tsv")
    frame = result.frames["mfn_returns"]
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["order_id"] == "113-6277818-6289068"
    # `A-to-Z Claim` N is a real False, not unknown.
    assert not pd.isna(row["a_to_z_claim"])
    assert bool(row["a_to_z_claim"]) is False
    assert row["return_date"] == pd.Timestamp("2025-07-14")
    assert row["order_date"] == pd.Timestamp("2025-07-10")
    assert row["sku"] == "PANEC-925SS-IT"
    assert row["quantity"] == 2
    assert row["return_reason"] == "AMZ-PG-WJ-TOO-SMALL"
    # `Refunded Amount` is past the end of the short row: padded, so empty, not an error.
    assert pd.isna(row["refunded_amount"])
    assert result.inputs[0].skipped == {}


def test_fba_returns_values() -> None:
    row = _load("returns_fba_us_2025.tsv").frames["fba_returns"].iloc[0]
    assert row["order_id"] == "114-2962899-5762619"
    assert row["return_ts"] == pd.Timestamp("2025-06-05T15:31:40Z")
    assert row["sku"] == "LVA1004-UPC"
    assert row["quantity"] == 1
    assert row["return_reason"] == "NOT_COMPATIBLE"


def test_seller_performance_json_is_recognised() -> None:
    result = _load("seller_performance_v2_example.json")
    info = result.inputs[0].to_dict()
    assert info["kind"] == "seller_performance"
    assert info["rows"] == 1
    assert result.frames == {}
    [(label, document)] = result.seller_performance
    assert label.endswith("seller_performance_v2_example.json")
    assert isinstance(document["performanceMetrics"], list)


def test_the_whole_folder_loads_with_the_readme_skipped() -> None:
    result = load_inputs([FORMATS], marketplace=get_marketplace("US"))
    assert result.problems == []
    assert any("README.md" in note for note in result.notes)
    kinds = sorted(i.kind or "" for i in result.inputs)
    assert kinds == [
        "all_orders",
        "all_orders",
        "fba_returns",
        "fba_shipments",
        "mfn_returns",
        "order_report",
        "order_report",
        "seller_performance",
    ]
    # Two All Orders files with different orders: nothing is a duplicate.
    assert len(result.frames["all_orders"]) == 14
    assert len(result.frames["order_report"]) == 4
    assert set(result.frames["all_orders"]["_file"]) == {
        i for i, info in enumerate(result.inputs) if info.kind == "all_orders"
    }
