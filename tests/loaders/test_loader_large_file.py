"""A large report read from its file (issue 16) gives exactly what reading its bytes gives, or leaves the file to
that reader: checked on real rows of Seller Central downloads and on every way a file can be unusual."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from healthcheck.loaders import load_inputs
from healthcheck.loaders.large_file import read_large
from healthcheck.loaders.reader import RawTable, read_table
from healthcheck.marketplaces import get_marketplace

FORMATS = Path(__file__).resolve().parents[2].parent / "shared" / "formats"
pytestmark = pytest.mark.skipif(not FORMATS.is_dir(), reason=f"{FORMATS} is not checked out beside the repo")


def _lines(name: str) -> tuple[bytes, list[bytes]]:
    header, *rows = (FORMATS / name).read_bytes().splitlines()
    return header, rows


def _report(name: str, copies: int = 40) -> bytes:
    """A real download's rows, many times over (ids made distinct, so none is a copy of another)."""
    header, rows = _lines(name)
    body = [row.replace(b"-", b"-%d" % n, 1) for n in range(copies) for row in rows]
    return b"\n".join([header, *body]) + b"\n"


def _same(large: RawTable, whole: RawTable) -> None:
    assert (large.kind, large.encoding, large.delimiter, large.rows) == (
        whole.kind,
        whole.encoding,
        whole.delimiter,
        whole.rows,
    )
    assert (large.bad_rows, large.repeated_headers, large.problems, large.warnings) == (0, 0, [], [])
    pd.testing.assert_frame_equal(large.frame, whole.frame)


def _both(tmp_path: Path, data: bytes, name: str = "report.txt") -> tuple[RawTable | None, RawTable]:
    path = tmp_path / name
    path.write_bytes(data)
    # A buffer of 4 KB puts segment ends everywhere in these files.
    large = read_large(path, name, include_pii=False, at_least=0, scan_bytes=4096)
    return large, read_table(data, name, marketplace="US")


@pytest.mark.parametrize(
    "name",
    [
        "all_orders_us_fba_2020.tsv",
        "all_orders_it_2017_scrubbed.tsv",
        "fba_shipments_jp_2017.tsv",
        "order_report_unshipped_in_2025.tsv",
        "order_report_us_2017.tsv",
    ],
)
def test_a_real_download_read_from_its_file_equals_reading_its_bytes(tmp_path: Path, name: str) -> None:
    large, whole = _both(tmp_path, _report(name))
    assert large is not None, "a clean download takes the large-file path"
    _same(large, whole)


@pytest.mark.parametrize(
    "ending",
    [
        pytest.param(lambda d: d.replace(b"\n", b"\r\n"), id="CRLF"),
        pytest.param(lambda d: d.rstrip(b"\n"), id="no final line break"),
        pytest.param(lambda d: d.replace(b"Pillow", "Kissen für Büro".encode()), id="UTF-8 letters"),
        pytest.param(lambda d: b"Report title\n\n" + d, id="lines before the header"),
    ],
)
def test_clean_variants_are_read_from_the_file(tmp_path: Path, ending: object) -> None:
    assert callable(ending)
    large, whole = _both(tmp_path, ending(_report("all_orders_us_fba_2020.tsv")))
    assert large is not None
    _same(large, whole)


def _repeat_header(data: bytes, mark: bytes = b"") -> bytes:
    header, _, body = data.partition(b"\n")
    middle = body.index(b"\n", len(body) // 2) + 1
    return header + b"\n" + body[:middle] + mark + header + b"\n" + body[middle:]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: b"\xef\xbb\xbf" + d, id="byte-order mark"),
        pytest.param(lambda d: d.replace(b"Pillow", b"Kissen f\xfcr B\xfcro", 1), id="one cp1252 line"),
        pytest.param(lambda d: d.replace(b"Pillow", b"Kissen f\xfcr B\xfcro"), id="cp1252 throughout"),
        pytest.param(_repeat_header, id="two downloads joined"),
        pytest.param(lambda d: _repeat_header(d, b"\xef\xbb\xbf"), id="joined, the second with a byte-order mark"),
        pytest.param(lambda d: d + b"\n\n", id="blank lines at the end"),
        pytest.param(lambda d: d.replace(b"\n", b"\n\n", 5), id="blank lines inside"),
        pytest.param(lambda d: d.replace(b"\tShipped\t", b"\tShipped\textra\t", 1), id="a long row"),
        pytest.param(lambda d: d.replace(b"\n", b"\r"), id="classic Mac line breaks"),
        pytest.param(lambda d: d.replace(b"\n", b"\tx" * 3000 + b"\n", 1), id="a line longer than the buffer"),
    ],
)
def test_an_unusual_file_is_left_to_the_whole_file_reader(tmp_path: Path, change: object) -> None:
    assert callable(change)
    data = change(_report("all_orders_us_fba_2020.tsv"))
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    assert read_large(path, "report.txt", include_pii=False, at_least=0, scan_bytes=4096) is None


def test_a_quoted_comma_file_is_read_from_the_file_unless_a_field_spans_lines(tmp_path: Path) -> None:
    header, rows = _lines("all_orders_us_fba_2020.tsv")
    quoted = [b",".join(b'"%s"' % f.replace(b'"', b'""') for f in line.split(b"\t")) for line in [header, *rows]]
    data = b"\n".join(quoted) + b"\n"
    large, whole = _both(tmp_path, data)
    assert large is not None
    _same(large, whole)
    spans = data.replace(b"Trendy Home", b"Trendy\nHome", 1)
    large, whole = _both(tmp_path, spans)
    assert large is None and whole.rows == len(rows)


