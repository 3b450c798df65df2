"""The catalog of problems the tool reports instead of tracebacks.

Each problem has a stable `type`, a human `title` and a `message` that names the file (and line) and the fix.
Only the CLI turns these into output and exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass


class HealthcheckError(Exception):
    """Base of every error the CLI turns into exit code 3 with a friendly message."""


class ConfigError(HealthcheckError):
    """A bad config file, key, value or option."""

    def __init__(self, key: str, message: str, source: str | None = None) -> None:
        self.key = key
        self.source = source
        self.detail = message
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{key}: {message}")


@dataclass(frozen=True)
class InputProblem:
    """One problem with one input file (or one line of it)."""

    type: str
    path: str
    message: str
    line: int | None = None

    @property
    def title(self) -> str:
        return PROBLEM_TITLES.get(self.type, self.type)


PROBLEM_TITLES: dict[str, str] = {
    "unreadable": "File cannot be read",
    "empty_file": "File is empty",
    "unknown_header": "Not a known report",
    "missing_column": "A needed column is missing",
    "undecodable": "Bytes do not decode",
    "bad_row": "Row cannot be used",
    "no_reports": "No report found",
    "several_marketplaces": "Several marketplaces",
    "bad_archive": "Archive cannot be read",
    "bad_json": "JSON cannot be read",
    "missing_input": "Input missing (--strict)",
    "duplicate_column": "A column appears twice",
}


class InputError(HealthcheckError):
    """A whole input cannot be used; carries the problem for the report."""

    def __init__(self, problem: InputProblem) -> None:
        self.problem = problem
        super().__init__(problem.message)


class FetchError(HealthcheckError):
    """Reports could not be fetched from the Selling Partner API; the message says what to fix."""


class AuthError(FetchError):
    """Login with Amazon refused the credentials (an expired or revoked refresh token, a wrong app secret)."""


class HistoryError(HealthcheckError):
    """The history database cannot be opened, read or written."""


class NotifyError(HealthcheckError):
    """A notification URL is malformed or a message could not be delivered."""
