"""`healthcheck portfolio` on a folder of small accounts: every format, the history, and what cannot be placed.

alpha sells on amazon.com: 2 of the 14 orders bought in the last 7 days were cancelled by the seller, a
cancellation-rate breach. beta's folder holds a German and a French download (none cancelled: ok), so it is two
audits, DE and FR.
"""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from healthcheck.cli import main

HEADER = (
    "amazon-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\tsales-channel\tsku\t"
    "item-status\tquantity\titem-price"
)


def _orders(path: Path, prefix: str, channel: str, count: int, cancelled: int = 0) -> None:
    lines = [HEADER]
    for n in range(count):
        status = "Cancelled" if n >= count - cancelled else "Shipped"
        day = f"2026-11-{10 + n % 10:02d}T10:00:00+00:00"
        quantity, price = ("0", "10.00") if n >= count - cancelled else ("1", "10.00")
        lines.append(
            f"{prefix}-{n:07d}-{n:07d}\t{day}\t{day}\t{status}\tMerchant\t{channel}\tSKU-{n}\t{status}\t{quantity}\t{price}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "clients"
    _orders(root / "alpha" / "orders.txt", "111", "Amazon.com", 20, cancelled=2)
    _orders(root / "beta" / "de_orders.txt", "302", "Amazon.de", 12)
    _orders(root / "beta" / "fr_orders.txt", "403", "Amazon.fr", 15)
    return root


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["portfolio", *args, "--jobs", "1"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_rolls_up_each_account_and_marketplace(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(folder), "--format", "json")
    document = json.loads(out)
    assert code == 2 == document["exit_code"]
    assert [(a["name"], a["marketplace"], a["status"]) for a in document["accounts"]] == [
        ("alpha", "US", "breach"),
        ("beta", "DE", "ok"),
        ("beta", "FR", "ok"),
    ]
    alpha = document["rollup"][0]
    assert alpha["worst_metric"] == "cancellation_rate" and alpha["rate"] == pytest.approx(2 / 14)
    beta_fr = document["accounts"][2]["report"]
    assert beta_fr["schema_version"] == 1 and beta_fr["marketplace"] == "FR"
    assert [i["path"].rsplit("/", 1)[-1] for i in beta_fr["inputs"]] == ["fr_orders.txt"]
    assert beta_fr["marketplace_source"] == "from the sales channel of 15 orders"


def test_table_and_markdown_hold_the_rollup_then_each_report(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, table, _ = _run(capsys, str(folder), "--format", "table", "--width", "160")
    assert code == 2
    first = table.splitlines()[0]
    assert first == "healthcheck portfolio 3 audits of 2 accounts: 1 breach, 2 ok: BREACH"
    assert table.index("alpha") < table.index("beta")
    assert "==== beta (FR) ====" in table and "FR account (from the sales channel of 15 orders)" in table
    _, markdown, _ = _run(capsys, str(folder), "--format", "markdown")
    assert "| alpha | US | **BREACH** | 2026-11-19 | Cancellation rate | 14.29% |" in markdown
    assert "\n## beta (DE): OK\n" in markdown
    assert "\n### Metrics\n" in markdown  # each audit's own headings, one level down


def test_csv_nagios_junit_and_html(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, str(folder), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["account"], r["marketplace"], r["status"]) for r in rows] == [
        ("alpha", "US", "breach"),
        ("beta", "DE", "ok"),
        ("beta", "FR", "ok"),
    ]
    # Our own headroom text opens with no `-`, which a spreadsheet would read as a formula and the guard would
    # then quote (`'- / - orders`): a crossed line is a word here.
    assert rows[0]["headroom"] == "past / past orders"
    # The worst of the exit codes, as a monitoring system sees it: a real process's.
    command = [sys.executable, "-m", "healthcheck", "portfolio", str(folder), "-f", "nagios", "-j", "1"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    nagios = done.stdout
    assert nagios == (
        "HEALTHCHECK BREACH - 3 audits of 2 accounts: 1 breach, 2 ok; worst: alpha US BREACH cancellation_rate "
        "14.29% | unknown=0;;;0;3 breach=1;;;0;3 at_risk=0;;;0;3 ok=2;;;0;3\n"
    )
    code = main(["portfolio", str(folder), "--jobs", "1", "--output", str(tmp_path / "health.xml")])
    assert code == 2
    suites = ET.parse(tmp_path / "health.xml").getroot()
    names = [s.get("name") for s in suites.findall("testsuite")]
    assert names == ["alpha US", "beta DE", "beta FR"]
    assert int(suites.get("failures", "")) == sum(int(s.get("failures", "")) for s in suites) >= 1
    assert main(["portfolio", str(folder), "--jobs", "1", "--output", str(tmp_path / "health.html")]) == 2
    page = (tmp_path / "health.html").read_text(encoding="utf-8")
    assert page.count('<details class="account"') == 3
    assert page.count("<html") == 1 and page.count("</body>") == 1
    assert '<table class="grid"><thead><tr><th>Account</th><th>DE</th><th>FR</th><th>US</th>' in page


def test_every_audit_is_recorded_under_its_account(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = tmp_path / "history.sqlite"
    code, _, _ = _run(capsys, str(folder), "--format", "json", "--history", str(history))
    assert code == 2
    assert main(["history", "--history", str(history), "--format", "json"]) == 0
    recorded = json.loads(capsys.readouterr().out)
    entries = recorded if isinstance(recorded, list) else recorded["audits"]
    assert sorted({(e["account"], e["marketplace"]) for e in entries}) == [
        ("alpha", "US"),
        ("beta", "DE"),
        ("beta", "FR"),
    ]


def test_a_file_naming_no_marketplace_in_a_mixed_account_is_an_error_naming_it(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Buyer messages with no order id: nothing says whether they were German or French.
    (folder / "beta" / "messages.txt").write_text(
        "message-id\treceived-at\nm-1\t2026-11-15T10:00:00+00:00\n", encoding="utf-8"
    )
    code, out, err = _run(capsys, str(folder), "--format", "json")
    document = json.loads(out)
    beta = [a for a in document["accounts"] if a["name"] == "beta"]
    assert [(a["marketplace"], a["status"]) for a in beta] == [("DE", "unknown"), ("FR", "unknown")]
    for audit in beta:
        [error] = audit["report"]["errors"]
        assert error["path"].endswith("messages.txt") and "names no marketplace" in error["message"]
    assert code == 3
    assert "healthcheck: beta (DE): " in err and "messages.txt" in err


def test_a_portfolio_that_cannot_be_read_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "portfolio.toml"
    target.write_text('[[account]]\nname = "a"\npaths = ["x"]\n[[account]]\nname = "a"\npaths = ["y"]\n')
    code, _, err = _run(capsys, str(target))
    assert code == 3 and "two accounts are named 'a'" in err
    target.write_text('[[account]]\nname = "a"\npaths = ["x"]\nmarket = "DE"\n')
    code, _, err = _run(capsys, str(target))
    assert code == 3 and "unknown key market" in err
    (tmp_path / "empty").mkdir()
    code, _, err = _run(capsys, str(tmp_path / "empty"))
    assert code == 3 and "holds no account folders" in err


def test_a_feedback_file_goes_to_the_marketplace_its_dates_read_as(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Feedback on orders no order file holds: only its German dates (D.M.YY) say where it belongs.
    (folder / "beta" / "feedback.txt").write_text(
        "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n"
        "15.11.26\t1\tKaputt\t\t302-9999999-9999999\ta@example.net\n"
        "16.11.26\t5\tGut\t\t302-9999998-9999998\tb@example.net\n",
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, str(folder), "--format", "json")
    beta = {a["marketplace"]: a["report"] for a in json.loads(out)["accounts"] if a["name"] == "beta"}
    assert code == 2 and {m: r["status"] for m, r in beta.items()} == {"DE": "ok", "FR": "ok"}
    de_inputs = {i["path"].rsplit("/", 1)[-1]: i for i in beta["DE"]["inputs"]}
    assert de_inputs["feedback.txt"]["used_rows"] == 2
    assert [i["path"].rsplit("/", 1)[-1] for i in beta["FR"]["inputs"]] == ["fr_orders.txt"]
    assert [d["order_id"] for d in beta["DE"]["unmatched_defects"]] == ["302-9999999-9999999"]


def _session(pid: int) -> list[int]:
    """The processes of the session `pid` leads (the session id is the 6th field of /proc/PID/stat)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone since it was listed
            continue
        if int(fields[3]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_stopped_by_sigterm_it_leaves_no_worker_and_no_report(tmp_path: Path) -> None:
    root = tmp_path / "many"
    for n in range(60):
        _orders(root / f"shop-{n:02d}" / "orders.txt", "111", "Amazon.com", 20, cancelled=1)
    out = tmp_path / "health.json"
    command = [sys.executable, "-m", "healthcheck", "portfolio", str(root), "--jobs", "2", "-o", str(out)]
    child = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(2.0)  # the workers are up and auditing
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 3 and "interrupted by SIGTERM" in err and "leaked" not in err
    assert not out.exists()
    # No worker left auditing on its own (multiprocessing's resource tracker takes a moment to see it is done).
    deadline = time.monotonic() + 10
    while _session(child.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _session(child.pid) == []


def test_an_account_whose_reports_stopped_is_named_beside_its_ok(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Downloads that stopped leave an account audited as of its last day: OK in the roll-up with nothing to say it
    stands on older data than the others."""
    _orders(folder / "gamma" / "orders.txt", "114", "Amazon.com", 20)
    path = folder / "gamma" / "orders.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("2026-11-", "2026-10-"), encoding="utf-8")
    code, out, err = _run(capsys, str(folder), "--format", "markdown")
    assert code == 2
    assert "| gamma | US | OK | 2026-10-19 (31 days behind) |" in out
    assert (
        "healthcheck: warning: gamma (US): its reports end 2026-10-19, 31 days before the newest account's "
        "(2026-11-19), and its status stands on that day: check its downloads still run" in err
    )
    _, out, _ = _run(capsys, str(folder), "--format", "json")
    days = {(r["name"], r["marketplace"]): r["days_behind"] for r in json.loads(out)["rollup"]}
    assert days == {("alpha", "US"): 0, ("beta", "DE"): 0, ("beta", "FR"): 0, ("gamma", "US"): 31}


def test_an_account_audited_as_of_a_day_set_for_it_is_not_said_to_have_stopped(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An account's `as_of` in the portfolio file is the seller's choice: "its reports end ... check its downloads
    still run" was wrong of it, whose reports run on; the roll-up still shows how far behind it is."""
    portfolio = folder / "portfolio.toml"
    portfolio.write_text(
        '[[account]]\nname = "alpha"\npaths = ["alpha/"]\nas_of = 2026-11-01\n'
        '[[account]]\nname = "beta"\npaths = ["beta/de_orders.txt"]\n',
        encoding="utf-8",
    )
    _, out, err = _run(capsys, str(portfolio), "--format", "markdown")
    assert "| alpha | US |" in out and "2026-11-01 (18 days behind)" in out
    assert "its reports end" not in err


def test_an_account_folders_own_config_is_its_config(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder portfolio had no way to give an account its settings: its healthcheck.toml was skipped as "not a
    report file", while the same report advised running init-config."""
    (folder / "alpha" / "healthcheck.toml").write_text(
        "[metrics.cancellation_rate]\ntarget = 0.5\nat_risk = 0.4\n", encoding="utf-8"
    )
    code, out, _ = _run(capsys, str(folder), "--format", "json")
    alpha = next(a for a in json.loads(out)["accounts"] if a["name"] == "alpha")["report"]
    cancellation = next(m for m in alpha["metrics"] if m["id"] == "cancellation_rate")
    assert (cancellation["target"], cancellation["status"]) == (0.5, "ok") and code == 0
    assert any("healthcheck.toml: a healthcheck config, not a report, skipped" in w for w in alpha["warnings"])