def test_rows_shorter_than_the_header_are_left_to_the_whole_file_reader(tmp_path: Path) -> None:
    """Amazon's returns download leaves out a row's trailing empty fields: the exact reader pads them."""
    large, whole = _both(tmp_path, _report("returns_mfn_us_2025.tsv"))
    assert large is None
    assert whole.rows == 40 and whole.bad_rows == 0


@pytest.mark.parametrize("name", ["not_a_report.txt", "performance.json"])
def test_what_is_not_a_report_is_left_to_the_whole_file_reader(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b'{"a": 1}\n' if name.endswith(".json") else b"hello\tworld\n" * 50)
    assert read_large(path, name, include_pii=False, at_least=0) is None


def test_a_small_file_is_read_from_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(_report("all_orders_us_fba_2020.tsv", copies=1))
    assert read_large(path, "report.txt", include_pii=False) is None


def test_loading_a_folder_with_a_large_report_gives_what_loading_its_bytes_gives(tmp_path: Path) -> None:
    """Through `load_inputs`: the same frames, summary and problems for a file on disk and for the same file in a
    zip (always read from its bytes)."""
    import zipfile

    data = _report("all_orders_us_fba_2020.tsv", copies=120_000 // 13 * 3)
    assert len(data) > 32 << 20
    folder, zipped = tmp_path / "folder", tmp_path / "zipped"
    folder.mkdir()
    zipped.mkdir()
    (folder / "all_orders.txt").write_bytes(data)
    with zipfile.ZipFile(zipped / "reports.zip", "w") as archive:
        archive.writestr("all_orders.txt", data)
    market = get_marketplace("US")
    on_disk, in_zip = load_inputs([folder], marketplace=market), load_inputs([zipped], marketplace=market)
    pd.testing.assert_frame_equal(on_disk.frames["all_orders"], in_zip.frames["all_orders"])
    assert [(i.kind, i.rows, i.encoding, dict(i.skipped)) for i in on_disk.inputs] == [
        (i.kind, i.rows, i.encoding, dict(i.skipped)) for i in in_zip.inputs
    ]
    assert on_disk.problems == in_zip.problems == []


@pytest.mark.parametrize("most", [512, 777, 1024, 1999, 4096])
def test_the_checking_pass_holds_wherever_its_buffer_ends(tmp_path: Path, most: int) -> None:
    """Arrow no longer checks each value for UTF-8 (the pass has): a line split between two of the pass's reads
    is checked whole, so a repeated header or a byte of another encoding is found wherever a read ends, and a
    clean file still reads."""
    data = _report("all_orders_us_fba_2020.tsv", copies=8).replace(b"Pillow", "Kissen für Büro".encode())
    path = tmp_path / "report.txt"
    starts = [0, *(i + 1 for i in range(len(data)) if data[i : i + 1] == b"\n")][1:-1]
    for at in starts[:: max(len(starts) // 12, 1)]:
        for changed in (data[:at] + data[: data.index(b"\n") + 1] + data[at:], data[:at] + b"\xfc" + data[at:]):
            path.write_bytes(changed)
            assert read_large(path, "report.txt", include_pii=False, at_least=0, scan_bytes=most) is None, at
    path.write_bytes(data)
    large = read_large(path, "report.txt", include_pii=False, at_least=0, scan_bytes=most)
    assert large is not None
    _same(large, read_table(data, "report.txt", marketplace="US"))


def test_a_value_equal_to_its_column_name_is_left_to_the_whole_file_reader(tmp_path: Path) -> None:
    """A tab file's repeated header is found by one column holding its own name (no search of the bytes): a row
    whose value merely equals that name goes to the whole-file reader too, which reads it as the data it is."""
    header, rows = _lines("all_orders_us_fba_2020.tsv")
    names = header.split(b"\t")
    status = names.index(b"order-status")
    odd = rows[0].split(b"\t")
    odd[status] = b"order-status"
    data = b"\n".join([header, *rows, b"\t".join(odd)]) + b"\n"
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    assert read_large(path, "report.txt", include_pii=False, at_least=0) is None
    whole = read_table(data, "report.txt", marketplace="US")
    assert whole.rows == len(rows) + 1 and whole.repeated_headers == 0


@pytest.mark.parametrize("mark", [b"", b"\xef\xbb\xbf"])
def test_a_comma_file_with_its_header_repeated_is_left_to_the_whole_file_reader(tmp_path: Path, mark: bytes) -> None:
    """Comma files keep the checking pass's search of the bytes for the header line (their fields may be quoted)."""
    header, rows = _lines("all_orders_us_fba_2020.tsv")
    quoted = [b",".join(b'"%s"' % f.replace(b'"', b'""') for f in line.split(b"\t")) for line in [header, *rows]]
    data = b"\n".join(quoted) + b"\n"
    large, _ = _both(tmp_path, data)
    assert large is not None
    path = tmp_path / "joined.txt"
    path.write_bytes(data + mark + data)
    assert read_large(path, "joined.txt", include_pii=False, at_least=0, scan_bytes=4096) is None
    assert read_table(data + mark + data, "joined.txt", marketplace="US").repeated_headers == 1
