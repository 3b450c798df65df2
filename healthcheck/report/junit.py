"""`--format junit`: one testcase per metric, for CI dashboards (Jenkins, GitLab, GitHub test reporters).

A testcase fails exactly when its metric's status is one `--fail-on` turns into a non-zero exit (SPEC 5.5, rev 2):
breach and at risk under `at-risk`, breach under `breach`, nothing under `never`, so a CI job and its test report
never disagree; a status that passes says so in its system-out (`AT RISK: ...`). A metric not evaluated is skipped;
an input error, or an audit that could check nothing, is an error testcase. Testcases carry no `<properties>`
(the strict JUnit schema that Jenkins and pytest's xunit2 validate against has none there); the suite's
properties hold the as-of date, marketplace, status and exit code. Built with ElementTree, so every value is
escaped; characters XML 1.0 cannot hold are dropped first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from healthcheck.audit import AuditReport
from healthcheck.metrics.base import Status
from healthcheck.outcome import FailOn, OverallStatus, exit_code
from healthcheck.report.text import (
    clean,
    metric_sentence,
    shown_ids,
    status_word,
    target_text,
    value_text,
)

_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    """Text XML 1.0 can carry: no control characters, surrogates or non-characters."""
    return _NOT_XML.sub("", clean(value))


def _property(parent: ET.Element, name: str, value: object) -> None:
    ET.SubElement(parent, "property", name=name, value=xml_text(value))


def _fails(status: Status, fail_on: FailOn) -> bool:
    """Whether this status alone would make the run exit non-zero under `fail_on`."""
    overall = {Status.BREACH: OverallStatus.BREACH, Status.AT_RISK: OverallStatus.AT_RISK}.get(status)
    return overall is not None and int(exit_code(overall, fail_on)) != 0


def render_junit(report: AuditReport, *, fail_on: FailOn) -> str:
    failures = sum(_fails(r.status, fail_on) for r in report.metrics)
    skipped = sum(r.status is Status.NOT_EVALUATED for r in report.metrics)
    unknown = report.unknown_reason if not report.errors else None
    errors = len(report.errors) + (1 if unknown else 0)
    tests = len(report.metrics) + errors
    counts = {"tests": str(tests), "failures": str(failures), "errors": str(errors), "skipped": str(skipped)}
    suites = ET.Element("testsuites", {"name": "healthcheck", "time": "0", **counts})
    suite = ET.SubElement(
        suites,
        "testsuite",
        {
            "name": f"healthcheck {report.marketplace.code} account health",
            "timestamp": report.generated_at.strftime("%Y-%m-%dT%H:%M:%S"),
            "time": "0",
            **counts,
        },
    )
    properties = ET.SubElement(suite, "properties")
    _property(properties, "as_of", report.as_of.isoformat())
    _property(properties, "marketplace", report.marketplace.code)
    _property(properties, "status", str(report.status))
    _property(properties, "exit_code", int(report.exit_code(fail_on)))
    classname = f"healthcheck.{report.marketplace.code}"
    for result in report.metrics:
        case = ET.SubElement(suite, "testcase", classname=classname, name=result.id, time="0")
        m = result.measurement
        if result.status is Status.NOT_EVALUATED:
            ET.SubElement(case, "skipped", message=xml_text(f"not evaluated: {m.reason}"))
            continue
        sentence = xml_text(metric_sentence(report, result))
        if result.spec.judge is not None:  # Amazon's ratings one by one: every policy category, as lines
            sentence += "".join(f"\n{xml_text(note)}" for note in m.notes)
        if _fails(result.status, fail_on):
            failure = ET.SubElement(
                case,
                "failure",
                type=str(result.status),
                message=xml_text(
                    f"{status_word(result.status)}: {result.spec.title} {value_text(result)}"
                    + (f", target {target_text(result)}" if result.spec.target is not None else "")
                ),
            )
            failure.text = sentence + (
                f"\nOrders behind it: {xml_text(shown_ids(m.problem_order_ids, limit=50))}"
                if m.problem_order_ids
                else ""
            )
            continue
        out = ET.SubElement(case, "system-out")
        out.text = f"{status_word(result.status)}: {sentence}"
    for problem in report.errors:
        where = problem.path + (f", line {problem.line}" if problem.line else "")
        case = ET.SubElement(suite, "testcase", classname="healthcheck.inputs", name=xml_text(where), time="0")
        error = ET.SubElement(case, "error", type=xml_text(problem.type), message=xml_text(problem.message))
        error.text = xml_text(f"{problem.title}: {where}: {problem.message}")
    if unknown:
        case = ET.SubElement(suite, "testcase", classname="healthcheck.audit", name="nothing_checked", time="0")
        error = ET.SubElement(case, "error", type="unknown", message=xml_text(unknown))
        error.text = xml_text(unknown)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
