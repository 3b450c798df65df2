"""`healthcheck run --all` (issue 14): every account of the credentials file fetched, audited, recorded, one line
each, against the local SP-API; an account that cannot be fetched is UNKNOWN and the others still run."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from amazon_files import VAT_BUYER, vat_invoice_file
from fake_spapi import APP_ID, CLIENT_SECRET, REFRESH_TOKEN, SAMPLES, SELLERS_OWN, FakeSpApi, running_spapi
from receivers import json_receiver

from healthcheck.cli import main

RANGE = ["--until", "2026-11-21", "--days", "60"]


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeSpApi]:
    with running_spapi() as server:
        env = server.env()
        for name in ("LWA_APP_ID", "LWA_CLIENT_SECRET", "SP_API_REFRESH_TOKEN"):
            monkeypatch.delenv(name, raising=False)
            env.pop(name)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        config = tmp_path / "config"
        (config / "python-sp-api").mkdir(parents=True)
        # Two shops with their credentials, and one whose refresh token was never pasted in.
        shop = f"  lwa_app_id: {APP_ID}\n  lwa_client_secret: {CLIENT_SECRET}\n  refresh_token: '{REFRESH_TOKEN}'\n"
        (config / "python-sp-api" / "credentials.yml").write_text(
            f"north:\n{shop}south:\n{shop}half:\n  lwa_app_id: {APP_ID}\n", encoding="utf-8"
        )
        monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
        monkeypatch.chdir(tmp_path)
        yield server


def test_run_all_fetches_and_audits_every_account(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("north", "south"):
        folder = tmp_path / "reports" / name / "US"
        folder.mkdir(parents=True)
        for report in SELLERS_OWN:  # not served by SP-API: the seller keeps them in the same folder
            shutil.copy(SAMPLES / report, folder / report)
    with json_receiver() as (url, posted):
        code = main(["run", "--all", "--notify", url, *RANGE])
        out, err = capsys.readouterr()
        assert out.splitlines() == [
            "north (US) as of 2026-11-20: BREACH; recorded",
            "south (US) as of 2026-11-20: BREACH; recorded",
            "half: UNKNOWN; not fetched, not audited",
        ]
        assert "account 'half' lacks lwa_client_secret, refresh_token" in err
        assert code == 3  # the worst of all: an account that could not be fetched
        # The first audits are the baselines; the account that could not be fetched is told, once.
        assert [p["title"] for p in posted] == ["healthcheck: half (US) cannot tell: the reports could not be fetched"]
        assert "account 'half' lacks lwa_client_secret, refresh_token" in posted[0]["message"]
        assert main(["run", "--all", "--notify", url, "--quiet", *RANGE]) == 3
        assert capsys.readouterr().out == "half: UNKNOWN; not fetched, not audited\n" and len(posted) == 1
    for name in ("north", "south"):
        assert len(list((tmp_path / "reports" / name / "US").glob("all_orders_*.txt"))) == 2
    assert main(["history", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert sorted(a["account"] for a in document["audits"]) == ["north", "south"]


def test_run_all_refuses_one_account(api: FakeSpApi, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--all", "--account", "north"]) == 3
    assert "--all fetches every account into its own folder" in capsys.readouterr().err


def test_run_all_fetches_the_vat_invoices_of_every_account_when_asked(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    served = tmp_path / "served"
    served.mkdir()
    api.files["GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT"] = (vat_invoice_file(served),)
    code = main(["run", "--all", "--marketplace", "DE", "--vat-invoices", *RANGE])
    out, err = capsys.readouterr()
    assert code == 3 and "half: UNKNOWN; not fetched, not audited" in out  # the account without its credentials
    asked = [r.options for r in api.reports.values() if r.report_type == "GET_FLAT_FILE_VAT_INVOICE_DATA_REPORT"]
    assert asked == [{"ReportOption=pendingInvoices": "true"}] * 2
    for name in ("north", "south"):
        assert len(list((tmp_path / "reports" / name / "DE").glob("vat_invoices_*.txt"))) == 1
    assert VAT_BUYER not in out + err


def test_each_account_is_fetched_for_the_marketplaces_its_section_names(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --all` fetched every account for one marketplace (--marketplace, else the config's): an agency whose
    clients sell in different ones could not use it. An account's section may name its own."""
    credentials = tmp_path / "config" / "python-sp-api" / "credentials.yml"
    shop = f"  lwa_app_id: {APP_ID}\n  lwa_client_secret: {CLIENT_SECRET}\n  refresh_token: '{REFRESH_TOKEN}'\n"
    credentials.write_text(
        f"north:\n{shop}  marketplaces: [US, CA]\nsouth:\n{shop}odd:\n{shop}  marketplace: XX\n", encoding="utf-8"
    )
    code = main(["run", "--all", *RANGE])
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [line.split(" as of ")[0] for line in lines[:3]] == ["north (US)", "north (CA)", "south (US)"]
    assert lines[3:] == ["odd: UNKNOWN; not fetched, not audited"]
    assert "account 'odd': unknown marketplace 'XX'" in err and code == 3
    for folder in ("north/US", "north/CA", "south/US"):
        assert len(list((tmp_path / "reports" / folder).glob("all_orders_*.txt"))) == 2, folder
