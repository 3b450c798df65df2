"""The command line: formats, options and exit codes (SPEC 5.1, 5.5)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from healthcheck.cli import app, main
from healthcheck.metrics import METRIC_IDS, metric_ids
from healthcheck.metrics.registry import metric_defaults
from healthcheck.report import Format

TINY = Path(__file__).parent / "data" / "tiny"
AS_OF = "2024-05-10"
runner = CliRunner()


def audit(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["audit", str(TINY), "--as-of", AS_OF, *args])
    return result.exit_code, result.stdout


@pytest.mark.parametrize("fmt", [f.value for f in Format])
def test_every_format_renders_the_tiny_account(fmt: str) -> None:
    code, out = audit("--format", fmt)
    assert code == 2
    assert "late_shipment_rate_10d" in out or "Late shipment rate (10 days)" in out or "lsr_10d" in out


def test_csv_file_starts_with_a_byte_order_mark_for_spreadsheets(tmp_path: Path) -> None:
    target = tmp_path / "worklist.csv"
    code, out = audit("--format", "csv", "--output", str(target))
    assert code == 2 and out == ""
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfsection,id,priority,")
    assert b"\r\n" in data
    _, piped = audit("--format", "csv")
    assert piped.startswith("section,")  # no mark when piped to another program


def test_nagios_prints_one_line() -> None:
    code, out = audit("--format", "nagios")
    assert code == 2
    assert out.startswith("HEALTHCHECK BREACH - late_shipment_rate_10d 50% >= 4%")
    assert out.count("\n") == 1 and " | lsr_10d=50%;3.2;4;0;100 " in out


def test_output_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    """Written through a temporary file, the report still gets the mode a plain write would give it."""
    target = tmp_path / "report.md"
    old = os.umask(0o022)
    try:
        audit("--output", str(target))
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644
    target.chmod(0o600)
    audit("--output", str(target))
    assert target.stat().st_mode & 0o777 == 0o600  # an existing file keeps its mode


def test_output_follows_a_link_and_writes_into_a_fifo_or_device(tmp_path: Path) -> None:
    """`-o latest.json` (a link to the dated report) replaces the file the link names and keeps the link; `-o` a
    FIFO writes into it, as into `/dev/null` (not written here: run as root, a regression would replace the
    device): neither is replaced by a plain file."""
    dated = tmp_path / "2024-05-10.json"
    dated.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(dated.name)
    assert audit("--format", "json", "--output", str(link))[0] == 2
    assert link.is_symlink() and json.loads(dated.read_text(encoding="utf-8"))["as_of"] == AS_OF
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    assert audit("--format", "nagios", "--output", str(fifo))[0] == 2
    out, _ = reader.communicate(timeout=30)
    assert out.startswith(b"HEALTHCHECK BREACH") and fifo.exists() and not fifo.is_file()


def test_piped_table_ignores_the_environment_width() -> None:
    args = ["audit", str(TINY), "--as-of", AS_OF, "--format", "table"]
    narrow = runner.invoke(app, args, env={"COLUMNS": "40", "LINES": "10"}).stdout
    wide = runner.invoke(app, args, env={"COLUMNS": "300"}).stdout
    assert narrow == wide
    assert max(len(line) for line in narrow.splitlines()) <= 110


def test_width_option_is_bounded() -> None:
    assert main(["audit", str(TINY), "--as-of", AS_OF, "--width", "10"]) == 3
    code, out = audit("--format", "table", "--width", "80")
    assert code == 2 and max(len(line) for line in out.splitlines()) <= 80


def test_json_is_the_contract_document() -> None:
    code, out = audit("--format", "json")
    doc = json.loads(out)
    assert list(doc)[:12] == [
        "schema_version",
        "tool",
        "generated_at",
        "as_of",
        "marketplace",
        "status",
        "exit_code",
        "metrics",
        "actions",
        "inputs",
        "unmatched_defects",
        "errors",
    ]
    assert doc["exit_code"] == code == 2
    # The registry's order, without the EU's invoice defect rate, which Amazon does not measure in the US.
    assert [m["id"] for m in doc["metrics"]] == [i for i in METRIC_IDS if i != "invoice_defect_rate"]
    lsr = next(m for m in doc["metrics"] if m["id"] == "late_shipment_rate_10d")
    assert (lsr["numerator"], lsr["denominator"], lsr["status"]) == (1, 2, "breach")
    assert lsr["order_ids"] == ["111-0000002-0000002"]


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("at-risk", 2), ("breach", 2), ("never", 0)],
)
def test_fail_on_sets_the_exit_code(fail_on: str, expected: int) -> None:
    code, out = audit("--format", "json", "--fail-on", fail_on)
    assert code == expected
    doc = json.loads(out)
    assert doc["status"] == "breach"
    assert doc["exit_code"] == expected


def test_quiet_prints_nothing_when_ok(tmp_path: Path) -> None:
    account = tmp_path / "ok"
    account.mkdir()
    shutil.copy(TINY / "all_orders.txt", account / "all_orders.txt")
    # Only the first order: confirmed on time, so every evaluated metric is ok.
    lines = (TINY / "ship_confirmations.txt").read_text().splitlines()
    (account / "ship_confirmations.txt").write_text("\n".join(lines[:2]) + "\n")
    lines = (TINY / "all_orders.txt").read_text().splitlines()
    (account / "all_orders.txt").write_text("\n".join([lines[0], lines[1]]) + "\n")
    result = runner.invoke(app, ["audit", str(account), "--as-of", AS_OF, "--quiet", "--format", "markdown"])
    assert result.exit_code == 0
    assert result.output == ""


def test_quiet_still_reports_a_breach() -> None:
    code, out = audit("--quiet", "--format", "markdown")
    assert code == 2
    assert "BREACH" in out


def test_output_file_is_written(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out = audit("--format", "json", "--output", str(target))
    assert code == 2
    assert out == ""
    assert json.loads(target.read_text())["status"] == "breach"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_no_color_and_default_markdown_when_piped() -> None:
    code, out = audit()
    assert code == 2
    assert out.startswith("# healthcheck: BREACH")
    assert "\x1b[" not in out


def test_table_has_no_escape_codes_without_a_terminal() -> None:
    code, out = audit("--format", "table", "--width", "100")
    assert code == 2
    assert "\x1b[" not in out
    assert "Late shipment rate (10 days)" in out


def test_untrusted_names_print_literally(tmp_path: Path) -> None:
    folder = tmp_path / "acct"
    folder.mkdir()
    shutil.copy(TINY / "all_orders.txt", folder / "[bold]x[red].txt")
    result = runner.invoke(app, ["audit", str(folder), "--as-of", AS_OF, "--format", "table", "--width", "300"])
    assert "[bold]x[red].txt" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["audit", str(TINY), "--bogus"],
        ["audit"],
        ["audit", str(TINY), "--format", "pdf"],
        ["audit", str(TINY), "--fail-on", "sometimes"],
        ["no-such-command"],
    ],
)
def test_usage_errors_exit_3_not_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 3
    assert "error" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "05/10/2024"], "--as-of"),
        (["--marketplace", "XX"], "marketplace"),
        (["--encoding", "klingon"], "--encoding"),
    ],
)
def test_bad_option_values_exit_3(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(TINY), *args]) == 3
    assert message in capsys.readouterr().err


def test_bad_config_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "healthcheck.toml"
    config.write_text('handling_days = "two"\n')
    assert main(["audit", str(TINY), "--config", str(config)]) == 3
    assert "handling_days" in capsys.readouterr().err


def test_unreadable_input_exits_3_and_still_reports(tmp_path: Path) -> None:
    bad = tmp_path / "mystery.txt"
    bad.write_text("order-id\tbar\n1\t2\n")  # a damaged report (a seller's own file would be skipped)
    result = runner.invoke(app, ["audit", str(TINY), str(bad), "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 3
    doc = json.loads(result.stdout)
    assert doc["status"] == "unknown"
    assert doc["errors"][0]["path"] == str(bad)
    lsr = next(m for m in doc["metrics"] if m["id"] == "late_shipment_rate_10d")
    assert lsr["numerator"] == 1


def test_strict_makes_missing_inputs_an_error() -> None:
    code, out = audit("--format", "json", "--strict")
    assert code == 3
    assert any("order_defect_rate_mfn" in e["message"] for e in json.loads(out)["errors"])


@pytest.mark.parametrize("metric_id", metric_ids())  # the programs' metrics too
def test_explain_every_metric(metric_id: str) -> None:
    result = runner.invoke(app, ["explain", metric_id])
    assert result.exit_code == 0
    assert metric_id in result.output
    assert "window:" in result.output
    from healthcheck.metrics import get_spec
    from healthcheck.report.text import target_words

    spec = get_spec(metric_id)
    if spec.target is not None:  # as the report words it: "no more than" where a rate equal to it meets it
        assert f"target:      {target_words(spec)} (" in result.output


def test_explain_unknown_metric_exits_3() -> None:
    assert runner.invoke(app, ["explain", "nope"]).exit_code == 3


def test_init_config_writes_every_default(tmp_path: Path) -> None:
    target = tmp_path / "healthcheck.toml"
    result = runner.invoke(app, ["init-config", str(target)])
    assert result.exit_code == 0
    text = target.read_text()
    settings = tomllib.loads(text)
    assert settings["handling_days"] == 2
    # Every metric with a target is shown, commented out (set, it would win over the dated rules); informational
    # metrics (refund_rate) have no target, so nothing to configure.
    assert "metrics" not in settings
    assert {line[len("# [metrics.") : -1] for line in text.splitlines() if line.startswith("# [metrics.")} == set(
        metric_defaults()
    )
    assert runner.invoke(app, ["init-config", str(target)]).exit_code == 3


def test_shipby_explains_the_days() -> None:
    result = runner.invoke(app, ["shipby", "2024-11-27T22:10:00+00:00"])
    assert result.exit_code == 0
    assert "holiday: Thanksgiving Day" in result.output
    assert "ship by:       Mon 2024-12-02" in result.output


@pytest.mark.parametrize("purchase", ["9999-12-31T22:10:00Z", "0001-01-01T00:00:00Z"])
def test_shipby_at_the_ends_of_the_calendar_is_a_usage_error(purchase: str) -> None:
    """Counting business days on from year 9999 overflowed: an internal error, where the audit's --as-of names the
    years it accepts."""
    result = runner.invoke(app, ["shipby", purchase])
    assert result.exit_code == 3
    assert "outside the accepted range 1995-01-01 to 2099-12-31" in result.output
    assert "internal error" not in result.output


def _cli() -> list[str]:
    exe = Path(sys.executable).parent / "healthcheck"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "healthcheck"]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["audit", str(TINY), "--as-of", AS_OF], 2),
        (["audit", str(TINY), "--as-of", AS_OF, "--format", "nagios"], 2),
        (["audit", str(TINY), "--as-of", AS_OF, "--format", "junit", "--fail-on", "never"], 0),
        (["audit", str(TINY), "--as-of", AS_OF, "--fail-on", "never"], 0),
        (["audit", str(TINY), "--nope"], 3),
        (["audit", str(TINY / "missing")], 3),
    ],
)
def test_real_process_exit_codes(args: list[str], code: int) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run([*_cli(), *args], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("variable", "ours", "users"), [("NUMPY_MADVISE_HUGEPAGE", "0", "1"), ("OPENBLAS_NUM_THREADS", "1", "2")]
)
def test_the_cli_sets_numpy_up_unless_told(
    variable: str, ours: str, users: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """numpy's huge pages and OpenBLAS's spinning threads cost an audit more than they save (docs/performance.md);
    a value the user set wins."""
    monkeypatch.delenv(variable, raising=False)
    assert main(["--version"]) == 0
    assert os.environ[variable] == ours
    monkeypatch.setenv(variable, users)
    assert main(["--version"]) == 0
    assert os.environ[variable] == users


def test_the_command_line_imports_no_engine_until_a_command_needs_it() -> None:
    """`--help`, `init-config` and `template` answer in a tenth of a second because the CLI's modules import
    neither pandas, numpy nor pyarrow (issue 16): one top-level import of a module that reaches them (a shipby
    check from `options`, through `loaders.guard`) made `--help` take 0.4 s and started OpenBLAS's threads before
    the CLI's settings for them."""
    script = (
        "import sys\n"
        "import healthcheck.cli\n"
        "print(sorted(m for m in ('numpy', 'pandas', 'pyarrow') if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.stdout == "[]\n", run.stderr


def test_numpy_imported_after_the_settings_starts_no_blas_thread() -> None:
    """What the setting is for, seen from outside: numpy imported as the CLI imports it leaves the process with its
    one thread (without the setting, OpenBLAS starts one more per core)."""
    script = (
        "import os\n"
        "from healthcheck.cli import numpy_settings\n"
        "numpy_settings()\n"
        "import numpy\n"
        "threads = os.listdir('/proc/self/task')\n"
        "assert len(threads) == 1, threads\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr


def test_the_engine_is_imported_with_the_collector_paused_then_frozen_once() -> None:
    """A fresh process: the audit's first import leaves the collector on, with the import's objects frozen out of
    its reach; a second engine import freezes nothing more (docs/performance.md, session 12)."""
    script = (
        "import gc\n"
        "from healthcheck.cli import engine_imports\n"
        "assert gc.get_freeze_count() == 0\n"
        "with engine_imports():\n"
        "    assert not gc.isenabled()\n"
        "    import healthcheck.audit\n"
        "frozen = gc.get_freeze_count()\n"
        "assert gc.isenabled() and frozen > 10_000, frozen\n"
        "junk = [[] for _ in range(1000)]\n"
        "with engine_imports():\n"
        "    assert gc.isenabled()\n"
        "assert gc.get_freeze_count() == frozen\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


def test_error_messages_on_stderr_carry_no_escape_sequences(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad value quoted in an error message comes from the file: its control characters are stripped."""
    bad = tmp_path / "orders.txt"
    bad.write_text(
        "amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\titem-status\n"
        "111-0000001-0000001\t\x1b[2Jnot-a-date\tShipped\tMerchant\tShipped\n",
        encoding="utf-8",
    )
    assert main(["audit", str(bad), "--format", "json", "--as-of", AS_OF]) == 3
    err = capsys.readouterr().err
    assert "`purchase-date` holds a control character" in err  # a damaged value (issue 17, point 4)
    assert "\x1b" not in err


def test_progress_bar_only_on_a_terminal() -> None:
    """Piped or quiet runs get no callback at all; on a terminal the callback drives a bar and never raises."""
    from healthcheck.cli import loading_progress

    with loading_progress(enabled=False, color=False) as progress:
        assert progress is None
    with loading_progress(enabled=True, color=True) as progress:
        assert progress is not None
        progress("reports/all_orders.txt", 0, 100)
        progress("1 file read", 100, 100)


def test_help_starts_without_the_heavy_modules_or_annotation_strings() -> None:
    """`healthcheck --help` is start-up only (issue 16): no pandas, numpy, pyarrow or audit is imported for it, and
    the commands' annotations are objects already, which typer would otherwise compile from strings on every
    start."""
    script = (
        "import sys, typing\n"
        "import healthcheck.cli as cli\n"
        "commands = [c.callback for c in cli.app.registered_commands]\n"
        "strings = [f'{c.__name__}.{k}' for c in commands"
        " for k, v in c.__annotations__.items() if isinstance(v, str)]\n"
        "heavy = [m for m in ('pandas', 'numpy', 'pyarrow', 'healthcheck.audit') if m in sys.modules]\n"
        "print(len(commands), strings, heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    count, rest = done.stdout.strip().split(" ", 1)
    assert int(count) >= 8  # audit, explain, plan, portfolio, fetch, history, run, ...: all registered
    assert rest == "[] []"
