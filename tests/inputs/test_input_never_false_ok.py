"""SPEC revision 2, through the CLI on files: the folders sellers really have (one report missing, an old as-of, two
downloads joined, another marketplace, a stray file) never give a false OK.

Each test names the rule it covers. The demo account (`sample_reports/`) and `../shared/formats/` are the data
where they show the case; small files are written where a case needs exact numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from input_builders import report_bytes, run_cli, write

from healthcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_reports"
AO = ["amazon-order-id", "purchase-date", "last-updated-date", "order-status", "fulfillment-channel"]
AO += ["sales-channel", "sku", "item-status", "quantity", "currency", "item-price"]
OREP = ["order-id", "order-item-id", "purchase-date", "sku", "quantity-purchased", "quantity-shipped"]
OREP += ["latest-ship-date", "is-buyer-requested-cancellation"]
SC = ["order-id", "ship-date", "carrier-code", "tracking-number"]


def copy(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def ids(doc: dict[str, Any], action_id: str) -> set[str]:
    return {i for a in doc["actions"] if a["id"] == action_id for i in a["order_ids"]}


def ao(order: str, when: str, status: str, *, channel: str = "Merchant", price: str = "9.99", sku: str = "SKU-1",
       sales: str = "Amazon.com") -> list[str]:  # fmt: skip
    item = "Cancelled" if status == "Cancelled" else "Shipped" if status == "Shipped" else "Unshipped"
    currency = "" if price == "" else "USD"
    return [order, when, when, status, channel, sales, sku, item, "0" if item == "Cancelled" else "1", currency, price]


# --- 5.2 / 5.5: nothing checked is UNKNOWN, never OK -------------------------------------------------------------


@pytest.mark.parametrize("name", ["feedback.txt", "fba_shipments.txt"])
def test_one_report_alone_checks_nothing_and_exits_3_whatever_fail_on(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy(tmp_path / "in", name)
    for fail_on in ("at-risk", "never"):
        code, out, _ = cli(capsys, "audit", str(folder), "--format", "nagios", "--fail-on", fail_on)
        assert code == 3
        assert out.startswith("HEALTHCHECK UNKNOWN - nothing could be checked: no metric with a target was evaluated")
        assert "All Orders report (all_orders)" in out


def audit_process(*args: str) -> subprocess.CompletedProcess[str]:
    """`healthcheck audit ARGS` in a real process: its exit code is the process's."""
    return subprocess.run(
        [sys.executable, "-m", "healthcheck", "audit", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )


def test_nothing_checked_is_exit_3_in_a_real_process(tmp_path: Path) -> None:
    folder = copy(tmp_path / "in", "feedback.txt")
    run = audit_process(str(folder), "--fail-on", "never", "--quiet")
    assert run.returncode == 3
    # --quiet prints only the reason and the reports to add.
    assert run.stdout.startswith("HEALTHCHECK UNKNOWN - nothing could be checked")
    assert run.stdout.count("\n") == 1


def test_a_path_that_does_not_exist_is_the_reason_not_reports_to_add(tmp_path: Path) -> None:
    """`--quiet`'s one line (and a portfolio's row) named seven reports to add for a mistyped folder."""
    missing = tmp_path / "reprots"
    run = audit_process(str(missing), "--quiet")
    assert run.returncode == 3
    assert run.stdout == (
        f"HEALTHCHECK UNKNOWN - nothing could be checked: 1 input error ({missing}: no such file or folder; check "
        "the path)\n"
    )


def test_an_as_of_past_the_data_is_unknown_with_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, tmp_path / "r.json", str(SAMPLES), "--as-of", "2030-01-01", "--fail-on", "never")
    assert (run.code, run.doc["status"], run.doc["exit_code"]) == (3, "unknown", 3)
    assert "is past the data" in run.doc["unknown_reason"] or "past the data" in run.doc["unknown_reason"]
    assert any("days after the latest date in the inputs (2026-11-20" in w for w in run.doc["warnings"])
    for fmt in ("markdown", "table", "html", "csv", "junit", "nagios"):
        code, out, _ = cli(capsys, "audit", str(SAMPLES), "--as-of", "2030-01-01", "--format", fmt)
        assert code == 3 and "nothing could be checked" in out, fmt


