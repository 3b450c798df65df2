"""Marketplaces: the time zone, holiday country and feedback date format each one implies (SPEC 2, 1.3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from healthcheck.errors import ConfigError


@dataclass(frozen=True)
class Marketplace:
    code: str
    timezone: str
    holiday_country: str
    # strptime format of the feedback report's short dates in this marketplace.
    feedback_date_format: str
    # Values of `sales-channel` that belong to this marketplace.
    sales_channels: tuple[str, ...]

    @property
    def date_order(self) -> str:
        """How a spreadsheet in this marketplace writes a short date: the order of its feedback dates."""
        return date_order_of(self.feedback_date_format)


def date_order_of(date_format: str) -> str:
    """`MDY` (month first, the US), `DMY` (day first) or `YMD` (year first: JP's YY/M/D, SE's ISO dates)."""
    if date_format.startswith("%m"):
        return "MDY"
    if date_format.startswith("%d"):
        return "DMY"
    return "YMD"


_US_DATES = "%m/%d/%y"
_DAY_FIRST = "%d/%m/%y"

MARKETPLACES: dict[str, Marketplace] = {
    m.code: m
    for m in (
        Marketplace("US", "America/Los_Angeles", "US", _US_DATES, ("amazon.com",)),
        Marketplace("CA", "America/Los_Angeles", "CA", _DAY_FIRST, ("amazon.ca",)),
        Marketplace("MX", "America/Los_Angeles", "MX", _DAY_FIRST, ("amazon.com.mx",)),
        Marketplace("BR", "America/Sao_Paulo", "BR", _DAY_FIRST, ("amazon.com.br",)),
        Marketplace("UK", "Europe/London", "GB", _DAY_FIRST, ("amazon.co.uk",)),
        Marketplace("DE", "Europe/Berlin", "DE", "%d.%m.%y", ("amazon.de",)),
        Marketplace("FR", "Europe/Paris", "FR", _DAY_FIRST, ("amazon.fr",)),
        Marketplace("IT", "Europe/Rome", "IT", _DAY_FIRST, ("amazon.it",)),
        Marketplace("ES", "Europe/Madrid", "ES", _DAY_FIRST, ("amazon.es",)),
        Marketplace("NL", "Europe/Amsterdam", "NL", _DAY_FIRST, ("amazon.nl",)),
        Marketplace("SE", "Europe/Stockholm", "SE", "%Y-%m-%d", ("amazon.se",)),
        Marketplace("PL", "Europe/Warsaw", "PL", _DAY_FIRST, ("amazon.pl",)),
        Marketplace("JP", "Asia/Tokyo", "JP", "%y/%m/%d", ("amazon.co.jp",)),
        Marketplace("AU", "Australia/Sydney", "AU", _DAY_FIRST, ("amazon.com.au",)),
        Marketplace("IN", "Asia/Kolkata", "IN", _DAY_FIRST, ("amazon.in",)),
        Marketplace("AE", "Asia/Dubai", "AE", _DAY_FIRST, ("amazon.ae",)),
    )
}

DEFAULT_MARKETPLACE = "US"


def chosen_marketplace(option: str | None, configured: str | None) -> Marketplace:
    """The option wins over the config file; US when neither says (SPEC 2). The files may name another one once
    they are read (`context.choose_marketplace`)."""
    return get_marketplace(option or configured or DEFAULT_MARKETPLACE)


def get_marketplace(code: str) -> Marketplace:
    """Look a code up case-insensitively; GB is accepted for UK because sellers write both."""
    key = code.strip().upper()
    if key == "GB":
        key = "UK"
    try:
        return MARKETPLACES[key]
    except KeyError:
        raise ConfigError(
            "marketplace",
            f"unknown marketplace {code!r}; use one of {', '.join(MARKETPLACES)}",
        ) from None


def marketplace_for_sales_channel(channel: str) -> str | None:
    """Map `Amazon.de` to `DE`, for suggesting a marketplace from the files."""
    value = channel.strip().lower()
    for m in MARKETPLACES.values():
        if value in m.sales_channels:
            return m.code
    return None


# Amazon's marketplace ids (the seller performance report's `marketplaceId`), by our code.
MARKETPLACE_IDS: Mapping[str, str] = MappingProxyType(
    {
        "US": "ATVPDKIKX0DER",
        "CA": "A2EUQ1WTGCTBG2",
        "MX": "A1AM78C64UM0Y8",
        "BR": "A2Q3Y263D00KWC",
        "UK": "A1F83G8C2ARO7P",
        "DE": "A1PA6795UKMFR9",
        "FR": "A13V1IB3VIYZZH",
        "IT": "APJ6JRA9NG5V4",
        "ES": "A1RKKUPIHCS9HS",
        "NL": "A1805IZSGTT6HS",
        "SE": "A2NODRKZP88ZB9",
        "PL": "A1C3SOZRARQ6R3",
        "JP": "A1VC38T7YXB528",
        "AU": "A39IBJ37TRP1C6",
        "IN": "A21TJRUUN4KGV",
        "AE": "A2VIGQ35RCS4UG",
    }
)


def marketplace_for_id(marketplace_id: str) -> str | None:
    """Map Amazon's `A1PA6795UKMFR9` to `DE`."""
    value = marketplace_id.strip().upper()
    return next((code for code, known in MARKETPLACE_IDS.items() if known == value), None)
