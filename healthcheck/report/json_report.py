"""`--format json`: the schema-version-1 document of SPEC 5.2."""

from __future__ import annotations

import json

from healthcheck.audit import AuditReport
from healthcheck.outcome import FailOn
from healthcheck.report.document import document
from healthcheck.sanitize import scrub


def render_json(report: AuditReport, *, fail_on: FailOn) -> str:
    return json.dumps(scrub(document(report, fail_on)), indent=2, ensure_ascii=False) + "\n"
