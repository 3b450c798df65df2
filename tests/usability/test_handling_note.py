"""Issue 17, point 15: the handling-time note names only the SKUs behind the orders it counts, and the fix that
works where no config file exists yet."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from healthcheck.cli import main

SAMPLES = Path(__file__).parent.parent.parent / "sample_reports"


def handling_note(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    main(["audit", str(SAMPLES), "--format", "json", *args])
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    [note] = [w for w in warnings if "ship-by dates in the order report differ" in w]
    return str(note)


def test_the_skus_listed_add_up_to_the_orders_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no healthcheck.toml here
    note = handling_note(capsys)
    counted = int(note.split(" of ", 1)[0])
    listed = [int(n) for n in re.findall(r"\((\d+) orders:", note)]
    assert listed == [counted] == [156]
    assert "RUG-5X8-GRY (156 orders" in note and "CLOCK-WALL-12-BLK" not in note
    assert "there is no healthcheck.toml): run `healthcheck init-config`" in note


def test_with_a_config_file_the_note_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "healthcheck.toml"
    config.write_text("handling_days = 2\n", encoding="utf-8")
    note = handling_note(capsys, "--config", str(config))
    assert f"not the one in {config}: set [handling_days_by_sku]" in note
    assert "init-config" not in note
