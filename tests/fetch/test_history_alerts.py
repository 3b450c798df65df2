"""Recording audits, `healthcheck history`, and alerts delivered to a local HTTP receiver and a local SMTP server."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fake_spapi import SAMPLES
from receivers import json_receiver, json_service, smtp_receiver

from healthcheck.cli import main

# On the demo account: ok on 2026-09-20, cancellation rate in breach on 2026-10-01, all ok again on 2026-10-20.
OK_BEFORE, BREACH, OK_AFTER = "2026-09-20", "2026-10-01", "2026-10-20"


def audit(capsys: pytest.CaptureFixture[str], as_of: str, history: Path, *notify: str) -> dict[str, Any]:
    args = ["audit", str(SAMPLES), "--as-of", as_of, "--history", str(history), "--format", "json"]
    for url in notify:
        args += ["--notify", url]
    code = main(args)
    out, err = capsys.readouterr()
    document: dict[str, Any] = json.loads(out)
    assert code == document["exit_code"], err
    return document


def history(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(["history", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_one_alert_when_status_worsens_none_when_unchanged_one_on_recovery(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "history.sqlite"
    with json_receiver() as (json_url, posted), smtp_receiver() as (mail_url, mailed):
        assert audit(capsys, OK_BEFORE, db, json_url, mail_url)["status"] == "ok"
        assert posted == [] and mailed == []  # the first recorded audit is the baseline

        assert audit(capsys, BREACH, db, json_url, mail_url)["status"] == "breach"
        assert len(posted) == 1 and len(mailed) == 1
        alert = posted[0]
        assert alert["path"] == "/alerts" and alert["type"] == "info"
        assert alert["title"] == "healthcheck: default (US) got worse: BREACH"
        assert "cancellation_rate: OK -> BREACH (worse)" in alert["message"]
        assert "Cancellation rate: 3.01% (" in alert["message"] and "First actions:" in alert["message"]
        assert mailed[0]["Subject"] == alert["title"] and mailed[0]["To"] == "seller@example.com"
        assert "cancellation_rate: OK -> BREACH" in mailed[0].get_payload(decode=False)

        audit(capsys, BREACH, db, json_url, mail_url)  # the same again (a second cron run on the same data)
        assert len(posted) == 1 and len(mailed) == 1

        assert audit(capsys, OK_AFTER, db, json_url, mail_url)["status"] == "ok"
        assert len(posted) == 2 and len(mailed) == 2
        assert posted[1]["title"] == "healthcheck: default (US) recovered: OK"
        assert "cancellation_rate: BREACH -> OK (better)" in posted[1]["message"]

    document = json.loads(history(capsys, "--history", str(db), "--format", "json"))
    assert [(a["as_of"], a["status"]) for a in document["audits"]] == [
        (OK_BEFORE, "ok"),
        (BREACH, "breach"),  # audited twice, recorded once
        (OK_AFTER, "ok"),
    ]
    account_changes = [(c["as_of"], c["before"], c["after"]) for c in document["changes"] if c["subject"] == "account"]
    assert account_changes == [(BREACH, "ok", "breach"), (OK_AFTER, "breach", "ok")]
    cancellation = next(m for m in document["audits"][1]["metrics"] if m["metric_id"] == "cancellation_rate")
    assert cancellation["status"] == "breach" and cancellation["numerator"] / cancellation["denominator"] > 0.025
    # Amazon's V2 report among the inputs speaks for 2026-11-19: an audit as of an earlier day did not know it, so
    # none of its figures is recorded as Amazon's word on that day (SPEC 1.5, rev 2).
    assert cancellation["amazon_rate"] is None and cancellation["amazon_status"] is None

    table = history(capsys, "--history", str(db), "--metric", "cancellation_rate")
    assert "default (US): 3 audits, 2026-09-20 .. 2026-10-20; now OK" in table
    assert (
        f"{BREACH}  cancellation_rate: ok -> breach" in table
        and f"{OK_AFTER}  cancellation_rate: breach -> ok" in table
    )
    line = next(x for x in table.splitlines() if x.strip().startswith("cancellation_rate "))
    assert any(ch in line for ch in "▁█") and "(BAD)" not in line

    rows = list(csv.DictReader(io.StringIO(history(capsys, "--history", str(db), "--format", "csv"))))
    assert len(rows) == 3 * len(document["audits"][0]["metrics"])
    assert {r["as_of"] for r in rows} == {OK_BEFORE, BREACH, OK_AFTER}

    # Audited as of the day after the report (the default, the latest date in the inputs), Amazon's own figures
    # are recorded beside ours.
    latest = tmp_path / "latest.sqlite"
    audit(capsys, "2026-11-20", latest)
    document = json.loads(history(capsys, "--history", str(latest), "--format", "json"))
    cancellation = next(m for m in document["audits"][0]["metrics"] if m["metric_id"] == "cancellation_rate")
    assert cancellation["amazon_rate"] == pytest.approx(0.0414) and cancellation["amazon_status"] == "BAD"
    line = next(x for x in history(capsys, "--history", str(latest)).splitlines() if "cancellation_rate " in x)
    assert "4.14% (BAD)" in line


def test_history_key_in_the_config_and_a_failed_delivery_is_retried(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "healthcheck.toml"
    config.write_text('history = "audits.sqlite"\n')
    db = tmp_path / "audits.sqlite"  # relative to the config file
    base = ["audit", str(SAMPLES), "--config", str(config), "--format", "nagios"]
    assert main([*base, "--as-of", OK_BEFORE]) == 0
    assert db.is_file()
    with json_service() as (url, posted, service), json_receiver() as (other, heard):
        service.down = True
        code = main([*base, "--as-of", BREACH, "--notify", url, "--notify", other])
        _, err = capsys.readouterr()
        assert code == 3 and "could not be delivered to json://... (--notify number 1);" in err
        assert "the audit is recorded" in err and posted == [] and len(heard) == 1
        # The audit is history all the same, and the target that took the alert is not told it again.
        out = history(capsys, "--config", str(config), "--format", "json")
        assert [a["as_of"] for a in json.loads(out)["audits"]] == [OK_BEFORE, BREACH]
        code = main([*base, "--as-of", BREACH, "--notify", url, "--notify", other])
        assert code == 3 and len(heard) == 1
        service.down = False
        assert main([*base, "--as-of", BREACH, "--notify", url, "--notify", other]) == 2
    assert len(posted) == 1 and len(heard) == 1  # the change was not lost with the failed deliveries
    assert "cancellation_rate: OK -> BREACH" in posted[0]["message"]
    capsys.readouterr()
    out = history(capsys, "--config", str(config), "--format", "json")
    assert [a["as_of"] for a in json.loads(out)["audits"]] == [OK_BEFORE, BREACH]


def test_notify_needs_a_history_and_a_valid_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(SAMPLES), "--notify", "json://127.0.0.1:1/x"]) == 3
    assert "--notify needs a history" in capsys.readouterr().err
    assert main(["audit", str(SAMPLES), "--history", str(tmp_path / "h"), "--notify", "nonsense://x"]) == 3
    assert "not a notification URL Apprise understands" in capsys.readouterr().err
    assert main(["history", "--history", str(tmp_path / "missing.sqlite")]) == 3
    assert "no history at" in capsys.readouterr().err


def test_history_names_metrics_as_the_other_commands_do_and_shows_amazons_rating(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--metric` takes a short name or title as `plan` and `explain` do; Amazon's account status shows the rating
    Amazon gives (read here from the demo's report), not its share of ratings flagged as a percent of orders."""
    db = tmp_path / "history.sqlite"
    assert audit(capsys, "2026-11-20", db)["status"] == "breach"
    score = json.loads((SAMPLES / "seller_performance.json").read_text(encoding="utf-8"))
    ahr = next(v for v in _values(score, "ahrScore"))
    table = history(capsys, "--history", str(db))
    line = next(x for x in table.splitlines() if x.strip().startswith("amazon_account_status "))
    assert f"AHR {ahr:g} at_risk" in " ".join(line.split()) and "%" not in line
    by_short = history(capsys, "--history", str(db), "--metric", "cr")
    assert by_short == history(capsys, "--history", str(db), "--metric", "Cancellation rate")
    assert "cancellation_rate " in by_short and "late_shipment_rate_10d" not in by_short
    assert main(["history", "--history", str(db), "--metric", "lsr"]) == 3
    err = capsys.readouterr().err
    assert "unknown metric 'lsr'" in err and "late_shipment_rate_10d (lsr_10d) or late_shipment_rate_30d" in err


