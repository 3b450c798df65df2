"""SP-API credentials, found the way python-amazon-sp-api finds them, so a seller who uses it has nothing to redo.

1. The environment: `LWA_APP_ID`, `LWA_CLIENT_SECRET`, `SP_API_REFRESH_TOKEN`; for a named account the same
   names with `_<ACCOUNT>` appended (upper case, other characters as `_`) are tried first.
2. That library's `credentials.yml` (`$XDG_CONFIG_HOME/python-sp-api/credentials.yml`, by default
   `~/.config/python-sp-api/`), whose top-level keys are account names (`default` when none is given), each with
   `lwa_app_id`, `lwa_client_secret`, `refresh_token`.

The secrets live only in the `Credentials` object: its repr hides them, and nothing writes them anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from healthcheck.errors import FetchError

DEFAULT_ACCOUNT = "default"
ENV_NAMES = {"app_id": "LWA_APP_ID", "client_secret": "LWA_CLIENT_SECRET", "refresh_token": "SP_API_REFRESH_TOKEN"}
YAML_KEYS = {"app_id": "lwa_app_id", "client_secret": "lwa_client_secret", "refresh_token": "refresh_token"}


@dataclass(frozen=True)
class Credentials:
    account: str
    source: str  # "environment" or the credentials file's path: said in messages, never a secret
    app_id: str = field(repr=False)
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)
    suffix: str = ""  # of the environment variables they came from: `_SHOP` for account `shop`

    def named(self, *keys: str) -> str:
        """Where the values of `keys` (`app_id`, `client_secret`, `refresh_token`) were read, for a fix to name:
        the variables of this account, or its keys in the credentials file."""
        if self.source == "environment":
            names = " and ".join(f"{ENV_NAMES[key]}{self.suffix}" for key in keys)
            return f"the {names} environment variable{'s' if len(keys) > 1 else ''}"
        names = " and ".join(f"`{YAML_KEYS[key]}`" for key in keys)
        return f"{names} of account {self.account!r} in {self.source}"

    def secrets(self) -> tuple[str, str, str]:
        """Every value that must never reach output, for the tests and for scrubbing error text."""
        return (self.app_id, self.client_secret, self.refresh_token)


def credentials_file(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_CONFIG_HOME", "").strip()
    root = Path(base) if base else Path(env.get("HOME", str(Path.home()))) / ".config"
    return root / "python-sp-api" / "credentials.yml"


def env_suffix(account: str) -> str:
    return re.sub(r"[^A-Z0-9]", "_", account.upper())


def load_credentials(account: str | None, env: Mapping[str, str]) -> Credentials:
    """The account's credentials, or a FetchError saying where to put them."""
    name = account or DEFAULT_ACCOUNT
    if account:
        suffix = env_suffix(account)
        found = _from_env(env, suffix=f"_{suffix}")
        if found:
            return Credentials(name, "environment", *found, suffix=f"_{suffix}")
    else:
        found = _from_env(env, suffix="")
        if found:
            return Credentials(name, "environment", *found)
    path = credentials_file(env)
    section = _yaml_section(path, name)
    if section is not None:
        values = [str(section.get(YAML_KEYS[key]) or "").strip() for key in ENV_NAMES]
        missing = [YAML_KEYS[key] for key, value in zip(ENV_NAMES, values, strict=True) if not value]
        if missing:
            raise FetchError(
                f"{path}: account {name!r} lacks {', '.join(missing)}; fix: add them (from Seller Central > Apps "
                "and Services > Develop Apps) under that account"
            )
        return Credentials(name, str(path), *values)
    names = ", ".join(ENV_NAMES.values())
    if account:
        suffix = env_suffix(account)
        where = f"{', '.join(f'{n}_{suffix}' for n in ENV_NAMES.values())} or an account {name!r} in {path}"
    else:
        where = f"{names} or a `default` account in {path}"
    raise FetchError(f"no SP-API credentials for account {name!r}; fix: set {where}")


def credential_accounts(env: Mapping[str, str]) -> list[str]:
    """The accounts the credentials file names (its top-level keys holding a section), in its order; a
    FetchError saying what to write when there is no file or no account in it."""
    path = credentials_file(env)
    if not path.is_file():
        raise FetchError(
            f"no credentials file at {path}; fix: write it with one section per account (its name, then "
            f"{', '.join(YAML_KEYS.values())} under it)"
        )
    document = _yaml_document(path)
    names = (
        [str(n) for n, section in document.items() if isinstance(section, Mapping)] if _accounts(path, document) else []
    )
    if not names:
        raise FetchError(
            f"{path} names no account; fix: write one section per account (its name, then "
            f"{', '.join(YAML_KEYS.values())} under it)"
        )
    return names


def account_marketplaces(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """The marketplaces an account's section of the credentials file names (`marketplaces: [US, CA]`, or
    `marketplace: DE`), for `run --all`: an agency's clients sell in different ones. Empty where it names none."""
    from healthcheck.errors import ConfigError
    from healthcheck.marketplaces import get_marketplace

    path = credentials_file(env)
    section = _yaml_section(path, name) or {}
    named = section.get("marketplaces", section.get("marketplace"))
    if named is None:
        return ()
    words = named.replace(",", " ").split() if isinstance(named, str) else named
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise FetchError(f"{path}: account {name!r}: `marketplaces` must be a list of codes, e.g. [US, CA]")
    try:
        return tuple(dict.fromkeys(get_marketplace(word).code for word in words))
    except ConfigError as exc:
        raise FetchError(f"{path}: account {name!r}: {exc.detail}") from None


def _from_env(env: Mapping[str, str], *, suffix: str) -> tuple[str, str, str] | None:
    values = [env.get(f"{n}{suffix}", "").strip() for n in ENV_NAMES.values()]
    if not any(values):
        return None
    if not all(values):
        missing = [f"{n}{suffix}" for n, v in zip(ENV_NAMES.values(), values, strict=True) if not v]
        raise FetchError(f"SP-API credentials are incomplete: {', '.join(missing)} not set; fix: set all three")
    return values[0], values[1], values[2]


def _yaml_section(path: Path, name: str) -> Mapping[str, Any] | None:
    document = _yaml_document(path)
    if not _accounts(path, document):
        return None
    section = document.get(name)
    return section if isinstance(section, Mapping) else None


def _accounts(path: Path, document: Any) -> bool:
    """Whether the file's document is a mapping of accounts; a FetchError naming the shape it needs when it is
    something else (a flat list of keys without an account, a bare line of text)."""
    if document is None:  # no file, or an empty one
        return False
    if not isinstance(document, Mapping):
        raise FetchError(
            f"{path} is not a mapping of accounts; fix: write one section per account (e.g. `default:`), with "
            f"{', '.join(YAML_KEYS.values())} under it"
        )
    flat = [key for key in YAML_KEYS.values() if key in document]
    if flat:
        raise FetchError(
            f"{path} has {', '.join(flat)} at the top level, outside any account; fix: put them under an account "
            "name such as `default:`, indented"
        )
    return True


def _yaml_document(path: Path) -> Any:
    if not path.is_file():
        return None
    import yaml

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        # The parser's message can quote the line it failed on, which may hold a secret: name only the place.
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f" near line {line + 1}" if isinstance(line, int) else ""
        raise FetchError(f"{path}: cannot be read as YAML{where}; fix: correct the file") from None
    return document
