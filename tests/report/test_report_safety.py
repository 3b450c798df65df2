"""Report files are untrusted (SPEC 6): no format lets their contents act as a formula, markup, HTML or an escape
sequence, and no format shows buyer data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

import pytest
from markdown_it import MarkdownIt
from report_accounts import HOSTILE_SKUS, audit, hostile_account

from healthcheck.audit import AuditReport
from healthcheck.outcome import FailOn
from healthcheck.report import Format, render
from healthcheck.report.csv_report import neutralise

# The demo account's buyer whose data must never be shown (sample_reports/README.md).
PII = ("Dana Whitfield", "Whitfield", "dana.w@example.com", "206-555-0147", "4817 Fremont Ave N")


def text_of(report: AuditReport, fmt: Format, *, color: bool = False, width: int | None = None) -> str:
    return render(report, fmt, fail_on=FailOn.AT_RISK, color=color, width=width)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'=1"),  # the carriage return is neutralised, then dropped as a control character
        ("SKU-1", "SKU-1"),
        ("a=b", "a=b"),
        ("2024-05-01", "2024-05-01"),
        ("", ""),
        (None, ""),
        (3, "3"),
        ("two\nlines", "two lines"),
    ],
)
def test_csv_neutralises_formulas(value: object, shown: str) -> None:
    assert neutralise(value) == shown


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> AuditReport:
    return audit([hostile_account(tmp_path_factory.mktemp("hostile"))], as_of=dt.date(2024, 5, 10))


def test_the_hostile_skus_reach_the_report(hostile: AuditReport) -> None:
    skus = {s for a in hostile.actions for s in a.skus}
    assert skus == set(HOSTILE_SKUS)


def test_csv_cells_never_start_a_formula(hostile: AuditReport) -> None:
    rows = list(csv.reader(io.StringIO(text_of(hostile, Format.CSV), newline="")))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    joined = "\n".join(cells)
    assert "'=HYPERLINK(" in joined and "'+1+1" in joined and "'-2+3" in joined and "'@SUM(A1:A2)" in joined
    assert "\x1b" not in joined


@pytest.mark.parametrize("color", [False, True])
def test_terminal_shows_markup_and_escapes_literally(hostile: AuditReport, color: bool) -> None:
    text = text_of(hostile, Format.TABLE, color=color, width=400)  # wide: no value wraps inside a cell
    flat = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert "[bold red]RED[/bold red] (6)" in flat
    assert "[31mESC[0m (5)" in flat  # the ESC bytes are gone, the rest is plain text
    assert "<script>alert(1)</script> (4)" in flat
    assert "orders [bold red]x <img" in flat
    ours = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert "\x1b" not in ours  # every escape sequence left is one of rich's own colour codes
    if not color:
        assert "\x1b" not in text


def test_markdown_escapes(hostile: AuditReport) -> None:
    text = text_of(hostile, Format.MARKDOWN)
    # Code spans show their text literally; outside them every tag-like `<` is escaped.
    outside = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", text)
    assert not re.search(r"(?<!\\)<[A-Za-z/]", outside)
    assert "\\<script>alert(1)\\</script> (4)" in outside  # a SKU inside a sentence
    assert "``a|b`c*d``" in text  # a SKU as an identifier: a fence longer than its backtick
    assert "\x1b" not in text
    # Rendered as CommonMark with GFM tables (markdown-it, which rich already brings), nothing becomes markup.
    page = MarkdownIt("commonmark").enable("table").render(text)
    assert "<script" not in page and "<img" not in page
    assert "<code>a|b`c*d</code>" in page
    assert "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>" in page
    assert "acct &lt;script&gt;alert(1)/orders [bold red]x &lt;img src=x onerror=alert(1)&gt;.txt</code></td>" in page


def test_html_escapes_everything(hostile: AuditReport) -> None:
    text = text_of(hostile, Format.HTML)
    assert "<script" not in text.lower()
    assert "<img" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # the SKU
    assert "acct &lt;script&gt;alert(1)" in text  # the folder
    assert "orders [bold red]x &lt;img src=x onerror=alert(1)&gt;.txt" in text  # the file
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, re.IGNORECASE)
    assert "\x1b" not in text


def test_junit_and_nagios_stay_well_formed(hostile: AuditReport) -> None:
    ET.fromstring(text_of(hostile, Format.JUNIT))
    nagios = text_of(hostile, Format.NAGIOS)
    assert nagios.count("\n") == 1 and nagios.count(" | ") == 1


@pytest.mark.parametrize("fmt", list(Format))
def test_no_buyer_data_in_any_format(fmt: Format, demo: AuditReport) -> None:
    text = text_of(demo, fmt)
    for value in PII:
        assert value not in text
