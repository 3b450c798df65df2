"""Columns of a few distinct values (`Column.repeated`) are Categoricals of their stripped values, categories
sorted, never missing: the same from pyarrow's fast path and from the exact reader, one file or several."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from healthcheck.loaders import load_inputs
from healthcheck.loaders.kinds import FLAT_KINDS
from healthcheck.loaders.repeated import categorical_text, concat
from healthcheck.marketplaces import get_marketplace

US = get_marketplace("US")
FORMATS = Path(__file__).resolve().parents[2].parent / "shared" / "formats"
REPEATED = sorted({(kind.kind, c.field) for kind in FLAT_KINDS for c in kind.columns if c.repeated})

AO_HEADER = "amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\tsales-channel\titem-status"
SC_HEADER = "order-id\tship-date\tcarrier-code\tcarrier-name\ttracking-number"


def ao(order: int, status: str, channel: str = "Amazon.com") -> str:
    return f"111-0000000-{order:07d}\t2024-04-01T10:00:00+00:00\t{status}\tMerchant\t{channel}\t{status}"


def write(path: Path, header: str, *rows: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def assert_shape(column: pd.Series) -> None:
    """The one shape of a repeated column: a Categorical, categories sorted and distinct, nothing missing."""
    assert isinstance(column.dtype, pd.CategoricalDtype)
    categories = list(column.cat.categories)
    assert categories == sorted(set(categories))
    assert not column.isna().any()


def test_repeated_columns_are_the_large_reports_statuses_channels_and_carriers() -> None:
    assert ("all_orders", "order_status") in REPEATED
    assert ("ship_confirmations", "carrier_code") in REPEATED
    assert all(field not in ("order_id", "order_item_id", "tracking_number") for _, field in REPEATED)


def test_a_clean_file_and_one_the_exact_reader_reads_give_the_same_columns(tmp_path: Path) -> None:
    rows = [ao(1, "Unshipped"), ao(2, "Shipped"), ao(3, "Cancelled"), ao(4, "Shipped")]
    clean = load_inputs([write(tmp_path / "a" / "orders.txt", AO_HEADER, *rows)], marketplace=US)
    # A row of only tabs sends the file to the exact reader (it is skipped there, not data).
    exact = load_inputs([write(tmp_path / "b" / "orders.txt", AO_HEADER, *rows, "\t\t\t\t\t")], marketplace=US)
    assert exact.inputs[0].rows == clean.inputs[0].rows == 4
    fast, slow = clean.frames["all_orders"], exact.frames["all_orders"]
    for field in ("order_status", "fulfillment_channel", "sales_channel", "item_status"):
        assert_shape(fast[field])
        pd.testing.assert_series_equal(fast[field], slow[field])
    assert list(fast["order_status"].cat.categories) == ["Cancelled", "Shipped", "Unshipped"]
    assert fast["order_status"].tolist() == ["Unshipped", "Shipped", "Cancelled", "Shipped"]


def test_values_that_differ_in_white_space_are_one_stripped_category() -> None:
    raw = pd.Series([" Shipped", "Shipped ", "Cancelled", "", None, "Shipped"], dtype="str")
    column, empty = categorical_text(raw)
    assert_shape(column)
    assert column.tolist() == ["Shipped", "Shipped", "Cancelled", "", "", "Shipped"]
    assert list(column.cat.categories) == ["", "Cancelled", "Shipped"]
    assert empty.tolist() == [False, False, False, True, True, False]
    again, _ = categorical_text(column)  # a Categorical already: the same column
    pd.testing.assert_series_equal(again, column)


def test_sorting_and_grouping_read_as_the_strings_did() -> None:
    raw = pd.Series(["Unshipped", "Pending", "Shipped", "Cancelled", "Pending"], dtype="str")
    column, _ = categorical_text(raw)
    assert column.sort_values().tolist() == raw.sort_values().tolist()
    assert column.groupby(column, observed=True).size().to_dict() == raw.groupby(raw).size().to_dict()
    assert (column == "Pending").tolist() == (raw == "Pending").tolist()
    assert column.isin(["Shipped", "Cancelled"]).tolist() == raw.isin(["Shipped", "Cancelled"]).tolist()


def test_downloads_with_other_values_and_a_missing_column_concatenate_as_one_categorical(tmp_path: Path) -> None:
    first = write(tmp_path / "r" / "a.txt", AO_HEADER, ao(1, "Shipped"), ao(2, "Shipped"))
    # The second download has no sales channel, and statuses the first has not.
    second = write(
        tmp_path / "r" / "b.txt",
        "amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\titem-status",
        "111-0000000-0000003\t2024-04-01T10:00:00+00:00\tPending\tAmazon\tUnshipped",
        "111-0000000-0000004\t2024-04-01T10:00:00+00:00\tCancelled\tAmazon\tCancelled",
    )
    frame = load_inputs([first, second], marketplace=US).frames["all_orders"]
    for field in ("order_status", "fulfillment_channel", "sales_channel", "item_status"):
        assert_shape(frame[field])
    assert frame["order_status"].tolist() == ["Shipped", "Shipped", "Pending", "Cancelled"]
    assert frame["sales_channel"].tolist() == ["Amazon.com", "Amazon.com", "", ""]
    assert list(frame["fulfillment_channel"].cat.categories) == ["Amazon", "Merchant"]


def test_concat_of_frames_without_categoricals_is_pandas_own() -> None:
    a = pd.DataFrame({"x": pd.Series(["p"], dtype="str"), "n": [1]})
    b = pd.DataFrame({"x": pd.Series(["q"], dtype="str"), "n": [2]})
    pd.testing.assert_frame_equal(concat([a, b]), pd.concat([a, b], ignore_index=True))


@pytest.mark.skipif(not FORMATS.is_dir(), reason=f"{FORMATS} is not checked out beside the repo")
def test_two_real_all_orders_downloads_of_two_marketplaces_share_their_channels() -> None:
    """The real IT and US downloads of `shared/formats`: one kind from two files whose channels differ."""
    files = [FORMATS / "all_orders_it_2017_scrubbed.tsv", FORMATS / "all_orders_us_fba_2020.tsv"]
    loaded = load_inputs(files, marketplace=US)
    frame = loaded.frames["all_orders"]
    assert_shape(frame["sales_channel"])
    assert {"Amazon.it", "Amazon.com"} <= set(frame["sales_channel"].cat.categories)
    alone = [load_inputs([f], marketplace=US).frames["all_orders"]["sales_channel"] for f in files]
    assert frame["sales_channel"].value_counts().to_dict() == pd.concat(alone).astype("str").value_counts().to_dict()