def _values(document: Any, key: str) -> list[Any]:
    """Every value of `key` anywhere in a JSON document."""
    if isinstance(document, dict):
        found = [document[key]] if key in document else []
        return found + [v for value in document.values() for v in _values(value, key)]
    if isinstance(document, list):
        return [v for item in document for v in _values(item, key)]
    return []


@pytest.mark.parametrize(
    "secret_url",
    [
        "json://agency:S3cret/Pass@127.0.0.1:9/hook",  # a password holding a `/`
        "tgram://123456789:AAHsecretBotToken/12345",  # the token is where a host would be
        "pover://USERKEY@APPTOKENsecret",
        "pbul://o.AccessTokenSecret",
    ],
)
def test_a_failed_alert_names_the_service_never_the_urls_secrets(
    secret_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Cron mails stderr: a failed delivery said `tgram://123456789:AAHsecret.../...` and `json://agency:S3cret/...`.
    Only the scheme is shown, and which --notify it was when there are several."""
    db = tmp_path / "h.sqlite"
    base = ["audit", str(SAMPLES), "--history", str(db), "--format", "nagios"]
    assert main([*base, "--as-of", OK_BEFORE]) == 0
    dead = "json://127.0.0.1:9/nobody-listens"
    code = main([*base, "--as-of", BREACH, "--notify", dead, "--notify", secret_url])
    err = capsys.readouterr().err
    # Refused before the audit (Apprise cannot read it), or not delivered after: either way named by its place.
    assert code == 3 and ("could not be delivered to json://... (--notify number 1)" in err or "number 2)" in err)
    for secret in ("S3cret", "AAHsecret", "APPTOKENsecret", "AccessTokenSecret", "agency", "USERKEY", "123456789"):
        assert secret not in err


def test_a_selection_naming_nothing_recorded_says_what_there_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`history --account nobody` said only "no audits recorded for that selection": a typo looked like no data."""
    db = tmp_path / "h.sqlite"
    assert main(["audit", str(SAMPLES), "--history", str(db), "--format", "nagios", "--account", "acme"]) == 2
    capsys.readouterr()
    assert main(["history", "--history", str(db), "--account", "acme-shop"]) == 0
    out, err = capsys.readouterr()
    assert out == "no audits recorded for that selection\n"
    assert f"note: {db} holds acme (US); none matches the selection" in err


def test_a_day_nothing_could_be_checked_is_told_once_and_leaves_the_next_change_to_be_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ok, then two days whose folder held only feedback (UNKNOWN, every metric not evaluated), then a breach. That
    the audits cannot tell is told once (a monitor gone quiet reads as one with nothing to say); it changes no
    status the URL knew, so the breach is told as the change from the last day that could tell, and says the
    audits can tell again."""
    db = tmp_path / "history.sqlite"
    feedback_only = tmp_path / "feedback_only"
    feedback_only.mkdir()
    (feedback_only / "feedback.txt").write_bytes((SAMPLES / "feedback.txt").read_bytes())
    with json_receiver() as (url, posted):
        assert audit(capsys, OK_BEFORE, db, url)["status"] == "ok"
        for day in ("2026-09-25", "2026-09-26"):
            code = main(["audit", str(feedback_only), "--as-of", day, "--history", str(db), "--notify", url])
            capsys.readouterr()
            assert code == 3
        assert [p["title"] for p in posted] == ["healthcheck: default (US) cannot tell: UNKNOWN"]
        assert "Account default (US) as of 2026-09-25: UNKNOWN." in posted[0]["message"]
        why = "Why it cannot tell: nothing could be checked: no metric with a target was evaluated"
        assert why in posted[0]["message"]
        assert audit(capsys, BREACH, db, url)["status"] == "breach"
        assert posted[1]["title"] == "healthcheck: default (US) got worse: BREACH"
        assert "cancellation_rate: OK -> BREACH" in posted[1]["message"]
        assert "that the audits could not tell; this one can." in posted[1]["message"]
        assert "Changed since you were last told:" in posted[1]["message"]
        audit(capsys, BREACH, db, url)
        assert len(posted) == 2
        # A backfill (an earlier day audited into the history) is history, not news: no "recovered" about the
        # past, and no second "got worse" when the later day is audited again.
        assert audit(capsys, OK_BEFORE, db, url)["status"] == "ok"
        audit(capsys, BREACH, db, url)
        assert len(posted) == 2


def test_two_runs_at_once_on_one_history_send_the_change_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two cron runs at once (real processes): each read what the URL knew before the other marked it told, and
    both sent the alert. A slow webhook keeps the window wide open."""
    db = tmp_path / "history.sqlite"
    with json_service() as (url, posted, service):
        audit(capsys, OK_BEFORE, db, url)
        service.slow = 1.0
        command = [sys.executable, "-m", "healthcheck", "audit", str(SAMPLES), "--as-of", BREACH, "--history", str(db)]
        runs = [
            subprocess.Popen([*command, "--notify", url, "--format", "nagios"], stdout=subprocess.DEVNULL)
            for _ in range(2)
        ]
        assert [run.wait(timeout=120) for run in runs] == [2, 2]
    assert [p["title"] for p in posted] == ["healthcheck: default (US) got worse: BREACH"]


def test_a_dead_webhook_in_a_portfolio_leaves_every_account_recorded_and_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first account's failed delivery raised out of the portfolio's loop: the accounts after it were neither
    recorded nor alerted, even to the URL that worked."""
    clients = tmp_path / "clients"
    for name in ("acme", "brio"):
        shutil.copytree(SAMPLES, clients / name)
    db = tmp_path / "history.sqlite"
    base = ["portfolio", str(clients), "--jobs", "1", "--history", str(db), "--format", "nagios"]
    assert main([*base, "--as-of", OK_BEFORE]) == 0
    with json_service() as (down, _, service), json_receiver() as (url, posted):
        service.down = True
        code = main([*base, "--as-of", BREACH, "--notify", down, "--notify", url])
        err = capsys.readouterr().err
    assert code == 3
    assert err.count("could not be delivered to json://... (--notify number 1)") == 2
    assert sorted(p["title"] for p in posted) == [
        "healthcheck: acme (US) got worse: BREACH",
        "healthcheck: brio (US) got worse: BREACH",
    ]
    out = history(capsys, "--history", str(db), "--format", "json")
    assert sorted((a["account"], a["as_of"]) for a in json.loads(out)["audits"]) == [
        ("acme", OK_BEFORE),
        ("acme", BREACH),
        ("brio", OK_BEFORE),
        ("brio", BREACH),
    ]


def test_the_history_is_read_without_writing_to_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`history` wrote to the file it shows (its schema and version), so it failed on a read-only copy (a backup, a
    snapshot) and waited on a cron run holding the file while it alerts; and it turned an empty file into a
    history."""
    db = tmp_path / "history.sqlite"
    audit(capsys, OK_BEFORE, db)
    before = db.read_bytes()
    with sqlite3.connect(db) as holder:
        holder.execute("BEGIN IMMEDIATE")  # a run recording and alerting: writers wait, readers do not
        done = subprocess.run(
            [sys.executable, "-m", "healthcheck", "history", "--history", str(db), "--format", "json"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        holder.rollback()
    assert done.returncode == 0, done.stderr
    assert [a["as_of"] for a in json.loads(done.stdout)["audits"]] == [OK_BEFORE]
    assert db.read_bytes() == before
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    assert main(["history", "--history", str(empty)]) == 3
    assert "holds no recorded audits" in capsys.readouterr().err and empty.stat().st_size == 0


def test_one_metric_better_while_the_account_stays_in_breach_is_improved_not_recovered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The title said "recovered: BREACH" when one metric got better and the account stayed in breach."""
    from healthcheck.notify import Change, compose

    document = audit(capsys, "2026-11-20", tmp_path / "history.sqlite")
    assert document["status"] == "breach"
    title, body = compose([Change("late_shipment_rate_30d", "at_risk", "ok")], document, "acme") or ("", "")
    assert title == "healthcheck: acme (US) improved: BREACH"
    assert "late_shipment_rate_30d: AT RISK -> OK (better)" in body
