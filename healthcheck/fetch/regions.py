"""Where a marketplace's reports are served: its SP-API marketplace id and regional endpoint.

Values from the SP-API documentation pages "Marketplace IDs" and "SP-API Endpoints". Both hosts can be replaced
(env `HEALTHCHECK_SPAPI_ENDPOINT`, `HEALTHCHECK_LWA_TOKEN_URL`) for a proxy, or for the tests' local server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from healthcheck.errors import ConfigError
from healthcheck.marketplaces import get_marketplace

ENDPOINT_ENV = "HEALTHCHECK_SPAPI_ENDPOINT"
TOKEN_URL_ENV = "HEALTHCHECK_LWA_TOKEN_URL"

# Login with Amazon has one token endpoint for every region.
LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"

REGION_ENDPOINTS = {
    "na": "https://sellingpartnerapi-na.amazon.com",
    "eu": "https://sellingpartnerapi-eu.amazon.com",
    "fe": "https://sellingpartnerapi-fe.amazon.com",
}

# code: (marketplace id, region)
MARKETPLACE_IDS: dict[str, tuple[str, str]] = {
    "US": ("ATVPDKIKX0DER", "na"),
    "CA": ("A2EUQ1WTGCTBG2", "na"),
    "MX": ("A1AM78C64UM0Y8", "na"),
    "BR": ("A2Q3Y263D00KWC", "na"),
    "UK": ("A1F83G8C2ARO7P", "eu"),
    "DE": ("A1PA6795UKMFR9", "eu"),
    "FR": ("A13V1IB3VIYZZH", "eu"),
    "IT": ("APJ6JRA9NG5V4", "eu"),
    "ES": ("A1RKKUPIHCS9HS", "eu"),
    "NL": ("A1805IZSGTT6HS", "eu"),
    "SE": ("A2NODRKZP88ZB9", "eu"),
    "PL": ("A1C3SOZRARQ6R3", "eu"),
    "IN": ("A21TJRUUN4KGV", "eu"),
    "AE": ("A2VIGQ35RCS4UG", "eu"),
    "JP": ("A1VC38T7YXB528", "fe"),
    "AU": ("A39IBJ37TRP1C6", "fe"),
}


@dataclass(frozen=True)
class Endpoints:
    """The two hosts a fetch talks to, plus the marketplace it asks about."""

    api: str
    token_url: str
    marketplace_code: str
    marketplace_id: str


def endpoints_for(code: str, env: Mapping[str, str]) -> Endpoints:
    """The marketplace's regional endpoint, unless the environment points elsewhere."""
    market = get_marketplace(code)
    try:
        marketplace_id, region = MARKETPLACE_IDS[market.code]
    except KeyError:
        raise ConfigError(
            "marketplace", f"SP-API has no marketplace id for {market.code}; use one of {', '.join(MARKETPLACE_IDS)}"
        ) from None
    api = env.get(ENDPOINT_ENV, "").strip() or REGION_ENDPOINTS[region]
    token_url = env.get(TOKEN_URL_ENV, "").strip() or LWA_TOKEN_URL
    for name, value in ((ENDPOINT_ENV, api), (TOKEN_URL_ENV, token_url)):
        if not value.startswith(("https://", "http://")):
            raise ConfigError(name, f"{value!r} is not an http(s) URL; write it like https://host or http://host:port")
    return Endpoints(api.rstrip("/"), token_url, market.code, marketplace_id)
