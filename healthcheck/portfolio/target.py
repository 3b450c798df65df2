"""What a portfolio audits: the accounts a `portfolio.toml` lists, or the account folders of a folder.

```toml
[[account]]
name = "acme"                       # unique: the roll-up's row and the history's account
paths = ["acme/", "acme-old.zip"]   # files, folders or zips, relative to this file
marketplace = "DE"                  # optional: as `audit --marketplace` (no split by marketplace)
config = "acme/healthcheck.toml"    # optional: that account's config (default: ./healthcheck.toml if present)
as_of = 2026-11-20                  # optional: wins over --as-of for this account
```
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from healthcheck.config import CONFIG_FILENAME
from healthcheck.errors import HealthcheckError
from healthcheck.marketplaces import get_marketplace
from healthcheck.portfolio import Account

_KEYS = frozenset({"name", "paths", "marketplace", "config", "as_of"})


class PortfolioError(HealthcheckError):
    """The portfolio itself cannot be read: nothing is audited (exit 3)."""


def read_target(target: Path) -> list[Account]:
    """A `portfolio.toml`, or a folder whose sub-folders are the accounts (each named after its folder)."""
    if target.is_dir():
        return _folder_accounts(target)
    if not target.is_file():
        raise PortfolioError(f"{target}: no such file or folder; give a portfolio.toml or a folder of account folders")
    return _toml_accounts(target)


def loose_files(target: Path) -> list[Path]:
    """Files that could be reports beside the account folders of a portfolio folder, which belong to no account (a
    download dropped one level too high): the CLI names them, since they are not audited. Not hidden files, nor
    the reports this tool wrote there (`-o portfolio.csv`)."""
    from healthcheck.loaders.archive import REPORT_SUFFIXES
    from healthcheck.loaders.own_outputs import own_output, read_head

    if not target.is_dir():
        return []
    found: list[Path] = []
    for child in sorted(target.iterdir(), key=lambda p: p.name):
        if child.name.startswith(".") or not child.is_file() or child.suffix.lower() not in REPORT_SUFFIXES:
            continue
        try:
            ours = own_output(read_head(child)) is not None
        except OSError:
            ours = False
        if not ours:
            found.append(child)
    return found


def _folder_accounts(folder: Path) -> list[Account]:
    """Each sub-folder an account, its own `healthcheck.toml` (its handling time, its calendar) its config where it
    has one, else `./healthcheck.toml` as for `audit`."""
    accounts = [
        Account(name=child.name, paths=(child,), config=own if (own := child / CONFIG_FILENAME).is_file() else None)
        for child in sorted(folder.iterdir(), key=lambda p: p.name)
        if child.is_dir() and not child.name.startswith(".")
    ]
    if not accounts:
        raise PortfolioError(
            f"{folder} holds no account folders: put each account's reports in a sub-folder named after it "
            "(or audit one account with `healthcheck audit`)"
        )
    return accounts


def _toml_accounts(path: Path) -> list[Account]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PortfolioError(f"{path}: cannot be read as TOML: {exc}") from None
    entries = document.get("account")
    if not isinstance(entries, list) or not entries:
        raise PortfolioError(f"{path}: no [[account]] entries (each with a name and paths)")
    unknown = set(document) - {"account"}
    if unknown:
        named = ", ".join(sorted(unknown))
        raise PortfolioError(
            f"{path}: unknown {'key' if len(unknown) == 1 else 'keys'} {named}; only [[account]] entries"
        )
    accounts = [_account(path, index, entry) for index, entry in enumerate(entries, start=1)]
    seen: set[str] = set()
    for account in accounts:
        if account.name in seen:
            raise PortfolioError(f"{path}: two accounts are named {account.name!r}; each name must be unique")
        seen.add(account.name)
    return accounts


def _account(path: Path, index: int, entry: Any) -> Account:
    where = f"{path}: account {index}"
    if not isinstance(entry, Mapping):
        raise PortfolioError(f"{where} is not a table")
    unknown = set(entry) - _KEYS
    if unknown:
        named = ", ".join(sorted(unknown))
        raise PortfolioError(
            f"{where}: unknown {'key' if len(unknown) == 1 else 'keys'} {named}; use {', '.join(sorted(_KEYS))}"
        )
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise PortfolioError(f"{where}: `name` must be a non-empty string")
    where = f"{path}: account {name!r}"
    paths = entry.get("paths")
    if isinstance(paths, str):
        paths = [paths]
    if not isinstance(paths, list) or not paths or not all(isinstance(p, str) and p for p in paths):
        raise PortfolioError(f"{where}: `paths` must be a list of files, folders or zips")
    base = path.parent
    marketplace = entry.get("marketplace")
    if marketplace is not None:
        if not isinstance(marketplace, str):
            raise PortfolioError(f"{where}: `marketplace` must be a code such as DE")
        marketplace = get_marketplace(marketplace).code
    config = entry.get("config")
    if config is not None and not isinstance(config, str):
        raise PortfolioError(f"{where}: `config` must be the path of a healthcheck.toml")
    return Account(
        name=name.strip(),
        paths=tuple(base / p for p in paths),
        marketplace=marketplace,
        config=base / config if config else None,
        as_of=_as_of(where, entry.get("as_of")),
    )


def _as_of(where: str, value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PortfolioError(f"{where}: `as_of` must be a date (YYYY-MM-DD), not {value!r}")
