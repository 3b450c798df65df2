"""Recording an audit in the history and telling the --notify URLs what changed, or that the audits cannot tell
(issue 13): what `audit --history`, `run`, `portfolio` and `run --all` share. Nothing here prints; the commands
say what it did (`Recorded`) or what failed (a `HealthcheckError`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from healthcheck.audit import AuditReport


@dataclass(frozen=True)
class Recorded:
    """What recording an audit did, for `run` to say."""

    recorded: bool
    change: str | None = None  # the message's title, when the status changed
    sent: bool = False

    def describe(self) -> str:
        if not self.recorded:
            return "not recorded"
        if self.change is None:
            return "recorded"
        return f"recorded; {'alert sent' if self.sent else 'changed'}: {self.change.removeprefix('healthcheck: ')}"


def record_and_notify(report: AuditReport, *, history: Path | None, notify: list[str] | None, account: str) -> Recorded:
    """Record the audit; tell the --notify URLs if its status changed.

    The audit is recorded whatever the alerts do; each --notify URL is told what changed since it was last told,
    so a URL that was down is told what it missed on the next run, and one that took its alert is not told twice.
    """
    from healthcheck.report.document import document as json_document

    return record_document(json_document(report), history=history, notify=notify, account=account)


def record_document(
    document: dict[str, Any], *, history: Path | None, notify: list[str] | None, account: str
) -> Recorded:
    """`record_and_notify` for an audit's SPEC 5.2 document (a portfolio's audits come back from their processes
    as documents)."""
    if history is None:
        return Recorded(recorded=False)
    from healthcheck.history import (
        Blind,
        blind_state,
        clear_blind,
        mark_blind,
        mark_told,
        opened,
        record,
        row_from_report,
        standing,
        told,
    )
    from healthcheck.notify import RANK, changes, compose, deliver, known_after, target_key, undelivered
    from healthcheck.outcome import why_unknown

    row = row_from_report(document, account)
    blind = row.status not in RANK  # the audit cannot tell (UNKNOWN)
    failed: list[int] = []
    sent: str | None = None  # the title of a message sent
    urls = list(notify or [])
    with opened(history) as connection:
        # One run at a time, from reading what each URL knew to marking what it was told: two cron runs at once
        # would otherwise both find the change and both send it. The other waits (up to the history's timeout).
        connection.execute("BEGIN IMMEDIATE")
        # The last audit that could tell, read before this one replaces one of the same day.
        previous = standing(connection, account, row.marketplace, row.as_of)
        # What each target was last told, read before this audit replaces one of the same day.
        known = [told(connection, account, row.marketplace, target_key(url)) for url in urls]
        record(connection, row)  # committed with the marks below, whatever the alerts do
        message = compose(changes(previous, row), document, account)
        for position, url in enumerate(urls):
            # Each target hears what changed since it was last told: one that was down hears what it missed, one
            # that was told is not told again, and a new one starts from the last audit that could tell before
            # this one. An audit of a day before the one it last knew (a backfill) is history, not news.
            key, last = target_key(url), known[position]
            if last is not None and row.as_of < last.as_of:
                continue
            base = last or previous
            state = blind_state(connection, account, row.marketplace, key)
            # Told of a newer day since (by a version before this table): no longer in force.
            stale = state is not None and last is not None and state.outdated_by(last.as_of)
            state = None if stale else state
            # Told it cannot tell: only an audit of a day after what it knew then can tell it otherwise (the
            # same folder audited again, its fetch still failing, says nothing new).
            ends = state is not None and not blind and state.outdated_by(row.as_of)
            news = compose(
                changes(base, row),
                document,
                account,
                # A day that could not tell may have told it of the metrics it measured: no one audit's statuses.
                since_as_of=base.as_of if base and state is None else None,
                cannot_tell=(why_unknown(document) or "its status is UNKNOWN") if blind and state is None else None,
                blind_since=state.since if ends and state else None,
                still_blind=state.since if blind and state else None,
                first=base is None,
            )
            if news and not deliver(url, *news):
                failed.append(position)
                if last is None and previous is not None:
                    mark_told(connection, previous, key)  # what it missed is measured from there
                continue
            sent = news[0] if news else sent
            if not blind:
                mark_told(connection, known_after(base, row), key)
                if ends or stale:
                    clear_blind(connection, account, row.marketplace, key)
                continue
            # A day that cannot tell leaves what the target knew as it was (its day too: an audit of no files is
            # dated today, and every later audit of the data's own days would read as a backfill), but for the
            # metrics it still measured, which it was told of.
            if base is not None:
                mark_told(connection, replace(known_after(base, row), as_of=base.as_of), key)
            if state is None:
                today = dt.datetime.now(dt.UTC).date().isoformat()
                mark_blind(connection, account, row.marketplace, key, Blind(today, base.as_of if base else ""))
        connection.commit()
    if failed:
        raise undelivered(urls, failed)
    title = sent or (message[0] if message else None)
    return Recorded(True, title, sent=sent is not None)


def tell_not_audited(
    errors: Sequence[str], *, history: Path | None, notify: list[str] | None, account: str, marketplace: str, why: str
) -> bool:
    """A run that audited nothing (its fetch failed, or the audit itself: `why`; `marketplace` "" when it was not
    known): each --notify URL is told so once (then nothing until an audit of a later day can tell, which is told
    too). Whether a message was sent."""
    if history is None or not notify:
        return False
    from healthcheck.history import Blind, blind_state, latest_told, mark_blind, opened, standing, told
    from healthcheck.notify import deliver, not_audited, target_key, undelivered

    today = dt.datetime.now(dt.UTC).date().isoformat()
    failed: list[int] = []
    sent = False
    with opened(history) as connection:
        connection.execute("BEGIN IMMEDIATE")
        last_known = standing(connection, account, marketplace) if marketplace else None
        for position, url in enumerate(notify):
            key = target_key(url)
            last = told(connection, account, marketplace, key)
            knew = last.as_of if last else latest_told(connection, account, key) if not marketplace else ""
            state = blind_state(connection, account, marketplace, key)
            if state is not None and not state.outdated_by(knew):
                continue  # told already
            if not deliver(url, *not_audited(account, marketplace, today, errors, why=why, last=last_known)):
                failed.append(position)
                continue
            sent = True
            known_as_of = knew or (last_known.as_of if last_known else "")
            mark_blind(connection, account, marketplace, key, Blind(today, known_as_of))
        connection.commit()
    if failed:
        raise undelivered(notify, failed, audited=False)
    return sent
