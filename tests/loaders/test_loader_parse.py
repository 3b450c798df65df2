"""Value parsers (SPEC 1.4): instants to UTC, dates in a given format, booleans, numbers, Excel-mangled ids."""

from __future__ import annotations

import pandas as pd
import pytest

from healthcheck.loaders import parse

LA = "America/Los_Angeles"


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2024-04-19T16:29:58+00:00", "2024-04-19T16:29:58Z"),
        ("2017-09-23T14:18:23-07:00", "2017-09-23T21:18:23Z"),
        ("2017-06-05T19:58:19+09:00", "2017-06-05T10:58:19Z"),
        ("2024-04-19T16:29:58Z", "2024-04-19T16:29:58Z"),
        ("2024-04-19T16:29:58+0000", "2024-04-19T16:29:58Z"),
        ("2024-04-19T16:29:58.250-07:00", "2024-04-19T23:29:58.250Z"),
        ("2024-04-19 16:29:58+00", "2024-04-19T16:29:58Z"),  # PostgreSQL's text form
        ("2024-04-19T16:29:58+05", "2024-04-19T11:29:58Z"),
        ("2024-04-19T16:29:58 +00:00", "2024-04-19T16:29:58Z"),
        ("20240419T162958Z", "2024-04-19T16:29:58Z"),
        # No offset: local time in the marketplace zone; a bare date is 00:00 local.
        ("2024-04-19", "2024-04-19T07:00:00Z"),
        ("2024-04-19T10:00:00", "2024-04-19T17:00:00Z"),
        ("2024-04-19 10:00:00", "2024-04-19T17:00:00Z"),
        # DST ends: 01:30 happens twice; the first (PDT) is taken, never a bad value.
        ("2024-11-03T01:30:00", "2024-11-03T08:30:00Z"),
        # DST starts: 02:30 does not exist; shifted forward to 03:00 PDT.
        ("2024-03-10T02:30:00", "2024-03-10T10:00:00Z"),
    ],
)
def test_instants(text: str, utc: str) -> None:
    values, bad = parse.parse_instants(pd.Series([text]), LA)
    assert not bad.iloc[0]
    assert values.iloc[0] == pd.Timestamp(utc)
    assert str(values.dtype) == "datetime64[us, UTC]"


def test_instants_with_and_without_offsets_in_one_column() -> None:
    values, bad = parse.parse_instants(pd.Series(["2024-04-19+00", "2024-04-19T10:00:00+00", "2024-04-19"]), LA)
    assert not bad.iloc[1:].any()
    assert values.iloc[1:].tolist() == [pd.Timestamp("2024-04-19T10:00:00Z"), pd.Timestamp("2024-04-19T07:00:00Z")]


def test_instants_bad_and_empty() -> None:
    # `19/4/2024` is not a month-first date: in a US file it is never read (4/19/2024 16:29 would be).
    values, bad = parse.parse_instants(pd.Series(["", "  ", "yesterday", "19/4/2024 16:29", "2024-02-30"]), LA)
    assert bad.tolist() == [False, False, True, True, True]
    assert values.isna().all()


@pytest.mark.parametrize(
    ("fmt", "texts", "expected"),
    [
        (
            "%m/%d/%y",
            ["4/5/24", "04/05/24", "12/31/23", "13/1/24", "2024-04-05"],
            ["2024-04-05", "2024-04-05", "2023-12-31", None, None],
        ),
        ("%d.%m.%y", ["5.4.24", "31.12.23", "4/5/24"], ["2024-04-05", "2023-12-31", None]),
        ("%y/%m/%d", ["24/4/5", "23/12/31"], ["2024-04-05", "2023-12-31"]),
        ("%Y-%m-%d", ["2024-04-05"], ["2024-04-05"]),
        ("%d/%m/%y", ["5/4/24", "31/12/23", "12/31/23"], ["2024-04-05", "2023-12-31", None]),
        ("%d-%b-%Y", ["14-Jul-2025", "4-Jan-2025", "2025-07-14"], ["2025-07-14", "2025-01-04", None]),
        (None, ["2025-07-14", "2025-07-14T10:00:00+00:00", "14/07/2025"], ["2025-07-14", "2025-07-14", None]),
    ],
)
def test_dates_never_guess(fmt: str | None, texts: list[str], expected: list[str | None]) -> None:
    values, bad = parse.parse_dates(pd.Series(texts), fmt)
    assert bad.tolist() == [e is None for e in expected]
    assert [None if pd.isna(v) else v.date().isoformat() for v in values] == expected


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024-06-11T05:00:00+00:00", "2024-06-10"),  # 22:00 the evening before in Los Angeles
        ("2024-06-11T05:00:00Z", "2024-06-10"),
        ("2024-06-11 09:00:00-07:00", "2024-06-11"),
        ("2024-06-11T05:00:00", "2024-06-11"),  # no offset: already the local day
        ("2024-06-11", "2024-06-11"),
    ],
)
def test_a_timestamp_in_a_date_column_is_read_on_the_marketplaces_day(text: str, day: str) -> None:
    """SPEC 2: every timestamp is converted to the marketplace time zone, a claim's `claim-date` included."""
    values, bad = parse.parse_dates(pd.Series([text]), None, date_order="MDY", timezone="America/Los_Angeles")
    assert not bad.iloc[0]
    assert values.iloc[0].date().isoformat() == day


def test_bools() -> None:
    values, bad = parse.parse_bools(pd.Series(["Y", "n", "TRUE", "false", "Yes", "NO", "", "maybe"]))
    assert values.tolist()[:6] == [True, False, True, False, True, False]
    assert pd.isna(values.iloc[6]) and pd.isna(values.iloc[7])
    assert bad.tolist() == [False] * 7 + [True]


def test_numbers() -> None:
    ints, bad_ints = parse.parse_ints(pd.Series(["1", " 2 ", "", "1.5", "x", "3.0"]))
    assert ints.tolist()[:2] == [1, 2]
    assert bad_ints.tolist() == [False, False, False, True, True, False]
    floats, bad_floats = parse.parse_floats(pd.Series(["7.49", "1,234.50", "", "n/a"]))
    assert floats.tolist()[:2] == [7.49, 1234.5]
    assert bad_floats.tolist() == [False, False, False, True]


def test_scientific_ids() -> None:
    assert (
        parse.scientific_ids(pd.Series(["5.80293E+13", "1.0825E+12", "2.77343e+11", "67225985676654", "", "E+1"])) == 3
    )
