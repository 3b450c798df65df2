"""Alerts when the audits cannot tell (an UNKNOWN audit, a run or portfolio audit that failed): told once, never
again while they cannot, once more when an audit of a later day can; delivered to a local HTTP receiver."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from fake_spapi import SAMPLES
from receivers import json_receiver

from healthcheck.cli import main

TOLD_AGAIN = "that the audits could not tell; this one can."


def audit(folder: Path, history: Path, as_of: str | None, *urls: str) -> int:
    args = ["audit", str(folder), "--history", str(history), "--format", "json", "-o", str(history.parent / "a.json")]
    args += ["--as-of", as_of] if as_of else []
    for url in urls:
        args += ["--notify", url]
    return main(args)


def titles(posted: list[dict[str, Any]]) -> list[str]:
    return [p["title"].removeprefix("healthcheck: default (US) ") for p in posted]


@pytest.fixture
def feedback_only(tmp_path: Path) -> Path:
    folder = tmp_path / "feedback_only"
    folder.mkdir()
    shutil.copy(SAMPLES / "feedback.txt", folder / "feedback.txt")
    return folder


def test_metrics_measured_while_the_audit_cannot_tell_are_told_and_why_it_cannot_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report that cannot be read makes the audit UNKNOWN, its other metrics measured: the reason is told once;
    a measured metric that changes is still told, marked as standing on the reports that could be read."""
    broken = tmp_path / "broken"
    shutil.copytree(SAMPLES, broken)
    (broken / "cancellations.txt").write_bytes(b"\x00\x01 not a report")
    db = tmp_path / "history.sqlite"
    with json_receiver() as (url, posted):
        codes = [audit(SAMPLES, db, "2026-09-20", url), audit(broken, db, "2026-09-25", url)]
        codes += [audit(broken, db, "2026-10-01", url), audit(SAMPLES, db, "2026-10-20", url)]
        capsys.readouterr()
        assert codes == [0, 3, 3, 0]
        assert titles(posted) == ["got worse: UNKNOWN", "got worse: UNKNOWN", "recovered: OK"]
        first, second, third = (p["message"] for p in posted)
        assert "Why it cannot tell: 1 input error: " in first and "cancellations.txt: this is a binary file" in first
        assert "Changed since the audit of 2026-09-20:" in first
        assert "Why it cannot tell" not in second and "The audits still cannot tell (you were told on" in second
        assert "cancellation_rate: OK -> BREACH" in second
        assert TOLD_AGAIN in third and "cancellation_rate: BREACH -> OK" in third


def test_an_audit_of_no_files_dated_today_does_not_make_the_next_days_backfills(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An audit that read nothing is dated today; what the URL knew keeps its own day, so the next audit of the
    data's days still reaches it and says the audits can tell again."""
    empty = tmp_path / "empty"
    empty.mkdir()
    db = tmp_path / "history.sqlite"
    with json_receiver() as (url, posted):
        codes = [
            audit(SAMPLES, db, "2026-09-20", url),
            audit(empty, db, None, url),
            audit(SAMPLES, db, "2026-10-20", url),
        ]
        capsys.readouterr()
        assert codes == [0, 3, 0]
        assert titles(posted) == ["cannot tell: UNKNOWN", "can tell again: OK"]
        assert TOLD_AGAIN in posted[1]["message"]
        assert "No status changed from what was known before." in posted[1]["message"]


def test_a_url_first_met_on_a_day_that_cannot_tell_hears_the_change_from_the_last_day_that_could(
    tmp_path: Path, feedback_only: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "history.sqlite"
    with json_receiver() as (old, told_old), json_receiver() as (new, told_new):
        audit(SAMPLES, db, "2026-09-20", old)
        audit(feedback_only, db, "2026-09-25", old)
        audit(feedback_only, db, "2026-09-26", old, new)
        audit(SAMPLES, db, "2026-10-01", old, new)
        capsys.readouterr()
        assert titles(told_old) == ["cannot tell: UNKNOWN", "got worse: BREACH"]
        assert titles(told_new) == ["cannot tell: UNKNOWN", "got worse: BREACH"]
        for posted in (told_old, told_new):
            assert "account: OK -> BREACH" in posted[1]["message"] and TOLD_AGAIN in posted[1]["message"]


def test_the_first_audit_that_can_tell_after_only_unknown_ones_says_so(
    tmp_path: Path, feedback_only: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "history.sqlite"
    with json_receiver() as (url, posted):
        assert [audit(feedback_only, db, "2026-09-25", url), audit(SAMPLES, db, "2026-10-01", url)] == [3, 2]
        capsys.readouterr()
        assert titles(posted) == ["cannot tell: UNKNOWN", "can tell again: BREACH"]
        assert "It is the first audit recorded that could tell." in posted[1]["message"]
        assert "No status changed" not in posted[1]["message"]


def test_a_portfolio_account_whose_audit_fails_before_its_marketplace_is_known(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Named by the account alone (never "(-)"), and cleared by the next audit of any of its marketplaces: a
    second failure is told again."""
    shutil.copytree(SAMPLES, tmp_path / "brio")
    (tmp_path / "bad.toml").write_text('[metrics.cancellation_rate]\ntarget = "x"\n', encoding="utf-8")
    (tmp_path / "good.toml").write_text("", encoding="utf-8")
    portfolio, db = tmp_path / "portfolio.toml", tmp_path / "history.sqlite"

    def run(config: str, as_of: str, url: str) -> int:
        portfolio.write_text(
            f'[[account]]\nname = "brio"\npaths = ["brio/"]\nconfig = "{config}"\nas_of = {as_of}\n', encoding="utf-8"
        )
        args = ["portfolio", str(portfolio), "--history", str(db), "--notify", url, "-j", "1", "-f", "json"]
        return main([*args, "-o", str(tmp_path / "p.json")])

    with json_receiver() as (url, posted):
        codes = [run("good.toml", "2026-09-20", url), run("bad.toml", "2026-09-25", url)]
        codes += [run("good.toml", "2026-10-01", url), run("bad.toml", "2026-10-03", url)]
        capsys.readouterr()
        assert codes == [0, 3, 2, 3]
        assert [p["title"] for p in posted] == [
            "healthcheck: brio cannot tell: the audit could not run",
            "healthcheck: brio (US) got worse: BREACH",
            "healthcheck: brio cannot tell: the audit could not run",
        ]
        assert "config error" in posted[0]["message"] and "(-)" not in posted[0]["message"]
        assert TOLD_AGAIN in posted[1]["message"]