def test_a_date_after_today_is_named_as_the_mistake_it_is(tmp_path: Path) -> None:
    """One mistyped year in a hand-kept file makes it the latest date, so the as-of day (SPEC 2): the audit is
    UNKNOWN, and both the warning and the reason name the date's column and say to correct it (it asked whether
    an --as-of nobody gave was past the data)."""
    from healthcheck.audit import run_audit
    from healthcheck.config import Config

    folder = copy(tmp_path / "typo", *(p.name for p in SAMPLES.iterdir() if p.suffix in (".txt", ".json")))
    with (folder / "messages.txt").open("a", encoding="utf-8") as messages:
        messages.write("ZZZ1\t111-3974477-4352759\t2031-01-01T10:00:00+00:00\t\tfalse\n")
    report = run_audit([folder], config=Config(), now=dt.datetime(2026, 11, 21, 6, 0, tzinfo=dt.UTC))
    assert report.unknown_reason is not None and "--as-of" not in report.unknown_reason
    assert "the windows end on 2031-01-01, the latest date in the inputs: received-at" in report.unknown_reason
    assert any(
        w.startswith("the as-of day 2031-01-01 (the latest date in the inputs: received-at")
        and "is after today (2026-11-21)" in w
        for w in report.warnings
    )


def test_an_as_of_day_past_the_newest_order_is_said(tmp_path: Path) -> None:
    """One ship-date typed a week ahead (not after today) made it the as-of day: the late shipment rates breached
    on orders the files simply did not hold yet, and nothing said the as-of day was past the orders."""
    from healthcheck.audit import run_audit
    from healthcheck.config import Config

    folder = copy(tmp_path / "typo", *(p.name for p in SAMPLES.iterdir() if p.suffix in (".txt", ".json")))
    confirmations = folder / "ship_confirmations.txt"
    lines = confirmations.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[-1].split("\t")
    cells[3], cells[8] = "2026-11-28", ""  # its ship-date, and no confirmed-at beside it
    confirmations.write_text("".join([*lines[:-1], "\t".join(cells)]), encoding="utf-8")
    report = run_audit([folder], config=Config(), now=dt.datetime(2026, 12, 7, 6, 0, tzinfo=dt.UTC))
    assert report.as_of == dt.date(2026, 11, 28)
    assert any(
        w.startswith(
            "the as-of day 2026-11-28 (the latest date in the inputs: ship-date in the Shipping confirmations)"
        )
        and "8 days after the newest order in the files (2026-11-20, purchase-date in the All Orders report)" in w
        and "orders shipped since show as unconfirmed, so the late shipment rates can read high" in w
        for w in report.warnings
    )
    given = run_audit(
        [folder], config=Config(), as_of=dt.date(2026, 11, 25), now=dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
    )
    assert any(w.startswith("the as-of day 2026-11-25 (given with --as-of) is 5 days after") for w in given.warnings)


def test_an_as_of_before_the_data_is_unknown_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An --as-of before every date in the files: nothing was known then. The reason names the dates, not a
    report to add (none would help), and no format says ok."""
    run = run_cli(capsys, tmp_path / "r.json", str(SAMPLES), "--as-of", "2025-01-01", "--fail-on", "never")
    assert (run.code, run.doc["status"]) == (3, "unknown")
    reason = run.doc["unknown_reason"]
    assert "before the earliest date in the inputs (2026-08-10" in reason and "later --as-of" in reason
    assert "Add " not in reason
    assert any("before the earliest date" in w for w in run.doc["warnings"])
    for fmt in ("markdown", "table", "html"):
        code, out, _ = cli(capsys, "audit", str(SAMPLES), "--as-of", "2025-01-01", "--format", fmt, "--no-color")
        assert code == 3 and "Nothing could be checked" in out, fmt
        assert "Nothing at risk" not in out, fmt
    code, out, _ = cli(capsys, "audit", str(SAMPLES), "--as-of", "2026-08-10", "--format", "json")
    assert not any("before the earliest date" in w for w in json.loads(out)["warnings"])  # the first day is known


def test_a_metric_not_evaluated_names_the_report_that_would_evaluate_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SAMPLES, folder)
    (folder / "ship_confirmations.txt").unlink()
    code, out, _ = cli(capsys, "audit", str(folder), "--format", "markdown")
    assert code == 2
    assert "- Valid tracking rate: add ship_confirmations to evaluate it" in out
    assert "Valid tracking rate: would be more complete" not in out
    # Not evaluated for an empty window, the files it reads given: a report added would not evaluate it.
    for name in folder.iterdir():
        if not name.name.startswith("all_orders"):
            name.unlink()
    code, out, _ = cli(capsys, "audit", str(folder), "--as-of", "2024-05-01", "--format", "markdown")
    assert "no seller-fulfilled orders purchased in the window" in out
    assert "Cancellation rate: would be more complete with order_report" in out
    assert "Cancellation rate: add order_report" not in out


# --- 4, 4.2: a metric is evaluated only when its inputs can show its numerator ------------------------------------


def test_each_missing_input_is_named_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The cancellation rate's groups share kinds (All Orders, or an order report with a cancellations file): with
    feedback alone, All Orders is named once, beside the order report that adds buyer requests."""
    run = run_cli(capsys, tmp_path / "r.json", str(copy(tmp_path / "in", "feedback.txt")))
    for metric in run.doc["metrics"]:
        missing = metric["coverage"]["missing_inputs"]
        assert len(missing) == len(set(missing)), metric["id"]
    assert run.metric("cancellation_rate")["coverage"]["missing_inputs"] == ["all_orders", "order_report"]


