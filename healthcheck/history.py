"""The audit history: one SQLite file (stdlib sqlite3) that remembers what Amazon does not.

One row per audit (account, marketplace, as-of, status, exit code, generated-at, and Amazon's Account Health Rating
when a V2 performance report was an input) and one per metric (numerator, denominator, rate, status, and Amazon's
own figures). Re-auditing the same as-of replaces its rows. Rows carry numbers and ids only: no buyer data, no
credentials. Amazon keeps no history of the rating: this one lets `healthcheck history` tell whether it has stayed
at 250 or more for six months (Account Health Assurance, `assurance.py`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from healthcheck.errors import HistoryError

# 2: the audit's Account Health Rating (score and status); a version 1 file gains the two columns on first use.
SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS audits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    marketplace TEXT NOT NULL,
    as_of TEXT NOT NULL,
    status TEXT NOT NULL,
    exit_code INTEGER NOT NULL,
    generated_at TEXT NOT NULL,
    ahr_score REAL,
    ahr_status TEXT,
    UNIQUE (account, marketplace, as_of)
);
CREATE TABLE IF NOT EXISTS metrics (
    audit_id INTEGER NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
    metric_id TEXT NOT NULL,
    status TEXT NOT NULL,
    rate REAL,
    numerator INTEGER,
    denominator INTEGER,
    amazon_rate REAL,
    amazon_numerator INTEGER,
    amazon_denominator INTEGER,
    amazon_status TEXT,
    PRIMARY KEY (audit_id, metric_id)
);
-- Per alert target, the statuses it last knew (those of the audit it was last told about, or of the baseline it
-- missed news against): the next change is measured from them, so a target that was down is told what it missed,
-- and one that was told is never told again. Kept here, not as a pointer to an audit, since a second audit of the
-- same day replaces the first. A digest names the target: its URL carries passwords and tokens.
CREATE TABLE IF NOT EXISTS deliveries (
    account TEXT NOT NULL,
    marketplace TEXT NOT NULL,
    target TEXT NOT NULL,
    as_of TEXT NOT NULL,
    status TEXT NOT NULL,
    metrics TEXT NOT NULL,
    PRIMARY KEY (account, marketplace, target)
);
-- Per alert target, that it was told the audits cannot tell (an UNKNOWN audit, a run whose fetch or audit failed):
-- told once, not every day, and once more when an audit of a day after what it knew (`known_as_of`, '' for
-- nothing) can tell. `since` is the day it was told. A marketplace of '' is an account whose audit failed before
-- its marketplace was known. A table older versions pass over unread.
CREATE TABLE IF NOT EXISTS blind_targets (
    account TEXT NOT NULL,
    marketplace TEXT NOT NULL,
    target TEXT NOT NULL,
    since TEXT NOT NULL,
    known_as_of TEXT NOT NULL,
    PRIMARY KEY (account, marketplace, target)
);
"""


@dataclass(frozen=True)
class MetricRow:
    metric_id: str
    status: str
    rate: float | None
    numerator: int | None
    denominator: int | None
    amazon_rate: float | None = None
    amazon_numerator: int | None = None
    amazon_denominator: int | None = None
    amazon_status: str | None = None


@dataclass(frozen=True)
class AuditRow:
    account: str
    marketplace: str
    as_of: str
    status: str
    exit_code: int
    generated_at: str
    metrics: tuple[MetricRow, ...]
    ahr_score: float | None = None  # Amazon's Account Health Rating as of this audit, when its report said
    ahr_status: str | None = None

    def metric(self, metric_id: str) -> MetricRow | None:
        return next((m for m in self.metrics if m.metric_id == metric_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "marketplace": self.marketplace,
            "as_of": self.as_of,
            "status": self.status,
            "exit_code": self.exit_code,
            "generated_at": self.generated_at,
            "ahr_score": self.ahr_score,
            "ahr_status": self.ahr_status,
            "metrics": [vars(m) for m in self.metrics],
        }


def row_from_report(document: Mapping[str, Any], account: str) -> AuditRow:
    """An audit's SPEC 5.2 JSON as a history row; Amazon's figures from the last V2 report among the inputs."""
    amazon: dict[str, Mapping[str, Any]] = {}
    for reconciled in document.get("reconcile") or []:
        for figure in reconciled.get("metrics") or []:
            if isinstance(figure.get("amazon"), Mapping):
                amazon[str(figure.get("metric_id"))] = figure["amazon"]
    metrics = []
    for metric in document["metrics"]:
        theirs = amazon.get(metric["id"], {})
        metrics.append(
            MetricRow(
                metric["id"],
                metric["status"],
                metric.get("rate"),
                metric.get("numerator"),
                metric.get("denominator"),
                _number(theirs.get("rate")),
                _integer(theirs.get("numerator")),
                _integer(theirs.get("denominator")),
                str(theirs["status"]) if theirs.get("status") is not None else None,
            )
        )
    # The rating as of the audit: the account-status line's details (it honours the as-of date, SPEC 1.5), found by
    # its keys so that the history names no metric.
    rating: Mapping[str, Any] = next(
        (
            m["details"]
            for m in document["metrics"]
            if isinstance(m.get("details"), Mapping) and "ahr_score" in m["details"]
        ),
        {},
    )
    return AuditRow(
        account,
        document["marketplace"],
        document["as_of"],
        document["status"],
        int(document["exit_code"]),
        document["generated_at"],
        tuple(metrics),
        _number(rating.get("ahr_score")),
        str(rating["ahr_status"]) if rating.get("ahr_status") is not None else None,
    )


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _integer(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """The database opened for reading alone (a backup, a snapshot or a colleague's copy may not be writable), if
    it is a history of this version; one to migrate first is opened as `opened` does."""
    if not path.is_file():
        raise HistoryError(f"no history at {path}; fix: record audits first (audit --history {path}, or run)")
    try:
        with closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=30)) as connection:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version == SCHEMA_VERSION:
                yield connection
                return
    except sqlite3.DatabaseError as exc:
        raise HistoryError(
            f"the history {path} cannot be read ({exc}); fix: check the path is a file made by healthcheck"
        ) from None
    if version == 0:  # an empty file, or a database healthcheck did not write
        raise HistoryError(f"{path} holds no recorded audits; fix: name the history file audits were recorded in")
    with opened(path) as connection:
        yield connection


