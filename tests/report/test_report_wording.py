"""The human formats read as a person writes (issue 17, points 14 and 19), checked through the CLI on files:
paths in Markdown as code spans (no backslashes in cron mail), counted nouns in the singular or the plural (never
"order(s)"), reconciliation causes as sentences, a report from another period called so, and a trend that does not
open on a value whose window reaches back before the data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from report_accounts import SAMPLES, cancellation_account, performance_document

from healthcheck.cli import main


def run(args: list[str], out: Path) -> str:
    """The report the CLI writes to `out` (exit 2: the accounts used here breach)."""
    assert main(["audit", *args, "--output", str(out)]) == 2
    return out.read_text(encoding="utf-8")


def flat(text: str) -> str:
    """The text with table borders and line wrapping removed, to find a sentence wherever rich broke it."""
    return " ".join(re.sub(r"[│┃|]", " ", text).split())


def far_away_performance(path: Path) -> Path:
    """Amazon's cancellation rate over a week a year before the account's orders."""
    window = {"reportingDateFrom": "2023-05-01T00:00Z", "reportingDateTo": "2023-05-07T23:59Z"}
    figure = {"reportingDateRange": window, "orderCount": 150, "cancellationCount": 5}
    document = {"performanceMetrics": [{"marketplaceId": "ATVPDKIKX0DER", "preFulfillmentCancellationRate": figure}]}
    return performance_document(path, document)


def test_markdown_shows_paths_as_code_spans_without_backslashes(tmp_path: Path) -> None:
    folder = cancellation_account(tmp_path / "my_shop`s reports")
    text = run([str(folder), "--format", "markdown"], tmp_path / "report.md")
    path = f"{folder}/all_orders.txt"
    # A backtick inside: the fence is two backticks, and the path stays whole and literal.
    assert f"| ``{path}`` | all_orders |" in text
    assert "\\_" not in text and "my\\_shop" not in text
    page = MarkdownIt("commonmark").enable("table").render(text)
    assert f"<code>{path}</code>" in page


def test_markdown_puts_the_demo_paths_in_code_spans(tmp_path: Path) -> None:
    text = run([str(SAMPLES), "--format", "markdown"], tmp_path / "report.md")
    assert f"`{SAMPLES}/seller_performance.json`: account status AT_RISK" in text
    assert f"| `{SAMPLES}/all_orders_1.txt` | all_orders |" in text
    assert "sample\\_reports" not in text and "AT\\_RISK" not in text


@pytest.mark.parametrize(("fmt", "suffix"), [("table", "txt"), ("markdown", "md"), ("html", "html")])
def test_counted_nouns_agree_with_their_number(tmp_path: Path, fmt: str, suffix: str) -> None:
    text = run([str(SAMPLES), "--format", fmt, "--width", "110"], tmp_path / f"report.{suffix}")
    assert "(s)" not in text
    assert not re.search(r"\b1 (orders|defects|packages|rows|days|cancellations|values|files|errors)\b", text)
    assert "1 defect names an order missing from the order data" in flat(text)
    assert "36 rows are older versions of order items" in flat(text)
    assert "(handling 2 days, 0 SKU overrides," in flat(text)


def test_reconciliation_causes_are_sentences_and_a_far_report_is_another_period(tmp_path: Path) -> None:
    folder = cancellation_account(tmp_path / "acct")
    far_away_performance(folder / "seller_performance.json")
    doc = json.loads(run([str(folder), "--format", "json"], tmp_path / "report.json"))
    (row,) = doc["reconcile"][0]["metrics"]
    assert row["causes"] == [
        "Amazon's report is from another period (Amazon's covers 2023-05-01 to 2023-05-07, ours 2024-05-04 to "
        "2024-05-10). Over Amazon's dates we count 0/0.",
        "Missing orders: we count 150 fewer orders than Amazon over Amazon's dates (download reports covering it).",
        "We count 0 bad orders, Amazon 5: cancellations we do not see: Amazon's own cancellations, or orders "
        "missing from the files.",
    ]
    table = flat(run([str(folder), "--format", "table", "--width", "160"], tmp_path / "report.txt"))
    assert "days behind ours" not in table
    assert "we count 0/0. Missing orders: we count 150 fewer orders" in table


def test_a_report_a_few_days_behind_is_still_called_behind(tmp_path: Path) -> None:
    folder = cancellation_account(tmp_path / "acct")
    window = {"reportingDateFrom": "2024-05-01T00:00Z", "reportingDateTo": "2024-05-07T23:59Z"}
    figure = {"reportingDateRange": window, "orderCount": 140, "cancellationCount": 4}
    document = {"performanceMetrics": [{"marketplaceId": "ATVPDKIKX0DER", "preFulfillmentCancellationRate": figure}]}
    performance_document(folder / "seller_performance.json", document)
    doc = json.loads(run([str(folder), "--format", "json"], tmp_path / "report.json"))
    (row,) = doc["reconcile"][0]["metrics"]
    assert row["causes"] == [
        "Dates only: Amazon's report is 3 days behind ours. Over Amazon's dates we count 4/140 too.",
    ]


def test_the_trend_starts_where_the_window_is_covered_by_the_data(tmp_path: Path) -> None:
    """Orders from May 1: the 7-day cancellation window is covered from May 7 on. Before, the window reaches back
    before the data and May 1 alone (no cancellation) would read 0 %; the trend shows nothing there instead."""
    folder = cancellation_account(tmp_path / "acct")
    table = run([str(folder), "--format", "table", "--width", "110"], tmp_path / "report.txt")
    trend = table[table.index("Trend: daily value") :]
    line = next(row for row in trend.splitlines() if row.startswith("│ Cancellation rate"))
    cells = [cell.strip(" ") for cell in line.strip("│").split("│")]
    assert cells[0] == "Cancellation rate"
    spark = line.split("│")[2]
    assert spark[1:7] == " " * 6 and spark[7] != " "  # May 1 .. May 6 blank, a value from May 7
    assert cells[2:] == ["2.86%", "3.57%"]  # From: May 7, 4 of 140 orders; Now: May 10, 5 of 140
    markdown = run([str(folder), "--format", "markdown"], tmp_path / "report.md")
    (row,) = [row for row in markdown.splitlines() if row.startswith("| Cancellation rate |")]
    assert row.endswith("| `      ▇▇██` |")


def test_a_target_the_config_sets_is_called_the_sellers_and_amazons_is_kept_for_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stricter target in healthcheck.toml was written "Amazon's target is at least 98%", in the plan pasted to
    Amazon too; and a higher-is-better metric climbing back was "back under target", which for it is failing."""
    config = tmp_path / "healthcheck.toml"
    config.write_text(
        "[metrics.valid_tracking_rate]\ntarget = 0.98\nat_risk = 0.985\n"
        "[metrics.order_defect_rate_mfn]\ntarget = 0.006\nat_risk = 0.005\n",
        encoding="utf-8",
    )
    text = flat(run([str(SAMPLES), "--config", str(config)], tmp_path / "report.md"))
    assert (
        "Valid tracking rate is 97.51% (665 of 682 packages, Oct 22 - Nov 20); your target is at least 98% (Amazon's: "
        "at least 95%). If nothing new goes wrong it is back at or above target on Thu Nov 26" in text
    )
    assert "your target is under 0.6% (Amazon's: under 1%). If nothing new goes wrong it is back under target" in text
    assert "The valid tracking rate falls short of the target your config sets." in text
    assert "Cancellation rate is 4.22% (7 of 166 orders, Nov 14 - Nov 20); Amazon's target is under 2.5%." in text
    assert main(["plan", "vtr", str(SAMPLES), "--config", str(config)]) == 2
    plan = capsys.readouterr().out
    assert "Our valid tracking rate is 97.51% (665 of 682 seller-fulfilled packages" in plan
    assert "Amazon's target is at least 95%. It was recomputed" in plan and "98%" not in plan
