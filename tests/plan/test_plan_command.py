"""Issue 15: `healthcheck plan METRIC PATHS...`, the draft plan of action, checked against the demo account's files
read here, independently of the tool.

Regenerate the plan's golden files after an intended change with `UPDATE_GOLDEN=1`, and read the diff.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from healthcheck.cli import main
from healthcheck.metrics import get_spec, metric_ids
from healthcheck.report.plan_view import PlanBlock, PlanLine, plan_plain

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_reports"
GOLDEN = ROOT / "tests" / "golden"
LA = ZoneInfo("America/Los_Angeles")
WINDOW = (dt.date(2026, 11, 14), dt.date(2026, 11, 20))  # the cancellation rate's 7 days as of 2026-11-20


def _rows(name: str, folder: Path = SAMPLES) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _local_day(stamp: str) -> dt.date:
    return dt.datetime.fromisoformat(stamp).astimezone(LA).date()


def _all_orders(folder: Path = SAMPLES) -> dict[tuple[str, str], dict[str, str]]:
    """The two All Orders downloads merged per (order, SKU): the row updated last wins (the README's story)."""
    merged: dict[tuple[str, str], dict[str, str]] = {}
    for name in ("all_orders_1.txt", "all_orders_2.txt"):
        for row in _rows(name, folder):
            key = (row["amazon-order-id"], row["sku"])
            if key not in merged or row["last-updated-date"] >= merged[key]["last-updated-date"]:
                merged[key] = row
    return merged


def counted_cancellations(folder: Path = SAMPLES) -> dict[str, tuple[set[str], str]]:
    """SPEC 4.2 on the demo's files: seller-fulfilled orders purchased in the window, not cancelled while Pending
    (a price or currency on a row, an order report row, or the log saying the seller cancelled), with a cancellation
    the buyer did not request through Amazon. Order id -> (cancelled SKUs, cancel reason)."""
    rows = _all_orders(folder)
    purchased = {order: _local_day(row["purchase-date"]) for (order, _), row in rows.items()}
    merchant = {order for (order, _), row in rows.items() if row["fulfillment-channel"] == "Merchant"}
    paid = {order for (order, _), row in rows.items() if row["item-price"].strip() or row["currency"].strip()}
    paid |= {row["order-id"] for row in _rows("order_report.txt", folder)}
    paid |= {row["order-id"] for row in _rows("cancellations.txt", folder) if row["cancelled-by"] == "seller"}
    counted: dict[str, tuple[set[str], str]] = {}
    for row in _rows("cancellations.txt", folder):
        order = row["order-id"]
        if row["is-buyer-requested-cancellation"] == "true" or order not in merchant or order not in paid:
            continue
        if not WINDOW[0] <= purchased[order] <= WINDOW[1]:
            continue
        skus, _ = counted.get(order, (set(), ""))
        counted[order] = (skus | {row["sku"]}, row["cancel-reason"])
    return counted


def plan_output(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["plan", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def cancellation_plan() -> str:
    """The plain-text plan of the demo's cancellation breach (one audit for the tests that read it)."""
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "healthcheck", "plan", "cancellation_rate", "sample_reports"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 2, run.stderr  # the metric is in breach: the plan is written, exit as the breach
    return run.stdout


def test_the_demo_cancellation_plan_names_its_real_orders_skus_and_reasons(cancellation_plan: str) -> None:
    expected = counted_cancellations()
    assert len(expected) == 7  # the README's 7 / 166
    evidence = cancellation_plan.split("Evidence: the 7 orders\n", 1)[1]
    for order, (skus, reason) in expected.items():
        line = next(line for line in evidence.splitlines() if line.startswith(f"- {order}, "))
        assert reason in line and all(sku in line for sku in skus), line
    reasons = Counter(reason for _, reason in expected.values())
    root = cancellation_plan.split("1. Root cause\n", 1)[1].split("\n\n", 1)[0]
    reason_line = next(line for line in root.splitlines() if line.startswith("- Cancel reasons: "))
    for reason, count in reasons.items():
        assert f"{reason} {count}" in reason_line
    sku_counts = Counter(sku for skus, _ in expected.values() for sku in skus)
    sku_line = next(line for line in root.splitlines() if line.startswith("- Cancelled SKUs: "))
    for sku, count in sku_counts.items():
        assert f"{sku} {count}" in sku_line
    # The README's story: the two SKUs out of stock sync cause most seller cancellations.
    assert sku_line.startswith("- Cancelled SKUs: CAND-SOY-3PK 2, LAMP-DESK-LED-BLK 2")


def test_the_plan_has_amazons_three_parts_and_marks_what_the_seller_fills_in(cancellation_plan: str) -> None:
    headings = [line for line in cancellation_plan.splitlines() if re.match(r"^\d[ab]?\. ", line)]
    assert headings == [
        "1. Root cause",
        "2a. Corrective actions: already taken",
        "2b. Corrective actions: to take now",
        "3. Preventive measures",
    ]
    assert cancellation_plan.count("[FILL IN: ") >= 4
    now = cancellation_plan.split("2b. Corrective actions: to take now\n", 1)[1].split("\n\n", 1)[0]
    assert "Appeal 2 cancellations the buyer asked for" in now and "Fix the stock behind 4" in now
    prevent = cancellation_plan.split("3. Preventive measures\n", 1)[1].split("\n\n", 1)[0]
    assert "Cancel reason NoInventory (4 of the 7 orders)" in prevent


def test_a_cause_quiet_for_a_day_or_two_is_not_claimed_as_fixed(cancellation_plan: str) -> None:
    """The demo's two recurring SKUs had no cancellation for a day (11-17 to 11-18, 11-19 to 11-20): chance, not a
    fix a plan can claim to Amazon (a quarter of the window, 3 days at least)."""
    taken = cancellation_plan.split("2a. Corrective actions: already taken\n", 1)[1].split("\n\n", 1)[0]
    assert "no cancellation after" not in taken
    assert "- The files do not yet show any of the causes fixed." in taken


def test_actions_taken_state_only_what_the_files_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`SKU X: no cancellation after D ...`, in a generated account where two SKUs were quiet for 3 and 4 days:
    checked against its files: every later order named has the SKU, was bought after D, shipped, and was never
    cancelled."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import make_samples

    folder = tmp_path / "account"
    make_samples.write_account(folder, seed=11)
    code, plan, _ = plan_output(capsys, "cancellation_rate", str(folder), "--format", "text")
    assert code == 2
    rows = _all_orders(folder)
    cancelled = {row["order-id"] for row in _rows("cancellations.txt", folder)}
    taken = plan.split("2a. Corrective actions: already taken\n", 1)[1].split("\n\n", 1)[0]
    day = r"(\d{4}-\d\d-\d\d)"
    claims = re.findall(rf"- SKU (\S+): no cancellation after {day} .*?up to {day}.*?orders?: ([\d\-, ]+)\)", taken)
    assert {sku for sku, _, _, _ in claims} == {"CAND-SOY-3PK", "LAMP-DESK-LED-BLK"}
    for sku, after, until, ids in claims:
        last = dt.date.fromisoformat(after)
        assert (dt.date.fromisoformat(until) - last).days >= 3
        for order in ids.split(", "):
            row = rows[(order, sku)]
            assert _local_day(row["purchase-date"]) > last
            assert row["item-status"] == "Shipped" and order not in cancelled
        # and no counted cancellation of the SKU after that day
        assert all(
            _local_day(rows[(o, sku)]["purchase-date"]) <= last
            for o, (skus, _) in counted_cancellations(folder).items()
            if sku in skus
        )


def test_markdown_and_text_match_their_golden_files(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    for fmt, name in (("text", "plan_cancellation.txt"), ("markdown", "plan_cancellation.md")):
        code, out, _ = plan_output(capsys, "cr", "sample_reports", "--format", fmt)
        assert code == 2
        path = GOLDEN / name
        if os.environ.get("UPDATE_GOLDEN"):
            path.write_text(out, encoding="utf-8")
        assert out == path.read_text(encoding="utf-8")


def test_output_file_suffix_picks_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "plan.md"
    code, out, _ = plan_output(capsys, "cr", str(SAMPLES), "-o", str(target))
    assert code == 2 and out == ""
    assert target.read_text(encoding="utf-8").startswith("# Plan of action: Cancellation rate\n")


def test_a_metric_not_in_breach_needs_no_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = plan_output(capsys, "lsr_10d", str(SAMPLES))
    assert code == 1  # at risk: the exit code follows the metric
    assert out.startswith("No plan of action needed: the late shipment rate (10 days) is 3.75%, AT RISK")
    code, out, _ = plan_output(capsys, "valid_tracking_rate", str(SAMPLES))
    assert code == 0 and "OK" in out and "[FILL IN" not in out
    code, out, _ = plan_output(capsys, "refund_rate", str(SAMPLES))
    assert code == 0 and "(it has no target)" in out
    code, out, _ = plan_output(capsys, "odr_afn", str(SAMPLES))
    assert code == 0 and out.startswith("No plan of action needed: the order defect rate (FBA) is 0.25%")


def test_no_plan_needed_on_part_of_the_data_says_what_it_stands_on(capsys: pytest.CaptureFixture[str]) -> None:
    """Never a bare OK on part of the data: as of 2026-09-20 the demo's orders (from their first purchase day) cover
    only part of the order defect rate's 60 days, ending 14 days before; the sentence says how many, as the audit
    does, and the audit's notes (the demo's README skipped) come on stderr, apart from what is pasted."""
    as_of = dt.date(2026, 9, 20)
    end = as_of - dt.timedelta(days=14)
    first = min(_local_day(row["purchase-date"]) for row in _all_orders().values())
    covered = (end - first).days + 1
    assert 0 < covered < 60
    code, out, err = plan_output(capsys, "odr_mfn", str(SAMPLES), "--as-of", as_of.isoformat())
    assert code == 0
    assert out.startswith(
        f"No plan of action needed: the order defect rate (seller-fulfilled) is 0% (partial: {covered} of 60 days), OK"
    )
    assert "healthcheck: note: " in err and "README.md: not a report file (.md), skipped" in err
    code, out, _ = plan_output(capsys, "refund_rate", str(SAMPLES))
    assert code == 0 and "(would be more complete with fba_returns)" in out


def test_a_plan_drafted_on_part_of_the_data_says_so_apart_from_the_plan(capsys: pytest.CaptureFixture[str]) -> None:
    """The tiny account's late shipments (2 days of orders) breach the 10-day rate: the plan is drafted, and stderr
    says it stands on 2 of the window's 10 days."""
    code, out, err = plan_output(capsys, "lsr_10d", str(ROOT / "tests" / "data" / "tiny"))
    assert code == 2 and out.startswith("Plan of action: Late shipment rate (10 days)")
    assert "partial" not in out
    assert (
        "healthcheck: note: the late shipment rate (10 days) in this plan stands on part of the data "
        "(partial: 2 of 10 days)"
    ) in err


def test_an_as_of_past_the_data_leaves_nothing_to_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = plan_output(capsys, "cr", str(SAMPLES), "--as-of", "2027-03-01")
    assert code == 3 and "was not evaluated" in out
    assert "The data ends on 2026-11-20, before its window: is --as-of past the reports?" in out


def test_a_metric_not_evaluated_names_the_report_to_add(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = plan_output(capsys, "cr", str(SAMPLES / "feedback.txt"))
    assert code == 3
    assert "was not evaluated" in out and "the All Orders report (all_orders)" in out


def test_a_program_metric_needs_its_program(capsys: pytest.CaptureFixture[str]) -> None:
    """A program's metric is audited only with --program: without it the plan says so instead of guessing."""
    sfp = next(spec for spec in (get_spec(i) for i in metric_ids()) if spec.program is not None)
    code, out, err = plan_output(capsys, sfp.short, str(SAMPLES))
    assert code == 3 and out == ""
    assert f"{sfp.id} was not part of this audit" in err and f"--program {sfp.program}" in err
    code, out, err = plan_output(capsys, sfp.short, str(SAMPLES), "--program", str(sfp.program))
    assert "was not part of this audit" not in err and out.startswith(("No plan of action", "Plan of action"))


def test_a_metric_amazon_does_not_measure_in_the_marketplace_says_where_it_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # It was "a metric of the None program; fix: pass --program None".
    code, out, err = plan_output(capsys, "invoice_defect_rate", str(SAMPLES))
    assert code == 3 and out == "" and "None" not in err
    assert "Amazon does not measure it in the US marketplace" in err and "DE, ES, FR, IT, UK" in err


def test_an_unknown_metric_is_an_error_naming_the_ids(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = plan_output(capsys, "cancelation", str(SAMPLES))
    assert code == 3 and out == ""
    assert "unknown metric 'cancelation'" in err
    assert all(metric_id in err for metric_id in metric_ids())


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("odr", ("order_defect_rate_mfn (odr_mfn)", "order_defect_rate_afn (odr_afn)")),
        ("LSR", ("late_shipment_rate_10d (lsr_10d)", "late_shipment_rate_30d (lsr_30d)")),
        ("late shipment rate", ("late_shipment_rate_10d (lsr_10d)", "late_shipment_rate_30d (lsr_30d)")),
        ("otd", ("on_time_delivery_rate (otdr)",)),
    ],
)
def test_a_name_that_begins_several_metrics_names_them_and_plans_none(
    name: str, meant: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """The abbreviations sellers use (ODR, LSR) are two metrics each: the error names them rather than pick one."""
    for command in (["plan", name, str(SAMPLES)], ["explain", name]):
        code = main(command)
        captured = capsys.readouterr()
        assert code == 3 and captured.out == ""
        assert f"unknown metric {name!r}" in captured.err
        assert f"fix: {name!r} may mean {' or '.join(meant)}" in captured.err


def _buyer_values() -> set[str]:
    rows = _rows("order_report.txt")
    return {row[c].strip() for row in rows for c in ("buyer-name", "buyer-email", "buyer-phone-number") if row[c]}


def test_buyer_data_only_with_show_pii(cancellation_plan: str, capsys: pytest.CaptureFixture[str]) -> None:
    buyers = _buyer_values()
    assert "Dana Whitfield" in buyers
    assert sorted(value for value in buyers if value in cancellation_plan) == []
    code, out, _ = plan_output(capsys, "cr", str(SAMPLES), "--show-pii")
    assert code == 2
    names = {row["order-id"]: row["buyer-name"] for row in _rows("order_report.txt")}
    for order in counted_cancellations():
        line = next(line for line in out.splitlines() if line.startswith(f"- {order}, "))
        assert f"(buyer: {names[order]})" in line
    # a name, never an e-mail address or a phone number
    emails = {row["buyer-email"] for row in _rows("order_report.txt")}
    assert not any(email in out for email in emails)


def test_values_from_the_files_are_cleaned_and_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "reports"
    shutil.copytree(SAMPLES, folder)
    log = folder / "cancellations.txt"
    hostile = "No\x1b[2JInventory\u202e <b>x</b> [link](http://example.com) `tick`"
    log.write_text(log.read_text(encoding="utf-8").replace("NoInventory", hostile), encoding="utf-8")
    code, text, _ = plan_output(capsys, "cr", str(folder))
    assert code == 2 and "\x1b" not in text and "\u202e" not in text
    assert "No[2JInventory <b>x</b>" in text  # plain text pastes as it is, minus what drives a terminal
    code, markdown, _ = plan_output(capsys, "cr", str(folder), "--format", "markdown")
    assert "\x1b" not in markdown and "\u202e" not in markdown
    # No tag, link or code span from the file: each is escaped, so it shows literally.
    assert not re.search(r"(?<!\\)<b>|(?<!\\)\]\(|(?<!\\)`tick", markdown)
    assert "\\<b>x\\</b> \\[link\\](http://example.com) \\`tick\\`" in markdown


def test_a_value_with_a_line_break_cannot_forge_a_line_of_the_plan() -> None:
    block = PlanBlock("1. Root cause", (PlanLine("Cancel reasons: Stock\n- [FILL IN: forged] 1.", ("111-1\n- x",)),))
    text = plan_plain((block,), "Plan of action: X")
    assert [line for line in text.splitlines() if line.startswith("- ")] == [
        "- Cancel reasons: Stock - [FILL IN: forged] 1. (1 order: 111-1 - x)"
    ]


def test_a_plan_drafted_for_the_sellers_own_target_says_amazon_asks_for_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The plan states Amazon's target, which the rate meets: drafted only because the config's stricter target is
    breached, it would go to Amazon saying 97.51% against "at least 95%"."""
    config = tmp_path / "healthcheck.toml"
    config.write_text("[metrics.valid_tracking_rate]\ntarget = 0.98\nat_risk = 0.99\n", encoding="utf-8")
    code, out, err = plan_output(capsys, "vtr", str(SAMPLES), "--config", str(config))
    assert code == 2 and out.startswith("Plan of action: Valid tracking rate")
    assert "breaches only your own target (at least 98%); it meets Amazon's (at least 95%)" in err
    _, _, err = plan_output(capsys, "cr", str(SAMPLES))
    assert "your own target" not in err
