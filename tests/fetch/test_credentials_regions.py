"""Where a fetch goes and with which credentials: regions from the marketplace, overrides, credential sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from healthcheck.errors import ConfigError, FetchError
from healthcheck.fetch.credentials import credential_accounts, load_credentials
from healthcheck.fetch.regions import endpoints_for

SECRET = "Atzr|never-shown-0123456789"


@pytest.mark.parametrize(
    ("code", "host", "marketplace_id"),
    [
        ("US", "https://sellingpartnerapi-na.amazon.com", "ATVPDKIKX0DER"),
        ("gb", "https://sellingpartnerapi-eu.amazon.com", "A1F83G8C2ARO7P"),
        ("DE", "https://sellingpartnerapi-eu.amazon.com", "A1PA6795UKMFR9"),
        ("JP", "https://sellingpartnerapi-fe.amazon.com", "A1VC38T7YXB528"),
    ],
)
def test_the_region_follows_the_marketplace(code: str, host: str, marketplace_id: str) -> None:
    endpoints = endpoints_for(code, {})
    assert (endpoints.api, endpoints.marketplace_id) == (host, marketplace_id)
    assert endpoints.token_url == "https://api.amazon.com/auth/o2/token"


def test_both_hosts_can_be_replaced_with_plain_http() -> None:
    env = {"HEALTHCHECK_SPAPI_ENDPOINT": "http://127.0.0.1:8123/", "HEALTHCHECK_LWA_TOKEN_URL": "http://127.0.0.1:9/t"}
    endpoints = endpoints_for("DE", env)
    assert (endpoints.api, endpoints.token_url) == ("http://127.0.0.1:8123", "http://127.0.0.1:9/t")
    with pytest.raises(ConfigError, match="HEALTHCHECK_SPAPI_ENDPOINT"):
        endpoints_for("US", {"HEALTHCHECK_SPAPI_ENDPOINT": "127.0.0.1:8123"})


def test_named_account_variables_come_first_and_secrets_stay_out_of_repr() -> None:
    env = {
        "LWA_APP_ID": "app",
        "LWA_CLIENT_SECRET": "secret",
        "SP_API_REFRESH_TOKEN": "token",
        "LWA_APP_ID_EU_SHOP": "eu-app",
        "LWA_CLIENT_SECRET_EU_SHOP": "eu-secret",
        "SP_API_REFRESH_TOKEN_EU_SHOP": SECRET,
    }
    found = load_credentials("eu-shop", env)
    assert (found.account, found.app_id, found.refresh_token) == ("eu-shop", "eu-app", SECRET)
    assert SECRET not in repr(found) and "eu-secret" not in repr(found)
    assert load_credentials(None, env).app_id == "app"


def test_incomplete_or_unreadable_credentials_say_what_to_fix_without_the_secret(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="LWA_CLIENT_SECRET, SP_API_REFRESH_TOKEN not set"):
        load_credentials(None, {"LWA_APP_ID": "app", "XDG_CONFIG_HOME": str(tmp_path)})
    folder = tmp_path / "python-sp-api"
    folder.mkdir()
    (folder / "credentials.yml").write_text(f"default:\n  refresh_token: '{SECRET}\n  lwa_app_id: [\n")
    with pytest.raises(FetchError) as info:
        load_credentials(None, {"XDG_CONFIG_HOME": str(tmp_path)})
    assert "cannot be read as YAML" in str(info.value) and SECRET not in str(info.value)
    (folder / "credentials.yml").write_text(f"default:\n  refresh_token: '{SECRET}'\n")
    with pytest.raises(FetchError, match="lacks lwa_app_id, lwa_client_secret") as info:
        load_credentials(None, {"XDG_CONFIG_HOME": str(tmp_path)})
    assert SECRET not in str(info.value)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (None, "no credentials file at "),
        ("just a line of text\n", "is not a mapping of accounts; fix: write one section per account"),
        (f"lwa_app_id: app\nlwa_client_secret: s\nrefresh_token: '{SECRET}'\n", "at the top level, outside any"),
        ("# nothing yet\n", "names no account; fix: write one section per account"),
    ],
    ids=["no file", "text", "flat keys", "empty"],
)
def test_a_credentials_file_of_the_wrong_shape_says_what_to_write(tmp_path: Path, text: str | None, said: str) -> None:
    """Such files were "no SP-API credentials for account 'default'" for a fetch, and "names no account" for
    `run --all`, even with no file at all."""
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    if text is not None:
        (tmp_path / "python-sp-api").mkdir()
        (tmp_path / "python-sp-api" / "credentials.yml").write_text(text)
    with pytest.raises(FetchError) as every:
        credential_accounts(env)
    assert said in str(every.value) and SECRET not in str(every.value)
    if text is not None and text.strip() and not text.startswith("#"):  # one account asked for, same message
        with pytest.raises(FetchError, match=said.split(";")[0]):
            load_credentials(None, env)
