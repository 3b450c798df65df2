"""The fast paths give exactly what the plain pandas code they replace gives (issue: performance).

Each vectorised shortcut (arrow hash joins, integer codes, narrowed de-duplication, arrow parsers) is checked
against the straightforward pandas expression on random data, edge cases included: missing values, duplicate
keys, ids whose digits collide, values a fast path must refuse.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthcheck.joins import lookup, member, positions
from healthcheck.loaders import input_size, load_inputs
from healthcheck.loaders.dedup import duplicated_rows
from healthcheck.loaders.parse import (
    blank,
    clean_text,
    clean_text_and_blank,
    parse_bools,
    parse_floats,
    parse_instants,
    parse_ints,
)
from healthcheck.marketplaces import get_marketplace
from healthcheck.model import AuditData
from healthcheck.order_keys import OrderKeys, sorted_codes
from healthcheck.report.json_report import dumps
from healthcheck.sanitize import scrub

IDS = ["111-0000001-0000001", "111-0000001-0000002", "1110000001-0000001", "112-9999999-0000000", "a", "", "A"]
ids = st.lists(st.one_of(st.sampled_from(IDS), st.none()), max_size=40)


def _reference_positions(keys: list[str | None], index: list[str | None]) -> list[int]:
    out = []
    for key in keys:
        hits = [i for i, value in enumerate(index) if value == key or (value is None and key is None)]
        out.append(hits[0] if hits else -1)
    return out


@settings(max_examples=200, deadline=None)
@given(keys=ids, index=ids)
def test_positions_and_member_match_a_plain_scan(keys: list[str | None], index: list[str | None]) -> None:
    key_series, index_series = pd.Series(keys, dtype="str"), pd.Series(index, dtype="str")
    expected = _reference_positions(keys, index)
    assert positions(key_series, index_series).tolist() == expected
    assert member(key_series, index_series).tolist() == [e >= 0 for e in expected]
    # Object columns (built in Python) take the same path once converted.
    assert positions(pd.Series(keys, dtype=object), pd.Index(index, dtype=object)).tolist() == expected


def test_few_keys_against_many_values_take_the_same_answer() -> None:
    index = pd.Series([f"111-{i:07d}-0000001" for i in range(500)] + ["111-0000003-0000001"], dtype="str")
    keys = pd.Series(["111-0000003-0000001", "nope", None, "111-0000499-0000001"], dtype="str")
    assert positions(keys, index).tolist() == [3, -1, -1, 499]
    assert member(keys, index).tolist() == [True, False, False, True]


def test_lookup_keeps_the_dtype_and_fills_missing() -> None:
    stamps = pd.Series(pd.to_datetime(["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"]), index=["a", "b"])
    stamps = stamps.astype("datetime64[us, UTC]")
    found = lookup(pd.Series(["b", "x", "a"], dtype="str"), stamps)
    assert str(found.dtype) == "datetime64[us, UTC]"
    assert found.isna().tolist() == [False, True, False]
    assert found.iloc[0] == stamps["b"]


@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.sampled_from(IDS[:4]), max_size=40))
def test_sorted_codes_match_pandas_factorize(values: list[str]) -> None:
    series = pd.Series(values, dtype="str")
    codes, uniques, _ = sorted_codes(series)
    want_codes, want_uniques = pd.factorize(series, sort=True)
    assert codes.tolist() == want_codes.tolist()
    assert uniques.tolist() == list(want_uniques)


def test_sorted_codes_of_other_ids_take_pandas_path() -> None:
    series = pd.Series(["b", "a", "111-0000001-0000001", "b"], dtype="str")
    codes, uniques, _ = sorted_codes(series)
    want_codes, want_uniques = pd.factorize(series, sort=True)
    assert codes.tolist() == want_codes.tolist() and uniques.tolist() == list(want_uniques)


@settings(max_examples=100, deadline=None)
@given(orders=st.lists(st.sampled_from(IDS[:4]), min_size=1, max_size=20), keys=ids)
def test_locating_ids_among_orders_matches_positions(orders: list[str], keys: list[str | None]) -> None:
    merged = OrderKeys([pd.DataFrame({"order_id": pd.Series(orders, dtype="str")})])
    key_series = pd.Series(keys, dtype="str")
    assert merged.locate(key_series).tolist() == positions(key_series, merged.ids).tolist()


rows = st.lists(
    st.tuples(
        st.sampled_from(["111-2", "1112", "111-3", None]),  # ids whose digits collide once the dash is gone
        st.sampled_from(["x", "y", None]),
        st.one_of(st.none(), st.integers(0, 2)),
        st.sampled_from([None, "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"]),
        st.sampled_from(["1", "2", None]),
        # Too large to pack beside the group numbers: narrowed after a first id column, they are ranked first.
        st.sampled_from(["9000000000000000000", "9000000000000000001", "1", None]),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(data=rows, keep=st.sampled_from(["first", False]))
def test_duplicated_rows_matches_pandas(data: list[tuple[object, ...]], keep: str | bool) -> None:
    frame = pd.DataFrame(
        {
            "order_id": pd.Series([r[0] for r in data], dtype="str"),
            "sku": pd.Series([r[1] for r in data], dtype="str"),
            "quantity": pd.Series([r[2] for r in data], dtype="Int64"),
            "ts": pd.to_datetime(pd.Series([r[3] for r in data], dtype=object), utc=True),
            "order_item_id": pd.Series([r[4] for r in data], dtype="str"),
            "shipment_id": pd.Series([r[5] for r in data], dtype="str"),
        }
    )
    columns = ["sku", "quantity", "ts", "order_id", "order_item_id", "shipment_id"]
    want = frame.duplicated(subset=columns, keep=keep)  # type: ignore[arg-type]
    assert duplicated_rows(frame, columns, keep=keep).tolist() == want.tolist()  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.builds(
            "".join,
            st.lists(
                st.sampled_from([" ", "\t", "\xa0", "y", "Y", "es", "n", "O", "true", "False", "1", "0", "x"]),
                max_size=3,
            ),
        ),
        max_size=20,
    )
)
def test_bools_read_once_per_distinct_value_as_row_by_row(values: list[str]) -> None:
    """`parse_bools` reads each distinct value once; the rule, row by row: stripped and lower-cased, a word of
    `true`/`false` or Y/N/yes/no/1/0 is read, empty is unknown, anything else is unknown and bad (SPEC 1.4)."""
    read, bad = parse_bools(pd.Series(values, dtype="str"))
    words = [v.strip().lower() for v in values]
    truth = {"true": True, "t": True, "y": True, "yes": True, "1": True}
    truth |= {"false": False, "f": False, "n": False, "no": False, "0": False}
    assert [None if pd.isna(v) else bool(v) for v in read] == [truth.get(w) for w in words]
    assert bad.tolist() == [w != "" and w not in truth for w in words]


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.text(alphabet=" \t\n\r\xa0\u3000\u2028\u200bx", max_size=4), max_size=20))
def test_blank_is_empty_once_stripped(values: list[str]) -> None:
    series = pd.Series(values, dtype="str")
    assert blank(series).tolist() == (clean_text(series) == "").tolist()
    text, empty = clean_text_and_blank(series)
    assert text.tolist() == clean_text(series).tolist()
    assert empty.tolist() == blank(series).tolist()


@pytest.mark.parametrize(
    "values",
    [
        ["2024-04-19T16:29:58+00:00", "", "2024-11-03T01:30:00-07:00", "2024-04-19T16:29:58Z"],
        ["2024-04-19T16:29:58+00:00", "2024-04-19"],  # a date without an offset is local: not the fast path
        ["2024-02-30T00:00:00+00:00", "2024-04-19T16:29:58+00:00"],  # no 30 February: a bad value, reported
        ["2024-04-19 16:29:58+00:00", "2024-04-19T16:29+00:00", "2024-04-19T16:29:58.5+05:30"],
        ["4/19/2024 16:29", "2024-04-19T16:29:58+00:00"],
        # Dates alone (a confirmation's ship-date) are local midnight, beside instants or not; DST days too.
        ["2024-04-19", "", "2024-11-03", "2024-03-10", "2024-04-19T16:29:58+00:00", "2024-04-19"],
        ["2024-04-19", "2024-13-01"],  # no month 13: a bad value, reported
        ["2024-04-19", "2024-04-19T16:29:58"],  # a time without an offset is local: not the fast path
        ["2024-04-19", "20240419"],
    ],
)
@pytest.mark.parametrize("zone", ["America/Los_Angeles", "America/Sao_Paulo", "Asia/Tokyo"])
def test_instants_fast_path_agrees_with_the_general_one(values: list[str], zone: str) -> None:
    if zone == "America/Sao_Paulo":  # its clocks skipped midnight when DST began, on 2018-11-04
        values = [*values, "2018-11-04", "2018-11-03"]
    got, bad = parse_instants(pd.Series(values, dtype="str"), zone)
    # The general path alone: one value per call can never be all-canonical with a naive or bad one beside it.
    one_by_one = [parse_instants(pd.Series([v, "x"], dtype="str"), zone) for v in values]
    assert got.tolist() == [r[0].iloc[0] for r in one_by_one]
    assert bad.tolist() == [bool(r[1].iloc[0]) for r in one_by_one]


@pytest.mark.parametrize(
    "values",
    [["1", "", "007", "-3", "+4"], ["1.0", "2"], ["1,5", "2"], ["12.50", "", "1e3"], ["nan", "1"], ["inf", "1"]],
)
def test_number_fast_paths_agree_with_the_general_ones(values: list[str]) -> None:
    for parse, dtype in ((parse_ints, "Int64"), (parse_floats, "Float64")):
        got, bad = parse(pd.Series(values, dtype="str"))
        assert str(got.dtype) == dtype
        for i, value in enumerate(values):
            # A value beside one that is not a number always takes the general path.
            one, one_bad = parse(pd.Series([value, "not a number"], dtype="str"))
            assert (pd.isna(got.iloc[i]) and pd.isna(one.iloc[0])) or got.iloc[i] == one.iloc[0]
            assert bool(bad.iloc[i]) == bool(one_bad.iloc[0])


def test_progress_reports_every_file_and_ends_complete() -> None:
    samples = Path(__file__).resolve().parents[1] / "sample_reports"
    calls: list[tuple[str, int, int]] = []
    load_inputs([samples], marketplace=get_marketplace("US"), progress=lambda *call: calls.append(call))
    total = input_size([samples])
    assert calls[-1][1] == calls[-1][2] == total
    done = [c[1] for c in calls]
    assert done == sorted(done) and all(c[2] == total for c in calls)
    assert len(calls) == len([p for p in samples.iterdir() if p.suffix in {".txt", ".json"}]) + 1


def test_packages_match_a_plain_groupby() -> None:
    from healthcheck.audit import calendar_for
    from healthcheck.config import Config
    from healthcheck.metrics.tracking import integrated, packages
    from healthcheck.model import AFN
    from healthcheck.schedule import audit_data

    samples = Path(__file__).resolve().parents[1] / "sample_reports"
    market = get_marketplace("US")
    data = audit_data(load_inputs([samples], marketplace=market), market, Config(), calendar_for(market, Config()))
    rows = data.confirmations.loc[data.confirmations["channel"] != AFN].sort_values("conf_ts", kind="stable")
    want = (
        rows.groupby(["order_id", "tracking_number"], sort=False)
        .agg(
            conf_ts=("conf_ts", "min"),
            conf_date=("conf_date", "min"),
            carrier_code=("carrier_code", "first"),
            carrier_name=("carrier_name", "first"),
            first_scan_ts=("first_scan_ts", "min"),
        )
        .reset_index()
    )
    want["carrier_ok"] = integrated(want["carrier_code"], want["carrier_name"], data.config.carriers)
    want["valid"] = (want["tracking_number"] != "") & want["carrier_ok"]
    got = packages(data)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert packages(data) is got  # built once per audit
    assert np.array_equal(got["valid"].to_numpy(), want["valid"].to_numpy())


@pytest.mark.parametrize(
    ("code", "name", "ok"),
    [
        ("UPS", "", True),
        ("ups ", "Whatever", True),
        ("", "U.S.P.S.", True),
        ("Other", "UPS", False),  # `Other` is never integrated, whatever the name says
        ("", "Other", False),
        ("", "", False),
        (None, "FedEx", True),
        ("Bob's Trucks", "UPS", False),  # the code decides when there is one
        ("MyLocalCourier", "", True),  # from the config's extra carriers
    ],
)
def test_integrated_carriers_row_by_row(code: str | None, name: str, ok: bool) -> None:
    from healthcheck.metrics.tracking import integrated

    codes = pd.Series([code, "UPS", ""], dtype="str")
    names = pd.Series([name, "", "nothing"], dtype="str")
    got = integrated(codes, names, ["My Local Courier"])
    assert got.tolist() == [ok, True, False]
    assert got.index.equals(codes.index)


items = st.lists(
    st.tuples(
        st.sampled_from(["111-0000001-0000001", "111-0000001-0000002"]),
        st.sampled_from(["A", "B", None]),  # sku
        st.sampled_from(["", "7", None]),  # order-item id
        st.sampled_from([None, "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"]),
        st.sampled_from(["Shipped", "Cancelled"]),
        st.integers(0, 1),  # file
    ),
    max_size=25,
)


def plain_deduplicate(kind: str, frame: pd.DataFrame) -> tuple[list[int], list[int], int]:
    """SPEC 1.5 the straightforward way: (lines kept, rows dropped per file, files warned about superseded rows)."""
    drop = frame.duplicated([c for c in frame.columns if not c.startswith("_")], keep="first")
    if kind == "all_orders":
        item = frame["order_item_id"].fillna("")
        sku = frame["sku"].fillna("").where(item == "", "") if (item != "").any() else frame["sku"].fillna("")
        frame = frame.assign(_item=item, _sku=sku)
        key = ["order_id", "_item", "_sku"]
    else:
        key = ["order_id", "order_item_id"]
    order = frame.loc[~drop].sort_values(["last_updated", "_file", "_line"], na_position="first", kind="stable")
    superseded = order.index[order.duplicated(subset=key, keep="last")]
    drop.loc[superseded] = True
    per_file = [int((drop & (frame["_file"] == f)).sum()) for f in (0, 1)]
    return frame.loc[~drop, "_line"].tolist(), per_file, len(set(frame.loc[superseded, "_file"]))


@settings(max_examples=300, deadline=None)
@given(data=items, kind=st.sampled_from(["all_orders", "order_report"]), categorical=st.booleans())
def test_deduplication_matches_the_plain_rule(data: list[tuple[object, ...]], kind: str, categorical: bool) -> None:
    """Also with the SKUs and statuses as the loader holds them (`loaders.repeated`: Categoricals, "" for none)."""
    from healthcheck.loaders import InputFile, deduplicate
    from healthcheck.loaders.repeated import categorical_text

    frame = pd.DataFrame(
        {
            "order_id": pd.Series([r[0] for r in data], dtype="str"),
            "sku": pd.Series([r[1] for r in data], dtype="str"),
            "order_item_id": pd.Series([r[2] for r in data], dtype="str"),
            "last_updated": pd.to_datetime(pd.Series([r[3] for r in data], dtype=object), utc=True),
            "order_status": pd.Series([r[4] for r in data], dtype="str"),
            "_line": np.arange(2, 2 + len(data), dtype=np.int64),
            "_file": np.asarray([r[5] for r in data], dtype=np.int64),
        }
    )
    inputs = [InputFile("a.txt"), InputFile("b.txt")]
    lines, per_file, warned = plain_deduplicate(kind, frame)
    if categorical:
        frame = frame.assign(
            sku=categorical_text(frame["sku"])[0], order_status=categorical_text(frame["order_status"])[0]
        )
    kept = deduplicate(kind, frame, inputs)
    assert kept["_line"].tolist() == lines
    assert [i.skipped.get("duplicate", 0) for i in inputs] == per_file
    assert sum(len(i.warnings) for i in inputs) == warned


order_ids = st.lists(
    st.one_of(
        st.from_regex(r"\A[0-9]{3}-[0-9]{7}-[0-9]{7}\Z"),
        st.sampled_from(["111-1234567-123456x", "1111234567-12345678", "111-1234567-1234567 ", "١١١-1234567-1234567"]),
    ),
    min_size=1,
    max_size=20,
)


@settings(max_examples=300, deadline=None)
@given(ids=order_ids, large=st.booleans(), cut=st.integers(0, 3), chunk=st.integers(1, 5))
def test_order_numbers_read_off_the_bytes_match_the_regex_path(
    ids: list[str], large: bool, cut: int, chunk: int
) -> None:
    import re

    import pyarrow as pa

    from healthcheck.loaders.parse import AMAZON_ORDER_ID, amazon_order_numbers_of

    array = pa.array(["000-0000000-0000000"] * cut + ids, type=pa.large_string() if large else pa.string())
    text = pa.chunked_array([array.slice(cut, len(ids) // 2), array.slice(cut + len(ids) // 2)])
    plain = [int(i.replace("-", "")) for i in ids] if all(re.match(AMAZON_ORDER_ID, i, re.ASCII) for i in ids) else None
    found = amazon_order_numbers_of(text, chunk=chunk)  # a few ids at a time: a bad one in a later chunk too
    assert (found.tolist() if found is not None else None) == plain


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.text(alphabet="+E5.x", max_size=5), min_size=1, max_size=20), cut=st.integers(0, 2))
def test_a_byte_found_in_place_matches_the_substring_search(values: list[str], cut: int) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from healthcheck.loaders.parse import holds_byte

    array = pa.array(["+"] * cut + values, type=pa.large_string()).slice(cut)  # the sliced-off values hold "+"
    text = pa.chunked_array([array.slice(0, len(values) // 2), array.slice(len(values) // 2)])
    assert holds_byte(text, ord("+")) == pc.any(pc.match_substring(text, "+")).as_py()


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(st.integers(0, 50), max_size=30),
    queries=st.lists(st.integers(-5, 55), max_size=12_000),
)
def test_sorted_search_matches_searchsorted(values: list[int], queries: list[int]) -> None:
    from healthcheck.order_keys import sorted_search

    ordered = np.sort(np.asarray(values, dtype=np.int64))
    asked = np.asarray(queries, dtype=np.int64)
    if len(asked):  # a long run of queries takes the sorted path
        asked = np.tile(asked, 10_000 // len(asked) + 1)
    assert sorted_search(ordered, asked).tolist() == np.searchsorted(ordered, asked).tolist()


# Any JSON-shaped document: unsafe and non-ASCII characters in values and keys, every scalar, nesting, empties.
_text = st.text(alphabet=st.sampled_from(list('ab-1 é"\\\n\t\x00\x1b\x9b\u202e\u2066€😀')), max_size=6)
_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), _text)
_documents = st.recursive(
    _scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.lists(_text, max_size=5),  # the all-strings fast path
        st.tuples(inner, inner),
        st.dictionaries(st.one_of(_text, st.integers(), st.booleans(), st.none(), st.floats()), inner, max_size=4),
    ),
    max_leaves=30,
)


@given(_documents)
@settings(max_examples=400, deadline=None)
def test_the_json_writer_is_the_standard_librarys_over_scrubbed_values(value: object) -> None:
    assert dumps(value) == json.dumps(scrub(value), indent=2, ensure_ascii=False)


def test_the_json_writer_refuses_what_the_json_module_refuses() -> None:
    for value in ({"a": object()}, [1, {2, 3}], {(1, 2): 3}):
        with pytest.raises(TypeError):
            json.dumps(value)
        with pytest.raises(TypeError):
            dumps(value)


@functools.cache
def _sample_data() -> AuditData:
    """The sample account, with two cancellations-log rows for orders no order report has (their items have no
    order row)."""
    import shutil
    import tempfile

    from healthcheck.audit import calendar_for
    from healthcheck.config import Config
    from healthcheck.schedule import audit_data

    samples = Path(__file__).resolve().parents[1] / "sample_reports"
    market = get_marketplace("US")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        shutil.copytree(samples, folder)
        with (folder / "cancellations.txt").open("a", encoding="utf-8") as log:
            log.write("111-0000000-0000001\tLOG-ONLY-SKU\t2026-08-20\tNoInventory\tfalse\tseller\n")
            log.write("111-0000000-0000002\tLOG-ONLY-SKU\t2026-08-21\tNoInventory\tfalse\tseller\n")
        loaded = load_inputs([folder], marketplace=market)
    return audit_data(loaded, market, Config(), calendar_for(market, Config()))


@settings(max_examples=60, deadline=None)
@given(picks=st.lists(st.integers(min_value=0, max_value=10_000), max_size=30), extra=ids)
def test_order_and_item_masks_match_member(picks: list[int], extra: list[str | None]) -> None:
    """`order_mask`/`item_mask` (binary search among the orders' numbers, items joined on their order row) select
    exactly what `member` on the id columns selects: known ids, unknown ones, non-Amazon ids and missing ones; the
    items hold no ids, and `items_of` gives the selected ones theirs (the log-only orders' too)."""
    from healthcheck.model import ORDER_ROW
    from healthcheck.selection import item_mask, item_order_ids, items_of, order_mask

    data = _sample_data()
    known = item_order_ids(data)
    chosen = [str(known.iloc[p % len(known)]) for p in picks] + [e for e in extra if e is not None]
    chosen += ["111-0000000-0000002"] if len(picks) % 2 else []
    for wanted in (pd.Series(chosen, dtype=object), pd.Series([*chosen, None], dtype=object)):
        assert order_mask(data, wanted).tolist() == member(data.orders["order_id"], wanted).tolist()
        assert item_mask(data, wanted).tolist() == member(known, wanted).tolist()
        assert items_of(data, wanted)["order_id"].tolist() == known.loc[member(known, wanted)].tolist()
    assert ORDER_ROW in data.items.columns
    assert int((data.items[ORDER_ROW] < 0).sum()) == 2  # the log-only orders' items are matched by id


SKUS = ["A-1", "B-2", "a-1", "", "Ü-3", "B-2 "]


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(
        st.lists(st.tuples(st.integers(-1, 4), st.sampled_from(SKUS), st.booleans()), max_size=12),
        max_size=4,
    ),
    categorical=st.lists(st.booleans(), min_size=4, max_size=4),
    bits=st.sampled_from([63, 12, 4]),
)
def test_distinct_pairs_are_the_pairs_first_seen(
    parts: list[list[tuple[int, str, bool]]], categorical: list[bool], bits: int
) -> None:
    """`distinct_pairs` against the rule said plainly: each (order, SKU) pair once, in the order first seen, cancelled
    if any of its rows is; no pair for order -1 or an empty SKU; SKUs as text or as the loader's Categoricals; by
    the packed sort and, where a key and its row number do not fit in `bits`, by the hash table."""
    from healthcheck.loaders.repeated import categorical_text
    from healthcheck.skus import distinct_pairs

    sources = []
    for part, as_categories in zip(parts, categorical, strict=False):
        sku = pd.Series([s for _, s, _ in part], dtype="str")
        orders = np.asarray([o for o, _, _ in part], dtype=np.int64)
        flags = np.asarray([c for _, _, c in part], dtype=bool)
        # The loader's Categoricals hold stripped values: strip here too, so both spell the same SKUs.
        sources.append((orders, categorical_text(sku)[0] if as_categories else sku.str.strip(), flags))
    want: dict[tuple[int, str], bool] = {}
    for orders, sku, flags in sources:
        for order, value, flag in zip(orders.tolist(), sku.astype("str").tolist(), flags.tolist(), strict=True):
            if order >= 0 and value != "":
                want[(order, value)] = want.get((order, value), False) or flag
    pair_orders, pair_skus, cancelled = distinct_pairs(sources, bits=bits)
    got = list(zip(pair_orders.tolist(), pair_skus.astype("str").tolist(), cancelled.tolist(), strict=True))
    assert got == [(order, value, flag) for (order, value), flag in want.items()]
    assert isinstance(pair_skus.dtype, pd.CategoricalDtype)
    assert list(pair_skus.cat.categories) == sorted(pair_skus.cat.categories)


def test_distinct_pairs_sorted_and_hashed_agree_across_chunks() -> None:
    """Sources longer than the chunk the keys are built and compared in (65,536 rows): the packed sort gives what
    the hash table gives, pair for pair."""
    from healthcheck.skus import distinct_pairs

    rng = np.random.default_rng(16)
    sources = []
    for rows in (150_000, 70_000):
        orders = rng.integers(-1, 40_000, rows)
        sku = pd.Series(rng.choice(np.asarray(SKUS, dtype=object), rows), dtype="str").str.strip()
        sources.append((orders, sku, rng.random(rows) < 0.1))
    sorted_pairs = distinct_pairs(sources)
    hashed_pairs = distinct_pairs(sources, bits=4)
    assert len(sorted_pairs[0]) > 100_000
    assert sorted_pairs[0].tolist() == hashed_pairs[0].tolist()
    assert sorted_pairs[1].astype("str").tolist() == hashed_pairs[1].astype("str").tolist()
    assert sorted_pairs[2].tolist() == hashed_pairs[2].tolist()


@settings(max_examples=100, deadline=None)
@given(numbers=st.lists(st.integers(min_value=0, max_value=10**17 - 1), max_size=30), chunk=st.integers(1, 7))
def test_amazon_order_ids_are_the_inverse_of_their_numbers(numbers: list[int], chunk: int) -> None:
    from healthcheck.loaders.parse import amazon_order_ids, amazon_order_numbers

    ids = amazon_order_ids(np.asarray(numbers, dtype=np.int64), chunk=chunk)
    assert ids.dtype == "str"
    assert ids.tolist() == [f"{n:017d}"[:3] + "-" + f"{n:017d}"[3:10] + "-" + f"{n:017d}"[10:] for n in numbers]
    back = amazon_order_numbers(ids)
    assert (back.tolist() if back is not None else []) == numbers  # no ids: no numbers (None)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.sampled_from([*IDS[:4], "111-0000001-0000003", "999-0000000-0000000"]), max_size=12))
def test_sorted_ids_are_the_distinct_ids_sorted(values: list[str]) -> None:
    """Ids already ascending skip the sort; any other list (repeats, out of order, not Amazon ids) is sorted."""
    from healthcheck.metrics.base import sorted_ids

    for ids_given in (values, sorted(set(values))):
        assert sorted_ids(pd.Series(ids_given, dtype="str")) == tuple(sorted(set(ids_given)))


@settings(max_examples=150, deadline=None)
@given(
    orders=st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from(["report", "computed", ""]), st.booleans()), min_size=1, max_size=8
    ),
    pairs=st.lists(st.tuples(st.integers(-1, 7), st.sampled_from(["A-1", "B-2", "C-3", "D-4"])), max_size=20),
)
def test_the_ship_by_mismatch_names_skus_by_the_plain_rule(
    orders: list[tuple[int, str, bool]], pairs: list[tuple[int, str]]
) -> None:
    """`mismatch_warning` against its rule said plainly: each differing order counts once, under its SKU with the
    most differing orders (a tie: the first SKU by name); the three SKUs with the most orders (a tie: by name),
    each with the median handling time its orders' dates imply; an order with no purchase date is no SKU's."""
    import datetime as dt
    import statistics

    from healthcheck.audit import calendar_for
    from healthcheck.config import Config
    from healthcheck.loaders.repeated import categorical_text
    from healthcheck.marketplaces import get_marketplace
    from healthcheck.ship_by_mismatch import mismatch_warning
    from healthcheck.shipcal import operating_days_between
    from healthcheck.wording import plural

    day = dt.datetime(2026, 3, 2)
    frame = pd.DataFrame(
        {
            "order_id": [f"111-0000000-000000{i}" for i in range(len(orders))],
            "purchase_date": pd.Series(
                [pd.NaT if not dated else day for _, _, dated in orders], dtype="datetime64[us]"
            ),
            "ship_by_date": pd.Series(
                [day + dt.timedelta(days=shift) for shift, _, _ in orders], dtype="datetime64[us]"
            ),
            "computed_ship_by_date": pd.Series([day] * len(orders), dtype="datetime64[us]"),
            "ship_by_source": pd.Series([source for _, source, _ in orders], dtype="category"),
        }
    )
    pairs = list(dict.fromkeys((o if o < len(orders) else -1, sku) for o, sku in pairs))  # distinct, as the model's
    skus = pd.DataFrame({"sku": categorical_text(pd.Series([sku for _, sku in pairs], dtype="str"))[0]})
    config = Config()
    calendar = calendar_for(get_marketplace("US"), config)
    found = mismatch_warning(frame, skus, np.asarray([o for o, _ in pairs], dtype=np.int64), config, calendar)

    differing = [i for i, (shift, source, _) in enumerate(orders) if source == "report" and shift != 0]
    assert (found is None) == (not differing)
    if found is None:
        return
    implied = operating_days_between(frame["purchase_date"], frame["ship_by_date"], calendar)
    counted = [(o, sku) for o, sku in pairs if o in differing and not np.isnan(implied[o])]
    weight = {sku: sum(1 for _, s in counted if s == sku) for _, sku in counted}
    chosen: dict[int, str] = {}
    for o, sku in sorted(counted, key=lambda p: (-weight[p[1]], p[1])):
        chosen.setdefault(o, sku)
    by_sku: dict[str, list[float]] = {}
    for o, sku in chosen.items():
        by_sku.setdefault(sku, []).append(float(implied[o]))
    top = sorted(by_sku, key=lambda sku: (-len(by_sku[sku]), sku))[:3]
    hints = ", ".join(
        f"{sku} ({plural(len(by_sku[sku]), 'order')}: Amazon's dates imply "
        f"{plural(int(statistics.median(by_sku[sku])), 'day')})"
        for sku in top
    )
    assert f"): {hints or 'no SKU given'}. E.g. order " in found


@settings(max_examples=200, deadline=None)
@given(
    pairs=st.sets(st.tuples(st.integers(0, 30), st.integers(0, 8)), max_size=60),
    purchases=st.lists(st.integers(0, 3), min_size=31, max_size=31),
    seed=st.integers(0, 2**16),
)
def test_itemsitems_by_sku_then_purchase_is_the_three_key_sort(
    pairs: set[tuple[int, int]], purchases: list[int], seed: int
) -> None:
    """The listing risk's packed sort orders distinct (order, SKU) items as `np.lexsort` of (order row, purchase
    time, SKU) does, ties of purchase time included."""
    from healthcheck.listing_actions import items_by_sku_then_purchase

    items = sorted(pairs)
    np.random.default_rng(seed).shuffle(items)
    order = np.asarray([o for o, _ in items], dtype=np.int64)
    codes = np.asarray([c for _, c in items], dtype=np.int64)
    purchase = np.asarray(purchases, dtype=np.int64)
    want = np.lexsort((order, purchase[order], codes)) if len(items) else np.zeros(0, dtype=np.intp)
    assert items_by_sku_then_purchase(codes, order, purchase).tolist() == want.tolist()