def test_the_order_report_alone_cannot_show_cancellations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy(tmp_path / "in", "order_report.txt")
    run = run_cli(capsys, tmp_path / "r.json", str(folder))
    cr = run.metric("cancellation_rate")
    assert (cr["status"], cr["rate"], cr["numerator"]) == ("not_evaluated", None, None)
    assert "All Orders" in cr["reason"]
    assert "all_orders" in cr["coverage"]["missing_inputs"]
    # Orders whose buyer asked to cancel through Amazon are cancelled, never shipped (5.3).
    with (SAMPLES / "order_report.txt").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    asked = {
        r["order-id"] for r in rows if r["is-buyer-requested-cancellation"] == "true" and r["quantity-shipped"] == "0"
    }
    assert asked
    assert not asked & ids(run.doc, "ship_overdue_orders")
    assert asked <= ids(run.doc, "cancel_buyer_requested") | ids(run.doc, "review_expired_orders")


def test_orders_cancelled_while_pending_are_not_seller_cancellations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        ao("111-0000001-0000001", "2024-05-08T10:00:00+00:00", "Cancelled", price=""),
        ao("111-0000002-0000002", "2024-05-08T11:00:00+00:00", "Cancelled", price=""),
        ao("111-0000003-0000003", "2024-05-09T12:00:00+00:00", "Shipped"),
    ]
    write(tmp_path / "in" / "orders.txt", report_bytes(AO, rows))
    run = run_cli(capsys, tmp_path / "r.json", str(tmp_path / "in"), "--as-of", "2024-05-10")
    cr = run.metric("cancellation_rate")
    assert run.counts("cancellation_rate") == (0, 1)
    assert cr["details"]["cancelled_while_pending"] == 2
    assert cr["status"] == "ok"
    assert not {a["id"] for a in run.doc["actions"]} & {"relist_or_fix_stock", "plan_of_action"}
    # The seller's own log saying it cancelled one overrides it.
    log = report_bytes(
        ["order-id", "cancel-reason", "cancelled-by"], [["111-0000001-0000001", "NoInventory", "seller"]]
    )
    write(tmp_path / "in" / "cancellations.txt", log)
    run = run_cli(capsys, tmp_path / "r2.json", str(tmp_path / "in"), "--as-of", "2024-05-10")
    assert run.counts("cancellation_rate") == (1, 2)
    assert run.metric("cancellation_rate")["details"]["cancelled_while_pending"] == 1


def test_cancellations_without_buyer_request_information_are_of_unknown_origin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        ao("111-0000001-0000001", "2024-05-08T10:00:00+00:00", "Cancelled"),
        ao("111-0000002-0000002", "2024-05-09T12:00:00+00:00", "Shipped"),
    ]
    write(tmp_path / "in" / "orders.txt", report_bytes(AO, rows))
    run = run_cli(capsys, tmp_path / "r.json", str(tmp_path / "in"), "--as-of", "2024-05-10")
    cr = run.metric("cancellation_rate")
    assert run.counts("cancellation_rate") == (1, 2)
    assert cr["details"]["origin_unknown"] == 1
    [stock] = [a for a in run.doc["actions"] if a["id"] == "relist_or_fix_stock"]
    assert "unknown origin" in stock["title"] and "stock-out" not in stock["title"]
    assert "is-buyer-requested-cancellation" in stock["detail"]


