"""Alerts: what changed since the previous recorded audit, the message saying so, and its delivery via Apprise.

Only a change is news: a status worse than before sends one message, a better one sends one, the same sends
nothing, so a daily cron never repeats itself. Statuses compare as ok < at risk < breach; `not_evaluated` and
`unknown` say nothing about the account and are never a change (a missing report is not a recovery). That the
audits cannot tell (UNKNOWN, or a fetch that failed) is said once, and once more when one can again: a monitor that
falls silent while it cannot see must not read as one that has nothing to say.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from healthcheck.errors import NotifyError
from healthcheck.history import AuditRow
from healthcheck.wording import plural

RANK = {"ok": 0, "at_risk": 1, "breach": 2}
WORST_SHOWN = 5
ACTIONS_SHOWN = 3


@dataclass(frozen=True)
class Change:
    subject: str  # "account" or a metric id
    before: str
    after: str

    @property
    def worse(self) -> bool:
        return RANK[self.after] > RANK[self.before]


def changes(previous: AuditRow | None, current: AuditRow) -> list[Change]:
    """Ranked status changes of the account and of each metric; none against no previous audit (the baseline)."""
    if previous is None:
        return []
    found = []
    pairs = [("account", previous.status, current.status)]
    pairs += [
        (m.metric_id, old.status, m.status)
        for m in current.metrics
        if (old := previous.metric(m.metric_id)) is not None
    ]
    for subject, before, after in pairs:
        if before in RANK and after in RANK and before != after:
            found.append(Change(subject, before, after))
    return found


def known_after(known: AuditRow | None, row: AuditRow) -> AuditRow:
    """What a target knows once told of `row`, or once `row` is its baseline: each status `row` says something
    about, and where `row` says `unknown` or `not_evaluated`, what it knew before. A day the reports were missing
    is no news, and must not erase what was known, or the next change from it would never be told."""
    if known is None:
        return row
    metrics = {m.metric_id: m for m in known.metrics}
    for metric in row.metrics:
        if metric.status in RANK or metric.metric_id not in metrics:
            metrics[metric.metric_id] = metric
    status = row.status if row.status in RANK else known.status
    return dataclasses.replace(row, status=status, metrics=tuple(metrics.values()))


def _label(status: str) -> str:
    return status.replace("_", " ").upper()


def _percent(rate: Any) -> str:
    return f"{rate * 100:.2f}%" if isinstance(rate, int | float) else "n/a"


def compose(
    found: Sequence[Change],
    report: Mapping[str, Any],
    account: str,
    *,
    since_as_of: str | None = None,
    cannot_tell: str | None = None,
    blind_since: str | None = None,
    still_blind: str | None = None,
    first: bool = False,
) -> tuple[str, str] | None:
    """Title and body of the one message for these changes (from the statuses of the audit of `since_as_of`, or
    of what the target was last told), or None when nothing changed.

    A monitor that goes quiet reads as one with nothing to say, so an audit that cannot tell is told too, once:
    `cannot_tell` is why (for a target not yet told), and `blind_since` the day a target was told so, when this
    audit can tell again (`first`: no audit that could tell was recorded before it); `still_blind` that day, when
    this audit cannot tell either but a metric it measured changed."""
    if not found and cannot_tell is None and blind_since is None:
        return None
    worse = any(c.worse for c in found)
    where = _where(account, report["marketplace"])
    status = _label(report["status"])
    if worse:
        headline = "got worse"
    elif cannot_tell is not None:
        headline = "cannot tell"
    elif found:
        # "Recovered" only when the account is ok again: one metric better while another stays in breach is not.
        headline = "recovered" if report["status"] == "ok" else "improved"
    else:
        headline = "can tell again"
    title = f"healthcheck: {where} {headline}: {status}"
    lines = [f"Account {where} as of {report['as_of']}: {status}."]
    if cannot_tell is not None:
        lines += ["", f"Why it cannot tell: {cannot_tell}", _WHILE_BLIND]
    if blind_since is not None:
        lines += ["", f"You were told on {blind_since} that the audits could not tell; this one can."]
    if still_blind is not None:
        lines += ["", f"The audits still cannot tell (you were told on {still_blind}): {_STILL_BLIND}"]
    if found:
        lines += [
            "",
            f"Changed since the audit of {since_as_of}:" if since_as_of else "Changed since you were last told:",
        ]
    elif blind_since is not None:
        lines.append("It is the first audit recorded that could tell." if first else _NO_CHANGE)
    for change in sorted(found, key=lambda c: (not c.worse, c.subject != "account", c.subject)):
        arrow = "worse" if change.worse else "better"
        lines.append(f"  {change.subject}: {_label(change.before)} -> {_label(change.after)} ({arrow})")
    troubled = sorted(
        (m for m in report["metrics"] if m["status"] in ("at_risk", "breach")),
        key=lambda m: (-RANK[m["status"]], m["id"]),
    )
    if troubled:
        lines += ["", "Worst metrics:"]
    for metric in troubled[:WORST_SHOWN]:
        target = f", target {_percent(metric.get('target'))}" if metric.get("target") is not None else ""
        back = f"; back to ok on {metric['recovery_date']}" if metric.get("recovery_date") else ""
        details = metric.get("details")
        summary = details.get("summary") if isinstance(details, Mapping) else None
        if isinstance(summary, str):  # judged from Amazon's words (the account status): the words, not a rate
            lines.append(f"  {metric['title']}: {summary}, {_label(metric['status'])}")
            continue
        lines.append(
            f"  {metric['title']}: {_percent(metric.get('rate'))} ({metric.get('numerator')}/"
            f"{metric.get('denominator')}{target}), {_label(metric['status'])}{back}"
        )
    actions = sorted(report.get("actions") or [], key=lambda a: a.get("priority", 99))
    if actions:
        lines += ["", "First actions:"]
    for action in actions[:ACTIONS_SHOWN]:
        orders = len(action.get("order_ids") or [])
        lines.append(f"  - {action['title']}" + (f" ({plural(orders, 'order')})" if orders else ""))
    return title, "\n".join(lines) + "\n"


_WHILE_BLIND = (
    "Nothing more is said of the account until an audit can tell, and then one message says so; a metric still "
    "measured is told if its status changes."
)
_NO_CHANGE = "No status changed from what was known before."
_STILL_BLIND = "the changes below are of metrics it measured, on reports it could read."


def _where(account: str, marketplace: str) -> str:
    """`north (US)`; the account alone where its audit failed before its marketplace was known."""
    return f"{account} ({marketplace})" if marketplace else account


FETCH_FAILED = "the reports could not be fetched"
AUDIT_FAILED = "the audit could not run"


def not_audited(
    account: str, marketplace: str, day: str, errors: Sequence[str], *, why: str, last: AuditRow | None
) -> tuple[str, str]:
    """The message for a run that audited nothing (`why`: `FETCH_FAILED`, `AUDIT_FAILED`): nothing can be told of
    the account but what the last audit that could tell said (`last`)."""
    where = _where(account, marketplace)
    body = [f"Account {where} on {day}: {why}, so nothing was audited:", *(f"  - {error}" for error in errors), ""]
    if last is not None:
        body.append(f"The last audit that could tell, as of {last.as_of}, said {_label(last.status)}.")
    body.append(_WHILE_BLIND)
    return f"healthcheck: {where} cannot tell: {why}", "\n".join(body) + "\n"


def _redacted(url: str, position: int = 0, count: int = 1) -> str:
    """A URL as messages may show it: its scheme alone, and which --notify it was when there are several. Apprise
    URLs carry passwords and tokens anywhere (`tgram://BOT_TOKEN/CHAT`, `pbul://ACCESS_TOKEN`, `pover://USER@TOKEN`,
    a mailto password holding a `/`), so no part after the scheme is safe to print."""
    scheme = url.partition("://")[0] if "://" in url else "a URL without a scheme"
    shown = f"{scheme}://..." if "://" in url else scheme
    return f"{shown} (--notify number {position + 1})" if count > 1 else shown


def check_urls(urls: Sequence[str]) -> None:
    """Refuse a malformed URL before the audit runs, not after."""
    import apprise

    for position, url in enumerate(urls):
        if not apprise.Apprise().add(url):
            raise NotifyError(
                f"--notify {_redacted(url, position, len(urls))} is not a notification URL Apprise understands; "
                "fix: see https://github.com/caronc/apprise/wiki for the URL of each service"
            )


def target_key(url: str) -> str:
    """How the history names an alert target: a digest of its URL, which holds passwords and tokens."""
    import hashlib

    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


def deliver(url: str, title: str, body: str) -> bool:
    """Send one message to one URL; whether it was accepted. Apprise's own log, which quotes the URL with its
    secrets, is silenced."""
    import logging

    import apprise

    logging.getLogger("apprise").addHandler(logging.NullHandler())
    logging.getLogger("apprise").propagate = False
    sender = apprise.Apprise()
    return bool(sender.add(url)) and bool(sender.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT))


def undelivered(urls: Sequence[str], failed: Sequence[int], *, audited: bool = True) -> NotifyError:
    """The error for the URLs (by position) that did not take their alert: named by scheme, never by a secret.
    `audited`: an audit was recorded (else the run audited nothing, and the alert said so)."""
    names = ", ".join(_redacted(urls[i], i, len(urls)) for i in failed)
    then = (
        "the audit is recorded, and the next run tells what it missed to the URL that failed only"
        if audited
        else "the next run tells it, if the audits still cannot tell"
    )
    return NotifyError(
        f"the alert could not be delivered to {names}; fix: check the service is reachable and the URL's "
        f"credentials; {then}"
    )