@contextmanager
def opened(path: Path) -> Iterator[sqlite3.Connection]:
    """The database, created with its schema on first use; every sqlite failure becomes a HistoryError."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path, timeout=30)) as connection:
            connection.execute("PRAGMA foreign_keys = ON")
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise HistoryError(
                    f"{path} was written by a newer healthcheck (history schema {version}); fix: upgrade healthcheck"
                )
            connection.executescript(SCHEMA)
            if version == 1:  # written before the rating was recorded: its audits have none
                connection.execute("ALTER TABLE audits ADD COLUMN ahr_score REAL")
                connection.execute("ALTER TABLE audits ADD COLUMN ahr_status TEXT")
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            yield connection
    except sqlite3.DatabaseError as exc:
        raise HistoryError(
            f"the history {path} cannot be used ({exc}); fix: check the path is a writable file made by "
            "healthcheck, or name a new one"
        ) from None
    except OSError as exc:
        raise HistoryError(f"cannot create the history {path} ({exc.strerror or exc}); fix: check the folder") from None


def standing(
    connection: sqlite3.Connection, account: str, marketplace: str, as_of: str | None = None
) -> AuditRow | None:
    """The audit that stands for `as_of` before a new one is recorded: the one of that day (a second run the same
    day replaces it), else the latest before it, of those that could tell (an UNKNOWN one says nothing of the
    account); the latest of all without `as_of`. A change is news against it."""
    found = connection.execute(
        "SELECT id FROM audits WHERE account = ? AND marketplace = ? AND as_of <= ? AND status != 'unknown' "
        "ORDER BY as_of DESC, id DESC LIMIT 1",
        (account, marketplace, as_of or "9999-12-31"),  # ISO days sort as text: after every recorded one
    ).fetchone()
    return _load(connection, [found[0]])[0] if found else None


def told(connection: sqlite3.Connection, account: str, marketplace: str, target: str) -> AuditRow | None:
    """The statuses the target last knew (`deliveries`), as an audit row of statuses alone; None if never told."""
    found = connection.execute(
        "SELECT as_of, status, metrics FROM deliveries WHERE account = ? AND marketplace = ? AND target = ?",
        (account, marketplace, target),
    ).fetchone()
    if found is None:
        return None
    as_of, status, metrics = found
    known = tuple(MetricRow(str(k), str(v), None, None, None) for k, v in json.loads(metrics).items())
    return AuditRow(account, marketplace, str(as_of), str(status), 0, "", known)


def mark_told(connection: sqlite3.Connection, row: AuditRow, target: str) -> None:
    """The target now knows `row`'s statuses (told of their change, or they were its baseline). The caller
    commits."""
    connection.execute(
        "INSERT OR REPLACE INTO deliveries (account, marketplace, target, as_of, status, metrics) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            row.account,
            row.marketplace,
            target,
            row.as_of,
            row.status,
            json.dumps({m.metric_id: m.status for m in row.metrics}),
        ),
    )


@dataclass(frozen=True)
class Blind:
    """That a target was told the audits cannot tell: on which day, and the newest as-of it knew then."""

    since: str
    known_as_of: str

    def outdated_by(self, as_of: str) -> bool:
        """Whether knowing `as_of` (a day after what the target knew when told) ends it."""
        return as_of > self.known_as_of


def blind_state(connection: sqlite3.Connection, account: str, marketplace: str, target: str) -> Blind | None:
    """Whether the target was told that the audits of the account's marketplace cannot tell (or of the account,
    its marketplace unknown), and has not been told since that one can."""
    found = connection.execute(
        "SELECT since, known_as_of FROM blind_targets WHERE account = ? AND marketplace IN (?, '') AND target = ? "
        "ORDER BY since LIMIT 1",
        (account, marketplace, target),
    ).fetchone()
    return Blind(str(found[0]), str(found[1])) if found else None


def latest_told(connection: sqlite3.Connection, account: str, target: str) -> str:
    """The newest as-of the target knew of any of the account's marketplaces ('' for none): what it knew of an
    account whose audit failed before its marketplace was known."""
    found = connection.execute(
        "SELECT MAX(as_of) FROM deliveries WHERE account = ? AND target = ?", (account, target)
    ).fetchone()
    return str(found[0]) if found and found[0] else ""


def mark_blind(connection: sqlite3.Connection, account: str, marketplace: str, target: str, state: Blind) -> None:
    """The target was told that the audits cannot tell. The caller commits."""
    connection.execute(
        "INSERT OR REPLACE INTO blind_targets (account, marketplace, target, since, known_as_of) "
        "VALUES (?, ?, ?, ?, ?)",
        (account, marketplace, target, state.since, state.known_as_of),
    )


def clear_blind(connection: sqlite3.Connection, account: str, marketplace: str, target: str) -> None:
    """The target was told an audit can tell again (or it knew a newer day already). The caller commits."""
    connection.execute(
        "DELETE FROM blind_targets WHERE account = ? AND marketplace IN (?, '') AND target = ?",
        (account, marketplace, target),
    )


def record(connection: sqlite3.Connection, row: AuditRow) -> None:
    """Add the audit, replacing one of the same as-of (its metrics go with it). The caller commits."""
    connection.execute(
        "DELETE FROM audits WHERE account = ? AND marketplace = ? AND as_of = ?",
        (row.account, row.marketplace, row.as_of),
    )
    cursor = connection.execute(
        "INSERT INTO audits (account, marketplace, as_of, status, exit_code, generated_at, ahr_score, ahr_status) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row.account,
            row.marketplace,
            row.as_of,
            row.status,
            row.exit_code,
            row.generated_at,
            row.ahr_score,
            row.ahr_status,
        ),
    )
    connection.executemany(
        "INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                cursor.lastrowid,
                m.metric_id,
                m.status,
                m.rate,
                m.numerator,
                m.denominator,
                m.amazon_rate,
                m.amazon_numerator,
                m.amazon_denominator,
                m.amazon_status,
            )
            for m in row.metrics
        ],
    )


def read_history(path: Path, *, account: str | None = None, marketplace: str | None = None) -> list[AuditRow]:
    """Every recorded audit, oldest as-of first; a file that does not exist is an error, not an empty history."""
    with read_only(path) as connection:
        clauses, values = [], []
        for column, value in (("account", account), ("marketplace", marketplace)):
            if value:
                clauses.append(f"{column} = ?")
                values.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        ids = [
            r[0]
            for r in connection.execute(
                f"SELECT id FROM audits {where} ORDER BY account, marketplace, as_of, id", values
            ).fetchall()
        ]
        return _load(connection, ids)


def recorded_accounts(path: Path) -> list[tuple[str, str]]:
    """The (account, marketplace) pairs the history holds audits of, in order: what a selection could name."""
    with read_only(path) as connection:
        found = connection.execute("SELECT DISTINCT account, marketplace FROM audits ORDER BY account, marketplace")
        return [(str(account), str(marketplace)) for account, marketplace in found.fetchall()]


def _load(connection: sqlite3.Connection, ids: Sequence[int]) -> list[AuditRow]:
    rows = []
    for audit_id in ids:
        audit = connection.execute(
            "SELECT account, marketplace, as_of, status, exit_code, generated_at, ahr_score, ahr_status FROM audits "
            "WHERE id = ?",
            (audit_id,),
        ).fetchone()
        metrics = connection.execute(
            "SELECT metric_id, status, rate, numerator, denominator, amazon_rate, amazon_numerator, "
            "amazon_denominator, amazon_status FROM metrics WHERE audit_id = ? ORDER BY rowid",
            (audit_id,),
        ).fetchall()
        account, marketplace, as_of, status, exit_code, generated_at, ahr_score, ahr_status = audit
        rows.append(
            AuditRow(
                account,
                marketplace,
                as_of,
                status,
                exit_code,
                generated_at,
                tuple(MetricRow(*m) for m in metrics),
                ahr_score,
                ahr_status,
            )
        )
    return rows