def test_actions_follow_the_cancel_reasons(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reasons = {"111-0000001-0000001": "NoInventory", "111-0000002-0000002": "ShippingAddressUndeliverable"}
    reasons |= {"111-0000003-0000003": "PricingError", "111-0000004-0000004": ""}
    rows = [ao(o, "2024-05-08T10:00:00+00:00", "Cancelled") for o in reasons]
    rows.append(ao("111-0000009-0000009", "2024-05-09T12:00:00+00:00", "Shipped"))
    write(tmp_path / "in" / "orders.txt", report_bytes(AO, rows))
    log = [[o, r, "false", "seller"] for o, r in reasons.items()]
    header = ["order-id", "cancel-reason", "is-buyer-requested-cancellation", "cancelled-by"]
    write(tmp_path / "in" / "cancellations.txt", report_bytes(header, log))
    run = run_cli(capsys, tmp_path / "r.json", str(tmp_path / "in"), "--as-of", "2024-05-10")
    assert ids(run.doc, "relist_or_fix_stock") == {"111-0000001-0000001", "111-0000004-0000004"}
    assert ids(run.doc, "review_cancellation_causes") == {"111-0000002-0000002", "111-0000003-0000003"}
    [other] = [a for a in run.doc["actions"] if a["id"] == "review_cancellation_causes"]
    assert "ShippingAddressUndeliverable" in other["detail"] and "PricingError" in other["detail"]


# --- 4.6, 5.3: expired and buyer-requested orders are never told to ship ------------------------------------------


def _unshipped_account(folder: Path) -> Path:
    rows = [
        # Due Fri May 3: unconfirmed, expired (7 business days later, May 14) by as-of May 20.
        ["111-0000001-0000001", "1", "2024-05-01T17:00:00+00:00", "A", "1", "0", "2024-05-04T06:59:59+00:00", "false"],
        # Due Fri May 17: overdue, still shippable.
        ["111-0000002-0000002", "2", "2024-05-15T17:00:00+00:00", "B", "1", "0", "2024-05-18T06:59:59+00:00", "false"],
        # Due Fri May 17, but the buyer asked to cancel.
        ["111-0000003-0000003", "3", "2024-05-15T17:00:00+00:00", "C", "1", "0", "2024-05-18T06:59:59+00:00", "true"],
        # Confirmed on time.
        ["111-0000004-0000004", "4", "2024-05-15T17:00:00+00:00", "D", "1", "1", "2024-05-18T06:59:59+00:00", "false"],
    ]
    write(folder / "order_report.txt", report_bytes(OREP, rows))
    write(folder / "confirmations.txt", report_bytes(SC, [["111-0000004-0000004", "2024-05-16", "USPS", "9400"]]))
    return folder


def test_expired_orders_are_reviewed_not_shipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _unshipped_account(tmp_path / "in")
    run = run_cli(capsys, tmp_path / "r.json", str(folder), "--as-of", "2024-05-20")
    assert ids(run.doc, "ship_overdue_orders") == {"111-0000002-0000002"}
    assert ids(run.doc, "review_expired_orders") == {"111-0000001-0000001"}
    assert ids(run.doc, "cancel_buyer_requested") == {"111-0000003-0000003"}
    lsr = run.metric("late_shipment_rate_30d")
    assert lsr["details"]["expired"] == 1
    assert "111-0000001-0000001" in lsr["order_ids"]  # still late (unconfirmed)


def test_confirmations_move_the_default_as_of(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The two unconfirmed orders are past due at the date of the newest confirmation, not OK until the next
    order arrives (SPEC 2: as-of is the latest date of anything that happened)."""
    folder = _unshipped_account(tmp_path / "in")
    write(folder / "confirmations.txt", report_bytes(SC, [["111-0000004-0000004", "2024-05-21", "USPS", "9400"]]))
    run = run_cli(capsys, tmp_path / "r.json", str(folder))
    assert run.doc["as_of"] == "2024-05-21"
    assert "ship-date in the Shipping confirmations" in run.doc["as_of_source"]
    assert {"111-0000002-0000002", "111-0000003-0000003"} <= set(run.metric("late_shipment_rate_10d")["order_ids"])


# --- 1.5: only what was known at the end of as-of ---------------------------------------------------------------


def _local_day(value: str, kind: str) -> str | None:
    """The local (Los Angeles) day a dated row happened on, parsed apart from the tool's own loaders."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    value = value.strip()
    if not value:
        return None
    if kind == "feedback":
        return dt.datetime.strptime(value, "%m/%d/%y").date().isoformat()
    if kind == "mfn_returns":
        return dt.datetime.strptime(value, "%d-%b-%Y").date().isoformat()
    if len(value) == 10:
        return value
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.astimezone(ZoneInfo("America/Los_Angeles")).date().isoformat()


CUT = {
    "feedback.txt": ("feedback", ["Date"]),
    "claims.txt": ("claims", ["claim-date"]),
    "mfn_returns.txt": ("mfn_returns", ["Return request date"]),
    "messages.txt": ("messages", ["received-at"]),
    "cancellations.txt": ("cancellations", ["cancel-date"]),
    "fba_shipments.txt": ("fba_shipments", ["shipment-date"]),
    "ship_confirmations.txt": ("ship_confirmations", ["confirmed-at", "ship-date"]),
}


def cut_copy(source: Path, target: Path, day: str) -> None:
    """The sample account as downloaded at the end of `day`: dated events after it are not there yet, a message
    answered after it is unanswered, and an order confirmed only after it was unshipped then (its order rows as a
    snapshot at `day` would say); order reports are otherwise kept as they are."""
    _cut_events(source, target, day)
    later = _ids(source / "ship_confirmations.txt") - _ids(target / "ship_confirmations.txt")
    for orders in sorted(target.glob("all_orders*.txt")):
        _unship(orders, later, {"order-status": "Unshipped", "item-status": "Unshipped"})
    _unship(target / "order_report.txt", later, {"quantity-shipped": "0"})


def _ids(confirmations: Path) -> set[str]:
    lines = confirmations.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "order-id" in line.lower().split("\t"))
    column = lines[at].lower().split("\t").index("order-id")
    return {line.split("\t")[column] for line in lines[at + 1 :] if line.strip()}


def _unship(path: Path, orders: set[str], changes: dict[str, str]) -> None:
    """`path`'s rows of `orders`, each column of `changes` set to its value where it says shipped (a status
    beginning Shipped, PartiallyShipped, or a quantity shipped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    names = lines[0].lower().split("\t")
    key = names.index("amazon-order-id") if "amazon-order-id" in names else names.index("order-id")
    out = [lines[0]]
    for line in lines[1:]:
        values = line.split("\t")
        if values[key] in orders:
            for column, value in changes.items():
                at = names.index(column)
                said = values[at].strip().lower()
                if said.startswith("shipped") or said == "partiallyshipped" or (said.isdigit() and int(said) > 0):
                    values[at] = value
        out.append("\t".join(values))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _cut_events(source: Path, target: Path, day: str) -> None:
    target.mkdir()
    for path in source.iterdir():
        if path.name not in CUT:
            shutil.copy(path, target / path.name)
            continue
        kind, columns = CUT[path.name]
        lines = path.read_text(encoding="utf-8").splitlines()
        at = next(i for i, line in enumerate(lines) if columns[0].lower() in line.lower().split("\t"))
        names = [n.strip().lower() for n in lines[at].split("\t")]
        kept = lines[: at + 1]
        for line in lines[at + 1 :]:
            values = line.split("\t") + [""] * len(names)
            dates = [_local_day(values[names.index(c.lower())], kind) for c in columns]
            when = next((d for d in dates if d), None)
            if when is not None and when > day:
                continue
            if kind == "messages":
                answered = names.index("responded-at")
                if (_local_day(values[answered], kind) or "") > day:
                    values[answered] = ""
                line = "\t".join(values[: len(names)])
            kept.append(line)
        (target / path.name).write_text("\n".join(kept) + "\n", encoding="utf-8")


def _comparable(doc: dict[str, Any]) -> dict[str, Any]:
    metrics = [
        (m["id"], m["status"], m["numerator"], m["denominator"], m["details"], m["order_ids"]) for m in doc["metrics"]
    ]
    actions = [(a["id"], a["metric_id"], a["order_ids"]) for a in doc["actions"]]
    return {"metrics": metrics, "actions": actions, "status": doc["status"]}


@pytest.mark.parametrize("day", ["2026-09-25", "2026-10-19", "2026-11-09"])
def test_auditing_as_of_a_day_equals_auditing_the_files_cut_at_its_end(
    day: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cut_copy(SAMPLES, tmp_path / "cut", day)
    full = run_cli(capsys, tmp_path / "full.json", str(SAMPLES), "--as-of", day)
    cut = run_cli(capsys, tmp_path / "cut.json", str(tmp_path / "cut"), "--as-of", day)
    assert _comparable(full.doc) == _comparable(cut.doc)
    left_out = {Path(i["path"]).name: i["skipped"].get("after_as_of", 0) for i in full.doc["inputs"]}
    kept = {Path(i["path"]).name: i["rows"] for i in cut.doc["inputs"]}
    rows = {Path(i["path"]).name: i["rows"] for i in full.doc["inputs"]}
    for name in CUT:
        assert rows[name] - left_out[name] == kept[name], name
    assert left_out["claims.txt"] > 0  # claims of October and November are not known in September


# --- 5.2: coverage ------------------------------------------------------------------------------------------------


def test_a_partly_covered_window_is_marked_in_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [ao(f"111-000000{n}-000000{n}", f"2024-04-{10 + n}T17:00:00+00:00", "Shipped") for n in range(1, 8)]
    write(tmp_path / "in" / "orders.txt", report_bytes(AO, rows))
    write(tmp_path / "in" / "feedback.txt", report_bytes(
        ["Date", "Rating", "Comments", "Your Response", "Order ID", "Rater Email"],
        [["4/20/24", "1", "late", "", "111-0000001-0000001", "x@example.com"]],
    ))  # fmt: skip
    run = run_cli(capsys, tmp_path / "r.json", str(tmp_path / "in"), "--as-of", "2024-05-10")
    coverage = run.metric("order_defect_rate_mfn")["coverage"]
    assert coverage["complete"] is False and coverage["window_days"] == 60
    assert coverage["missing_inputs"] == ["claims", "mfn_returns"]  # ODR evaluated from feedback alone
    covered = coverage["covered_days"]
    assert 0 < covered < 60
    # An ok metric on a partial window says so in the one nagios line too (nothing else names ok metrics there).
    _, out, _ = cli(capsys, "audit", str(SAMPLES), "--as-of", "2026-09-01", "--format", "nagios")
    assert out.startswith("HEALTHCHECK OK - ") and "order_defect_rate_mfn partial: 9 of 60 days" in out
    for fmt in ("markdown", "table", "html", "junit", "nagios"):
        _, out, _ = cli(
            capsys, "audit", str(tmp_path / "in"), "--as-of", "2024-05-10", "--format", fmt, "--width", "200"
        )
        assert f"partial: {covered} of 60 days" in out, fmt
    _, out, _ = cli(capsys, "audit", str(tmp_path / "in"), "--as-of", "2024-05-10", "--format", "markdown")
    assert "would be more complete with claims, mfn_returns" in out


# --- 1.1, 1.2: joined downloads and stray files -------------------------------------------------------------------


def test_two_downloads_joined_with_cat_are_read_as_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in SAMPLES.iterdir():
        if not path.name.startswith("all_orders"):
            shutil.copy(path, folder / path.name)
    joined = (SAMPLES / "all_orders_1.txt").read_bytes() + (SAMPLES / "all_orders_2.txt").read_bytes()
    write(folder / "all_orders.txt", joined)
    run = run_cli(capsys, tmp_path / "r.json", str(folder))
    apart = run_cli(capsys, tmp_path / "apart.json", str(SAMPLES))
    assert run.doc["errors"] == []
    assert run.input(folder / "all_orders.txt")["skipped"]["repeated_header"] == 1
    assert any(" the header (downloads joined" in w for w in run.input(folder / "all_orders.txt")["warnings"])
    assert _comparable(run.doc)["metrics"] == _comparable(apart.doc)["metrics"]


@pytest.mark.parametrize(
    ("name", "text"),
    [("notes.csv", "note,when\nrestock the rugs,monday\n"), ("settings.json", '{"theme": "dark", "rows": 50}')],
)
def test_a_sellers_own_file_beside_the_reports_is_skipped_with_a_note(
    name: str, text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SPEC 1.2 (rev 2): a file naming nothing of a report (a JSON naming nothing of Amazon's performance report)
    is not a report at all: skipped with a note, not an error."""
    folder = tmp_path / "in"
    shutil.copytree(SAMPLES, folder)
    (folder / name).write_text(text, encoding="utf-8")
    run = run_cli(capsys, tmp_path / "r.json", str(folder))
    assert run.code == 2 and run.doc["errors"] == []
    assert any(f"{name}: not a Seller Central report" in w for w in run.doc["warnings"])
    assert all(not i["path"].endswith(name) for i in run.doc["inputs"])


def test_a_file_given_twice_is_read_once_with_a_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feedback = SAMPLES / "feedback.txt"
    twice = run_cli(capsys, tmp_path / "twice.json", str(SAMPLES), str(feedback), str(feedback))
    once = run_cli(capsys, tmp_path / "once.json", str(SAMPLES))
    assert [i["path"] for i in twice.doc["inputs"]] == [i["path"] for i in once.doc["inputs"]]
    assert _comparable(twice.doc)["metrics"] == _comparable(once.doc)["metrics"]
    assert f"{feedback}: given more than once (named, or inside a folder named), read once" in twice.doc["warnings"]


# --- 2: the marketplace from the files ----------------------------------------------------------------------------


def _german(folder: Path) -> Path:
    rows = [
        ao("302-0000001-0000001", "2024-05-06T08:00:00+00:00", "Shipped", sales="Amazon.de"),
        ao("302-0000002-0000002", "2024-05-07T08:00:00+00:00", "Shipped", sales="Amazon.de"),
    ]
    write(folder / "orders.txt", report_bytes(AO, rows))
    feedback = [
        [f"{d}.05.24", "5", "gut", "", f"302-000000{n}-000000{n}", "x@example.com"] for n, d in ((1, 8), (2, 9))
    ]
    header = ["Datum", "Bewertung", "Kommentar", "Ihre Antwort", "Transaktionsnummer", "E-Mail des Bewertenden"]
    write(folder / "feedback.txt", report_bytes(header, feedback))
    return folder


def test_german_files_without_marketplace_are_audited_as_de(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, tmp_path / "r.json", str(_german(tmp_path / "in")))
    assert run.doc["marketplace"] == "DE"
    assert run.doc["marketplace_source"] == "from the sales channel of 2 orders"
    assert run.doc["errors"] == []
    _, out, _ = cli(capsys, "audit", str(tmp_path / "in"), "--format", "markdown")
    assert "DE account (from the sales channel of 2 orders)" in out


def test_the_marketplace_id_of_amazons_report_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _german(tmp_path / "in")
    (folder / "orders.txt").unlink()
    document = {"performanceMetrics": [{"marketplaceId": "A1PA6795UKMFR9"}]}
    (folder / "performance.json").write_text(json.dumps(document), encoding="utf-8")
    run = run_cli(capsys, tmp_path / "r.json", str(folder))
    assert run.doc["marketplace"] == "DE"
    assert "marketplaceId" in run.doc["marketplace_source"]
    assert run.doc["errors"] == []  # the D.M.YY feedback dates read as DE's


def _two_marketplaces(folder: Path) -> Path:
    _german(folder)
    french = [ao("171-0000009-0000009", "2024-05-07T08:00:00+00:00", "Shipped", sales="Amazon.fr")]
    write(folder / "orders_fr.txt", report_bytes(AO, french))
    return folder


def test_files_of_two_marketplaces_stop_and_ask(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SPEC 2: the audit stops (exit 3) with the count per marketplace; SPEC 5.2: its report is written all the
    same, UNKNOWN, saying why, and nothing is measured on the mixed files."""
    run = run_cli(capsys, tmp_path / "r.json", str(_two_marketplaces(tmp_path / "in")))
    assert run.code == 3
    assert "DE (2 orders), FR (1 order)" in run.stderr and "--marketplace" in run.stderr
    assert (run.doc["status"], run.doc["exit_code"]) == ("unknown", 3)
    [error] = run.doc["errors"]
    assert "DE (2 orders), FR (1 order)" in error["message"]
    assert run.doc["unknown_reason"].startswith("nothing could be checked: the files name several marketplaces")
    for metric in run.doc["metrics"]:
        assert (metric["status"], metric["rate"], metric["coverage"]["missing_inputs"]) == ("not_evaluated", None, [])
        assert "several marketplaces" in metric["reason"]
    assert run.doc["inputs"] == [] and run.doc["actions"] == []


@pytest.mark.parametrize(
    ("fmt", "says"),
    [
        ("nagios", "HEALTHCHECK UNKNOWN - 1 input error: "),
        ("junit", "<error "),
        ("markdown", "**UNKNOWN**: nothing could be checked: the files name several marketplaces"),
    ],
)
def test_two_marketplaces_still_give_a_monitor_its_report(
    fmt: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(capsys, "audit", str(_two_marketplaces(tmp_path / "in")), "--format", fmt)
    assert code == 3
    assert says in out and "DE (2 orders), FR (1 order)" in out


def test_a_wrong_marketplace_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, tmp_path / "r.json", str(_german(tmp_path / "in")), "--marketplace", "US")
    [error] = run.doc["errors"]
    assert "--marketplace DE" in error["message"] and error["line"] is None
    assert any("sales channels name DE" in w for w in run.doc["warnings"])


# --- 5.1, 5.5: output, JUnit and config ---------------------------------------------------------------------------


SUFFIXES = [("health.html", "<!DOCTYPE html>"), ("r.json", "{"), ("r.xml", "<?xml"), ("r.md", "# healthcheck")]


@pytest.mark.parametrize(("name", "starts"), [*SUFFIXES, ("r.txt", "healthcheck ")])
def test_the_output_suffix_picks_the_format(
    name: str, starts: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(capsys, "audit", str(SAMPLES), "-o", str(tmp_path / name))
    assert (tmp_path / name).read_text(encoding="utf-8").lstrip("\ufeff").startswith(starts)


def test_a_format_contradicting_the_suffix_is_warned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = cli(capsys, "audit", str(SAMPLES), "--format", "markdown", "-o", str(tmp_path / "h.html"))
    assert "warning: --format markdown" in err
    assert (tmp_path / "h.html").read_text(encoding="utf-8").startswith("# healthcheck")


# At risk: the late shipment rate and Amazon's account status (the demo's report says AT_RISK).
@pytest.mark.parametrize(("fail_on", "code", "failures"), [("at-risk", 2, 3), ("breach", 2, 1), ("never", 0, 0)])
def test_junit_fails_what_the_exit_code_fails(
    fail_on: str, code: int, failures: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.xml"
    assert cli(capsys, "audit", str(SAMPLES), "--fail-on", fail_on, "-o", str(out))[0] == code
    assert ET.parse(out).getroot().get("failures") == str(failures)


def test_an_at_risk_run_has_a_failing_testcase(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "healthcheck.toml"
    config.write_text("[metrics.cancellation_rate]\ntarget = 0.05\nat_risk = 0.04\n", encoding="utf-8")
    out = tmp_path / "r.xml"
    assert cli(capsys, "audit", str(SAMPLES), "-c", str(config), "-o", str(out))[0] == 1
    root = ET.parse(out).getroot()
    assert root.get("failures") == "3"  # the two rates and Amazon's account status (AT_RISK in the demo's report)
    assert {f.get("type") for f in root.iter("failure")} == {"at_risk"}


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("[metrics.cancellation_rate]\ntarget = 0.05\nat_risk = 0.06\n", "metrics.cancellation_rate.at_risk"),
        ("[metrics.valid_tracking_rate]\ntarget = 0.95\nat_risk = 0.94\n", "metrics.valid_tracking_rate.at_risk"),
        ("[metrics.late_shipment_rate_10d]\nat_risk = 0.05\n", "metrics.late_shipment_rate_10d.at_risk"),
    ],
)
def test_an_at_risk_threshold_beyond_the_target_is_refused(
    table: str, key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "healthcheck.toml"
    config.write_text(table, encoding="utf-8")
    code, _, err = cli(capsys, "audit", str(SAMPLES), "-c", str(config))
    assert code == 3 and key in err


# --- 5.4: Amazon's report in its other shapes ---------------------------------------------------------------------


def test_the_seller_performance_reports_other_shapes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = copy(tmp_path / "in", "all_orders_1.txt", "all_orders_2.txt", "ship_confirmations.txt")
    entry: dict[str, Any] = {
        "marketplaceId": "ATVPDKIKX0DER",
        "warningStates": {
            "listingPolicyViolations": {"status": "NORMAL", "defectsCount": 0},
            "foodSafety": {"status": "AT_RISK", "defectsCount": 2},
        },
        "lateShipmentRate": {
            "reportingDateRange": {"reportingDateFrom": "2026-10-27T00:00Z", "reportingDateTo": "2026-11-19T23:59Z"},
            "orderCount": 500,
            "lateShipmentCount": 10,
            "rate": 0.02,
        },
        "orderDefectRate": {"mfn": {"orderCount": 100, "orderWithDefects": 1, "rate": 0.01}},
    }
    (folder / "performance.json").write_text(json.dumps({"performanceMetrics": [entry]}), encoding="utf-8")
    run = run_cli(capsys, tmp_path / "r.json", str(folder))
    [rec] = run.doc["reconcile"]
    assert rec["warning_states"] == ["foodSafety: AT_RISK (2)"]
    rows = {r["amazon"]["key"]: r for r in rec["metrics"]}
    late = rows["lateShipmentRate"]  # 24 days: none of our windows, shown and not compared
    assert late["agrees"] is None and late["amazon"]["window"]["start"] == "2026-10-27"
    assert late["causes"][0].startswith("Not compared: ")
    odr = rows["orderDefectRate.mfn"]  # ours is not evaluated (no feedback or claims): nothing to compare
    assert odr["agrees"] is None and odr["causes"][0].startswith("Not compared: ")
    _, out, _ = cli(capsys, "audit", str(folder), "--format", "markdown")
    assert "warning foodSafety: AT_RISK (2)" in out and "listingPolicyViolations" not in out
    assert "warning warning" not in out
    # Judged as the list form is: shown in the reconcile, it was "0 of 0 at risk", and the account status ok.
    status = next(m for m in run.doc["metrics"] if m["id"] == "amazon_account_status")
    assert status["status"] == "at_risk" and status["details"]["warnings"] == [
        {"type": "foodSafety", "status": "AT_RISK"}
    ]
    entry["warningStates"] = [{"warningType": "foodSafety", "status": "AT_RISK"}]
    (folder / "performance.json").write_text(json.dumps({"performanceMetrics": [entry]}), encoding="utf-8")
    listed = run_cli(capsys, tmp_path / "listed.json", str(folder))
    again = next(m for m in listed.doc["metrics"] if m["id"] == "amazon_account_status")
    assert (again["status"], again["details"]["warnings"]) == (status["status"], status["details"]["warnings"])
