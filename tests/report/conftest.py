"""One audit of the demo account, shared by the report tests (it is the slowest thing they do)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from report_accounts import ROOT, audit

from healthcheck.audit import AuditReport


@pytest.fixture(scope="session")
def demo() -> AuditReport:
    """Audited from the repository root with a relative path, as `make run` does, so paths in it are stable."""
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        return audit([Path("sample_reports")])
    finally:
        os.chdir(cwd)
