"""`healthcheck fetch` against a local server speaking the Reports API 2021-06-30 and the LWA token endpoint."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fake_spapi import (
    APP_ID,
    CLIENT_SECRET,
    FORMATS,
    OPT_IN,
    REFRESH_TOKEN,
    SAMPLES,
    SELLERS_OWN,
    SERVED,
    FakeSpApi,
)

from healthcheck.cli import main
from healthcheck.fetch.reports import REPORT_TYPES, ReportType
from healthcheck.loaders import load_inputs
from healthcheck.marketplaces import MARKETPLACES

SECRETS = (APP_ID, CLIENT_SECRET, REFRESH_TOKEN)
# The sample data runs from 2026-08-10 to 2026-11-20: a fixed end keeps the test independent of today's date.
RANGE = ["--until", "2026-11-21", "--days", "120"]
MONTH = ["--until", "2026-11-21", "--days", "30"]  # one request per report type
FBA_RETURNS = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
FETCHED = set(SERVED) - OPT_IN  # what a fetch asks for unless the seller opts in to more


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def audit_json(capsys: pytest.CaptureFixture[str], folder: Path) -> dict[str, Any]:
    code, out, _ = run(capsys, "audit", str(folder), "--format", "json")
    assert code == 2  # the demo account is in breach
    document: dict[str, Any] = json.loads(out)
    return document


def without_paths(document: dict[str, Any]) -> dict[str, Any]:
    """The audit minus what names files: their paths and how the rows were spread over them."""
    kept = {k: v for k, v in document.items() if k not in ("generated_at", "inputs")}
    kept["reconcile"] = [{k: v for k, v in r.items() if k != "path"} for r in document["reconcile"]]
    return kept


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


def test_fetched_folder_audits_like_the_original_files_and_a_second_fetch_adds_nothing(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    originals = tmp_path / "originals"
    originals.mkdir()
    for name in [n for names, _, _ in SERVED.values() for n in names] + list(SELLERS_OWN):
        shutil.copy(SAMPLES / name, originals / name)
    folder = tmp_path / "fetched"
    code, out, err = run(capsys, "fetch", "--into", str(folder), *RANGE)
    assert code == 0, err
    written = out.count("fetched ")
    assert f"{written} new files" in out
    for name in SELLERS_OWN:  # not served by SP-API: the seller's own files beside the downloads
        shutil.copy(SAMPLES / name, folder / name)

    manifest = json.loads((folder / "manifest.json").read_text())
    entries = manifest["reports"]
    assert {e["report_type"] for e in entries} == FETCHED
    assert len([e for e in entries if e["file"]]) == written
    for entry in entries:
        assert entry["report_id"] and entry["fetched_at"].endswith("Z")
        if entry["status"] == "DONE":
            data = (folder / entry["file"]).read_bytes()
            assert entry["bytes"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
        else:  # no rows in that month: Amazon cancels the report
            assert entry["status"] == "CANCELLED"
    # FBA returns, each month CANCELLED (the demo account has none): one file of the report's header alone, against
    # the latest month, so that the audit knows there are none rather than asking for them. A report with rows in
    # another month (the MFN returns) gets none.
    [none] = [e["file"] for e in entries if e["status"] == "CANCELLED" and e["file"]]
    assert none.startswith("fba_returns_20261023-20261122_") and f"fetched {folder / none}" in out
    assert f"{FBA_RETURNS}: {none} holds the report's header alone, so that it audits as none" in err
    assert (folder / none).read_text().startswith("return-date\torder-id\tsku\t")
    # The same empty download beside the originals, as a seller who downloaded it by hand would have it.
    shutil.copy(folder / none, originals / none)
    # 120 days in requests of at most 30 days each, end to end, for every ranged report type.
    months = [
        ("2026-07-25T00:00:00Z", "2026-08-24T00:00:00Z"),
        ("2026-08-24T00:00:00Z", "2026-09-23T00:00:00Z"),
        ("2026-09-23T00:00:00Z", "2026-10-23T00:00:00Z"),
        ("2026-10-23T00:00:00Z", "2026-11-22T00:00:00Z"),
    ]
    for report_type, (_, column, _) in SERVED.items():
        if report_type in OPT_IN:
            continue
        spans = sorted((e["data_start"], e["data_end"]) for e in entries if e["report_type"] == report_type)
        assert spans == (months if column else [(None, None)]), report_type

    fetched, original = audit_json(capsys, folder), audit_json(capsys, originals)
    assert without_paths(fetched) == without_paths(original)
    refunds = next(m for m in fetched["metrics"] if m["id"] == "refund_rate")
    assert refunds["coverage"]["missing_inputs"] == []
    assert {i["kind"] for i in fetched["inputs"]} == {i["kind"] for i in original["inputs"]}

    before = sorted(p.name for p in folder.iterdir())
    created = api.seen["POST /reports/2021-06-30/reports"]
    code, out, err = run(capsys, "fetch", "--into", str(folder), *RANGE)
    assert code == 0, err
    assert sorted(p.name for p in folder.iterdir()) == before
    assert "0 new files" in out and "5 already up to date" in out and "2 unchanged" in out
    assert api.seen["POST /tokens/2021-03-01/restrictedDataToken"] == 2  # the unshipped orders, fetched twice
    # Only the two reports that take no date range were asked for again.
    assert api.seen["POST /reports/2021-06-30/reports"] == created + 2
    assert without_paths(audit_json(capsys, folder)) == without_paths(original)
    assert not api.leaked_token_to_s3
    assert_no_secret(out, err, (folder / "manifest.json").read_text())


def test_a_cancelled_report_is_a_note_and_the_rest_is_fetched(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.outcomes["GET_SELLER_FEEDBACK_DATA"] = "CANCELLED"
    code, out, err = run(capsys, "fetch", "--into", str(tmp_path), *MONTH)
    assert code == 0
    assert "note: GET_SELLER_FEEDBACK_DATA: no data from 2026-10-23T00:00:00Z to 2026-11-22T00:00:00Z" in err
    # Five reports with rows, and the two with none (the feedback, and the FBA returns the demo account lacks) as
    # their headers alone.
    assert "7 new files" in out
    [feedback] = tmp_path.glob("feedback_*.txt")
    assert feedback.read_text() == "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n"
    # The range counts as fetched: the next run does not ask again for what Amazon said does not exist.
    entries = json.loads((tmp_path / "manifest.json").read_text())["reports"]
    entry = next(e for e in entries if e["report_type"] == "GET_SELLER_FEEDBACK_DATA")
    assert entry["status"] == "CANCELLED" and entry["file"] == feedback.name

    # The audit reads it as no feedback, and asks for none: Amazon said there is none.
    code, out, _ = run(capsys, "audit", str(tmp_path), "--format", "json")
    document = json.loads(out)
    [read] = [i for i in document["inputs"] if i["kind"] == "feedback"]
    assert (read["rows"], read["used_rows"]) == (0, 0)
    odr = next(m for m in document["metrics"] if m["id"] == "order_defect_rate_mfn")
    assert "feedback" not in odr["coverage"]["missing_inputs"]


def test_a_fatal_report_is_an_error_naming_its_type_and_id(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.outcomes["GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL"] = "FATAL"
    code, out, err = run(capsys, "fetch", "--into", str(tmp_path), *MONTH)
    report_id = next(r.report_id for r in api.reports.values() if r.report_type.startswith("GET_AMAZON_FULFILLED"))
    assert code == 3
    assert (
        f"error: GET_AMAZON_FULFILLED_SHIPMENTS_DATA_GENERAL report {report_id} failed on Amazon's side "
        '(FATAL: {"errorDetails": "Report processing failed"}); fix: run the fetch again later' in err
    )
    assert "6 new files" in out  # the other reports were still fetched and kept (FBA returns: their header alone)


def test_throttling_and_server_errors_are_retried(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.throttle_create = 3
    api.fail_document_once = True
    code, out, err = run(capsys, "fetch", "--into", str(tmp_path), *MONTH)
    assert code == 0, err
    assert api.seen["429"] == 3 and "7 new files" in out
    # Nothing said but that the demo account has no FBA returns: no retry surfaces as an error or a note.
    [cancelled] = [i for i, r in api.reports.items() if r.report_type == FBA_RETURNS]
    assert err == (
        f"healthcheck: note: {FBA_RETURNS}: no data from 2026-10-23T00:00:00Z to 2026-11-22T00:00:00Z (Amazon "
        f"cancelled report {cancelled}: nothing to report)\n"
        f"healthcheck: note: {FBA_RETURNS}: fba_returns_20261023-20261122_{cancelled}.txt holds the report's header "
        "alone, so that it audits as none\n"
    )


def test_an_expired_refresh_token_gets_one_clear_message(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.revoked = True
    code, out, err = run(capsys, "fetch", "--into", str(tmp_path / "r"), *RANGE)
    assert code == 3 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "refused the refresh token of account 'default' (invalid_grant): it has expired or been revoked" in err
    assert "re-authorise the app in Seller Central" in err and "SP_API_REFRESH_TOKEN" in err
    assert_no_secret(out, err)
    assert api.seen["POST /reports/2021-06-30/reports"] == 0


def test_an_unreachable_host_is_named_without_the_password_its_url_holds(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy's URL may hold a user and password; the message (stderr, and now a run's alert) names the host alone.
    monkeypatch.setenv("HEALTHCHECK_LWA_TOKEN_URL", "http://agent:Pr0xyPass@127.0.0.1:9/token")
    code, out, err = run(capsys, "fetch", "--into", str(tmp_path / "r"), *RANGE)
    assert code == 3 and "cannot reach 127.0.0.1:9 for" in err
    assert "Pr0xyPass" not in out + err and "agent" not in out + err


def test_a_named_accounts_refused_token_names_where_that_account_reads_it(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Account `shop` reads only SP_API_REFRESH_TOKEN_SHOP (or its keys in credentials.yml): the fix named the
    unsuffixed variable, which it never reads."""
    for name in ("LWA_APP_ID", "LWA_CLIENT_SECRET", "SP_API_REFRESH_TOKEN"):
        monkeypatch.setenv(f"{name}_SHOP", {"LWA_APP_ID": APP_ID, "LWA_CLIENT_SECRET": CLIENT_SECRET}.get(name, "x"))
    code, out, err = run(capsys, "fetch", "--account", "shop", "--into", str(tmp_path / "r"), *RANGE)
    assert code == 3 and "put the new refresh token in the SP_API_REFRESH_TOKEN_SHOP environment variable" in err
    monkeypatch.setenv("LWA_CLIENT_SECRET_SHOP", "rotated")
    code, out, err = run(capsys, "fetch", "--account", "shop", "--into", str(tmp_path / "r"), *RANGE)
    assert code == 3 and "into the LWA_APP_ID_SHOP and LWA_CLIENT_SECRET_SHOP environment variables" in err
    assert_no_secret(out, err)


