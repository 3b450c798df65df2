"""Issue 17, points 16 and 18: the command line as a new user meets it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from healthcheck.cli import main
from healthcheck.marketplaces import MARKETPLACES

TINY = Path(__file__).parent.parent / "data" / "tiny"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "healthcheck", *args], capture_output=True, text=True, cwd=cwd, timeout=60
    )


def test_bare_healthcheck_prints_the_usage_and_is_a_usage_error() -> None:
    result = run()
    assert result.returncode == 3
    assert "Usage: healthcheck" in result.stderr and "audit" in result.stderr


def test_help_texts_are_never_cut_short() -> None:
    result = run("--help")
    assert result.returncode == 0
    commands = result.stdout.split("Commands:")[1].splitlines()
    assert commands and not any(line.rstrip().endswith("...") for line in commands)
    assert "Audit the reports: every metric, its status and what to do." in result.stdout


def test_audit_help_lists_every_marketplace() -> None:
    text = " ".join(run("audit", "--help").stdout.split())
    assert ", ".join(MARKETPLACES) in text


def test_explain_without_a_name_lists_the_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain"]) == 0
    out = capsys.readouterr().out
    assert "order_defect_rate_mfn" in out and "odr_mfn" in out and "Cancellation rate" in out


@pytest.mark.parametrize("name", ["cr", "Cancellation rate", "cancellation-rate", "CANCELLATION_RATE"])
def test_explain_accepts_titles_and_short_names(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", name]) == 0
    assert capsys.readouterr().out.startswith("cancellation_rate: Cancellation rate")


def test_explain_accepts_the_nagios_label(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "odr_mfn"]) == 0
    assert capsys.readouterr().out.startswith("order_defect_rate_mfn:")


def test_show_pii_with_a_format_without_buyer_columns_is_warned(capsys: pytest.CaptureFixture[str]) -> None:
    main(["audit", str(TINY), "--as-of", "2024-05-10", "--format", "json", "--show-pii"])
    assert "--show-pii only adds buyer columns to --format csv" in capsys.readouterr().err
    main(["audit", str(TINY), "--as-of", "2024-05-10", "--format", "csv", "--show-pii"])
    assert "--show-pii" not in capsys.readouterr().err


def _handling(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["shipby", "2024-11-27T22:10:00+00:00", *args]) == 0
    return next(line for line in capsys.readouterr().out.splitlines() if line.startswith("handling time:"))


def test_shipby_says_where_the_handling_time_came_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert "(--handling-days)" in _handling(capsys, "--handling-days", "1")
    assert "(default;" in _handling(capsys)
    assert "(default; SKU RUG has none of its own; set it with" in _handling(capsys, "--sku", "RUG")
    config = tmp_path / "healthcheck.toml"
    config.write_text('handling_days = 3\n[handling_days_by_sku]\n"RUG-1" = 5\n', encoding="utf-8")
    line = _handling(capsys, "--config", str(config))
    assert line.startswith("handling time: 3 ") and f"(handling_days in {config})" in line
    line = _handling(capsys, "--config", str(config), "--sku", "RUG-1")
    assert line.startswith("handling time: 5 ") and f"(SKU RUG-1 in {config})" in line
    assert "(--handling-days)" in _handling(capsys, "--config", str(config), "--sku", "RUG-1", "--handling-days", "0")
    # A SKU the config does not name (a typo, or one without its own time) is said to take the account's.
    line = _handling(capsys, "--config", str(config), "--sku", "RUG")
    assert line.startswith("handling time: 3 ") and f"(handling_days in {config}; SKU RUG has none of its own)" in line


WRITERS = {
    "init-config": ("init-config", "{path}"),
    "template": ("template", "claims", "-o", "{path}"),
    "audit": ("audit", str(TINY), "--as-of", "2024-05-08", "-o", "{path}"),
    "plan": ("plan", "late_shipment_rate_10d", str(TINY), "--as-of", "2024-05-08", "-o", "{path}"),
}


@pytest.mark.parametrize("command", list(WRITERS))
@pytest.mark.parametrize("where", ["missing folder", "a folder"])
def test_a_file_that_cannot_be_written_is_an_error_naming_the_fix(command: str, where: str, tmp_path: Path) -> None:
    """Every command that writes a file says why it cannot, never "internal error" (init-config and template
    crashed on a missing folder with FileNotFoundError, and on a folder given --force with IsADirectoryError)."""
    path = tmp_path / "nowhere" / "file.txt" if where == "missing folder" else tmp_path
    args = [part.format(path=path) for part in WRITERS[command]]
    if command in ("init-config", "template"):
        args.append("--force")
    result = run(*args)
    assert result.returncode == 3, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    if where == "missing folder":
        assert f"cannot write {path}: No such file or directory" in result.stderr
        assert "fix: check the folder exists and is writable" in result.stderr
    else:
        assert f"error: {path} is a folder" in result.stderr and "fix: name a file in it" in result.stderr


@pytest.mark.parametrize(("option", "said"), [("--rules", "is not a rules choice"), ("--program", "is not a program")])
def test_a_bad_option_value_names_the_option_once_and_its_fix(option: str, said: str) -> None:
    """An option checked as the config key it stands for said "config error: --rules: --rules: ..." and sent the
    user to init-config."""
    result = run("audit", str(TINY), option, "foo")
    assert result.returncode == 3
    assert result.stderr.startswith(f'healthcheck: error: {option}: "foo" {said}')
    assert f"fix: correct {option}" in result.stderr and "init-config" not in result.stderr


@pytest.mark.parametrize(
    ("name", "named"), [("report.weird", "its suffix '.weird' names no format"), ("report", "it has no suffix")]
)
def test_an_output_whose_suffix_names_no_format_says_which_it_got(name: str, named: str, tmp_path: Path) -> None:
    """`-o report.weird` wrote Markdown without a word (SPEC 5.1: the suffix picks the format)."""
    output = tmp_path / name
    result = run("audit", str(TINY), "--as-of", "2024-05-08", "-o", str(output))
    assert result.returncode in (0, 1, 2)
    assert f"note: {output} is written as markdown: {named} (pass --format" in result.stderr
    assert output.read_text(encoding="utf-8").startswith("# healthcheck:")
