"""`load_inputs`: folders, zips, JSON, bad inputs and de-duplication across files (SPEC 1, 1.5, 6)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from healthcheck.loaders import LoadResult, load_inputs, order_ids, reader
from healthcheck.marketplaces import get_marketplace

US = get_marketplace("US")

AO_HEADER = (
    "amazon-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\tsku\titem-status\tquantity"
)
OR_HEADER = "order-id\torder-item-id\tpurchase-date\tsku\tquantity-purchased\tis-buyer-requested-cancellation"
FEEDBACK_HEADER = "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email"


def ao(order: str, sku: str = "A", updated: str = "2024-04-02T00:00:00+00:00", status: str = "Shipped") -> str:
    return f"111-0000000-{order}\t2024-04-01T10:00:00+00:00\t{updated}\t{status}\tMerchant\t{sku}\t{status}\t1"


def write(path: Path, header: str, *rows: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode())
    return path


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def summary(result: LoadResult) -> list[dict[str, object]]:
    return [i.to_dict() for i in result.inputs]


# -- folders, zips, paths ----------------------------------------------------------------------------------------


def test_folder_skips_non_reports_with_a_note(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    write(folder / "orders.txt", AO_HEADER, ao("0000001"))
    write(folder / "sub" / "more.tsv", AO_HEADER, ao("0000002"))
    (folder / "README.md").write_text("# my notes\n")
    (folder / "screenshot.png").write_bytes(b"\x89PNG")
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    result = load_inputs([folder], marketplace=US)
    assert result.problems == []
    assert [Path(i.path).name for i in result.inputs] == ["orders.txt", "more.tsv"]
    assert any("README.md" in n and "skipped" in n for n in result.notes)
    assert any("screenshot.png" in n for n in result.notes)
    assert len(result.frames["all_orders"]) == 2


@pytest.mark.parametrize("content", [{}, {"README.md": "nothing here"}, {"notes.docx": "x", ".hidden.txt": "x"}])
def test_folder_with_no_report_is_a_problem(tmp_path: Path, content: dict[str, str]) -> None:
    for name, text in content.items():
        (tmp_path / name).write_text(text)
    result = load_inputs([tmp_path], marketplace=US)
    assert [p.type for p in result.problems] == ["no_reports"]
    assert result.problems[0].path == str(tmp_path)
    assert result.frames == {}


def test_zip_members_are_inputs(tmp_path: Path) -> None:
    archive = tmp_path / "archive.zip"
    archive.write_bytes(
        zip_bytes(
            {
                "member.txt": ("\n".join([AO_HEADER, ao("0000001"), ao("0000002")]) + "\n").encode(),
                "reports/confirm.txt": (
                    b"order-id\tship-date\ttracking-number\tcarrier-code\n111-0000000-0000001\t2024-04-02\t1Z999\tUPS\n"
                ),
                "reports/": b"",
                "README.md": b"# notes\n",
            }
        )
    )
    result = load_inputs([archive], marketplace=US)
    assert result.problems == []
    assert [(i.path, i.kind, i.rows) for i in result.inputs] == [
        (f"{archive}/member.txt", "all_orders", 2),
        (f"{archive}/reports/confirm.txt", "ship_confirmations", 1),
    ]
    assert any("archive.zip/README.md" in n for n in result.notes)
    assert result.frames["ship_confirmations"]["tracking_number"].tolist() == ["1Z999"]


def test_zip_inside_a_folder(tmp_path: Path) -> None:
    (tmp_path / "dl.zip").write_bytes(zip_bytes({"a.txt": ("\n".join([AO_HEADER, ao("0000001")]) + "\n").encode()}))
    result = load_inputs([tmp_path], marketplace=US)
    assert result.problems == []
    assert [i.path for i in result.inputs] == [f"{tmp_path / 'dl.zip'}/a.txt"]


@pytest.mark.parametrize(
    "data",
    [
        zip_bytes({}),
        b"PK\x03\x04 this is not really a zip",
        b"not a zip at all",
        zip_bytes({"a.txt": b"x" * 100})[:60],  # truncated download
    ],
    ids=["empty", "bad-magic", "text", "truncated"],
)
def test_bad_zip_is_a_problem_not_a_crash(tmp_path: Path, data: bytes) -> None:
    bad = tmp_path / "archive.zip"
    bad.write_bytes(data)
    good = write(tmp_path / "orders.txt", AO_HEADER, ao("0000001"))
    result = load_inputs([bad, good], marketplace=US)
    assert [(p.type, p.path) for p in result.problems] == [("bad_archive", str(bad))]
    assert len(result.frames["all_orders"]) == 1


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    good = write(tmp_path / "orders.txt", AO_HEADER, ao("0000001"))
    missing = tmp_path / "nope.txt"
    result = load_inputs([missing, good], marketplace=US)
    assert [(p.type, p.path) for p in result.problems] == [("unreadable", str(missing))]
    assert "no such file" in result.problems[0].message
    assert len(result.frames["all_orders"]) == 1


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    files = [
        tmp_path / "empty.txt",
        write(tmp_path / "unknown.txt", "order-id\tbar", "1\t2"),
        write(tmp_path / "orders.txt", AO_HEADER, ao("0000001")),
    ]
    files[0].write_bytes(b"")
    result = load_inputs(files, marketplace=US)
    assert [(p.type, Path(p.path).name) for p in result.problems] == [
        ("empty_file", "empty.txt"),
        ("unknown_header", "unknown.txt"),
    ]
    assert [i.kind for i in result.inputs] == [None, None, "all_orders"]
    assert len(result.frames["all_orders"]) == 1


# -- JSON ---------------------------------------------------------------------------------------------------------


def test_json_inputs(tmp_path: Path) -> None:
    perf = tmp_path / "perf"  # no extension, with a BOM: recognised by content
    perf.write_bytes(b"\xef\xbb\xbf" + json.dumps({"performanceMetrics": [{"x": 1}]}).encode())
    other = tmp_path / "other.json"  # a tool's settings: not a report (SPEC 1.2 rev 2), a note
    other.write_text(json.dumps({"hello": 1}))
    damaged = tmp_path / "damaged.json"  # Amazon's report without its metrics
    damaged.write_text(json.dumps({"accountStatuses": []}))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = load_inputs([perf, other, damaged, broken], marketplace=US)
    assert [(p.type, Path(p.path).name) for p in result.problems] == [
        ("unknown_header", "damaged.json"),
        ("bad_json", "broken.json"),
    ]
    assert any(n.startswith(f"{other}: not a Seller Central report") for n in result.notes)
    assert summary(result)[0] == {
        "path": str(perf),
        "kind": "seller_performance",
        "encoding": "utf-8-sig",
        "rows": 1,
        "used_rows": 1,
        "skipped": {},
        "warnings": [],
    }
    assert result.seller_performance == [(str(perf), {"performanceMetrics": [{"x": 1}]})]


# -- bad rows and the summary -------------------------------------------------------------------------------------


def test_bad_rows_are_counted_and_reported_with_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "orders.txt",
        AO_HEADER,
        ao("0000001"),
        ao("0000002").replace("2024-04-01T10:00:00+00:00", "yesterday"),
        ao("0000003") + "\textra",
        ao("0000004"),
    )
    result = load_inputs([path], marketplace=US)
    info = summary(result)[0]
    assert (info["rows"], info["used_rows"], info["skipped"]) == (4, 2, {"bad_row": 2})
    assert sorted((p.type, p.path, p.line) for p in result.problems) == [
        ("bad_row", str(path), 3),
        ("bad_row", str(path), 4),
    ]
    assert list(info) == ["path", "kind", "encoding", "rows", "used_rows", "skipped", "warnings"]


def test_more_than_fifty_bad_rows_are_all_counted(tmp_path: Path) -> None:
    rows = [ao(f"{n:07d}").replace("2024-04-01T10", "never" if n % 2 else "2024-04-01T10") for n in range(200)]
    result = load_inputs([write(tmp_path / "orders.txt", AO_HEADER, *rows)], marketplace=US)
    info = summary(result)[0]
    # Every row is used or counted (SPEC 1.5): none vanish past the listed problems.
    assert (info["rows"], info["used_rows"], info["skipped"]) == (200, 100, {"bad_row": 100})
    assert len(result.frames["all_orders"]) == 100


def test_downloads_with_and_without_amazon_order_ids_keep_every_id(tmp_path: Path) -> None:
    """An order source's Amazon order ids are held as their numbers only; a download of the same kind whose ids are
    not all Amazon ones brings the strings back for every row, and de-duplication still compares the ids."""
    from healthcheck.loaders import ORDER_NO

    amazon = write(tmp_path / "a.txt", AO_HEADER, ao("0000001"), ao("0000002"))
    other = write(
        tmp_path / "b.txt", AO_HEADER, ao("0000002"), ao("0000002").replace("111-0000000-0000002", "ORDER-7", 1)
    )
    alone = load_inputs([amazon], marketplace=US).frames["all_orders"]
    assert "order_id" not in alone.columns and ORDER_NO in alone.columns
    assert order_ids(alone).tolist() == ["111-0000000-0000001", "111-0000000-0000002"]
    result = load_inputs([amazon, other], marketplace=US)
    frame = result.frames["all_orders"]
    assert ORDER_NO not in frame.columns
    assert sorted(frame["order_id"]) == ["111-0000000-0000001", "111-0000000-0000002", "ORDER-7"]
    assert order_ids(frame).equals(frame["order_id"])
    assert result.fields["all_orders"] >= {"order_id", "sku"}
    assert summary(result)[1]["skipped"] == {"duplicate": 1}


# -- de-duplication (SPEC 1.5) ------------------------------------------------------------------------------------


def test_all_orders_overlap_later_last_updated_wins(tmp_path: Path) -> None:
    # The first file is the NEWER download of order 1 (a later last-updated-date): order does not matter.
    newer = write(
        tmp_path / "a.txt",
        AO_HEADER,
        ao("0000001", updated="2024-04-05T00:00:00+00:00", status="Cancelled"),
        ao("0000002"),
        ao("0000003", sku="B"),
    )
    older = write(
        tmp_path / "b.txt",
        AO_HEADER,
        ao("0000001", updated="2024-04-02T00:00:00+00:00", status="Unshipped"),
        ao("0000002"),  # identical: dropped
        ao("0000003", sku="C"),  # another item of the same order: kept
        ao("0000004"),
    )
    result = load_inputs([newer, older], marketplace=US)
    frame = result.frames["all_orders"]
    frame = frame.assign(order_id=order_ids(frame)).sort_values(["order_id", "sku"])
    assert frame["order_id"].str[-1].tolist() == ["1", "2", "3", "3", "4"]
    assert frame["order_status"].tolist()[0] == "Cancelled"
    a, b = summary(result)
    assert (a["rows"], a["used_rows"], a["skipped"]) == (3, 3, {})
    assert (b["rows"], b["used_rows"], b["skipped"]) == (4, 2, {"duplicate": 2})
    assert any("later last-updated-date" in w for w in result.inputs[1].warnings)
    assert result.frames["all_orders"]["_file"].value_counts().to_dict() == {0: 3, 1: 2}


def test_all_orders_same_last_updated_later_file_wins(tmp_path: Path) -> None:
    first = write(tmp_path / "a.txt", AO_HEADER, ao("0000001", status="Pending"))
    second = write(tmp_path / "b.txt", AO_HEADER, ao("0000001", status="Shipped"))
    result = load_inputs([first, second], marketplace=US)
    assert result.frames["all_orders"]["order_status"].tolist() == ["Shipped"]
    assert [i.skipped.get("duplicate", 0) for i in result.inputs] == [1, 0]


def test_all_orders_files_with_different_optional_columns(tmp_path: Path) -> None:
    """A file without `order-item-id`/`sku` beside one with them must not collapse its rows into one."""
    with_item = write(
        tmp_path / "a.txt",
        "amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\titem-status\torder-item-id\tsku",
        "111-0000000-0000001\t2024-04-01T10:00:00+00:00\tShipped\tMFN\tShipped\t123\tA",
    )
    without = write(
        tmp_path / "b.txt",
        "amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\titem-status",
        *(f"111-0000000-000000{n}\t2024-04-01T10:00:00+00:00\tShipped\tMFN\tShipped" for n in range(2, 7)),
    )
    result = load_inputs([with_item, without], marketplace=US)
    assert len(result.frames["all_orders"]) == 6
    assert [i.used_rows for i in result.inputs] == [1, 5]
    assert all(not i.skipped for i in result.inputs)


def test_order_report_overlap(tmp_path: Path) -> None:
    first = write(
        tmp_path / "a.txt",
        OR_HEADER,
        "111-0000000-0000001\t1001\t2024-04-01T10:00:00+00:00\tA\t1\tfalse",
        "111-0000000-0000001\t1002\t2024-04-01T10:00:00+00:00\tB\t1\tfalse",
    )
    second = write(
        tmp_path / "b.txt",
        OR_HEADER,
        "111-0000000-0000001\t1001\t2024-04-01T10:00:00+00:00\tA\t1\ttrue",  # updated: the later file wins
        "111-0000000-0000001\t1002\t2024-04-01T10:00:00+00:00\tB\t1\tfalse",  # identical
    )
    result = load_inputs([first, second], marketplace=US)
    frame = result.frames["order_report"].sort_values("sku")  # items 1001 and 1002
    assert frame["sku"].tolist() == ["A", "B"]
    assert frame["buyer_requested"].tolist() == [True, False]
    assert [i.skipped.get("duplicate", 0) for i in result.inputs] == [1, 1]


def test_rows_differing_only_in_an_unread_column_are_identical(tmp_path: Path) -> None:
    """The product name is not read (nothing uses it): a download that renamed a product repeats the same item."""
    header = "amazon-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\tsku\titem-status"
    row = "111-0000000-0000001\t2024-04-01T10:00:00+00:00\t2024-04-02T00:00:00+00:00\tShipped\tMFN\tA\tShipped"
    first = write(tmp_path / "a.txt", header + "\tproduct-name", row + "\tPillow")
    second = write(tmp_path / "b.txt", header + "\tproduct-name", row + "\tPillow, grey")
    result = load_inputs([first, second], marketplace=US)
    assert len(result.frames["all_orders"]) == 1
    assert "product_name" not in result.frames["all_orders"]
    assert result.inputs[1].skipped == {"duplicate": 1}
    assert result.inputs[1].warnings == []  # identical, not an older version


def test_identical_feedback_in_two_downloads_counts_once(tmp_path: Path) -> None:
    row = "4/5/24\t1\tBroken\t\t111-1234567-1234567\tredacted@marketplace.amazon.com"
    other = "4/6/24\t5\tGreat\t\t222-1234567-1234567\tredacted@marketplace.amazon.com"
    first = write(tmp_path / "a.txt", FEEDBACK_HEADER, row)
    second = write(tmp_path / "b.txt", FEEDBACK_HEADER, row, other)
    result = load_inputs([first, second], marketplace=US)
    assert sorted(result.frames["feedback"]["order_id"]) == ["111-1234567-1234567", "222-1234567-1234567"]
    assert [i.used_rows for i in result.inputs] == [1, 1]
    assert result.inputs[1].skipped == {"duplicate": 1}


# -- a big file ---------------------------------------------------------------------------------------------------


def test_two_hundred_thousand_rows_load(tmp_path: Path) -> None:
    rows = 200_000
    rng = np.random.default_rng(7)
    # ~1.3 items per order: each row starts a new order with probability 1/1.3.
    order_numbers = np.cumsum(rng.random(rows) < 1 / 1.3)
    item = pd.Series(np.arange(rows)).groupby(order_numbers).cumcount().to_numpy()
    seconds = rng.integers(0, 60 * 86400, rows)
    purchase = pd.to_datetime("2024-03-01T00:00:00Z") + pd.to_timedelta(seconds, unit="s")
    stamp = pd.Series(purchase.strftime("%Y-%m-%dT%H:%M:%S+00:00"))
    ids = pd.Series(order_numbers).map(lambda n: f"111-{n // 10_000_000:07d}-{n % 10_000_000:07d}")
    skus = pd.Series(item).map(lambda n: f"SKU-{n}")
    body = ids + "\t" + stamp + "\t" + stamp + "\tShipped\tMerchant\t" + skus + "\tShipped\t1"
    path = tmp_path / "big.txt"
    path.write_bytes((AO_HEADER + "\n" + "\n".join(body) + "\n").encode())
    result = load_inputs([path], marketplace=US)
    assert result.problems == []
    info = summary(result)[0]
    assert (info["rows"], info["used_rows"], info["skipped"]) == (rows, rows, {})
    frame = result.frames["all_orders"]
    assert len(frame) == rows
    assert order_ids(frame).nunique() == int(order_numbers[-1]) + 1 - int(order_numbers[0])
    table = reader.read_table(path.read_bytes(), "big.txt", marketplace="US")  # the line numbers, on the fast path
    assert not table.read_exactly and table.frame["_line"].iloc[-1] == rows + 1
    assert frame["purchase_ts"].notna().all()


def test_a_zip_member_with_an_unsupported_compression_is_a_clean_problem(tmp_path: Path) -> None:
    """Method 99 (AES, from 7-Zip/WinZip) cannot be unpacked by Python: say so, and read the other members."""
    import io
    import zipfile

    from healthcheck.loaders import load_inputs
    from healthcheck.marketplaces import get_marketplace

    report = b"order-id\tclaim-type\tstatus\tclaim-date\n111-0000001-0000001\ta-to-z\topen\t2024-05-01\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("locked.txt", report)
        archive.writestr("claims.txt", report)
    data = bytearray(buffer.getvalue())
    # Rewrite the first member's method (local header offset 8, central directory entry offset 10) to 99.
    data[8:10] = (99).to_bytes(2, "little")
    central = data.index(b"PK\x01\x02")
    data[central + 10 : central + 12] = (99).to_bytes(2, "little")
    path = tmp_path / "reports.zip"
    path.write_bytes(bytes(data))
    result = load_inputs([path], marketplace=get_marketplace("US"))
    assert [p.type for p in result.problems] == ["bad_archive"]
    assert "compression method 99" in result.problems[0].message
    assert result.problems[0].path.endswith("reports.zip/locked.txt")
    assert [i.kind for i in result.inputs] == ["claims"]


def test_columns_read_only_for_loading_are_let_go_of_once_de_duplicated(tmp_path: Path) -> None:
    """Order-item ids tell an order's items apart while the downloads are de-duplicated (SPEC 1.5); nothing reads
    them after, so the frames do not keep them (`Column.kept`), nor the line numbers."""
    row = "111-0000000-0000001\t{item}\t2024-04-01T10:00:00+00:00\tA\t1\tfalse"
    path = write(tmp_path / "or.txt", OR_HEADER, row.format(item=1), row.format(item=2), row.format(item=2))
    result = load_inputs([path], marketplace=US)
    frame = result.frames["order_report"]
    assert len(frame) == 2
    assert result.inputs[0].skipped == {"duplicate": 1}
    assert "order_item_id" not in frame.columns and "_line" not in frame.columns
    assert "order_item_id" in result.fields["order_report"]  # the file carried it