def test_a_report_stuck_in_progress_times_out(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.outcomes["GET_V2_SELLER_PERFORMANCE_REPORT"] = "STUCK"
    code, out, err = run(capsys, "fetch", "--into", str(tmp_path), "--timeout", "1", *MONTH)
    report_id = next(r.report_id for r in api.reports.values() if r.report_type == "GET_V2_SELLER_PERFORMANCE_REPORT")
    assert code == 3
    assert f"GET_V2_SELLER_PERFORMANCE_REPORT report {report_id} was still not done after 1 s" in err
    assert "--timeout" in err and "6 new files" in out


def test_named_account_from_credentials_yml_into_the_default_folder(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LWA_APP_ID", "LWA_CLIENT_SECRET", "SP_API_REFRESH_TOKEN"):
        monkeypatch.delenv(name)
    config = tmp_path / "xdg" / "python-sp-api"
    config.mkdir(parents=True)
    (config / "credentials.yml").write_text(
        f"version: '1.0'\ndefault:\n  refresh_token: other\n  lwa_app_id: other\n  lwa_client_secret: other\n"
        f"eu-shop:\n  refresh_token: '{REFRESH_TOKEN}'\n  lwa_app_id: '{APP_ID}'\n"
        f"  lwa_client_secret: '{CLIENT_SECRET}'\n"
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "fetch", "--account", "eu-shop", "--marketplace", "us", *RANGE)
    assert code == 0, err
    manifest = json.loads((tmp_path / "reports" / "eu-shop" / "US" / "manifest.json").read_text())
    assert manifest["account"] == "eu-shop" and manifest["marketplace"] == "US"
    code, out, err = run(capsys, "fetch", "--account", "nobody", *RANGE)
    assert code == 3
    assert "no SP-API credentials for account 'nobody'" in err and "SP_API_REFRESH_TOKEN_NOBODY" in err
    assert_no_secret(out, err)


def test_a_fetched_file_deleted_since_is_fetched_again_and_another_accounts_folder_is_refused(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest said the range was fetched although its file was gone ("already up to date", the audit then
    covering less); and a copy of one account's folder fetched as another's was "up to date" with the first
    account's reports."""
    folder = tmp_path / "r"
    assert run(capsys, "fetch", "--into", str(folder), *MONTH)[0] == 0
    [orders] = sorted(folder.glob("all_orders_*.txt"))
    orders.unlink()
    asked = {i for i, r in api.reports.items() if r.report_type.startswith("GET_FLAT_FILE_ALL_ORDERS")}
    code, _, err = run(capsys, "fetch", "--into", str(folder), *MONTH)
    assert code == 0, err
    assert f"{orders.name}: listed in manifest.json but no longer in the folder; its range is fetched again" in err
    again = {i for i, r in api.reports.items() if r.report_type.startswith("GET_FLAT_FILE_ALL_ORDERS")} - asked
    assert len(again) == 1 and len(list(folder.glob("all_orders_*.txt"))) == 1
    shutil.copytree(folder, tmp_path / "other")
    for name, value in (("LWA_APP_ID", APP_ID), ("LWA_CLIENT_SECRET", CLIENT_SECRET), ("SP_API_REFRESH_TOKEN", "x")):
        monkeypatch.setenv(f"{name}_OTHER", value)
    code, _, err = run(capsys, "fetch", "--into", str(tmp_path / "other"), "--account", "other", *MONTH)
    assert code == 3 and "holds account 'default''s reports, not 'other''s" in err and "--account default" in err


def test_two_fetches_into_one_folder_at_once_download_it_once(api: FakeSpApi, tmp_path: Path) -> None:
    """Cron and a hand run at once (real processes) both found every range missing: every report was downloaded
    twice, leaving duplicate files and an orphaned performance report. The second now waits, then finds it done."""
    folder = tmp_path / "r"
    command = [sys.executable, "-m", "healthcheck", "fetch", "--into", str(folder), *MONTH]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    files = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    reports = len(json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["reports"])
    assert len(files) == reports + 1  # each report once, and the manifest
    assert len([f for f in files if f.startswith("seller_performance")]) == 1


def test_a_later_fetch_asks_only_for_the_new_days_and_one_day_before_them(
    api: FakeSpApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "fetch", "--into", str(tmp_path), "--until", "2026-11-10", "--days", "30")[0] == 0
    first = set(api.reports)
    code, out, err = run(capsys, "fetch", "--into", str(tmp_path), *MONTH)
    assert code == 0, err
    assert "0 new files" not in out
    ranged = {(r.report_type, r.start, r.end) for i, r in api.reports.items() if i not in first and r.start}
    assert ranged == {
        (report_type, "2026-11-10T00:00:00Z", "2026-11-22T00:00:00Z")
        for report_type, (_, column, _) in SERVED.items()
        if column
    }


WHERE_SEEN = {  # a real download of each report type with a header of its own, for the header written alone
    "fba_returns": FORMATS / "returns_fba_us_2025.tsv",
    "mfn_returns": FORMATS / "returns_mfn_us_2025.tsv",
    "fba_shipments": FORMATS / "fba_shipments_jp_2017.tsv",
    "feedback": SAMPLES / "feedback.txt",
}


@pytest.mark.parametrize("kind", [k for k in REPORT_TYPES if k.header], ids=lambda k: k.stem)
def test_a_header_written_alone_is_amazons_and_reads_as_its_report(kind: ReportType, tmp_path: Path) -> None:
    """`ReportType.header`: as Amazon's downloads write it, and read by the audit as the report it stands for."""
    seen = WHERE_SEEN[kind.stem]
    if not seen.is_file():
        pytest.skip(f"{seen} is not checked out beside the repo")
    assert "\t".join(kind.header) == seen.read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "none.txt"
    path.write_text("\t".join(kind.header) + "\n", encoding="utf-8")
    loaded = load_inputs([path], marketplace=MARKETPLACES["US"])
    assert [(i.kind, i.rows) for i in loaded.inputs] == [(kind.stem, 0)]
    assert loaded.has(kind.stem) and not loaded.problems
