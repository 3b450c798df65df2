"""Issue 17, point 12: the README leads with the two commands and a short quick start a new user can follow;
`make run` installs the tool alone, `make test` the development tools too."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import typer

from healthcheck.cli import app
from healthcheck.metrics import METRIC_IDS, get_spec

ROOT = Path(__file__).parent.parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(text: str) -> list[str]:
    return re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S)


def test_the_first_block_is_the_two_commands() -> None:
    first = blocks(README)[0]
    assert [line.split()[:2] for line in first.splitlines()] == [["make", "run"], ["make", "test"]]
    assert README.index("```") < 800  # on the first screen


def test_the_quick_start_is_ten_lines_through_the_venv() -> None:
    section = README.split("## Quick start\n", 1)[1].split("\n## ", 1)[0]
    [commands] = blocks(section)
    lines = commands.splitlines()
    assert len(lines) <= 10
    assert any(line.startswith(".venv/bin/healthcheck audit") for line in lines)
    assert ". .venv/bin/activate" in section


def test_it_says_what_to_download_how_far_back_and_where_confirmations_come_from() -> None:
    section = README.split("## What to download\n", 1)[1].split("\n## ", 1)[0]
    assert "~75 days" in section
    assert "**Ship confirmations**" in section and "Shipping Confirmation upload" in section
    for metric_id in METRIC_IDS:
        title = get_spec(metric_id).title.lower()
        words = title.split(" (")[0]
        assert words in section.lower(), title


def test_the_long_example_output_lives_in_docs() -> None:
    example = (ROOT / "docs" / "example.md").read_text(encoding="utf-8")
    assert "# healthcheck: BREACH" in example and "## What to do, most pressing first" in example
    assert "## What to do, most pressing first" not in README
    assert "[docs/example.md](docs/example.md)" in README
    assert "## Worst first" not in README and "| Metric | Rate | Count |" not in README  # no report pasted in


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_installs_the_runtime_only_and_make_test_the_dev_tools(tmp_path: Path) -> None:
    def planned(target: str) -> str:
        venv = tmp_path / "venv"
        return subprocess.run(
            ["make", "-n", "-B", target, f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout

    run = planned("run")
    assert "pip install --quiet -e .\n" in run and "[dev]" not in run
    assert "pip install --quiet -e '.[dev]'" in planned("test")


def test_every_command_is_in_the_readme() -> None:
    """A command no one can find is no command: each one `healthcheck --help` lists is shown in the README."""
    command = typer.main.get_command(app)
    names = sorted(command.commands) if isinstance(command, typer.core.TyperGroup) else []
    assert "plan" in names
    assert [name for name in names if f"healthcheck {name} " not in README] == []


def _options() -> list[tuple[str, str]]:
    """(command, long option) of every option `--help` shows, the root's included."""
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    found = [("healthcheck", o) for p in group.params for o in p.opts if o.startswith("--") and o != "--help"]
    for name, command in sorted(group.commands.items()):
        for param in command.params:
            found += [(name, o) for o in param.opts if o.startswith("--") and o != "--help"]
    return found


@pytest.mark.parametrize(("command", "option"), _options())
def test_every_option_is_in_the_readme(command: str, option: str) -> None:
    """An option only `--help` names is one a new user never meets (each was found missing once)."""
    assert re.search(rf"{re.escape(option)}\b", README), f"{command} {option}"


def test_the_demo_accounts_readme_states_the_numbers_the_audit_gives() -> None:
    """sample_reports/README.md's table of expected results, row by row, against the golden JSON of the demo's
    audit (tests/golden/sample_account.json): numerator, denominator, rate and status."""
    text = (ROOT / "sample_reports" / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| [^|]+ \| ([\d.]+) % \(([\d,]+) / ([\d,]+)[^|]*\| ([^|]+)\|$", text, flags=re.M)
    golden = json.loads((ROOT / "tests" / "golden" / "sample_account.json").read_text(encoding="utf-8"))
    metrics = {m["id"]: m for m in golden["metrics"]}
    assert len(rows) >= 8
    for metric_id, rate, numerator, denominator, status in rows:
        metric = metrics[metric_id]
        said = (float(rate), int(numerator.replace(",", "")), int(denominator.replace(",", "")))
        assert said == (round(100 * metric["rate"], 2), metric["numerator"], metric["denominator"]), metric_id
        assert status.strip().strip("*").split("*")[0].replace(" ", "_") == metric["status"], metric_id
