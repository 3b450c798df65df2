"""One place per idea (docs/architecture.md): a metric is one module plus one registry row, so nothing outside
`healthcheck/metrics/` names a metric by its id."""

from __future__ import annotations

import re
from pathlib import Path

from healthcheck.metrics import METRICS

PACKAGE = Path(__file__).resolve().parents[1] / "healthcheck"


def test_no_metric_id_is_written_outside_the_metrics_package() -> None:
    ids = "|".join(re.escape(spec.id) for spec in METRICS)
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
