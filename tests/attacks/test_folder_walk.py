"""Issue 17, point 6: nothing in a reports folder is passed over without a word."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from healthcheck.cli import main
from tests.attacks.corpus import AS_OF, tiny_copy

REPO = Path(__file__).parent.parent.parent


def audit_json(capsys: pytest.CaptureFixture[str], folder: Path) -> tuple[int, dict[str, Any]]:
    code = main(["audit", str(folder), "--as-of", AS_OF, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_a_pipe_a_broken_link_and_a_link_loop_are_each_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A link that leads nowhere stood for a report (a drive or synced folder not mounted): an error, exit 3, never
    an audit that goes on as if the folder were whole. A pipe and a folder link back up are named in notes."""
    folder = tiny_copy(tmp_path)
    os.mkfifo(folder / "orders-pipe.txt")
    (folder / "moved.txt").symlink_to(tmp_path / "gone.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "back").symlink_to(folder)  # a folder link leading back up: read once, never forever
    code, document = audit_json(capsys, folder)
    assert code == 3  # nothing hangs; the broken links are errors
    errors = {e["path"]: e["message"] for e in document["errors"]}
    assert errors[str(folder / "moved.txt")].startswith(f"a symbolic link to {tmp_path / 'gone.txt'}, which does not")
    assert "mount the drive or folder it points into, or fix or remove the link" in errors[str(folder / "moved.txt")]
    assert errors[str(folder / "loop.txt")].startswith("a symbolic link that loops back on itself")
    warnings = "\n".join(document["warnings"])
    assert f"{folder / 'orders-pipe.txt'}: not a regular file" in warnings
    assert f"{folder / 'sub' / 'back'}: a link back to a folder already read" in warnings
    assert len(document["inputs"]) == 2


def test_an_unreadable_sub_folder_is_an_error_naming_it(tmp_path: Path) -> None:
    """The folder's permissions deny reading it. Root reads every folder, so as root the run is started with the
    capabilities that override permissions removed (`setpriv`, part of util-linux)."""
    folder = tiny_copy(tmp_path)
    locked = folder / "2024-04"
    locked.mkdir()
    (locked / "all_orders.txt").write_bytes((folder / "all_orders.txt").read_bytes())
    locked.chmod(0)
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to test permissions as root"
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    try:
        result = subprocess.run(
            [*prefix, sys.executable, "-m", "healthcheck", "audit", str(folder), "--as-of", AS_OF, "-f", "json"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=REPO,
        )
    finally:
        locked.chmod(0o755)
    assert result.returncode == 3, result.stderr
    assert f"healthcheck: file cannot be read: {locked}: the folder cannot be read" in result.stderr


def test_a_file_name_that_is_not_utf8_is_shown_escaped_in_every_output(tmp_path: Path) -> None:
    """A file named with bytes that are not UTF-8 (copied from an old system) reached the report as lone
    surrogates: the JSON on stdout was no longer UTF-8, and `-o report.json` failed with an internal error."""
    folder = tiny_copy(tmp_path)
    shutil.copy(folder / "ship_confirmations.txt", os.fsdecode(bytes(folder) + b"/sc\xff\xfe.txt"))
    (folder / "ship_confirmations.txt").unlink()
    Path(os.fsdecode(bytes(folder) + b"/notes\xff.txt")).write_text("just notes\n", encoding="utf-8")
    command = [sys.executable, "-m", "healthcheck", "audit", str(folder), "--as-of", AS_OF]
    done = subprocess.run([*command, "--format", "json"], capture_output=True, check=False, timeout=60)
    document = json.loads(done.stdout.decode("utf-8"))
    assert done.returncode == 2
    assert [i["path"] for i in document["inputs"] if "sc" in i["path"]] == [f"{folder}/sc\\xff\\xfe.txt"]
    assert any("notes\\xff.txt" in w for w in document["warnings"])
    for suffix in ("json", "md", "html", "csv", "xml", "txt"):
        target = tmp_path / f"report.{suffix}"
        written = subprocess.run([*command, "-o", str(target)], capture_output=True, check=False, timeout=60)
        assert written.returncode == 2, written.stderr
        text = target.read_bytes().decode("utf-8")
        assert "sc\\xff\\xfe.txt" in text or suffix in ("json", "csv", "xml")  # JSON doubles the backslash


def test_a_link_to_a_folder_above_is_an_error_not_the_neighbours_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`clients/b/backup -> ..` made account b read account a's reports as its own (a portfolio, or `audit b`):
    numbers of two sellers merged, exit 2, and only a note about the loop once a had been read in full."""
    clients = tmp_path / "clients"
    shutil.copytree(tiny_copy(tmp_path / "a"), clients / "a")
    shutil.copytree(tiny_copy(tmp_path / "b"), clients / "b")
    (clients / "b" / "backup").symlink_to("..")
    code, document = audit_json(capsys, clients / "b")
    assert code == 3
    [error] = document["errors"]
    assert error["path"].endswith("b/backup") and "a folder that holds the one audited" in error["message"]
    assert not [i for i in document["inputs"] if "/a/" in i["path"] or "backup" in i["path"]]
