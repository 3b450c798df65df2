"""The tool against an independent oracle: `scripts/oracle.py` counts every targeted metric the way SPEC 4 words
it, in plain Python over the files, sharing no code with the tool. Random accounts from the demo's generator (other
seeds), each audited as of several days, so the rev-2 cut of what was known at as-of is checked too."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

from healthcheck.audit import run_audit
from healthcheck.config import Config

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
sys.path.insert(0, str(SCRIPTS))
import make_samples  # noqa: E402
import oracle  # noqa: E402

DAYS = (dt.date(2026, 11, 20), dt.date(2026, 11, 3), dt.date(2026, 9, 20))


@pytest.fixture(scope="module", params=[7, 2024])
def account(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp(f"seed{request.param}")
    make_samples.write_account(folder, seed=request.param)
    return folder


def _ours(folder: Path, as_of: dt.date) -> dict[str, Any]:
    report = run_audit([folder], config=Config(handling_days_by_sku={"RUG-5X8-GRY": 3}), as_of=as_of)
    assert report.errors == ()
    assert report.marketplace.code == "US"
    return {r.id: r for r in report.metrics}


@pytest.mark.parametrize("as_of", DAYS, ids=str)
def test_every_metric_equals_the_oracle(account: Path, as_of: dt.date) -> None:
    ours = _ours(account, as_of)
    expected = oracle.audit(account, as_of)
    for metric_id, rate in expected.items():
        if metric_id.startswith("_"):
            continue
        result = ours[metric_id]
        if rate.den == 0:
            assert result.rate is None, metric_id
            continue
        m = result.measurement
        assert (m.numerator, m.denominator) == (rate.num, rate.den), metric_id
        assert str(result.status) == rate.status, metric_id


@pytest.mark.parametrize("as_of", DAYS, ids=str)
def test_ship_now_lists_what_the_oracle_would_ship(account: Path, as_of: dt.date) -> None:
    report = run_audit([account], config=Config(handling_days_by_sku={"RUG-5X8-GRY": 3}), as_of=as_of)
    listed = [a for a in report.actions if a.id == "ship_overdue_orders"]
    assert sum(len(a.order_ids) for a in listed) == oracle.audit(account, as_of)["_ship_overdue"].num
