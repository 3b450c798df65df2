"""Account Health Assurance (issue 15): whether the recorded Account Health Rating stayed at 250 or more for six
months, with no more than 10 days below, from the history; and the history recording the rating."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import Mapping
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthcheck.assurance import Verdict, assess, months_before
from healthcheck.cli import app
from healthcheck.history import AuditRow, opened, read_history, record

ROOT = Path(__file__).resolve().parents[1]
UNTIL = dt.date(2026, 11, 20)
SINCE = dt.date(2026, 5, 21)  # six calendar months back, the first day inside them


def rows(scores: Mapping[dt.date, float | None]) -> list[AuditRow]:
    return [
        AuditRow("main", "US", day.isoformat(), "ok", 0, "2026-11-21T06:00:00Z", (), score, None)
        for day, score in sorted(scores.items())
    ]


def daily(first: dt.date, last: dt.date, score: float) -> dict[dt.date, float | None]:
    return {first + dt.timedelta(days=i): score for i in range((last - first).days + 1)}


def test_six_months_are_counted_in_calendar_months() -> None:
    assert months_before(UNTIL, 6) + dt.timedelta(days=1) == SINCE
    assert months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)


def test_met_when_every_day_of_six_months_is_at_250_or_more() -> None:
    found = assess("main", "US", rows(daily(SINCE, UNTIL, 250)))
    assert found.verdict is Verdict.MET and found.days_below == 0 and found.unknown_days == 0
    assert "emergency contact" in found.text


@pytest.mark.parametrize(("days_below", "verdict"), [(10, Verdict.MET), (11, Verdict.MISSED)])
def test_at_most_ten_days_below_250(days_below: int, verdict: Verdict) -> None:
    scores = daily(SINCE, UNTIL, 300)
    scores.update(daily(dt.date(2026, 8, 1), dt.date(2026, 8, days_below), 249))
    found = assess("main", "US", rows(scores))
    assert found.verdict is verdict and found.days_below == days_below


def test_not_enough_history_when_the_ratings_start_late() -> None:
    found = assess("main", "US", rows(daily(dt.date(2026, 9, 1), UNTIL, 400)))
    assert found.verdict is Verdict.NOT_ENOUGH_HISTORY
    assert "ratings are recorded from 2026-09-01" in found.text


def test_a_weekly_record_counts_but_a_longer_silence_is_unknown() -> None:
    weekly = {SINCE + dt.timedelta(days=7 * i): 300.0 for i in range(27)}
    weekly[UNTIL] = 300.0
    assert assess("main", "US", rows(weekly)).verdict is Verdict.MET
    gap = daily(SINCE, UNTIL, 300)
    for i in range(19):  # July 1-19 unrecorded: June 30's record stands for 6 of them, 13 are unknown
        gap.pop(dt.date(2026, 7, 1) + dt.timedelta(days=i))
    found = assess("main", "US", rows(gap))
    assert found.verdict is Verdict.NOT_ENOUGH_HISTORY and found.unknown_days == 13


def test_eleven_known_days_below_is_missed_whatever_is_unknown() -> None:
    scores = daily(dt.date(2026, 10, 1), UNTIL, 240)
    assert assess("main", "US", rows(scores)).verdict is Verdict.MISSED


def test_no_rating_recorded_says_how_to_record_one() -> None:
    found = assess("main", "US", rows({UNTIL: None}))
    assert found.verdict is Verdict.NOT_ENOUGH_HISTORY and "GET_V2_SELLER_PERFORMANCE_REPORT" in found.text


def test_the_history_records_the_rating_and_history_shows_assurance(tmp_path: Path) -> None:
    runner = CliRunner()
    history = tmp_path / "h.sqlite"
    folder = tmp_path / "reports"
    shutil.copytree(ROOT / "sample_reports", folder)
    result = runner.invoke(app, ["audit", str(folder), "--history", str(history), "--quiet", "--format", "json"])
    assert result.exit_code == 2, result.output
    (recorded,) = read_history(history)
    assert (recorded.ahr_score, recorded.ahr_status) == (236.0, "GOOD")
    shown = runner.invoke(app, ["history", "--history", str(history), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    (assurance,) = json.loads(shown.output)["assurance"]
    assert assurance["verdict"] == "not_enough_history" and assurance["latest_score"] == 236.0
    table = runner.invoke(app, ["history", "--history", str(history)])
    assert "Account Health Assurance: not enough history" in table.output


def test_a_version_1_history_gains_the_rating_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as connection:
        connection.executescript(
            """
            CREATE TABLE audits (id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL,
                marketplace TEXT NOT NULL, as_of TEXT NOT NULL, status TEXT NOT NULL, exit_code INTEGER NOT NULL,
                generated_at TEXT NOT NULL, UNIQUE (account, marketplace, as_of));
            CREATE TABLE metrics (audit_id INTEGER NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
                metric_id TEXT NOT NULL, status TEXT NOT NULL, rate REAL, numerator INTEGER, denominator INTEGER,
                amazon_rate REAL, amazon_numerator INTEGER, amazon_denominator INTEGER, amazon_status TEXT,
                PRIMARY KEY (audit_id, metric_id));
            INSERT INTO audits (account, marketplace, as_of, status, exit_code, generated_at)
                VALUES ('main', 'US', '2026-11-01', 'ok', 0, '2026-11-02T06:00:00Z');
            PRAGMA user_version = 1;
            """
        )
    with opened(path) as connection:
        record(connection, rows({UNTIL: 300.0})[0])
        connection.commit()
    old, new = read_history(path)
    assert (old.as_of, old.ahr_score) == ("2026-11-01", None)
    assert (new.as_of, new.ahr_score) == (UNTIL.isoformat(), 300.0)
