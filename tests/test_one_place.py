"""One place per idea (docs/architecture.md): a metric is one module plus one registry row, so nothing outside
`healthcheck/metrics/` names a metric by its id."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from healthcheck.cli import main
from healthcheck.metrics import METRICS, registry
from healthcheck.metrics.base import (
    Basis,
    Direction,
    Measurement,
    MetricSpec,
    PlanShape,
    Window,
    date_span,
    sorted_ids,
)
from healthcheck.model import AuditData

PACKAGE = Path(__file__).resolve().parents[1] / "healthcheck"


def test_no_metric_id_is_written_outside_the_metrics_package() -> None:
    ids = "|".join(re.escape(spec.id) for spec in (*METRICS, *registry.PROGRAM_METRICS))
    # An id as a string literal, or a prefix of one tested with startswith.
    pattern = re.compile(rf"""["'](?:{ids}|order_defect_rate|late_shipment_rate)["']""")
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "metrics" not in path.relative_to(PACKAGE).parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert found == []


def test_no_module_is_over_500_lines() -> None:
    """The house rule: a module that grows past it is split by concern (docs/architecture.md)."""
    sizes = {
        str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > 500} == {}


# --- a metric is one module plus one registry row -------------------------------------------------------------


def documented_metrics(readme: str) -> set[str]:
    """The metric ids the README's metric table lists."""
    section = readme.split("## The metrics\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(\w+)` \|", section, flags=re.M))


