"""`healthcheck run`: fetch, audit, record and alert in one command, against the local SP-API and receivers."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_spapi import APP_ID, CLIENT_SECRET, REFRESH_TOKEN, SAMPLES, SELLERS_OWN, FakeSpApi, running_spapi
from receivers import json_receiver, json_service

from healthcheck.cli import main

RANGE = ["--until", "2026-11-21", "--days", "60"]  # two requests per ranged report type


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeSpApi]:
    with running_spapi() as server:
        env = server.env()
        for name in ("LWA_APP_ID", "LWA_CLIENT_SECRET", "SP_API_REFRESH_TOKEN"):
            monkeypatch.delenv(name, raising=False)
            monkeypatch.setenv(f"{name}_SHOP", env.pop(name))  # the named account's own variables
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
        monkeypatch.chdir(tmp_path)
        yield server


def test_run_fetches_audits_records_and_alerts_only_on_change(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Run 1 with thresholds none of our metrics crosses, run 2 with Amazon's: the status worsens between the two.
    lenient = tmp_path / "lenient.toml"
    lenient.write_text(
        "[metrics.cancellation_rate]\ntarget = 0.5\nat_risk = 0.4\n"
        "[metrics.late_shipment_rate_10d]\ntarget = 0.5\nat_risk = 0.4\n"
    )
    folder = tmp_path / "reports" / "shop" / "US"
    folder.mkdir(parents=True)
    for name in SELLERS_OWN:  # not served by SP-API: the seller keeps them in the same folder
        shutil.copy(SAMPLES / name, folder / name)
    with json_receiver() as (url, posted):
        command = ["run", "--account", "shop", "--notify", url, *RANGE]
        code = main([*command, "--config", str(lenient)])
        out, err = capsys.readouterr()
        assert (folder / "manifest.json").is_file() and len(list(folder.glob("all_orders_*.txt"))) == 2
        # The lenient thresholds leave our metrics ok; Amazon's own report (fetched too) says AT_RISK, which no
        # config relaxes (issue 15): the baseline is AT RISK.
        assert code == 1 and out == "shop (US) as of 2026-11-20: AT RISK; recorded\n", err
        assert posted == []  # the first audit is the baseline

        code = main(command)
        out, err = capsys.readouterr()
        assert code == 2 and "BREACH; recorded; alert sent: shop (US) got worse: BREACH" in out, err
        assert len(posted) == 1 and posted[0]["title"] == "healthcheck: shop (US) got worse: BREACH"

        code = main([*command, "--quiet"])
        out, err = capsys.readouterr()
        assert code == 2 and out == "" and err == ""  # nothing new fetched, nothing changed, nothing said
        assert len(posted) == 1

    assert main(["history", "--account", "shop", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [(a["account"], a["as_of"]) for a in document["audits"]] == [("shop", "2026-11-20")]
    for secret in (APP_ID, CLIENT_SECRET, REFRESH_TOKEN):
        for path in [tmp_path / "reports" / "history.sqlite", *folder.iterdir()]:
            assert secret.encode() not in path.read_bytes()


def test_run_stops_before_the_audit_when_the_fetch_fails(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.revoked = True
    assert main(["run", "--account", "shop", *RANGE]) == 3
    out, err = capsys.readouterr()
    assert out == "" and "refresh token of account 'shop'" in err and "SP_API_REFRESH_TOKEN_SHOP" not in out
    assert not (tmp_path / "reports" / "history.sqlite").exists()
    assert not (tmp_path / "reports").exists()  # nothing fetched, no empty folder left behind


def test_a_run_that_cannot_fetch_tells_its_urls_once_and_once_more_when_it_can(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A monitor that falls silent while it cannot see reads as one with nothing to say: the first failed fetch
    is told, the next ones are not (a daily cron would repeat it), and the first audit that can tell says so."""
    folder = tmp_path / "reports" / "shop" / "US"
    command = ["run", "--account", "shop", *RANGE]
    with json_receiver() as (url, posted):
        api.revoked = True
        assert main([*command, "--notify", url]) == 3
        _, err = capsys.readouterr()
        assert "refresh token of account 'shop'" in err
        assert [p["title"] for p in posted] == ["healthcheck: shop (US) cannot tell: the reports could not be fetched"]
        assert "refresh token of account 'shop'" in posted[0]["message"]
        assert "Nothing more is said of the account until an audit can tell" in posted[0]["message"]
        for secret in (APP_ID, CLIENT_SECRET, REFRESH_TOKEN):
            assert secret not in posted[0]["title"] + posted[0]["message"]

        api.revoked = False
        api.outcomes["GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL"] = "FATAL"  # the other way a fetch fails
        assert main([*command, "--notify", url]) == 3
        _, err = capsys.readouterr()
        assert "FATAL" in err and len(posted) == 1  # told already

        api.outcomes.clear()
        for name in SELLERS_OWN:
            shutil.copy(SAMPLES / name, folder / name)
        code = main([*command, "--notify", url])
        out, err = capsys.readouterr()
        assert code == 2 and "BREACH; recorded; alert sent: shop (US) can tell again: BREACH" in out, err
        assert len(posted) == 2 and posted[1]["title"] == "healthcheck: shop (US) can tell again: BREACH"
        assert "that the audits could not tell; this one can." in posted[1]["message"]
        assert "It is the first audit recorded that could tell." in posted[1]["message"]

        assert main([*command, "--notify", url, "--quiet"]) == 2
        assert capsys.readouterr().out == "" and len(posted) == 2  # nothing new: nothing said

        # Blind again; the folder it fetched before, audited again, says nothing new of the account: still blind.
        api.revoked = True
        assert main([*command, "--notify", url]) == 3
        assert len(posted) == 3 and posted[2]["title"].endswith("cannot tell: the reports could not be fetched")
        assert "The last audit that could tell, as of 2026-11-20, said BREACH." in posted[2]["message"]
        history = tmp_path / "reports" / "history.sqlite"
        audit = ["audit", str(folder), "--account", "shop", "--history", str(history), "--notify", url]
        assert main([*audit, "--format", "json"]) == 2
        capsys.readouterr()
        assert len(posted) == 3
        assert main([*command, "--notify", url]) == 3  # still blind: not told a second time
        capsys.readouterr()
        assert len(posted) == 3


def test_a_failed_fetch_whose_alert_fails_says_so_after_the_cause_and_claims_no_audit(
    api: FakeSpApi, capsys: pytest.CaptureFixture[str]
) -> None:
    api.revoked = True
    with json_service() as (url, posted, server):
        server.down = True
        assert main(["run", "--account", "shop", *RANGE, "--notify", url]) == 3
        err = capsys.readouterr().err
        assert posted == [] and err.index("refresh token of account 'shop'") < err.index("could not be delivered")
        assert "the audit is recorded" not in err and "the next run tells it, if the audits still cannot tell" in err
        server.down = False
        assert main(["run", "--account", "shop", *RANGE, "--notify", url]) == 3
        capsys.readouterr()
        assert [p["title"] for p in posted] == ["healthcheck: shop (US) cannot tell: the reports could not be fetched"]
