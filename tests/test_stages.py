"""The audit names its stages as each ends (issue 16: the bench's probe of time and memory per stage)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from healthcheck.audit import STAGES, run_audit
from healthcheck.config import Config
from healthcheck.report.document import document

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 11, 21, 6, 0, tzinfo=dt.UTC)


def test_every_stage_is_named_once_in_order_and_the_report_is_the_same() -> None:
    seen: list[str] = []
    probed = run_audit([ROOT / "sample_reports"], config=Config(), now=NOW, on_stage=seen.append)
    plain = run_audit([ROOT / "sample_reports"], config=Config(), now=NOW)
    assert seen == list(STAGES)
    assert json.dumps(document(probed)) == json.dumps(document(plain))
