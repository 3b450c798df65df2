"""`healthcheck portfolio` (issue 14): the demo account, a DE and a JP account from the sample generator, a folder
mixing DE and FR orders (whole files, and files whose rows mix both) and a broken account, audited in one command.

Every row must carry the numbers the single `audit` of that account's marketplace gives; the broken account is
UNKNOWN and the others still report; the process exits with the worst code of all (SPEC 5.5).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from healthcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import make_samples  # noqa: E402

DEMO = ROOT / "sample_reports"
# Files of the DE and FR accounts that the mixed folder joins into one file each (rows of both marketplaces).
JOINED = ("all_orders_2.txt", "claims.txt")


def _generated(root: Path, name: str, seed: int, marketplace: str) -> Path:
    folder = root / name
    make_samples.write_account(folder, seed=seed, marketplace=marketplace)
    return folder


def _mixed(root: Path, de: Path, fr: Path) -> Path:
    """One seller's European folder: DE and FR downloads side by side, and some downloads holding both."""
    folder = root / "eu"
    folder.mkdir()
    for source, prefix in ((de, "de_"), (fr, "fr_")):
        for path in sorted(source.iterdir()):
            if path.name not in JOINED:
                shutil.copy(path, folder / f"{prefix}{path.name}")
    for name in JOINED:
        header, *de_rows = (de / name).read_text(encoding="utf-8").splitlines()
        _, *fr_rows = (fr / name).read_text(encoding="utf-8").splitlines()
        (folder / name).write_text("\n".join([header, *de_rows, *fr_rows]) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("accounts")
    de = _generated(root, "de", 7, "DE")
    fr = _generated(root, "fr", 9, "FR")
    jp = _generated(root, "jp", 8, "JP")
    broken = root / "broken"
    broken.mkdir()
    # An All Orders download cut short: its header lacks columns the report needs (an input error, SPEC 6).
    (broken / "all_orders.txt").write_text("amazon-order-id\tpurchase-date\n111-0000001-0000001\tx\n")
    return {"demo": DEMO, "de": de, "fr": fr, "jp": jp, "eu": _mixed(root, de, fr), "broken": broken}


def _toml(path: Path, entries: dict[str, Path]) -> Path:
    lines = []
    for name, folder in entries.items():
        lines += ["[[account]]", f'name = "{name}"', f'paths = ["{folder.as_posix()}"]', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _single(folder: Path, out: Path) -> dict[str, Any]:
    code = main(["audit", str(folder), "--format", "json", "--output", str(out)])
    document: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    assert code == document["exit_code"]
    return document


def _numbers(document: dict[str, Any]) -> dict[str, Any]:
    """What an audit says, without where its files were or when it ran."""
    return {
        key: document[key]
        for key in ("as_of", "marketplace", "status", "metrics", "actions", "unmatched_defects", "warnings")
    } | {"marketplace_source": document["marketplace_source"], "as_of_source": document["as_of_source"]}


@pytest.fixture(scope="module")
def portfolio_run(accounts: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The portfolio run once, as cron would: a real process, two jobs, JSON to a file."""
    root = tmp_path_factory.mktemp("run")
    target = _toml(root / "portfolio.toml", {k: v for k, v in accounts.items() if k != "fr"})
    # An account whose audit cannot even start: its config file is missing.
    with target.open("a", encoding="utf-8") as toml:
        toml.write(f'[[account]]\nname = "misconfigured"\npaths = ["{DEMO.as_posix()}"]\nconfig = "missing.toml"\n')
    out = root / "portfolio.json"
    done = subprocess.run(
        [sys.executable, "-m", "healthcheck", "portfolio", str(target), "--jobs", "2", "--output", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    yield {"code": done.returncode, "stderr": done.stderr, "document": json.loads(out.read_text(encoding="utf-8"))}


def test_one_row_per_account_and_marketplace_with_the_single_audits_numbers(
    portfolio_run: dict[str, Any], accounts: dict[str, Path], tmp_path: Path
) -> None:
    document = portfolio_run["document"]
    rows = {(a["name"], a["marketplace"]): a for a in document["accounts"]}
    assert set(rows) == {
        ("demo", "US"),
        ("de", "DE"),
        ("jp", "JP"),
        ("eu", "DE"),
        ("eu", "FR"),
        ("broken", "US"),
        ("misconfigured", None),
    }
    singles = {
        ("demo", "US"): accounts["demo"],
        ("de", "DE"): accounts["de"],
        ("jp", "JP"): accounts["jp"],
        ("eu", "DE"): accounts["de"],
        ("eu", "FR"): accounts["fr"],
    }
    for key, folder in singles.items():
        single = _single(folder, tmp_path / f"{key[0]}-{key[1]}.json")
        report = rows[key]["report"]
        assert _numbers(report) == _numbers(single), key
        assert rows[key]["status"] == single["status"] == "breach"
        assert rows[key]["exit_code"] == single["exit_code"] == 2
    # The joined files gave each marketplace its own rows, the other's counted as such.
    eu_de = {i["path"].rsplit("/", 1)[-1]: i for i in rows[("eu", "DE")]["report"]["inputs"]}
    assert eu_de["claims.txt"]["skipped"] == {"other_marketplace": 9}
    assert not any(name.startswith("fr_") for name in eu_de)


def test_a_broken_account_is_unknown_and_the_others_still_report(portfolio_run: dict[str, Any]) -> None:
    document = portfolio_run["document"]
    by_name = {a["name"]: a for a in document["accounts"]}
    broken, misconfigured = by_name["broken"], by_name["misconfigured"]
    assert broken["status"] == "unknown" and broken["exit_code"] == 3
    assert broken["report"]["errors"][0]["path"].endswith("all_orders.txt")
    # The audit that could not run has no report, and says why in its row.
    assert misconfigured["status"] == "unknown" and misconfigured["report"] is None
    assert "missing.toml" in misconfigured["error"]
    # Worst first: the unknown accounts head the roll-up; the exit code is the worst of all (SPEC 5.5).
    assert {r["name"] for r in document["rollup"][:2]} == {"broken", "misconfigured"}
    assert document["counts"] == {"unknown": 2, "breach": 5, "at_risk": 0, "ok": 0}
    assert portfolio_run["code"] == 3 == document["exit_code"]
    assert "healthcheck: broken (US): " in portfolio_run["stderr"]
    assert "healthcheck: misconfigured (-): UNKNOWN: config error: " in portfolio_run["stderr"]
    assert [r["status"] for r in document["rollup"][2:]] == ["breach"] * 5


def _workers(parent: int) -> list[int]:
    """The pool's worker processes of `parent` (spawned: their command line runs `spawn_main`)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"spawn_main" in cmdline:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the worker processes")
def test_a_worker_killed_mid_run_costs_no_other_account(tmp_path: Path) -> None:
    """An audit's process killed (the OOM killer, an operator) broke the pool, and every account still in it was
    UNKNOWN "BrokenProcessPool". Each such account is audited again in a process of its own: here, where the kill
    was once, every account reports."""
    for name in ("acme", "brio", "cora", "dune"):
        shutil.copytree(DEMO, tmp_path / name)
    command = [sys.executable, "-m", "healthcheck", "portfolio", str(tmp_path), "-j", "2", "-f", "json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as run:
        killed = 0
        while not killed and run.poll() is None:
            for worker in _workers(run.pid)[:1]:
                os.kill(worker, 9)
                killed = worker
        out, err = run.communicate(timeout=300)
    assert killed, "no worker was seen to kill"
    document = json.loads(out)
    statuses = {row["name"]: row["status"] for row in document["rollup"]}
    assert statuses == dict.fromkeys(("acme", "brio", "cora", "dune"), "breach"), err
    assert run.returncode == 2 and "BrokenProcessPool" not in out + err