def test_tests_use_only_public_names_of_the_package() -> None:
    """Tests go through public interfaces (issue 12): no test imports a private name of healthcheck or reaches
    into one through a module attribute, so a refactor inside a module never breaks a test that still holds."""
    tests = PACKAGE.parent / "tests"
    imported = re.compile(r"from healthcheck[\w.]* import ([^\n(]+|\([^)]*\))")
    reached = re.compile(r"\bhealthcheck(?:\.\w+)*\._[A-Za-z]\w*")
    # A module imported whole, then a private name of it read or patched: `reader._exact_read`, `setattr(reader,
    # "_exact_read", ...)`.
    modules = re.compile(r"^from healthcheck[\w.]* import ([^\n(]+|\([^)]*\))", flags=re.M)
    found: list[str] = []
    for path in sorted(tests.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for match in imported.finditer(text):
            names = [n.strip().split(" as ")[0] for n in match.group(1).strip("()").split(",")]
            found += [f"{path.name}: {n}" for n in names if n.startswith("_") and not n.startswith("__")]
        found += [f"{path.name}: {m}" for m in reached.findall(text)]
        for match in modules.finditer(text):
            for name in (n.strip().split(" as ")[-1] for n in match.group(1).strip("()").split(",")):
                if name and name.islower() and name.isidentifier():
                    private = re.compile(rf"\b{name}\._[A-Za-z]\w*|setattr\({name}, [\"']_[A-Za-z]\w*")
                    found += [f"{path.name}: {m}" for m in private.findall(text)]
    assert found == []


def test_every_metric_is_in_the_readmes_metric_table() -> None:
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    assert {spec.id for spec in (*METRICS, *registry.PROGRAM_METRICS)} - documented_metrics(readme) == set()


def _weekend_orders(data: AuditData, window: Window, as_of: dt.date) -> Measurement:
    """A throwaway metric for the test below: the share of orders bought on a weekend."""
    orders = data.orders
    inside = orders.loc[window.contains(orders["purchase_date"])]
    weekend = sorted_ids(inside.loc[inside["purchase_date"].dt.day_of_week >= 5, "order_id"])
    first, last = date_span(orders["purchase_date"])
    return Measurement(
        numerator=len(weekend),
        denominator=len(inside),
        order_ids=weekend,
        problem_order_ids=weekend,
        first_data_date=first,
        last_data_date=last,
    )


WEEKEND = MetricSpec(
    id="weekend_order_share",
    title="Weekend order share",
    short="wknd",
    direction=Direction.LOWER_IS_BETTER,
    target=0.05,
    at_risk=0.04,
    window_days=7,
    basis=Basis.PURCHASE_DATE,
    compute=_weekend_orders,
    population="orders purchased",
    numerator="orders purchased on a Saturday or Sunday",
    advice="Staff the weekend.",
    inputs=(("all_orders", "order_report"),),
    bad=("weekend order", "weekend orders"),
    plan=PlanShape(causes=("purchase_weekday", "sku"), quiet=()),
)


def test_a_new_metric_is_one_module_and_one_registry_row(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Adding the spec above to the registry, and nothing else, shows it everywhere a metric shows."""
    monkeypatch.setattr(registry, "METRICS", (*registry.METRICS, WEEKEND))
    samples = str(PACKAGE.parent / "sample_reports")
    seen = {
        "table": "Weekend order share",
        "markdown": "Weekend order share",
        "html": "Weekend order share",
        "json": '"id": "weekend_order_share"',
        "junit": 'name="weekend_order_share"',
        "nagios": "weekend_order_share",  # it breaches: named in the status text (and `wknd=` in the perfdata)
        "csv": "metric,weekend_order_share",
    }
    for fmt, text in seen.items():
        main(["audit", samples, "--format", fmt])
        out = capsys.readouterr().out
        assert text in out, fmt
    assert main(["explain", "wknd"]) == 0
    assert "Weekend order share" in capsys.readouterr().out
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    assert "weekend_order_share" not in documented_metrics(readme)  # so the README check above would flag it


def test_the_plan_is_generic_a_new_metric_gets_one_from_its_spec_row(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A registry row naming its plan causes is all a metric needs for `healthcheck plan`: no code names it."""
    monkeypatch.setattr(registry, "METRICS", (*registry.METRICS, WEEKEND))
    assert main(["plan", "wknd", str(PACKAGE.parent / "sample_reports")]) == 2
    out = capsys.readouterr().out
    root = out.split("1. Root cause\n", 1)[1].split("\n\n", 1)[0]
    days = re.search(r"- Weekdays of purchase: (.*)\.", root)
    assert days is not None and set(re.findall(r"(\w+day) \d+", days.group(1))) == {"Saturday", "Sunday"}
    assert "- SKUs: " in root
    assert "Following Amazon's guidance for the weekend order share: Staff the weekend. [FILL IN: " in out


def test_after_the_model_a_metric_reads_an_order_reports_rows_only_where_its_spec_says_so() -> None:
    """The order reports are let go of once merged and the ship confirmations once placed (issue 16); a metric
    that reads one itself declares it in `MetricSpec.reads_rows`, and reading one it did not declare is an error
    that names that fix."""
    from healthcheck.audit import calendar_for
    from healthcheck.config import Config
    from healthcheck.loaders import load_inputs
    from healthcheck.marketplaces import get_marketplace
    from healthcheck.model import PLACED_REPORTS
    from healthcheck.orders import ORDER_SOURCES
    from healthcheck.schedule import audit_data

    market = get_marketplace("US")
    loaded = load_inputs([Path(__file__).resolve().parents[1] / "sample_reports"], marketplace=market)
    config = Config()
    released = (*ORDER_SOURCES, *PLACED_REPORTS)
    data = audit_data(loaded, market, config, calendar_for(market, config), release=released)
    assert not data.confirmations.empty, "the ship confirmations are read from the model once placed"
    for kind in released:
        assert data.has(kind), "a report let go of is still one the seller gave"
        with pytest.raises(LookupError, match="reads_rows"):
            data.loaded.frame(kind)
    assert data.loaded.frame("feedback") is not None
    readers = {spec.id for spec in registry.resolve(Config(program=("sfp",))) if spec.reads_rows}
    assert readers == {
        "sfp_cancellation_rate",
        "sfp_on_time_delivery_rate",
        "sfp_on_time_shipment_rate",
        "sfp_valid_tracking_rate",
    }
