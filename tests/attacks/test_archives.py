"""Issue 17, points 5 and 9: archives are unpacked as counted streams, within caps, and refused with a clear error
(exit 3) beyond them; the reports beside them are still audited."""

from __future__ import annotations

import gzip
import json
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

import healthcheck.loaders.archive as archive
from healthcheck.cli import main
from tests.attacks.corpus import AS_OF, TINY, tiny_copy


def orders_text(rows: int) -> bytes:
    """A valid all-orders report of `rows` identical lines: it packs about a thousand times smaller."""
    lines = (TINY / "all_orders.txt").read_bytes().splitlines(keepends=True)
    return lines[0] + lines[2] * rows


def audit_json(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, dict[str, Any], str]:
    code = main(["audit", *map(str, paths), "--as-of", AS_OF, "--format", "json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_a_member_that_unpacks_a_thousand_fold_is_stopped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = tmp_path / "orders.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as packed:
        packed.writestr("all_orders.txt", orders_text(400_000))  # 48 MB of rows in about 100 KB
        packed.writestr("more_orders.txt", orders_text(10))
    assert bomb.stat().st_size < 1 << 20
    code, document, err = audit_json(capsys, bomb, TINY / "ship_confirmations.txt")
    assert code == 3
    assert f"{bomb}/all_orders.txt: unpacks to more than 100 times its packed size" in err
    assert "the rest of the archive was not read" in err
    assert [i["path"] for i in document["inputs"]] == [str(TINY / "ship_confirmations.txt")]


def test_a_gzip_file_that_unpacks_a_thousand_fold_is_stopped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = tmp_path / "all_orders.txt.gz"
    bomb.write_bytes(gzip.compress(orders_text(400_000), compresslevel=9))
    code, document, err = audit_json(capsys, bomb, TINY / "ship_confirmations.txt")
    assert code == 3
    assert f"{bomb}: unpacks to more than 100 times its packed size" in err and "gunzip" in err
    assert [i["path"] for i in document["inputs"]] == [str(TINY / "ship_confirmations.txt")]


def test_members_together_past_the_total_cap_are_stopped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap itself is 2 GiB; a test-sized one shows the same check without unpacking gigabytes."""
    monkeypatch.setattr(archive, "MAX_UNPACKED_BYTES", 1 << 20)
    many = tmp_path / "orders.zip"
    with zipfile.ZipFile(many, "w", zipfile.ZIP_STORED) as packed:
        for n in range(4):
            packed.writestr(f"all_orders_{n}.txt", orders_text(3_000))  # 360 KB each, stored: no ratio to see
    code, document, err = audit_json(capsys, many)
    assert code == 3
    assert f"{many}/all_orders_2.txt: unpacks to more than 1 MiB with the members before it" in err
    assert [Path(str(i["path"])).name for i in document["inputs"]] == ["all_orders_0.txt", "all_orders_1.txt"]


def test_an_archive_of_too_many_members_is_refused_before_any_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    claims = (TINY.parent.parent.parent / "sample_reports" / "claims.txt").read_bytes()
    crowd = tmp_path / "claims.zip"
    with zipfile.ZipFile(crowd, "w", zipfile.ZIP_DEFLATED) as packed:
        for n in range(archive.MAX_MEMBERS * 4):
            packed.writestr(f"claims_{n}.txt", claims)
    folder = tiny_copy(tmp_path)
    started = time.perf_counter()
    code, document, err = audit_json(capsys, folder, crowd)
    assert time.perf_counter() - started < 10  # members are never read: no cost per member
    assert code == 3
    assert f"{crowd}: holds {archive.MAX_MEMBERS * 4} files, more than the {archive.MAX_MEMBERS}" in err
    assert len(document["inputs"]) == 2
